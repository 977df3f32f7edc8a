package irqpanel

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// BenchmarkFrame1024 is the cost of one new frame on a 1024-CPU machine at 200×46 with
// colour: what every sample costs whether the panel is shown or not.
func BenchmarkFrame1024(b *testing.B) {
	fr := fixture16(b)
	frames := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI256)
	m := New(theme.New(r), 1e9)
	m.SetSize(200, 46)
	b.ResetTimer()
	for range b.N {
		m.Update(views.FrameMsg{Frames: frames})
	}
}
