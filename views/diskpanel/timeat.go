package diskpanel

import "time"

// TimeAt is the time under a click on either chart (views.TimeLocator).
func (m *Model) TimeAt(x, y int) (time.Time, bool) {
	return m.charts.TimeAt(x, y, m.height, &m.util, &m.await)
}
