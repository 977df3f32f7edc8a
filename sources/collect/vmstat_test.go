package collect

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseVMStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		n      int
		want   map[string]uint64
		absent []string
	}{
		{"i3b-local/a/proc/vmstat", 192, map[string]uint64{
			"pgpgin": 1050041, "pgfault": 5366718, "pgmajfault": 1633, "workingset_refault_file": 89682,
			"pgsteal_anon": 0, "pgscan_proactive": 0, "allocstall_movable": 0, "oom_kill": 0,
		}, []string{"allocstall", "workingset_refault"}},
		{"i3b-16cpu/b/proc/vmstat", 192, map[string]uint64{"pgfault": 496982, "pgfree": 1595561}, nil},
		// Linux 3.8: per-zone pgscan/pgsteal, one allocstall, no oom_kill nor workingset_*.
		{"i3b-old/proc/vmstat", 95, map[string]uint64{
			"pgsteal_kswapd_dma32": 917837, "pgscan_direct_dma32": 4115, "allocstall": 73,
		}, []string{"oom_kill", "workingset_refault", "pgscan_kswapd"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			have, err := ParseVMStat(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(have.Values) != tt.n {
				t.Errorf("want %d keys, have %d", tt.n, len(have.Values))
			}
			for k, want := range tt.want {
				if v, ok := have.Values[k]; !ok || v != want {
					t.Errorf("%s: want %d, have %d (present %v)", k, want, v, ok)
				}
			}
			for _, k := range tt.absent {
				if _, ok := have.Values[k]; ok {
					t.Errorf("%s: want absent", k)
				}
			}
		})
	}
}

func TestParseVMStatMalformed(t *testing.T) {
	t.Parallel()
	real := string(readFixture(t, "i3b-local/a/proc/vmstat"))
	tests := map[string]string{
		// Hand-damaged variants of the real file.
		"negative":    strings.Replace(real, "pgfault 5366718", "pgfault -5366718", 1),
		"three words": strings.Replace(real, "pgfault 5366718", "pgfault 5366718 1", 1),
		"no value":    strings.Replace(real, "pgfault 5366718", "pgfault", 1),
		"overflow":    strings.Replace(real, "pgfault 5366718", "pgfault 18446744073709551616", 1),
		"empty":       "",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if v, err := ParseVMStat([]byte(in)); err == nil {
				t.Errorf("want error, have %d keys", len(v.Values))
			}
		})
	}
}

func TestVMStatCollector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		proc  string
		state sources.State
	}{
		{"testdata/i3b-local/b/proc", sources.OK},
		{"testdata/i3b-old/proc", sources.OK},
		{t.TempDir(), sources.Unavailable},
	}
	for _, tt := range tests {
		c := &vmstatCollector{kernelFile: newKernelFile(filepath.Join(tt.proc, "vmstat"), false)}
		var s sources.Snapshot
		st := sources.StatusOf(c.Collect(&s))
		if st.State != tt.state {
			t.Errorf("%s: want %v, have %v (%s)", tt.proc, tt.state, st.State, st.Reason)
		}
		if (s.VMStat != nil) != (tt.state == sources.OK) {
			t.Errorf("%s: VMStat %v with state %v", tt.proc, s.VMStat != nil, st.State)
		}
		if s.VMStat != nil && s.VMStat.At.IsZero() {
			t.Errorf("%s: no read time", tt.proc)
		}
	}
}

func FuzzParseVMStat(f *testing.F) {
	for _, p := range []string{"i3b-local/a/proc/vmstat", "i3b-16cpu/a/proc/vmstat", "i3b-old/proc/vmstat"} {
		f.Add(readFixture(f, p))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseVMStat(b)
		if err == nil && len(v.Values) == 0 {
			t.Fatal("success without values")
		}
	})
}
