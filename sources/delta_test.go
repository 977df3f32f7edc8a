package sources

import "testing"

func TestDelta(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		prev, cur uint64
		width     int
		want      uint64
		wantOK    bool
	}{
		{"forward 64", 100, 250, W64, 150, true},
		{"unchanged", 7, 7, W32, 0, true},
		{"32-bit wrap", 1<<32 - 10, 5, W32, 15, true},
		{"32-bit wrap from the top", 1<<32 - 1, 0, W32, 1, true},
		// Going backwards from below 2^31 is not a plausible wrap: a reset.
		{"32-bit reset", 1000, 10, W32, 0, false},
		{"32-bit reset at 2^31", 1 << 31, 10, W32, 0, false},
		// prev above 2^32 cannot come from a 32-bit counter.
		{"32-bit prev out of range", 1 << 33, 10, W32, 0, false},
		{"64-bit backwards is a reset", 1<<32 - 10, 5, W64, 0, false},
		{"64-bit near the top", 1<<64 - 1, 0, W64, 0, false},
	} {
		have, ok := Delta(tc.prev, tc.cur, tc.width)
		if have != tc.want || ok != tc.wantOK {
			t.Errorf("%s: Delta(%d, %d, %d) = %d, %v; want %d, %v", tc.name, tc.prev, tc.cur, tc.width, have, ok, tc.want, tc.wantOK)
		}
	}
}
