package views

import "github.com/ktop-dev/ktop/sources/derive"

// FrameMsg carries the history window that ends at the cursor to every view, oldest first. The
// last frame is the one panels show; charts draw the whole window. Frames are shared with
// History and must not be modified.
type FrameMsg struct {
	Frames []*derive.Frame
}

// Current is the frame at the cursor, or nil when the window is empty.
func (m FrameMsg) Current() *derive.Frame {
	if len(m.Frames) == 0 {
		return nil
	}
	return m.Frames[len(m.Frames)-1]
}
