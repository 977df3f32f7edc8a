package theme

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/ktop-dev/ktop/views"
)

// TestInksMatchStyles: every style of the theme has its Ink of the same name, and the Ink
// paints exactly what the style renders, in every profile and both variants, so a panel can
// use either.
func TestInksMatchStyles(t *testing.T) {
	t.Parallel()
	styleT, inkT := reflect.TypeFor[lipgloss.Style](), reflect.TypeFor[views.Ink]()
	texts := []string{"x", " 12.5%", "a b", "█████░░░", "—", "", "a\tb"}
	for _, v := range []Variant{Dark, Light} {
		for _, p := range profiles {
			th := NewVariant(renderer(p), v)
			tv, iv := reflect.ValueOf(th).Elem(), reflect.ValueOf(th.Ink)
			n := 0
			for i := range tv.NumField() {
				f := tv.Type().Field(i)
				sv := tv.Field(i)
				var styles []lipgloss.Style
				switch {
				case f.Type == styleT:
					styles = []lipgloss.Style{sv.Interface().(lipgloss.Style)}
				case f.Type.Kind() == reflect.Array && f.Type.Elem() == styleT:
					for j := range sv.Len() {
						styles = append(styles, sv.Index(j).Interface().(lipgloss.Style))
					}
				default:
					continue
				}
				ik := iv.FieldByName(f.Name)
				if !ik.IsValid() || (ik.Type() != inkT && (ik.Kind() != reflect.Array || ik.Len() != len(styles))) {
					t.Errorf("style %s has no Ink of its own", f.Name)
					continue
				}
				for j, st := range styles {
					k := ik
					if ik.Kind() == reflect.Array {
						k = ik.Index(j)
					}
					ink := k.Interface().(views.Ink)
					for _, s := range texts {
						n++
						if want, have := st.Render(s), ink.Paint(s); want != have {
							t.Errorf("%v %v %s[%d]: Paint(%q) = %q, Render %q", v, p, f.Name, j, s, have, want)
						}
					}
				}
			}
			if n == 0 {
				t.Fatal("no styles found")
			}
		}
	}
}
