package cpupanel

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/cpu"
	"github.com/ktop-dev/ktop/views/theme"
)

// BenchmarkFrame1024 is the cost of one new frame on a 1024-CPU machine at 200×46 with
// colour, as a heat grid and as history strips over a full window.
func BenchmarkFrame1024(b *testing.B) {
	fr := fixture.Frames16(b)
	var frames []*derive.Frame
	for range 200 {
		frames = append(frames, wide(fr[1], 1024))
	}
	for _, keys := range []string{"", "v"} {
		b.Run("keys="+keys, func(b *testing.B) {
			r := lipgloss.NewRenderer(nil)
			r.SetColorProfile(termenv.ANSI256)
			m := New(theme.New(r), 1e9)
			m.SetSize(200, 46)
			m.Update(views.FrameMsg{Frames: frames}) // the view key is enabled once CPUs are known
			for _, k := range keys {
				m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{k}})
			}
			if want := keys == "v"; (m.rows.Mode() == cpu.History) != want {
				b.Fatalf("history mode %v, want %v", !want, want)
			}
			b.ResetTimer()
			for range b.N {
				m.Update(views.FrameMsg{Frames: frames})
			}
		})
	}
}
