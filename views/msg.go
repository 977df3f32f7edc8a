package views

import (
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// FrameMsg carries the history window that ends at the cursor to every view, oldest first. The
// last frame is the one panels show, whole; charts draw the whole window. The frames before it
// are light: no process table (but the processes a ProcFollower names) and no per-CPU rates
// of each interrupt and softirq, only their totals; zoomed out, each covers several samples
// (its rates their mean). Frames are shared with History and must not be modified. A panel
// that hands frames on to a chart hands on the whole message, so that the chart gets the span
// and the cursor too.
type FrameMsg struct {
	Frames []*derive.Frame
	// Span is how much time the charts show, ending at the last frame (the zoom). Zero means
	// each chart's own: two samples per plot column.
	Span time.Duration
	// Paused is true while the cursor is not live (paused or replaying): charts mark it.
	Paused bool
	// Hidden is true for a panel that is not on screen: it keeps the window (its Tile may be
	// asked for) but puts off drawing its own view, charts included (most of the work, and of
	// the memory churned, of a tick), until a window comes while it is shown. The root sends
	// one as a panel is switched to.
	Hidden bool
}

// Current is the frame at the cursor, or nil when the window is empty.
func (m FrameMsg) Current() *derive.Frame {
	if len(m.Frames) == 0 {
		return nil
	}
	return m.Frames[len(m.Frames)-1]
}

// TimeLocator is a panel that can say which time a point of its view shows (a chart's
// column). The root asks the focused panel where the mouse was clicked, and moves the cursor
// there; x and y are relative to the panel's top-left cell.
type TimeLocator interface {
	TimeAt(x, y int) (time.Time, bool)
}

// ProcFollower is a panel that charts some processes' history: the window's frames keep
// those processes' rows. The root asks the focused panel before each window.
type ProcFollower interface {
	FollowedProcs() []sources.ProcID
}
