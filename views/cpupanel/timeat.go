package cpupanel

import (
	"time"

	"github.com/ktop-dev/ktop/views/tschart"
)

// TimeAt is the time under a click on the chart, below the CPU rows (views.TimeLocator).
func (m *Model) TimeAt(x, y int) (time.Time, bool) {
	if m.rowsH >= m.height {
		return time.Time{}, false // the rows took the whole panel
	}
	return tschart.TimeIn(x, y, tschart.Placed{Chart: &m.chart, Y: m.rowsH})
}
