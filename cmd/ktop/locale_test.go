package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/app"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/collect/collecttest"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

func TestUTF8Locale(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		all, ctype, lang string
		want             bool
	}{
		{"", "", "", false}, // nothing set: the C locale
		{"", "", "C", false},
		{"", "", "POSIX", false},
		{"", "", "en_US.UTF-8", true},
		{"", "", "C.UTF-8", true},
		{"", "", "en_US.utf8", true},
		{"", "", "de_DE.UTF-8@euro", true},
		{"", "", "en_US", false}, // glibc's default codeset for en_US is ISO-8859-1
		{"", "", "en_US.ISO-8859-1", false},
		{"", "", "ja_JP.eucJP", false},
		{"", "UTF-8", "", true}, // macOS sets LC_CTYPE to the codeset alone
		{"", "C", "en_US.UTF-8", false},
		{"", "en_US.UTF-8", "C", true},
		{"C", "en_US.UTF-8", "en_US.UTF-8", false},
		{"POSIX", "", "en_US.UTF-8", false},
		{"en_GB.UTF-8", "C", "C", true},
	} {
		env := map[string]string{"LC_ALL": tc.all, "LC_CTYPE": tc.ctype, "LANG": tc.lang}
		if have := utf8Locale(func(k string) string { return env[k] }); have != tc.want {
			t.Errorf("LC_ALL=%q LC_CTYPE=%q LANG=%q: UTF-8 %v, want %v", tc.all, tc.ctype, tc.lang, have, tc.want)
		}
	}
}

// switchRoot is a fixture root whose proc, sys and dev are reached through a link that can be
// pointed at another snapshot between samples, so that one engine samples a real machine twice.
type switchRoot struct {
	tb   testing.TB
	link string
}

func newSwitchRoot(tb testing.TB) *switchRoot {
	return &switchRoot{tb: tb, link: filepath.Join(tb.TempDir(), "root")}
}

func (r *switchRoot) fs() collect.FS {
	return collect.FS{Proc: filepath.Join(r.link, "proc"), Sys: filepath.Join(r.link, "sys"), Dev: filepath.Join(r.link, "dev")}
}

func (r *switchRoot) point(dir string) {
	r.tb.Helper()
	if err := os.Remove(r.link); err != nil && !os.IsNotExist(err) {
		r.tb.Fatal(err)
	}
	if err := os.Symlink(dir, r.link); err != nil {
		r.tb.Fatal(err)
	}
}

// ascii16 and ascii2 sample the real 16-CPU capture (snapshots a and b) and six seconds of the
// real 2-CPU machine (app/testdata/proc-2cpu) with the real collectors.
func ascii16(t *testing.T) *engine.Engine {
	a, b := collecttest.Root16(t, "a"), collecttest.Root16(t, "b")
	r := newSwitchRoot(t)
	e := engine.New(engine.Options{FS: r.fs(), Interval: time.Second, History: time.Hour})
	t.Cleanup(func() { e.Close() })
	for _, fs := range []collect.FS{a, b} {
		r.point(filepath.Dir(fs.Proc))
		e.Sample()
	}
	return e
}

func ascii2(t *testing.T) *engine.Engine {
	dir, err := filepath.Abs("../../app/testdata/proc-2cpu")
	if err != nil {
		t.Fatal(err)
	}
	// The 2-CPU capture keeps sys beside the numbered proc trees: give each its own root.
	r := newSwitchRoot(t)
	e := engine.New(engine.Options{FS: r.fs(), Interval: time.Second, History: time.Hour})
	t.Cleanup(func() { e.Close() })
	for i := range 6 {
		root := t.TempDir()
		for name, target := range map[string]string{
			"proc": filepath.Join(dir, fmt.Sprintf("%02d", i), "proc"),
			"sys":  filepath.Join(dir, "sys"),
		} {
			if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
				t.Fatal(err)
			}
		}
		r.point(root)
		e.Sample()
	}
	return e
}

// TestASCIIScreens drives the whole dashboard, every panel and overlay, live and paused, with
// the colour theme (whose bars are █ and ░) under the C locale, at sizes from the smallest to
// beyond 200×50: no byte of any frame may be outside ASCII, every glyph ktop drew must have
// had a designed stand-in rather than '?', and every frame must still be exactly the terminal's
// size.
func TestASCIIScreens(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	th := theme.New(r)
	cLocale := func(k string) string { return map[string]string{"LANG": "C"}[k] }
	keys := []tea.KeyMsg{
		{Type: tea.KeyRunes, Runes: []rune("1")},
		{Type: tea.KeyRunes, Runes: []rune("?")},
		{Type: tea.KeyEsc},
	}
	for _, d := range "2345678901" {
		keys = append(keys,
			tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{d}},
			tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("D")}, // definitions: Δ, ×, ≥ …
			tea.KeyMsg{Type: tea.KeyEsc},
			tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}, // paused: the cursor's rule and tick
			tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}, // live again
		)
	}
	for name, newEngine := range map[string]func(*testing.T) *engine.Engine{"16cpu": ascii16, "2cpu": ascii2} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t)
			hist := e.History()
			last := hist.Latest()
			if hist.Len() < 2 || last == nil || last.Frame == nil || len(last.Frame.CPU) == 0 || !last.Frame.CPU[0].Idle.OK {
				t.Fatalf("%d samples, the last without CPU rates", hist.Len())
			}
			for _, sz := range [][2]int{{app.MinWidth, app.MinHeight}, {80, 24}, {120, 40}, {200, 50}, {250, 60}} {
				w, h := sz[0], sz[1]
				m := forLocale(app.New(app.Options{Theme: th, History: hist, Interval: time.Second}), cLocale)
				m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				m, _ = m.Update(app.SampleMsg{Sample: last})
				for i, k := range append([]tea.KeyMsg{{}}, keys...) {
					if i > 0 {
						m, _ = m.Update(k)
					}
					v := m.View()
					where := fmt.Sprintf("%d×%d after %q", w, h, k.String())
					if i := strings.IndexFunc(v, func(r rune) bool { return r >= 0x80 }); i >= 0 {
						t.Fatalf("%s: non-ASCII %q in\n%s", where, v[i:i+min(len(v)-i, 8)], ansi.Strip(v))
					}
					if u := views.Unmapped(unwrapLocale(m).View()); len(u) > 0 {
						t.Errorf("%s: no ASCII stand-in for %q", where, u)
					}
					lines := strings.Split(v, "\n")
					if len(lines) != h {
						t.Errorf("%s: %d lines", where, len(lines))
					}
					for n, l := range lines {
						if ansi.StringWidth(l) != w {
							t.Errorf("%s: line %d is %d wide: %q", where, n, ansi.StringWidth(l), ansi.Strip(l))
							break
						}
					}
				}
			}
		})
	}
}

// TestForLocale: a UTF-8 locale gets the dashboard as it is.
func TestForLocale(t *testing.T) {
	t.Parallel()
	m := app.New(app.Options{Theme: theme.New(lipgloss.NewRenderer(io.Discard))})
	if _, ok := forLocale(m, func(string) string { return "en_US.UTF-8" }).(app.Model); !ok {
		t.Error("a UTF-8 locale wrapped the dashboard")
	}
	if a, ok := forLocale(m, func(string) string { return "" }).(*asciiModel); !ok || unwrapLocale(a) == nil {
		t.Error("the C locale did not wrap the dashboard")
	}
}

// TestBatchLocale runs ktop -b over a real root without PSI, whose reason says "kernel ≥ 4.20":
// under a UTF-8 locale the text report says it as it is; under LANG=C or Latin-1 it is
// ASCII, as the dashboard's frames are. JSON is the same UTF-8 under every locale.
func TestBatchLocale(t *testing.T) {
	t.Parallel()
	root := fixtureRoot("host-2cpu", "a")
	args := []string{"-b", "-n", "1", "-d", "10ms", "--proc", filepath.Join(root, "proc"), "--sys", filepath.Join(root, "sys"), "--dev", t.TempDir()}
	for _, tc := range []struct {
		env   []string
		json  bool
		ascii bool
		want  string
	}{
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG=C.UTF-8"}, false, false, "(kernel ≥ 4.20, CONFIG_PSI)"},
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG=C"}, false, true, "(kernel > 4.20, CONFIG_PSI)"},
		{[]string{"LC_ALL=de_DE.ISO-8859-1", "LANG=C.UTF-8"}, false, true, "(kernel > 4.20, CONFIG_PSI)"},
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG=C"}, true, false, `(kernel ≥ 4.20, CONFIG_PSI)"`},
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG=C.UTF-8"}, true, false, `(kernel ≥ 4.20, CONFIG_PSI)"`},
	} {
		a := args
		if tc.json {
			a = append(a, "--json")
		}
		p := startKtopEnv(t, tc.env, 0, a...)
		if code := p.wait(t); code != 0 {
			t.Fatalf("%v json %v: exit %d; stderr %q", tc.env, tc.json, code, p.stderr.String())
		}
		out := p.stdout.String()
		if !strings.Contains(out, tc.want) {
			t.Errorf("%v json %v: output lacks %q:\n%s", tc.env, tc.json, tc.want, out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return r > unicode.MaxASCII }); tc.ascii && i >= 0 {
			t.Errorf("%v: text report not ASCII at %q", tc.env, out[i:min(i+20, len(out))])
		}
	}
}
