package collect

import (
	"slices"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

var meminfoFixtures = [][]string{{"16cpu", "a"}, {"16cpu", "b"}, {"host-2cpu", "a"}, {"host-2cpu", "b"}, {"old-kernel", "linux-3.2"}}

func TestParseMeminfo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tree []string
		want sources.MemInfo
	}{
		{[]string{"16cpu", "a"}, sources.MemInfo{
			MemTotal: 131981020, MemFree: 130736068, MemAvailable: 131487144, Buffers: 12752, Cached: 946560,
			SReclaimable: 11508, Shmem: 7368, Dirty: 1804, AnonPages: 3464, Mapped: 9612, Slab: 48952,
			SUnreclaim: 37444, KernelStack: 3792, PageTables: 3064, Hugepagesize: 2048, HasAvailable: true,
		}},
		{[]string{"host-2cpu", "a"}, sources.MemInfo{
			MemTotal: 24683620, MemFree: 24376164, MemAvailable: 24351176, Buffers: 15888, Cached: 94192,
			SReclaimable: 95980, Shmem: 8884, Dirty: 36840, AnonPages: 17476, Mapped: 11256, Slab: 120724,
			SUnreclaim: 24744, KernelStack: 1564, PageTables: 2116, Hugepagesize: 2048, HasAvailable: true,
		}},
		// Linux 3.2 has no MemAvailable: HasAvailable must say so, so that free's fallback applies.
		{[]string{"old-kernel", "linux-3.2"}, sources.MemInfo{
			MemTotal: 8133452, MemFree: 5740368, Buffers: 455696, Cached: 1379468, SReclaimable: 219532,
			Shmem: 1188, SwapTotal: 16385272, SwapFree: 16385272, Dirty: 340, AnonPages: 74888, Mapped: 60040,
			Slab: 251284, SUnreclaim: 31752, KernelStack: 2224, PageTables: 10004, Hugepagesize: 2048,
		}},
	} {
		have, err := ParseMeminfo(fixture(t, append(tc.tree, "proc", "meminfo")...))
		if err != nil {
			t.Fatalf("%v: %v", tc.tree, err)
		}
		if *have != tc.want {
			t.Errorf("%v:\nwant %+v\nhave %+v", tc.tree, tc.want, *have)
		}
	}
}

// TestParseMeminfoDamaged edits one line of the real host-2cpu/a file at a time.
func TestParseMeminfoDamaged(t *testing.T) {
	t.Parallel()
	orig := string(fixture(t, "host-2cpu", "a", "proc", "meminfo"))
	for _, tc := range []struct{ prefix, line, wantErr string }{
		{"MemFree:", "MemFree:        24x76164 kB", "MemFree: invalid number"},
		{"Buffers:", "Buffers:", "Buffers: no value"},
		{"Cached:", "Cached:         -94192 kB", "Cached: invalid number"},
		{"MemTotal:", "MemTotal:       99999999999999999999999 kB", "MemTotal: number"},
		{"MemTotal:", "", "no MemTotal"},
	} {
		lines := strings.Split(orig, "\n")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, tc.prefix) })
		lines[i] = tc.line
		m, err := ParseMeminfo([]byte(strings.Join(lines, "\n")))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || m != nil {
			t.Errorf("%q: want error containing %q, have %v", tc.line, tc.wantErr, err)
		}
	}
	// A malformed line under a key ktop does not read is none of its business.
	lines := strings.Replace(orig, "Committed_AS:", "Committed_AS: garbage", 1)
	if _, err := ParseMeminfo([]byte(lines)); err != nil {
		t.Errorf("bad unknown key: %v", err)
	}
}

func FuzzParseMeminfo(f *testing.F) {
	for _, tree := range meminfoFixtures {
		f.Add(fixture(f, append(tree, "proc", "meminfo")...))
	}
	f.Add([]byte("MemTotal: 1 kB\nMemAvailable:\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMeminfo(b)
		if (err == nil) == (m == nil) {
			t.Errorf("want exactly one of result and error, have %v and %v", m, err)
		}
	})
}
