package main

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// heapHeadroom is the least the heap may grow between two collections. GOGC 50 (gcPercent)
// lets it grow by half the live heap, which at ~70 processes (3-4 MiB live since session 5)
// means a collection every 4-5 s; with this floor the collector gets at least 4 MiB, and a
// large heap (an hour of 500 processes, 25 MiB live) keeps GOGC 50 and issue 8's RSS bound.
// The floor trades memory for collections, and new memory costs too: every 4 KiB page of
// heap growth is a page fault (17 µs of CPU on the VM ktop is measured on, BenchmarkPageFault). 8 MiB, the
// floor of session 4, made the heap grow to 12-16 MiB in the first 40 s, about 3000 faults,
// and with the UI's garbage cut by two thirds it no longer paid for itself: side by side,
// floors of 8 and 4 MiB and none (GOGC 50) cost the same within the noise once settled
// (0.53, 0.55, 0.57 % of a core), while in the first 35 s 8 MiB cost the most (docs/perf.md).
// 4 MiB keeps half of GOGC 50's collections away for half of 8 MiB's growth.
const heapHeadroom = 4 << 20

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
