package procs

import (
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/views/tschart"
)

// TimeAt is the time under a click on the detail view's charts, side by side at its bottom
// (views.TimeLocator); the list has no chart.
func (m *Model) TimeAt(x, y int) (time.Time, bool) {
	d := m.detail
	if d == nil || d.chartH == 0 {
		return time.Time{}, false
	}
	top := d.height - d.chartH
	return tschart.TimeIn(x, y, tschart.Placed{Chart: &d.cpu, Y: top}, tschart.Placed{Chart: &d.rss, X: d.width/2 + 1, Y: top})
}

// FollowedProcs is the process the detail view charts, whose rows the window's frames must
// keep (views.ProcFollower).
func (m *Model) FollowedProcs() []sources.ProcID {
	if m.detail == nil {
		return nil
	}
	return []sources.ProcID{m.detail.id}
}
