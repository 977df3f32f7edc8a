package collect

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseSoftirqs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		cpus     []int
		types    int
		typ      string // one row to check
		counts   []uint64
		firstTyp string
	}{
		{"i3a-local/a/proc/softirqs", []int{0, 1}, 10, "NET_RX", []uint64{271169, 192975}, "HI"},
		{"i3a-16cpu/a/proc/softirqs", cpuRange(0, 15), 10, "BLOCK", []uint64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 641, 21023}, "HI"},
		// cpu1 was offline: softirqs still lists it (possible CPUs), with frozen counts.
		{"i3a-hotplug/softirqs.off", []int{0, 1}, 10, "BLOCK", []uint64{5, 38943}, "HI"},
		{"i3a-public/node_exporter/proc/softirqs", []int{0, 1}, 10, "TIMER", []uint64{424191, 108342}, "HI"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			have, err := ParseSoftirqs(b)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(have.CPUs, tt.cpus) {
				t.Errorf("CPUs: want %v, have %v", tt.cpus, have.CPUs)
			}
			if len(have.Types) != tt.types || len(have.Counts) != tt.types {
				t.Fatalf("want %d types, have %d (%d count rows)", tt.types, len(have.Types), len(have.Counts))
			}
			if have.Types[0] != tt.firstTyp {
				t.Errorf("first type: want %s, have %s", tt.firstTyp, have.Types[0])
			}
			i := slices.Index(have.Types, tt.typ)
			if i < 0 {
				t.Fatalf("no %s row in %v", tt.typ, have.Types)
			}
			if !slices.Equal(have.Counts[i], tt.counts) {
				t.Errorf("%s: want %v, have %v", tt.typ, tt.counts, have.Counts[i])
			}
		})
	}
}

func TestParseSoftirqsErrors(t *testing.T) {
	t.Parallel()
	// Hand-damaged variants of the real two-CPU file.
	tests := map[string]string{
		"empty":           "",
		"no header":       "HI: 1 0\n",
		"bad header":      "CPU0 CPUx\nHI: 1 0\n",
		"duplicate CPU":   "CPU0 CPU0\nHI: 1 0\n",
		"short row":       "CPU0 CPU1\nHI: 1\n",
		"long row":        "CPU0 CPU1\nHI: 1 0 7\n",
		"no colon":        "CPU0 CPU1\nHI 1 0\n",
		"not a number":    "CPU0 CPU1\nHI: 1 x\n",
		"negative number": "CPU0 CPU1\nHI: 1 -1\n",
	}
	for name, in := range tests {
		if _, err := ParseSoftirqs([]byte(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestSoftirqsCollector(t *testing.T) {
	t.Parallel()
	c := &softirqsCollector{kernelFile: newKernelFile("testdata/i3a-local/a/proc/softirqs", true)}
	s := &sources.Snapshot{}
	if err := c.Collect(s); err != nil {
		t.Fatal(err)
	}
	if s.Softirqs == nil || s.Softirqs.At.IsZero() || len(s.Softirqs.Types) != 10 {
		t.Fatalf("softirqs not collected: %+v", s.Softirqs)
	}

	// A kernel without the file: Unavailable with a hint, and no data.
	c = &softirqsCollector{kernelFile: newKernelFile(filepath.Join(t.TempDir(), "softirqs"), true)}
	s = &sources.Snapshot{}
	st := sources.StatusOf(c.Collect(s))
	if st.State != sources.Unavailable || !strings.Contains(st.Reason, "2.6.31") || s.Softirqs != nil {
		t.Errorf("missing file: want Unavailable with a hint and no data, have %+v, %v", st, s.Softirqs)
	}

	// A damaged file: Failed, naming the file.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "softirqs"), []byte("CPU0\nHI: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = &softirqsCollector{kernelFile: newKernelFile(filepath.Join(dir, "softirqs"), true)}
	s = &sources.Snapshot{}
	st = sources.StatusOf(c.Collect(s))
	if st.State != sources.Failed || !strings.Contains(st.Reason, "softirqs") || s.Softirqs != nil {
		t.Errorf("damaged file: want Failed and no data, have %+v, %v", st, s.Softirqs)
	}
}

func FuzzParseSoftirqs(f *testing.F) {
	for _, p := range []string{"i3a-local/a/proc/softirqs", "i3a-16cpu/b/proc/softirqs", "i3a-hotplug/softirqs.on",
		"i3a-public/node_exporter/proc/softirqs"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		si, err := ParseSoftirqs(b)
		if err != nil {
			return
		}
		if len(si.Types) != len(si.Counts) {
			t.Fatalf("%d types, %d count rows", len(si.Types), len(si.Counts))
		}
		for i, row := range si.Counts {
			if len(row) != len(si.CPUs) {
				t.Fatalf("row %d: %d counts for %d CPUs", i, len(row), len(si.CPUs))
			}
		}
	})
}

// cpuRange returns the ids lo..hi.
func cpuRange(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}
