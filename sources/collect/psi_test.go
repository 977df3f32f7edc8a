package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParsePSI(t *testing.T) {
	t.Parallel()
	line := func(a10, a60, a300 float64, total uint64) *sources.PSILine {
		return &sources.PSILine{Avg10: a10, Avg60: a60, Avg300: a300, Total: total}
	}
	tests := []struct {
		file string
		want sources.PSIResource
	}{
		{"i3b-local/a/proc/pressure/io", sources.PSIResource{
			Some: line(0.18, 1.24, 1.03, 6442715), Full: line(0, 0.94, 0.71, 4061337)}},
		{"i3b-16cpu/a/proc/pressure/cpu", sources.PSIResource{
			Some: line(0.74, 0.81, 0.22, 1212687), Full: line(0, 0, 0, 0)}},
		// Before 5.13 cpu has no full line (node_exporter fixture).
		{"i3b-old/proc/pressure/cpu", sources.PSIResource{Some: line(0, 0, 0, 14036781)}},
		// irq has only full, and this copy has no trailing newline.
		{"i3b-old/proc/pressure/irq", sources.PSIResource{Full: line(0, 0, 0, 8494)}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			have, err := ParsePSI(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range []struct {
				name       string
				want, have *sources.PSILine
			}{{"some", tt.want.Some, have.Some}, {"full", tt.want.Full, have.Full}} {
				if (l.want == nil) != (l.have == nil) || l.want != nil && *l.want != *l.have {
					t.Errorf("%s: want %+v, have %+v", l.name, l.want, l.have)
				}
			}
		})
	}
}

func TestParsePSIMalformed(t *testing.T) {
	t.Parallel()
	real := string(readFixture(t, "i3b-local/a/proc/pressure/io"))
	tests := map[string]string{
		// Hand-damaged variants of the real file.
		"no total":    strings.Replace(real, " total=6442715", "", 1),
		"bad total":   strings.Replace(real, "total=6442715", "total=64x2715", 1),
		"no equals":   strings.Replace(real, "avg10=0.18", "avg10", 1),
		"NaN average": strings.Replace(real, "avg10=0.18", "avg10=NaN", 1),
		"exponent":    strings.Replace(real, "avg10=0.18", "avg10=1e3", 1),
		"empty":       "",
		"other lines": "total 5\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if r, err := ParsePSI([]byte(in)); err == nil {
				t.Errorf("want error, have %+v", r)
			}
		})
	}
}

func TestPSICollector(t *testing.T) {
	t.Parallel()
	// A pressure directory that exists but is empty, as a sandbox might present it.
	emptyDir := t.TempDir()
	if err := os.Mkdir(filepath.Join(emptyDir, "pressure"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name             string
		proc             string
		state            sources.State
		cpu, memory, irq bool
	}{
		{"6.18 without irq", "testdata/i3b-local/a/proc", sources.OK, true, true, false},
		{"node_exporter files, no memory", "testdata/i3b-old/proc", sources.OK, true, false, true},
		{"no pressure directory", t.TempDir(), sources.Unavailable, false, false, false},
		{"empty pressure directory", emptyDir, sources.Unavailable, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &psiCollector{dir: filepath.Join(tt.proc, "pressure")}
			var s sources.Snapshot
			st := sources.StatusOf(c.Collect(&s))
			if st.State != tt.state {
				t.Fatalf("want %v, have %v (%s)", tt.state, st.State, st.Reason)
			}
			if tt.state != sources.OK {
				if s.PSI != nil {
					t.Error("want no PSI when unavailable")
				}
				if !strings.HasSuffix(st.Reason, ": "+psiHint) {
					t.Errorf("want the hint as reason, have %q", st.Reason)
				}
				return
			}
			p := s.PSI
			if have := [3]bool{p.CPU != nil, p.Memory != nil, p.IRQ != nil}; have != [3]bool{tt.cpu, tt.memory, tt.irq} {
				t.Errorf("cpu, memory, irq present: want %v, have %v", [3]bool{tt.cpu, tt.memory, tt.irq}, have)
			}
			if p.IO == nil || p.At.IsZero() {
				t.Errorf("want io and a read time, have %+v", p)
			}
		})
	}
}

func TestPSICollectorBrokenFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"cpu":    string(readFixture(t, "i3b-local/a/proc/pressure/cpu")),
		"memory": "some avg10=0.00\n", // hand-damaged: truncated
		"io":     string(readFixture(t, "i3b-local/a/proc/pressure/io")),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &psiCollector{dir: dir}
	var s sources.Snapshot
	if st := sources.StatusOf(c.Collect(&s)); st.State != sources.Failed || s.PSI != nil {
		t.Errorf("want failed and no PSI, have %v %q, %v", st.State, st.Reason, s.PSI)
	}
}

func FuzzParsePSI(f *testing.F) {
	for _, p := range []string{
		"i3b-local/a/proc/pressure/cpu", "i3b-local/b/proc/pressure/io", "i3b-16cpu/a/proc/pressure/memory",
		"i3b-old/proc/pressure/cpu", "i3b-old/proc/pressure/irq",
	} {
		f.Add(readFixture(f, p))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParsePSI(b)
		if err != nil {
			return
		}
		if r.Some == nil && r.Full == nil {
			t.Fatal("success without a line")
		}
		for _, l := range []*sources.PSILine{r.Some, r.Full} {
			if l != nil && (l.Avg10 < 0 || l.Avg60 < 0 || l.Avg300 < 0 || l.Avg10 != l.Avg10) {
				t.Fatalf("average out of range: %+v", l)
			}
		}
	})
}
