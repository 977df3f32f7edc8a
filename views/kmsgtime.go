package views

import (
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// KmsgTime is the wall-clock time of a kernel log record that arrived in frame f, as dmesg -T
// computes it: the frame's time minus how long before it the record was logged (uptime − the
// record's timestamp since boot). It is false when the frame has no uptime. The kernel log
// clock stops during suspend while uptime does not, so after a suspend the result is early by
// the time spent suspended, as dmesg -T's is.
func KmsgTime(f *derive.Frame, r sources.KmsgRecord) (time.Time, bool) {
	if f == nil || !f.UptimeS.OK {
		return time.Time{}, false
	}
	ago := time.Duration((f.UptimeS.V - float64(r.TsUsec)/1e6) * float64(time.Second))
	// uptime is read a moment after the record may have been logged: never place it after the
	// sample that delivered it.
	return f.Time.Add(-max(ago, 0)), true
}
