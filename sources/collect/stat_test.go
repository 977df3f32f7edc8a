package collect

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/procfs"

	"github.com/ktop-dev/ktop/sources"
)

// statFixtures lists every /proc/stat under testdata, for the table and fuzz tests.
var statFixtures = [][]string{
	{"16cpu", "a"}, {"16cpu", "b"},
	{"host-2cpu", "a"}, {"host-2cpu", "b"},
	{"hotplug", "off"}, {"hotplug", "on"},
	{"old-kernel", "arm-2.6"}, {"old-kernel", "linux-9col"}, {"old-kernel", "linux-3.2"},
}

func statOf(tb testing.TB, tree ...string) []byte {
	tb.Helper()
	return fixture(tb, append(tree, "proc", "stat")...)
}

func cpuIDs(st *sources.Stat) []int {
	var ids []int
	for _, c := range st.CPUs {
		ids = append(ids, c.ID)
	}
	return ids
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestParseStatFixtures(t *testing.T) {
	t.Parallel()
	type want struct {
		ids                                   []int
		total, first                          sources.CPUTimes
		ctxt, intr, procs, run, blocked, boot uint64
	}
	for _, tc := range []struct {
		tree []string
		want want
	}{
		{[]string{"16cpu", "a"}, want{
			ids:   seq(16),
			total: sources.CPUTimes{ID: -1, User: 1259, System: 473, Idle: 42225, Iowait: 200, SoftIRQ: 13, Steal: 2},
			first: sources.CPUTimes{ID: 0, User: 201, System: 5, Idle: 2552, SoftIRQ: 4},
			ctxt:  58831, intr: 86645, procs: 443, run: 7, blocked: 0, boot: 1795357772,
		}},
		{[]string{"16cpu", "b"}, want{
			ids:   seq(16),
			total: sources.CPUTimes{ID: -1, User: 3577, System: 673, Idle: 45661, Iowait: 201, SoftIRQ: 35, Steal: 3},
			first: sources.CPUTimes{ID: 0, User: 575, System: 5, Idle: 2552, SoftIRQ: 4},
			ctxt:  73058, intr: 104591, procs: 2883, run: 7, blocked: 0, boot: 1795357772,
		}},
		{[]string{"host-2cpu", "a"}, want{
			ids:   seq(2),
			total: sources.CPUTimes{ID: -1, User: 11620, System: 7742, Idle: 60650, Iowait: 158, SoftIRQ: 182},
			first: sources.CPUTimes{ID: 0, User: 5672, System: 3824, Idle: 30635, Iowait: 20, SoftIRQ: 77},
			ctxt:  578876, intr: 304881, procs: 9819, run: 3, boot: 1795357874,
		}},
		// cpu1 is offline: the kernel prints no cpu1 line, and the parser must not invent one.
		{[]string{"hotplug", "off"}, want{
			ids:   []int{0},
			total: sources.CPUTimes{ID: -1, User: 10423, System: 5993, Idle: 45975, Iowait: 150, SoftIRQ: 167},
			first: sources.CPUTimes{ID: 0, User: 5111, System: 2870, Idle: 23260, Iowait: 17, SoftIRQ: 69},
			ctxt:  540023, intr: 285849, procs: 6542, run: 2, boot: 1795357874,
		}},
		{[]string{"hotplug", "on"}, want{
			ids:   seq(2),
			total: sources.CPUTimes{ID: -1, User: 10425, System: 5995, Idle: 46098, Iowait: 154, SoftIRQ: 167},
			first: sources.CPUTimes{ID: 0, User: 5112, System: 2871, Idle: 23410, Iowait: 17, SoftIRQ: 69},
			ctxt:  540202, intr: 285990, procs: 6549, run: 1, boot: 1795357874,
		}},
		// 8 columns (2.6.11–2.6.23): guest and guest_nice are absent and read as 0.
		{[]string{"old-kernel", "arm-2.6"}, want{
			ids:   []int{0},
			total: sources.CPUTimes{ID: -1, User: 96, System: 2629, Idle: 14389, IRQ: 102, SoftIRQ: 1007},
			first: sources.CPUTimes{ID: 0, User: 96, System: 2629, Idle: 14389, IRQ: 102, SoftIRQ: 1007},
			ctxt:  25774, intr: 31431, procs: 296, run: 1, boot: 1333319942,
		}},
		// 9 columns (2.6.24–2.6.32): guest_nice absent.
		{[]string{"old-kernel", "linux-9col"}, want{
			ids:   seq(32),
			total: sources.CPUTimes{ID: -1, User: 23956681, Nice: 86, System: 2491154, Idle: 276930339, Iowait: 452669, IRQ: 134, SoftIRQ: 45846},
			first: sources.CPUTimes{ID: 0, User: 1023854, Nice: 5, System: 94861, Idle: 8300855, Iowait: 26187, IRQ: 46, SoftIRQ: 3647},
			ctxt:  447203878, intr: 612082674, procs: 479488, run: 8, boot: 1389823308,
		}},
		{[]string{"old-kernel", "linux-3.2"}, want{
			ids:   seq(8),
			total: sources.CPUTimes{ID: -1, User: 1002737, Nice: 221960254, System: 284612, Idle: 998565966, Iowait: 48147, IRQ: 7, SoftIRQ: 25475},
			first: sources.CPUTimes{ID: 0, User: 425755, Nice: 28691658, System: 182240, Idle: 123289112, Iowait: 31892, IRQ: 7, SoftIRQ: 23374},
			ctxt:  690869944, intr: 834537729, procs: 30070, run: 1, boot: 1389884445,
		}},
	} {
		t.Run(strings.Join(tc.tree, "/"), func(t *testing.T) {
			t.Parallel()
			st, err := ParseStat(statOf(t, tc.tree...))
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if have := cpuIDs(st); !slices.Equal(have, w.ids) {
				t.Errorf("cpu ids: want %v, have %v", w.ids, have)
			}
			if st.Total != w.total {
				t.Errorf("total: want %+v, have %+v", w.total, st.Total)
			}
			if st.CPUs[0] != w.first {
				t.Errorf("cpu0: want %+v, have %+v", w.first, st.CPUs[0])
			}
			have := [...]uint64{st.Ctxt, st.Intr, st.Processes, st.ProcsRunning, st.ProcsBlocked, st.BootTime}
			if wantN := [...]uint64{w.ctxt, w.intr, w.procs, w.run, w.blocked, w.boot}; have != wantN {
				t.Errorf("ctxt intr processes running blocked btime: want %v, have %v", wantN, have)
			}
		})
	}
}

// TestParseStatColumns feeds cpu lines of 4 to 10 columns: every kernel since 2.6 prints at
// least 4, and whatever is missing at the end reads as 0. The values 1..10 are synthetic, so
// that a column read into the wrong field shows.
func TestParseStatColumns(t *testing.T) {
	t.Parallel()
	full := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	names := []string{"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"}
	for k := 4; k <= len(full); k++ {
		var b strings.Builder
		b.WriteString("cpu  1 2 3 4\ncpu0")
		for _, v := range full[:k] {
			b.WriteString(" ")
			b.WriteString(itoa(v))
		}
		b.WriteString("\n")
		st, err := ParseStat([]byte(b.String()))
		if err != nil {
			t.Fatalf("%d columns: %v", k, err)
		}
		c := st.CPUs[0]
		have := []uint64{c.User, c.Nice, c.System, c.Idle, c.Iowait, c.IRQ, c.SoftIRQ, c.Steal, c.Guest, c.GuestNice}
		for i := range have {
			want := uint64(0)
			if i < k {
				want = full[i]
			}
			if have[i] != want {
				t.Errorf("%d columns: %s want %d, have %d", k, names[i], want, have[i])
			}
		}
	}
	// A future eleventh column is ignored, not an error.
	if _, err := ParseStat([]byte("cpu  1 2 3 4 5 6 7 8 9 10 11\n")); err != nil {
		t.Errorf("11 columns: %v", err)
	}
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}

// TestParseStatUnknownLines inserts lines ParseStat does not know between real ones: the 2.4
// "page", "swap" and "disk_io" lines of proc(5), RHEL 4's "preempt", a blank line. They must be
// ignored and change nothing.
func TestParseStatUnknownLines(t *testing.T) {
	t.Parallel()
	orig := statOf(t, "host-2cpu", "a")
	want, err := ParseStat(orig)
	if err != nil {
		t.Fatal(err)
	}
	extra := "page 5741 1808\nswap 1 0\ndisk_io: (2,0):(31,30,5764,1,2) (3,0):(1,1,2,0,0)\npreempt 5651840\n\nfoo\n"
	i := bytes.Index(orig, []byte("ctxt "))
	mixed := slices.Concat(orig[:i], []byte(extra), orig[i:], []byte("bar 1 2 3"))
	have, err := ParseStat(mixed)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, have) {
		t.Errorf("unknown lines changed the result:\nwant %+v\nhave %+v", want, have)
	}
}

// TestParseStatMalformed replaces one known line of a real file at a time (hand-made damaged
// variants of host-2cpu/a): each must fail with an error naming the line, never be skipped or
// read as zero.
func TestParseStatMalformed(t *testing.T) {
	t.Parallel()
	orig := string(statOf(t, "host-2cpu", "a"))
	for _, tc := range []struct {
		name, prefix, line, wantErr string
	}{
		{"letter in a cpu column", "cpu1 ", "cpu1 59x8 0 3917 30015 138 0 104 0 0 0", "cpu1 column 1: invalid number"},
		{"negative cpu column", "cpu0 ", "cpu0 5672 -1 3824 30635 20 0 77 0 0 0", "cpu0 column 2"},
		{"three cpu columns", "cpu0 ", "cpu0 5672 0 3824", "cpu0: 3 columns"},
		{"cpu line without values", "cpu0 ", "cpu0", "cpu0: 0 columns"},
		{"bad cpu id", "cpu1 ", "cpuX 5948 0 3917 30015 138 0 104 0 0 0", `bad cpu name "cpuX"`},
		{"huge cpu id", "cpu1 ", "cpu99999999 5948 0 3917 30015 138 0 104 0 0 0", `bad cpu name "cpu99999999"`},
		{"ctxt without value", "ctxt ", "ctxt", "ctxt: no value"},
		{"ctxt overflow", "ctxt ", "ctxt 99999999999999999999", "ctxt: number"},
		{"procs_running not a number", "procs_running ", "procs_running three", "procs_running: invalid number"},
		{"btime negative", "btime ", "btime -1795357874", "btime: invalid number"},
		{"intr total not a number", "intr ", "intr x304881 0 0 0", "intr: invalid number"},
		{"intr without total", "intr ", "intr ", "malformed intr line"},
	} {
		lines := strings.Split(orig, "\n")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, tc.prefix) })
		if i < 0 {
			t.Fatalf("%s: fixture has no %q line", tc.name, tc.prefix)
		}
		lines[i] = tc.line
		st, err := ParseStat([]byte(strings.Join(lines, "\n")))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || st != nil {
			t.Errorf("%s: want error containing %q and no Stat, have %v", tc.name, tc.wantErr, err)
		}
	}
	// No "cpu" line at all: there is nothing to show, so it is an error, not an empty Stat.
	var kept []string
	for _, l := range strings.Split(orig, "\n") {
		if !strings.HasPrefix(l, "cpu") {
			kept = append(kept, l)
		}
	}
	if _, err := ParseStat([]byte(strings.Join(kept, "\n"))); err == nil {
		t.Error("stat without cpu lines: want error")
	}
	if _, err := ParseStat(nil); err == nil {
		t.Error("empty stat: want error")
	}
}

// TestParseStatNumberErrorsWrap checks that number errors keep their cause, so a caller can
// tell which field broke; the collector then adds the path.
func TestParseStatNumberErrorsWrap(t *testing.T) {
	t.Parallel()
	_, err := ParseStat([]byte("cpu  1 2 3 4\nctxt 12x\n"))
	if err == nil || errors.Unwrap(err) == nil {
		t.Fatalf("want a wrapped error, have %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte("cpu  1 2 3 4\nctxt 12x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &statCollector{kernelFile: newKernelFile(filepath.Join(dir, "stat"), true)}
	var s sources.Snapshot
	err = c.Collect(&s)
	if err == nil || !strings.HasPrefix(err.Error(), c.path+": ") || s.Stat != nil {
		t.Errorf("collector: want error prefixed with the path and no Stat, have %v, %v", err, s.Stat)
	}
	if st := sources.StatusOf(err); st.State != sources.Failed {
		t.Errorf("status of a parse error: want failed, have %v", st.State)
	}
}

// TestParseStatLongIntr builds an intr line far longer than bufio.Scanner's 64 KiB token limit,
// as on machines with thousands of IRQs, from the real line of host-2cpu/a.
func TestParseStatLongIntr(t *testing.T) {
	t.Parallel()
	orig := string(statOf(t, "host-2cpu", "a"))
	long := strings.Replace(orig, "intr 304881 ", "intr 304881 "+strings.Repeat("0 ", 50000), 1)
	st, err := ParseStat([]byte(long))
	if err != nil {
		t.Fatal(err)
	}
	if st.Intr != 304881 || st.Ctxt != 578876 {
		t.Errorf("want intr 304881 and ctxt 578876, have %d and %d", st.Intr, st.Ctxt)
	}
}

// TestParseStatUnsortedIDs: the kernel prints CPUs in id order, but the parser sorts anyway
// so that derive can rely on it; ids are never positions.
func TestParseStatUnsortedIDs(t *testing.T) {
	t.Parallel()
	st, err := ParseStat([]byte("cpu  3 0 3 3\ncpu7 1 0 1 1\ncpu2 2 0 2 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if have := cpuIDs(st); !slices.Equal(have, []int{2, 7}) {
		t.Errorf("want ids [2 7], have %v", have)
	}
	if st.CPUs[1].User != 1 {
		t.Errorf("cpu7 user: want 1, have %d", st.CPUs[1].User)
	}
}

func TestStatCollector(t *testing.T) {
	t.Parallel()
	c := NewSet(fixtureFS("16cpu", "a"))
	var s sources.Snapshot
	before := time.Now()
	c.Collect(&s)
	if st := s.StatusFor(sources.SrcStat); st.State != sources.OK {
		t.Fatalf("stat status: %+v", st)
	}
	if s.Stat == nil || len(s.Stat.CPUs) != 16 {
		t.Fatalf("want 16 CPUs, have %+v", s.Stat)
	}
	if s.Stat.At.Before(before) {
		t.Errorf("At %v is before the collection began (%v)", s.Stat.At, before)
	}

	// A root without the file: unavailable, with the path in the reason, and no Stat.
	var s2 sources.Snapshot
	sc := &statCollector{kernelFile: newKernelFile(filepath.Join(t.TempDir(), "stat"), true)}
	err := sc.Collect(&s2)
	if !errors.Is(err, fs.ErrNotExist) || s2.Stat != nil {
		t.Fatalf("missing file: want ErrNotExist and no Stat, have %v, %v", err, s2.Stat)
	}
	if st := sources.StatusOf(err); st.State != sources.Unavailable || !strings.Contains(st.Reason, sc.path) {
		t.Errorf("missing file: want unavailable naming %s, have %+v", sc.path, st)
	}
}

func FuzzParseStat(f *testing.F) {
	for _, tree := range statFixtures {
		f.Add(statOf(f, tree...))
	}
	f.Add([]byte("cpu  1 2 3 4\n"))
	f.Add([]byte("cpu0\nintr\nctxt\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseStat(b)
		if err != nil {
			if st != nil {
				t.Errorf("error %v with a non-nil Stat", err)
			}
			return
		}
		if st.Total.ID != -1 {
			t.Errorf("total has id %d", st.Total.ID)
		}
		for i, c := range st.CPUs {
			if c.ID < 0 || c.ID > maxCPUID {
				t.Errorf("cpu id %d out of range", c.ID)
			}
			if i > 0 && st.CPUs[i-1].ID > c.ID {
				t.Errorf("cpus not sorted: %v", cpuIDs(st))
			}
		}
	})
}

// BenchmarkParseStat parses the 16-CPU fixture from memory: the parser alone.
func BenchmarkParseStat(b *testing.B) {
	data := statOf(b, "16cpu", "a")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseStat(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatCollector reads and parses the fixture file as the sampling loop does, reusing
// the collector's buffer: the figure to set beside BenchmarkProcfsStat, which also reads.
func BenchmarkStatCollector(b *testing.B) {
	c := &statCollector{kernelFile: newKernelFile(fixtureFS("16cpu", "a").ProcPath("stat"), true)}
	var s sources.Snapshot
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Collect(&s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcfsStat does the same read and parse with github.com/prometheus/procfs, the
// library ktop would otherwise use (docs explain the choice with these numbers).
func BenchmarkProcfsStat(b *testing.B) {
	p, err := procfs.NewFS(fixtureFS("16cpu", "a").Proc)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := p.Stat()
		if err != nil {
			b.Fatal(err)
		}
		if len(st.CPU) != 16 {
			b.Fatalf("procfs saw %d CPUs", len(st.CPU))
		}
	}
}
