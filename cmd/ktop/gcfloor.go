package main

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// heapHeadroom is the least the heap may grow between two collections. GOGC 50 (gcPercent)
// lets it grow by half the live heap, which at ~70 processes (6-8 MiB live) meant a
// collection every 1.5-4 s, 42 a minute, each a few milliseconds of marking: with this floor
// the collector gets at least 8 MiB, so a small heap is collected a third as often, while a
// large one (an hour of 500 processes, 25 MiB live) keeps GOGC 50 and issue 8's RSS bound.
// Two dashboards side by side for 120 s spent 8 % less CPU at GOGC 100 than at 50
// (docs/perf.md).
const heapHeadroom = 8 << 20

// gcPercentFor is the GOGC that gives a live heap of live bytes at least heapHeadroom of
// growth, never below gcPercent, nor above 400 (a heap that small is at start-up).
func gcPercentFor(live uint64) int {
	p := gcPercent
	if live > 0 {
		p = max(p, min(int(heapHeadroom*100/live), 400))
	}
	return p
}

// floorEvery is how often the live heap is looked at: it moves with the history's fill and
// the host's process count, over minutes.
const floorEvery = 10 * time.Second

// keepHeapFloor sets GOGC from the live heap now and every floorEvery after, for as long as
// the process runs; the caller has checked that GOGC is not set by the user.
func keepHeapFloor() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	last := gcPercent
	var adjust func()
	adjust = func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			// SetGCPercent takes the heap lock, not the world; only a change of a tenth or
			// more (or back to gcPercent) is set.
			if p := gcPercentFor(sample[0].Value.Uint64()); p != last && (p == gcPercent || 10*abs(p-last) >= last) {
				debug.SetGCPercent(p)
				last = p
			}
		}
		time.AfterFunc(floorEvery, adjust)
	}
	adjust()
}

func abs(x int) int { return max(x, -x) }
