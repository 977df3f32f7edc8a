package collect_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
)

// Machines of other shapes, made from the real 16-CPU capture: its per-CPU lines and columns
// are renamed and repeated for the wanted CPU ids (cpu k gets the real numbers of cpu k mod 16)
// and the "cpu" total becomes the sum of the lines kept. These are trimmed or replicated copies
// of real files, not captures of such machines.

// topology is a CPU layout: online ids (stat, interrupts, online) and possible ids (softirqs,
// possible).
type topology struct {
	name             string
	online, possible []int
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// cpuList writes ids in the kernel's list format, ranges folded ("0-3,8").
func cpuList(ids []int) string {
	var parts []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", ids[i], ids[j]))
		} else {
			parts = append(parts, strconv.Itoa(ids[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",") + "\n"
}

// reshapeStat keeps /proc/stat's other lines and writes one cpuN line per id.
func reshapeStat(tb testing.TB, b []byte, ids []int) []byte {
	tb.Helper()
	real := map[int][]uint64{}
	var out, rest bytes.Buffer
	for line := range bytes.Lines(b) {
		f := strings.Fields(string(line))
		if len(f) == 0 || !strings.HasPrefix(f[0], "cpu") {
			rest.Write(line)
			continue
		}
		if f[0] == "cpu" {
			continue
		}
		id, err := strconv.Atoi(f[0][3:])
		if err != nil {
			tb.Fatal(err)
		}
		for _, s := range f[1:] {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			real[id] = append(real[id], v)
		}
	}
	if len(real) != 16 {
		tb.Fatalf("want the 16-CPU stat, have %d CPU lines", len(real))
	}
	total := make([]uint64, len(real[0]))
	var lines bytes.Buffer
	for _, id := range ids {
		vals := real[id%16]
		fmt.Fprintf(&lines, "cpu%d", id)
		for i, v := range vals {
			total[i] += v
			fmt.Fprintf(&lines, " %d", v)
		}
		lines.WriteByte('\n')
	}
	out.WriteString("cpu ")
	for _, v := range total {
		fmt.Fprintf(&out, " %d", v)
	}
	out.WriteByte('\n')
	out.Write(lines.Bytes())
	out.Write(rest.Bytes())
	return out.Bytes()
}

// reshapeColumns rewrites /proc/softirqs or /proc/interrupts: a "CPUn" header for ids, and in
// every row with one cell per real CPU, the cells of ids. Rows with one value (ERR, MIS) stay.
func reshapeColumns(tb testing.TB, b []byte, ids []int) []byte {
	tb.Helper()
	var out bytes.Buffer
	first := true
	for line := range bytes.Lines(b) {
		f := strings.Fields(string(line))
		if first {
			first = false
			if len(f) != 16 || f[0] != "CPU0" {
				tb.Fatalf("want a 16-CPU header, have %q", line)
			}
			for _, id := range ids {
				fmt.Fprintf(&out, " %10s", "CPU"+strconv.Itoa(id))
			}
			out.WriteByte('\n')
			continue
		}
		if len(f) < 17 {
			out.Write(line)
			continue
		}
		fmt.Fprintf(&out, "%5s", f[0])
		for _, id := range ids {
			fmt.Fprintf(&out, " %10s", f[1+id%16])
		}
		for _, d := range f[17:] {
			out.WriteString("  " + d)
		}
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// topoRoot is the full root of snap reshaped to t.
func topoRoot(tb testing.TB, snap string, t topology) collect.FS {
	tb.Helper()
	root := fullRoot(tb, snap, false)
	edit := func(path string, f func([]byte) []byte) {
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		writeFile(tb, path, f(b))
	}
	edit(root.ProcPath("stat"), func(b []byte) []byte { return reshapeStat(tb, b, t.online) })
	edit(root.ProcPath("interrupts"), func(b []byte) []byte { return reshapeColumns(tb, b, t.online) })
	edit(root.ProcPath("softirqs"), func(b []byte) []byte { return reshapeColumns(tb, b, t.possible) })
	writeFile(tb, root.SysPath("devices/system/cpu/online"), []byte(cpuList(t.online)))
	writeFile(tb, root.SysPath("devices/system/cpu/possible"), []byte(cpuList(t.possible)))
	return root
}

var (
	topo16     = topology{"16 CPUs", seq(16), seq(16)}
	topoOne    = topology{"1 CPU", []int{0}, []int{0}}
	topo1024   = topology{"1024 CPUs", seq(1024), seq(1024)}
	topoSparse = topology{"CPUs 0,2,5 of 0-5 online", []int{0, 2, 5}, seq(6)}
)

// TestTopologyExtremes derives frames on a 1-CPU machine, a 1024-CPU one, one with CPUs
// taken offline (sparse ids), and across a hotplug event, and checks that every per-CPU row is
// aligned with its id list, ids come from the files (never from positions), and values are
// valid percentages and rates.
func TestTopologyExtremes(t *testing.T) {
	t.Parallel()
	tests := []struct{ before, after topology }{
		{topoOne, topoOne},
		{topoSparse, topoSparse},
		{topo1024, topo1024},
		{topo16, topoSparse}, // CPUs 1, 3, 4 and 6-15 go offline
		{topoSparse, topo16}, // and come back
		{topoOne, topo1024},
	}
	for _, tc := range tests {
		t.Run(tc.before.name+" to "+tc.after.name, func(t *testing.T) {
			t.Parallel()
			t0 := time.Unix(1_700_000_000, 0)
			prev := snapshotAt(t, topoRoot(t, "a", tc.before), t0, "a")
			cur := snapshotAt(t, topoRoot(t, "b", tc.after), t0.Add(3740*time.Millisecond), "b")
			for _, s := range []*sources.Snapshot{prev, cur} {
				for name, st := range s.Status {
					if st.State != sources.OK {
						t.Errorf("%s is %s: %s", name, st.State, st.Reason)
					}
				}
			}
			f := deriveChecked(t, prev, cur, tc.before.name+" to "+tc.after.name)
			checkTopology(t, f, tc.after)
		})
	}
}

func checkTopology(t *testing.T, f *derive.Frame, topo topology) {
	t.Helper()
	if want, have := len(topo.online), f.NCPU; want != have {
		t.Errorf("ncpu: want %d, have %d", want, have)
	}
	var ids []int
	for _, c := range f.CPU {
		ids = append(ids, c.ID)
		for _, v := range []derive.Val{c.Usr, c.Nice, c.Sys, c.Iowait, c.IRQ, c.Soft, c.Steal, c.Guest, c.Gnice, c.Idle} {
			if v.OK && v.V > 100 {
				t.Errorf("cpu %s: %v %% above 100", c.Name, v.V)
			}
		}
	}
	if want, have := append([]int{-1}, topo.online...), ids; !slices.Equal(want, have) {
		t.Errorf("cpu ids: want %v, have %v", short(want), short(have))
	}
	if f.Interrupts == nil || f.Softirqs == nil {
		t.Fatalf("interrupts %v, softirqs %v: want both", f.Interrupts != nil, f.Softirqs != nil)
	}
	if want, have := topo.online, f.Interrupts.CPUs; !slices.Equal(want, have) {
		t.Errorf("interrupt cpus: want %v, have %v", short(want), short(have))
	}
	for _, r := range f.Interrupts.Rows {
		if len(r.PerCPU) != 0 && len(r.PerCPU) != len(f.Interrupts.CPUs) {
			t.Errorf("irq %s: %d cells for %d cpus", r.IRQ, len(r.PerCPU), len(f.Interrupts.CPUs))
		}
	}
	// Softirqs list possible CPUs; derive may keep them all or only the online ones, but every
	// row must match the id list it publishes.
	for _, r := range f.Softirqs.Rows {
		if len(r.PerCPU) != len(f.Softirqs.CPUs) {
			t.Errorf("softirq %s: %d cells for %d cpus", r.Type, len(r.PerCPU), len(f.Softirqs.CPUs))
		}
	}
	for _, id := range f.Softirqs.CPUs {
		if !slices.Contains(topo.possible, id) {
			t.Errorf("softirq cpu %d is not possible", id)
		}
	}
}

func short(ids []int) string {
	if len(ids) > 8 {
		return fmt.Sprintf("%v…(%d)", ids[:8], len(ids))
	}
	return fmt.Sprint(ids)
}

// TestTenThousandProcesses fills /proc with 10,000 processes (the real process directories of
// the capture under new PIDs, as the procs benchmark does, but as symbolic links: the
// collectors open /proc/PID, which follows them, and 80,000 copied files would make the test
// disk-bound) and checks that every one is read, derived and checked.
func TestTenThousandProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 10,000 process directories")
	}
	t.Parallel()
	const n = 10_000
	build := func(snap string) collect.FS {
		root := fullRoot(t, snap, false)
		for i := range n {
			src := []string{"409", "411", "417", "170"}[i%4]
			if err := os.Symlink(src, filepath.Join(root.Proc, strconv.Itoa(100_000+i))); err != nil {
				t.Fatal(err)
			}
		}
		return root
	}
	t0 := time.Unix(1_700_000_000, 0)
	prev := snapshotAt(t, build("a"), t0, "a")
	cur := snapshotAt(t, build("b"), t0.Add(3740*time.Millisecond), "b")
	for _, s := range []*sources.Snapshot{prev, cur} {
		if st := s.StatusFor(sources.SrcProcs); st.State != sources.OK {
			t.Fatalf("procs: %s %s", st.State, st.Reason)
		}
		if have := len(s.Procs.Procs); have < n {
			t.Errorf("want at least %d processes, have %d", n, have)
		}
	}
	f := deriveChecked(t, prev, cur, "10,000 processes")
	if want, have := len(cur.Procs.Procs), len(f.Procs); want != have {
		t.Errorf("frame: want %d processes, have %d", want, have)
	}
	t.Logf("%d processes: scan %v", len(cur.Procs.Procs), cur.Procs.ScanTime)
}
