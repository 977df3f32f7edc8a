package derive

import (
	"strconv"

	"github.com/ktop-dev/ktop/sources"
)

// section fills one part of a Frame from two snapshots. prev is nil for the first sample.
type section func(prev, cur *sources.Snapshot, f *Frame)

// sections run in registration order; each file adds its own in init, so a new source is one
// new file and no shared switch.
var sections []section

func register(s section) { sections = append(sections, s) }

// Derive computes the Frame of cur against prev. prev may be nil (first sample): the Frame then
// has instantaneous values and missing rates.
func Derive(prev, cur *sources.Snapshot) *Frame {
	f := &Frame{Seq: cur.Seq, Time: cur.Time, Status: cur.Status}
	if prev != nil {
		if dt := cur.Time.Sub(prev.Time).Seconds(); dt > 0 {
			f.Interval = Some(dt)
		}
	}
	for _, s := range sections {
		s(prev, cur, f)
	}
	return f
}

func itoa(i int) string { return strconv.Itoa(i) }
