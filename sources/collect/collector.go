package collect

import (
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// Collector fills its part of a Snapshot from one kernel source. It may keep buffers (and, for
// streams such as /dev/kmsg, a reader) between calls, but never derived values: rates are
// package derive's job.
type Collector interface {
	// Name is the source name (sources.Src*), the key of Snapshot.Status.
	Name() string
	// Collect reads the source into s. A returned error becomes s.Status[Name()] through
	// sources.StatusOf; the collector leaves its field of s nil on error.
	Collect(s *sources.Snapshot) error
}

// Set runs a list of collectors in order.
type Set struct {
	list []Collector
}

// Factory builds a collector over a root.
type Factory func(fs FS) Collector

// registry lists every collector in the order a sampling pass runs them. Files add themselves
// with register in init, node_exporter style, so that a new source is one new file.
var registry []Factory

func register(f Factory) { registry = append(registry, f) }

// NewSet builds every registered collector over fs, and wires the procs collector's walk to
// the scheduler fallback (see taskFeed), so that one pass reads each thread's files once.
func NewSet(fs FS) *Set {
	list := Collectors(fs)
	connect(list)
	return &Set{list: list}
}

// noter is a collector whose successful read may carry a remark for the user, such as which
// fallback produced the data; it becomes the Reason of an OK Status.
type noter interface{ Note() string }

// Collectors builds every registered collector over fs, in pass order (benchmarks measure
// them one by one). They are not wired to each other: the scheduler fallback walks /proc
// itself.
func Collectors(fs FS) []Collector {
	out := make([]Collector, 0, len(registry))
	for _, f := range registry {
		out = append(out, f(fs))
	}
	return out
}

// Collect runs every collector into snap, recording each Status.
func (s *Set) Collect(snap *sources.Snapshot) {
	if snap.Status == nil { // sized once: SetStatus would grow it from empty, pass after pass
		snap.Status = make(map[string]sources.Status, len(s.list))
	}
	for _, c := range s.list {
		st := sources.StatusOf(c.Collect(snap))
		if n, ok := c.(noter); ok && st.State == sources.OK {
			st.Reason = n.Note()
		}
		snap.SetStatus(c.Name(), st)
	}
}

// Close releases collectors that hold resources (the kmsg reader).
func (s *Set) Close() {
	for _, c := range s.list {
		if cl, ok := c.(interface{ Close() }); ok {
			cl.Close()
		}
	}
}

// now is the clock collectors stamp their reads with; one place so it is easy to find.
func now() time.Time { return time.Now() }
