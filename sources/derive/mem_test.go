package derive

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestMemFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tree []string
		want Mem
	}{
		// used = MemTotal − MemAvailable = 24683620 − 24351176 = 332444;
		// buff/cache = Buffers + Cached + SReclaimable = 15888 + 94192 + 95980 = 206060.
		{[]string{"host-2cpu", "a"}, Mem{
			TotalKB: 24683620, UsedKB: 332444, FreeKB: 24376164, SharedKB: 8884, BuffCacheKB: 206060,
			AvailableKB: 24351176, DirtyKB: 36840,
		}},
		// used = 131981020 − 131487144 = 493876; buff/cache = 12752 + 946560 + 11508 = 970820.
		{[]string{"16cpu", "a"}, Mem{
			TotalKB: 131981020, UsedKB: 493876, FreeKB: 130736068, SharedKB: 7368, BuffCacheKB: 970820,
			AvailableKB: 131487144, DirtyKB: 1804,
		}},
		// Linux 3.2, no MemAvailable: available = MemFree = 5740368, used = 8133452 − 5740368
		// = 2393084; buff/cache = 455696 + 1379468 + 219532 = 2054696; swap untouched.
		{[]string{"old-kernel", "linux-3.2"}, Mem{
			TotalKB: 8133452, UsedKB: 2393084, FreeKB: 5740368, SharedKB: 1188, BuffCacheKB: 2054696,
			AvailableKB: 5740368, SwapTotalKB: 16385272, SwapFreeKB: 16385272, DirtyKB: 340,
		}},
	} {
		f := Derive(nil, fixtureSnap(t, t0, tc.tree...))
		if f.Mem == nil || *f.Mem != tc.want {
			t.Errorf("%v:\nwant %+v\nhave %+v", tc.tree, tc.want, f.Mem)
		}
	}
}

// TestMemFallbacks covers procps' fallbacks with synthetic meminfo values.
func TestMemFallbacks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		in                sources.MemInfo
		wantUsed, wantAvl uint64
		wantSwapUsed      uint64
	}{
		{"available present", sources.MemInfo{MemTotal: 1000, MemFree: 100, MemAvailable: 600, HasAvailable: true}, 400, 600, 0},
		{"no MemAvailable (before 3.14)", sources.MemInfo{MemTotal: 1000, MemFree: 100}, 900, 100, 0},
		{"MemAvailable 0", sources.MemInfo{MemTotal: 1000, MemFree: 100, HasAvailable: true}, 900, 100, 0},
		{"MemAvailable above MemTotal (LXCFS)", sources.MemInfo{MemTotal: 1000, MemFree: 300, MemAvailable: 5000, HasAvailable: true}, 700, 300, 0},
		{"everything above MemTotal", sources.MemInfo{MemTotal: 1000, MemFree: 2000, MemAvailable: 5000, HasAvailable: true}, 0, 2000, 0},
		{"swap in use", sources.MemInfo{MemTotal: 1000, MemFree: 100, MemAvailable: 600, HasAvailable: true, SwapTotal: 500, SwapFree: 200}, 400, 600, 300},
		{"SwapFree above SwapTotal", sources.MemInfo{MemTotal: 1000, MemFree: 100, MemAvailable: 600, HasAvailable: true, SwapTotal: 500, SwapFree: 900}, 400, 600, 0},
	} {
		m := tc.in
		f := Derive(nil, &sources.Snapshot{Time: t0, Mem: &m})
		if f.Mem.UsedKB != tc.wantUsed || f.Mem.AvailableKB != tc.wantAvl || f.Mem.SwapUsedKB != tc.wantSwapUsed {
			t.Errorf("%s: want used %d avail %d swap used %d, have %d %d %d", tc.name,
				tc.wantUsed, tc.wantAvl, tc.wantSwapUsed, f.Mem.UsedKB, f.Mem.AvailableKB, f.Mem.SwapUsedKB)
		}
	}
}

func TestMemMissing(t *testing.T) {
	t.Parallel()
	f := Derive(nil, &sources.Snapshot{Time: t0})
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if f.Mem != nil || !strings.Contains(string(b), `"mem":null`) {
		t.Errorf("no meminfo: want mem null, have %+v", f.Mem)
	}
}
