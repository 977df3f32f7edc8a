package diskpanel

import (
	"time"

	"github.com/ktop-dev/ktop/views/tschart"
)

// TimeAt is the time under a click on either chart (views.TimeLocator). The charts fill the
// bottom of the view as render lays them out: one, stacked, or side by side.
func (m *Model) TimeAt(x, y int) (time.Time, bool) {
	h0, h1 := m.chartH[0], m.chartH[1]
	switch {
	case h0 == 0:
		return time.Time{}, false
	case h1 == 0:
		return tschart.TimeIn(x, y, tschart.Placed{Chart: &m.util, Y: m.height - h0})
	case m.chartW[0] == m.width:
		return tschart.TimeIn(x, y, tschart.Placed{Chart: &m.util, Y: m.height - h0 - h1}, tschart.Placed{Chart: &m.await, Y: m.height - h1})
	}
	return tschart.TimeIn(x, y, tschart.Placed{Chart: &m.util, Y: m.height - h0},
		tschart.Placed{Chart: &m.await, X: m.chartW[0] + chartGap, Y: m.height - h0})
}
