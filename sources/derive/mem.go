package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(deriveMem) }

// deriveMem applies free(1)'s formulas (procps-ng ≥ 4.0.1): used = MemTotal − MemAvailable,
// buff/cache = Buffers + Cached + SReclaimable. Without MemAvailable (kernels before 3.14), when
// it reads 0, or when it exceeds MemTotal (LXCFS), available falls back to MemFree, as procps
// does; a used that would be negative falls back to MemTotal − MemFree, then to 0.
func deriveMem(_, cur *sources.Snapshot, f *Frame) {
	m := cur.Mem
	if m == nil {
		return
	}
	avail := m.MemAvailable
	if !m.HasAvailable || avail == 0 || avail > m.MemTotal {
		avail = m.MemFree
	}
	used := uint64(0)
	switch {
	case m.MemTotal >= avail:
		used = m.MemTotal - avail
	case m.MemTotal >= m.MemFree:
		used = m.MemTotal - m.MemFree
	}
	swapUsed := uint64(0)
	if m.SwapTotal > m.SwapFree {
		swapUsed = m.SwapTotal - m.SwapFree
	}
	f.Mem = &Mem{
		TotalKB: m.MemTotal, UsedKB: used, FreeKB: m.MemFree, SharedKB: m.Shmem,
		BuffCacheKB: m.Buffers + m.Cached + m.SReclaimable, AvailableKB: avail,
		SwapTotalKB: m.SwapTotal, SwapUsedKB: swapUsed, SwapFreeKB: m.SwapFree,
		DirtyKB: m.Dirty, WritebackKB: m.Writeback,
	}
}
