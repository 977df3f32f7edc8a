package runqpanel

import (
	"strings"
	"time"

	"github.com/ktop-dev/ktop/views/tschart"
)

// TimeAt is the time under a click on the chart, the panel's last lines when it has room
// (views.TimeLocator).
func (m *Model) TimeAt(x, y int) (time.Time, bool) {
	if !strings.HasSuffix(m.view, m.chart.View()) {
		return time.Time{}, false // no room for the chart: the view ends with something else
	}
	return tschart.TimeIn(x, y, tschart.Placed{Chart: &m.chart, Y: m.height - m.chart.Height()})
}
