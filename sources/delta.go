package sources

// Counter widths as the kernel prints them (metrics-spec §6).
const (
	W32 = 32
	W64 = 64
)

// Delta returns cur−prev for a cumulative counter of the given width. A 32-bit counter that
// went backwards from above 2^31 wrapped; any other backwards step is a reset (device
// re-registered, CPU back online, PID reused) and yields ok=false: the interval has no value.
func Delta(prev, cur uint64, width int) (d uint64, ok bool) {
	if cur >= prev {
		return cur - prev, true
	}
	if width == W32 && prev > 1<<31 && prev < 1<<32 && cur < 1<<32 {
		return cur + 1<<32 - prev, true
	}
	return 0, false
}
