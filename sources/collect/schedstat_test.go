package collect

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseSchedstat(t *testing.T) {
	t.Parallel()
	orig, err := os.ReadFile("testdata/i3a-public/node_exporter/proc/schedstat")
	if err != nil {
		t.Fatal(err)
	}
	want := []sources.SchedCPU{
		{ID: 0, RunNs: 2045936778163039, WaitNs: 343796328169361, Timeslices: 4767485306},
		{ID: 1, RunNs: 1904686152592476, WaitNs: 364107263788241, Timeslices: 5145567945},
	}
	// The cpu lines are identical in versions 15 to 17; only the version line is changed in
	// these modified copies of the real file.
	for _, version := range []string{"15", "16", "17", "14"} {
		b := bytes.Replace(orig, []byte("version 15"), []byte("version "+version), 1)
		have, err := ParseSchedstat(b)
		if err != nil {
			t.Fatalf("version %s: %v", version, err)
		}
		if have.Fallback || strconv.Itoa(have.Version) != version {
			t.Errorf("version %s: have version %d fallback %v", version, have.Version, have.Fallback)
		}
		if len(have.CPUs) != len(want) {
			t.Fatalf("version %s: want %d CPUs, have %d", version, len(want), len(have.CPUs))
		}
		for i := range want {
			if have.CPUs[i] != want[i] {
				t.Errorf("version %s cpu %d: want %+v, have %+v", version, i, want[i], have.CPUs[i])
			}
		}
	}
}

func TestParseSchedstatErrors(t *testing.T) {
	t.Parallel()
	// Hand-damaged variants of the real cpu0 line.
	tests := map[string]string{
		"empty":       "",
		"no version":  "timestamp 15819019232\ncpu0 498494191 0 3533438552 2553969831 3853684107 2465731542 2045936778163039 343796328169361 4767485306\n",
		"bad version": "version x\n",
		"short cpu":   "version 15\ncpu0 498494191 0 3533438552 2553969831 3853684107 2465731542 2045936778163039 343796328169361\n",
		"bad field 8": "version 15\ncpu0 498494191 0 3533438552 2553969831 3853684107 2465731542 2045936778163039 -1 4767485306\n",
		"bad cpu id":  "version 15\ncpux 498494191 0 3533438552 2553969831 3853684107 2465731542 2045936778163039 343796328169361 4767485306\n",
	}
	for name, in := range tests {
		if _, err := ParseSchedstat([]byte(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestSchedstatCollectorFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	orig, err := os.ReadFile("testdata/i3a-public/node_exporter/proc/schedstat")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		version string
		note    string
	}{
		{"15", ""},
		{"17", ""},
		{"18", "version 18 unknown"},
	}
	for _, tt := range tests {
		b := bytes.Replace(orig, []byte("version 15"), []byte("version "+tt.version), 1)
		if err := os.WriteFile(filepath.Join(dir, "schedstat"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		c := &schedstatCollector{proc: dir, tasks: make(map[taskKey]taskCounters)}
		s := &sources.Snapshot{}
		if err := c.Collect(s); err != nil {
			t.Fatal(err)
		}
		if s.Schedstat == nil || s.Schedstat.Fallback || len(s.Schedstat.CPUs) != 2 || s.Schedstat.At.IsZero() {
			t.Fatalf("version %s: want the file's two CPUs, have %+v", tt.version, s.Schedstat)
		}
		if have := c.Note(); (tt.note == "") != (have == "") || !strings.Contains(have, tt.note) {
			t.Errorf("version %s: want note %q, have %q", tt.version, tt.note, have)
		}
	}
}

// TestSchedstatFallback runs the per-task fallback over the two real 16-CPU snapshots (a, b)
// and the two of the 2-CPU machine. The expected sums were computed independently (a Python
// script over the same files, see testdata/i3a-16cpu/README.md): per thread (tid, starttime)
// present in both, b − a, added to the CPU the thread last ran on in b; a thread only in b
// counts in full; a thread only in a is lost.
func TestSchedstatFallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		root     string
		online   []int
		threads  string
		want     map[int]sources.SchedCPU // after b
		runnable map[int]uint64           // in a (first pass) by CPU
	}{
		{"testdata/i3a-16cpu", cpuRange(0, 15), "183 threads", map[int]sources.SchedCPU{
			0:  {ID: 0, RunNs: 3711266963, WaitNs: 115286, Timeslices: 10, Runnable: 1},
			1:  {ID: 1, RunNs: 3524074, WaitNs: 3073781, Timeslices: 235},
			14: {ID: 14, RunNs: 3707557714, WaitNs: 102741, Timeslices: 15, Runnable: 1},
			15: {ID: 15, RunNs: 2001589, WaitNs: 1142422, Timeslices: 82},
		}, map[int]uint64{0: 1, 2: 1, 4: 1, 8: 1, 9: 1, 14: 1}},
		{"testdata/i3a-local", []int{0, 1}, "104 threads", map[int]sources.SchedCPU{
			0: {ID: 0, RunNs: 1456166464, WaitNs: 1471512535, Timeslices: 5572, Runnable: 2},
			1: {ID: 1, RunNs: 2137545940, WaitNs: 2728523652, Timeslices: 2792, Runnable: 3},
		}, map[int]uint64{0: 2, 1: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.root, func(t *testing.T) {
			t.Parallel()
			c := &schedstatCollector{proc: filepath.Join(tt.root, "a", "proc"), tasks: make(map[taskKey]taskCounters)}
			s := &sources.Snapshot{Online: &sources.CPUSet{Online: tt.online}}
			if err := c.Collect(s); err != nil {
				t.Fatal(err)
			}
			st := s.Schedstat
			if st == nil || !st.Fallback || st.Version != 0 || len(st.CPUs) != len(tt.online) {
				t.Fatalf("first pass: want a fallback row per online CPU, have %+v", st)
			}
			if note := c.Note(); !strings.Contains(note, "CONFIG_SCHEDSTATS off") || !strings.Contains(note, tt.threads) {
				t.Errorf("note: want the fallback and %s named, have %q", tt.threads, note)
			}
			for _, cpu := range st.CPUs {
				// The first pass only sets baselines.
				if cpu.RunNs != 0 || cpu.WaitNs != 0 || cpu.Timeslices != 0 {
					t.Errorf("first pass cpu %d: want zero counters, have %+v", cpu.ID, cpu)
				}
				if cpu.Runnable != tt.runnable[cpu.ID] {
					t.Errorf("first pass cpu %d: want %d runnable, have %d", cpu.ID, tt.runnable[cpu.ID], cpu.Runnable)
				}
			}

			c.proc = filepath.Join(tt.root, "b", "proc")
			s = &sources.Snapshot{Online: &sources.CPUSet{Online: tt.online}}
			if err := c.Collect(s); err != nil {
				t.Fatal(err)
			}
			for _, cpu := range s.Schedstat.CPUs {
				if w, ok := tt.want[cpu.ID]; ok && cpu != w {
					t.Errorf("cpu %d: want %+v, have %+v", cpu.ID, w, cpu)
				}
			}
			if len(c.tasks) == 0 {
				t.Error("no thread state kept")
			}
		})
	}
}

// TestSchedstatFallbackChurn checks the cases a live system produces: a thread that exits
// between readdir and open (its files are gone), a thread that exits between two samples
// (dropped from the state), and a new one (counted from zero).
func TestSchedstatFallbackChurn(t *testing.T) {
	t.Parallel()
	src := "testdata/i3a-local/a/proc/1/task/1"
	stat, err := os.ReadFile(filepath.Join(src, "stat"))
	if err != nil {
		t.Fatal(err)
	}
	sched, err := os.ReadFile(filepath.Join(src, "schedstat"))
	if err != nil {
		t.Fatal(err)
	}
	proc := t.TempDir()
	write := func(tid string, stat, sched []byte) {
		dir := filepath.Join(proc, "1", "task", tid)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if stat != nil {
			if err := os.WriteFile(filepath.Join(dir, "stat"), stat, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if sched != nil {
			if err := os.WriteFile(filepath.Join(dir, "schedstat"), sched, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("1", stat, sched)
	write("7", nil, nil)                                                  // vanished after readdir
	write("8", stat, nil)                                                 // vanished between its two reads
	if err := os.MkdirAll(filepath.Join(proc, "99"), 0o755); err != nil { // process gone: no task dir
		t.Fatal(err)
	}
	c := &schedstatCollector{proc: proc, tasks: make(map[taskKey]taskCounters)}
	if err := c.Collect(&sources.Snapshot{}); err != nil {
		t.Fatalf("vanished threads must not fail the source: %v", err)
	}
	if len(c.tasks) != 1 {
		t.Fatalf("want 1 thread kept, have %d", len(c.tasks))
	}

	// Thread 1 exits; thread 2 appears (same stat line, another tid: a new thread).
	if err := os.RemoveAll(filepath.Join(proc, "1", "task", "1")); err != nil {
		t.Fatal(err)
	}
	write("2", stat, sched)
	s := &sources.Snapshot{}
	if err := c.Collect(s); err != nil {
		t.Fatal(err)
	}
	if len(c.tasks) != 1 {
		t.Errorf("exited thread not dropped: %d threads kept", len(c.tasks))
	}
	// proc 1's stat says it last ran on CPU 1; its schedstat is 167308445 19715848 394.
	want := sources.SchedCPU{ID: 1, RunNs: 167308445, WaitNs: 19715848, Timeslices: 394}
	if len(s.Schedstat.CPUs) != 1 || s.Schedstat.CPUs[0] != want {
		t.Errorf("new thread: want %+v, have %+v", want, s.Schedstat.CPUs)
	}
}

func TestSchedstatUnavailable(t *testing.T) {
	t.Parallel()
	c := &schedstatCollector{proc: t.TempDir(), tasks: make(map[taskKey]taskCounters)}
	s := &sources.Snapshot{}
	st := sources.StatusOf(c.Collect(s))
	if st.State != sources.Unavailable || !strings.Contains(st.Reason, "CONFIG_SCHED_INFO") || s.Schedstat != nil {
		t.Errorf("no schedstat and no tasks: want Unavailable with a hint, have %+v", st)
	}
}

func TestSetRecordsNote(t *testing.T) {
	t.Parallel()
	s := &sources.Snapshot{}
	set := &Set{list: []Collector{&schedstatCollector{proc: "testdata/i3a-local/b/proc", tasks: make(map[taskKey]taskCounters)}}}
	set.Collect(s)
	st := s.StatusFor(sources.SrcSchedstat)
	if st.State != sources.OK || !strings.Contains(st.Reason, "per-task fallback") {
		t.Errorf("want OK with the fallback named, have %+v", st)
	}
}

// TestSchedstatHidepidNote: under a hidepid mount that hides other users' threads from ktop,
// the fallback's note says its sums cover only the visible threads; with CAP_SYS_PTRACE it
// does not.
func TestSchedstatHidepidNote(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status string // real /proc/self/status, testdata/procs-creds
		note   bool
	}{{"status-nobody", true}, {"status-nobody-ptrace", false}} {
		dir := t.TempDir()
		copyTree(t, "testdata/i3a-local/b/proc", dir)
		if err := os.MkdirAll(filepath.Join(dir, "self"), 0o755); err != nil {
			t.Fatal(err)
		}
		// hand-made: this machine's /proc mount line with hidepid added, pointed at the copy
		line := "21 26 0:20 / " + dir + " rw,relatime - proc proc rw,hidepid=invisible\n"
		if err := os.WriteFile(filepath.Join(dir, "self", "mountinfo"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "self", "status"), mustRead(t, "testdata/procs-creds/"+tt.status), 0o644); err != nil {
			t.Fatal(err)
		}
		s := &sources.Snapshot{}
		set := &Set{list: []Collector{&schedstatCollector{proc: dir, tasks: make(map[taskKey]taskCounters), hidepid: newHidepidCheck(FS{Proc: dir})}}}
		set.Collect(s)
		st := s.StatusFor(sources.SrcSchedstat)
		if has := strings.Contains(st.Reason, "hidepid=invisible hides other users' threads"); st.State != sources.OK || has != tt.note {
			t.Errorf("%s: want OK, hidepid remark %v; have %+v", tt.status, tt.note, st)
		}
	}
}

func TestParseTaskStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want TaskStat
	}{
		{"i3a-local/a/proc/1/task/1/stat", TaskStat{State: 'S', StartTime: 18, CPU: 1}},
		// comm with blanks: "(UVM deferred release queue)".
		{"i3a-16cpu/a/proc/171/task/171/stat", TaskStat{State: 'S', StartTime: 76, CPU: 8}},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		have, err := ParseTaskStat(b)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if have != tt.want {
			t.Errorf("%s: want %+v, have %+v", tt.file, tt.want, have)
		}
		// A comm holding ") R (" must not shift the fields: modified copy of the line.
		i := bytes.IndexByte(b, '(')
		j := bytes.LastIndexByte(b, ')')
		evil := append(append(append([]byte{}, b[:i]...), "(x) R 1 2 (y"...), b[j:]...)
		if have, err := ParseTaskStat(evil); err != nil || have != tt.want {
			t.Errorf("%s with a hostile comm: want %+v, have %+v, %v", tt.file, tt.want, have, err)
		}
	}
	for _, bad := range []string{"", "1 (a) S 1", "1 (a) SS 2 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 76 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 8"} {
		if _, err := ParseTaskStat([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestParseTaskSchedstat(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/i3a-local/a/proc/1/task/1/schedstat")
	if err != nil {
		t.Fatal(err)
	}
	run, delay, slices, err := ParseTaskSchedstat(b)
	if err != nil || run != 167308445 || delay != 19715848 || slices != 394 {
		t.Errorf("want 167308445 19715848 394, have %d %d %d %v", run, delay, slices, err)
	}
	for _, bad := range []string{"", "1 2", "1 x 3"} {
		if _, _, _, err := ParseTaskSchedstat([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func FuzzParseSchedstat(f *testing.F) {
	b, err := os.ReadFile("testdata/i3a-public/node_exporter/proc/schedstat")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseSchedstat(b)
		if err != nil {
			return
		}
		for i := 1; i < len(st.CPUs); i++ {
			if st.CPUs[i-1].ID > st.CPUs[i].ID {
				t.Fatalf("CPUs not sorted: %+v", st.CPUs)
			}
		}
	})
}

func FuzzParseTaskStat(f *testing.F) {
	for _, p := range []string{"i3a-local/a/proc/1/task/1/stat", "i3a-16cpu/a/proc/171/task/171/stat"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := ParseTaskStat(b)
		if err == nil && (ts.CPU < 0 || !isStateLetter(ts.State)) {
			t.Fatalf("bad result %+v", ts)
		}
	})
}

func FuzzParseTaskSchedstat(f *testing.F) {
	b, err := os.ReadFile("testdata/i3a-local/a/proc/1/task/1/schedstat")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _, _ = ParseTaskSchedstat(b)
	})
}

// BenchmarkSchedstatFallback measures one fallback pass over the 183 threads of the 16-CPU
// capture, alternating its two snapshots so every pass credits deltas.
func BenchmarkSchedstatFallback(b *testing.B) {
	roots := []string{"testdata/i3a-16cpu/a/proc", "testdata/i3a-16cpu/b/proc"}
	c := &schedstatCollector{tasks: make(map[taskKey]taskCounters)}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.proc = roots[i%2]
		if err := c.Collect(&sources.Snapshot{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSchedstatUnified runs the procs collector and the scheduler fallback wired together
// (one walk of /proc, as NewSet does) over three real captures of the 2-CPU machine. The
// expected counters were computed independently from the files by
// testdata/unified-2cpu/expect.py, which states the rules: every thread comes from the procs
// walk, which reads task/TID/stat only for threads that are new or ran.
func TestSchedstatUnified(t *testing.T) {
	t.Parallel()
	const dir = "testdata/unified-2cpu"
	pc, _ := testCollector(filepath.Join(dir, "a", "proc"))
	pc.smaps.TopK = 0
	sc := &schedstatCollector{proc: pc.root, tasks: make(map[taskKey]taskCounters)}
	connect([]Collector{pc, sc})
	if pc.feed == nil || pc.feed != sc.feed || !pc.feed.want {
		t.Fatal("connect did not wire the collectors, wanting the feed from the first pass")
	}
	// The fallback must never walk /proc itself: point it where a walk would fail.
	sc.proc = filepath.Join(t.TempDir(), "none")
	var mu sync.Mutex
	taskStats := 0
	pc.fault = func(pid int, name string) error {
		if strings.HasSuffix(name, "/stat") {
			mu.Lock()
			taskStats++
			mu.Unlock()
		}
		return nil
	}
	tests := []struct {
		snap      string
		threads   string
		taskStats int // task/TID/stat reads by the procs walk in that pass
		want      []sources.SchedCPU
	}{
		// a: baselines; every thread of the two multi-threaded processes is observed for the
		// first time (pid 1's 13 non-leader threads, python's 3).
		{"a", "over 21 threads", 16, []sources.SchedCPU{
			{ID: 0, Runnable: 2},
			{ID: 1, Runnable: 0},
		}},
		// b: only the threads that ran (pid 1's 70 and 75, python's 9970 and 9974).
		{"b", "over 22 threads", 4, []sources.SchedCPU{
			{ID: 0, RunNs: 2537005, WaitNs: 1223208985, Timeslices: 20, Runnable: 0},
			{ID: 1, RunNs: 138726592, WaitNs: 2231168071, Timeslices: 144, Runnable: 2},
		}},
		// c: the same four, and the new one (10410).
		{"c", "over 21 threads", 5, []sources.SchedCPU{
			{ID: 0, RunNs: 193851084, WaitNs: 2182697797, Timeslices: 159, Runnable: 1},
			{ID: 1, RunNs: 368902617, WaitNs: 3624987149, Timeslices: 575, Runnable: 2},
		}},
	}
	for _, tt := range tests {
		mu.Lock()
		taskStats = 0
		mu.Unlock()
		pc.root = filepath.Join(dir, tt.snap, "proc")
		s := &sources.Snapshot{Online: &sources.CPUSet{Online: []int{0, 1}}}
		if err := pc.Collect(s); err != nil {
			t.Fatal(err)
		}
		if err := sc.Collect(s); err != nil {
			t.Fatal(err)
		}
		if st := s.Schedstat; st == nil || !st.Fallback || !slices.Equal(st.CPUs, tt.want) {
			t.Errorf("after %s: want %+v, have %+v", tt.snap, tt.want, st)
		}
		if note := sc.Note(); !strings.Contains(note, tt.threads) {
			t.Errorf("after %s: want the note to say %q, have %q", tt.snap, tt.threads, note)
		}
		mu.Lock()
		if taskStats != tt.taskStats {
			t.Errorf("after %s: want %d task/TID/stat reads, have %d", tt.snap, tt.taskStats, taskStats)
		}
		mu.Unlock()
	}
}
