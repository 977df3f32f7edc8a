package collect

import (
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

var loadavgFixtures = [][]string{{"16cpu", "a"}, {"16cpu", "b"}, {"host-2cpu", "a"}, {"host-2cpu", "b"}, {"old-kernel", "linux-3.2"}}

func TestParseLoadavg(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tree []string
		want sources.LoadAvg
	}{
		{[]string{"16cpu", "a"}, sources.LoadAvg{Load1: 0, Load5: 0, Load15: 0, Runnable: 7, Threads: 217, LastPID: 446}},
		{[]string{"16cpu", "b"}, sources.LoadAvg{Load1: 0.56, Load5: 0.12, Load15: 0.04, Runnable: 7, Threads: 216, LastPID: 2886}},
		{[]string{"host-2cpu", "b"}, sources.LoadAvg{Load1: 0.83, Load5: 0.51, Load15: 0.24, Runnable: 4, Threads: 99, LastPID: 9963}},
		{[]string{"old-kernel", "linux-3.2"}, sources.LoadAvg{Load1: 0, Load5: 0.01, Load15: 0.05, Runnable: 1, Threads: 271, LastPID: 30067}},
	} {
		have, err := ParseLoadavg(fixture(t, append(tc.tree, "proc", "loadavg")...))
		if err != nil {
			t.Fatalf("%v: %v", tc.tree, err)
		}
		if *have != tc.want {
			t.Errorf("%v: want %+v, have %+v", tc.tree, tc.want, *have)
		}
	}
}

// TestParseLoadavgDamaged edits the real line of 16cpu/b ("0.56 0.12 0.04 7/216 2886").
func TestParseLoadavgDamaged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		wantErr string // "" for success
	}{
		{"0.56 0.12 0.04 7/216", ""}, // last pid is optional
		{"0.56 0.12 0.04 7/216 2886 extra", ""},
		{"0.56 0.12 0.04", "want 4 or 5 fields, got 3"},
		{"", "want 4 or 5 fields, got 0"},
		{"x.56 0.12 0.04 7/216 2886", "load 1: bad value"},
		{"0.56 NaN 0.04 7/216 2886", "load 5: bad value"},
		{"0.56 0.12 Inf 7/216 2886", "load 15: bad value"},
		{"0.56 0.12 -0.04 7/216 2886", "load 15: bad value"},
		{"0.56 0.12 0.04 7216 2886", "bad runnable/threads"},
		{"0.56 0.12 0.04 /216 2886", "runnable: empty number"},
		{"0.56 0.12 0.04 7/ 2886", "threads: empty number"},
		{"0.56 0.12 0.04 7/216 -2886", "last pid: invalid number"},
	} {
		_, err := ParseLoadavg([]byte(tc.in + "\n"))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: want error containing %q, have %v", tc.in, tc.wantErr, err)
		}
	}
}

func FuzzParseLoadavg(f *testing.F) {
	for _, tree := range loadavgFixtures {
		f.Add(fixture(f, append(tree, "proc", "loadavg")...))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLoadavg(b)
		if err != nil {
			return
		}
		for _, v := range []float64{l.Load1, l.Load5, l.Load15} {
			if !(v >= 0) || v > 1e308 {
				t.Errorf("load %v accepted from %q", v, b)
			}
		}
	})
}
