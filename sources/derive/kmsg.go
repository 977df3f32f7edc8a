package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(deriveKmsg) }

// deriveKmsg passes the kernel log records of the interval through: they are events, not
// counters, so there is nothing to compute; the view keeps its own tail.
func deriveKmsg(_, cur *sources.Snapshot, f *Frame) {
	k := cur.Kmsg
	if k == nil {
		return
	}
	recs := k.Records
	if recs == nil {
		recs = []sources.KmsgRecord{} // JSON "records": [] for a quiet interval, not null
	}
	f.Kmsg = &Kmsg{Records: recs, Lost: k.Lost}
}
