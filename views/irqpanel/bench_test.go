package irqpanel

import (
	"testing"

	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources/derive"
)

// BenchmarkFrame1024 is the cost of one new frame on a 1024-CPU machine at 200×46 with
// colour: what every sample costs whether the panel is shown or not.
func BenchmarkFrame1024(b *testing.B) {
	fr := fixture.Frames16(b)
	m := New(fixture.Theme(termenv.ANSI256), 1e9)
	m.SetSize(200, 46)
	fixture.BenchUpdate(b, m, []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)})
}
