package collect

import (
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

var uptimeFixtures = [][]string{{"16cpu", "a"}, {"16cpu", "b"}, {"host-2cpu", "a"}, {"host-2cpu", "b"}, {"old-kernel", "linux-3.2"}}

func TestParseUptime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tree []string
		want sources.Uptime
	}{
		{[]string{"16cpu", "a"}, sources.Uptime{Up: 27.74, Idle: 422.41}},
		{[]string{"host-2cpu", "b"}, sources.Uptime{Up: 404.69, Idle: 606.51}},
		// Idle is summed over CPUs, so it can exceed Up (8 CPUs here).
		{[]string{"old-kernel", "linux-3.2"}, sources.Uptime{Up: 1527597.13, Idle: 9988267.98}},
	} {
		have, err := ParseUptime(fixture(t, append(tc.tree, "proc", "uptime")...))
		if err != nil {
			t.Fatalf("%v: %v", tc.tree, err)
		}
		if *have != tc.want {
			t.Errorf("%v: want %+v, have %+v", tc.tree, tc.want, *have)
		}
	}
}

func TestParseUptimeDamaged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, wantErr string }{
		{"27.74", "want 2 fields, got 1"},
		{"", "want 2 fields, got 0"},
		{"27,74 422.41", "bad uptime"},
		{"NaN 422.41", "bad uptime"},
		{"27.74 -422.41", "bad idle time"},
		{"27.74 Inf", "bad idle time"},
	} {
		_, err := ParseUptime([]byte(tc.in + "\n"))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%q: want error containing %q, have %v", tc.in, tc.wantErr, err)
		}
	}
}

func FuzzParseUptime(f *testing.F) {
	for _, tree := range uptimeFixtures {
		f.Add(fixture(f, append(tree, "proc", "uptime")...))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := ParseUptime(b)
		if err != nil {
			return
		}
		if !(u.Up >= 0 && u.Idle >= 0) || u.Up > 1e308 || u.Idle > 1e308 {
			t.Errorf("%+v accepted from %q", *u, b)
		}
	})
}
