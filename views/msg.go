package views

import (
	"time"

	"github.com/ktop-dev/ktop/sources/derive"
)

// FrameMsg carries the history window that ends at the cursor to every view, oldest first. The
// last frame is the one panels show; charts draw the whole window. Frames are shared with
// History and must not be modified. A panel that hands frames on to a chart hands on the whole
// message, so that the chart gets the span and the cursor too.
type FrameMsg struct {
	Frames []*derive.Frame
	// Span is how much time the charts show, ending at the last frame (the zoom). Zero means
	// each chart's own: two samples per plot column.
	Span time.Duration
	// Paused is true while the cursor is not live (paused or replaying): charts mark it.
	Paused bool
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
