package collect

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

const (
	liveA  = "testdata/procs-live/a/proc"
	liveB  = "testdata/procs-live/b/proc"
	cpu16A = "testdata/procs-16cpu/a/proc"
	cpu16B = "testdata/procs-16cpu/b/proc"
)

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeClock advances by step on every call, so reads take a known time.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testCollector is a procCollector over root with a fixed user table and fake clocks.
func testCollector(root string) (*procCollector, *fakeClock) {
	c := newProcCollector(FS{Proc: root})
	clk := &fakeClock{t: time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)}
	c.clock = clk.now
	c.smaps.Clock = clk.now
	c.hidepid.euid = 0
	c.lookup = func(uid uint32) string {
		return map[uint32]string{0: "root", 65534: "nobody"}[uid]
	}
	return c, clk
}

// countingCollector is a test collector over a copy of the tree src, in dir, with smaps off
// so that they stay out of the counts: count returns how often each file name was opened
// since its last call, for the tests of which files a pass re-reads.
func countingCollector(t *testing.T, src string) (c *procCollector, clk *fakeClock, dir string, count func() map[string]int) {
	t.Helper()
	dir = t.TempDir()
	copyTree(t, src, dir)
	c, clk = testCollector(dir)
	c.smaps.TopK = 0
	var mu sync.Mutex
	opened := map[string]int{}
	c.fault = func(pid int, name string) error {
		mu.Lock()
		opened[filepath.Base(name)]++
		mu.Unlock()
		return nil
	}
	count = func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		m := opened
		opened = map[string]int{}
		return m
	}
	return c, clk, dir, count
}

func collectTable(t *testing.T, c *procCollector) *sources.ProcTable {
	t.Helper()
	var s sources.Snapshot
	if err := c.Collect(&s); err != nil {
		t.Fatal(err)
	}
	return s.Procs
}

func procByPID(t *testing.T, tab *sources.ProcTable, pid int) *sources.Proc {
	t.Helper()
	for i := range tab.Procs {
		if tab.Procs[i].PID == pid {
			return &tab.Procs[i]
		}
	}
	t.Fatalf("pid %d not in table", pid)
	return nil
}

func TestParseProcStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		comm string
		want sources.Proc
	}{
		{liveB + "/14190/stat", "a b)c", sources.Proc{State: 'S', PPID: 14186, MinFlt: 116, Threads: 1, StartTime: 53387, CPU: 1}},
		{liveB + "/14188/stat", "sh", sources.Proc{State: 'R', PPID: 14186, MinFlt: 105, UTime: 186, STime: 2, Threads: 1, StartTime: 53386}},
		{liveB + "/14189/stat", "python3", sources.Proc{State: 'S', PPID: 14186, MinFlt: 2857, MajFlt: 2, UTime: 182, STime: 4, Threads: 4, StartTime: 53386}},
		{liveB + "/9/stat", "kworker/0:0-mm_percpu_wq", sources.Proc{State: 'I', PPID: 2, Kernel: true, Threads: 1, StartTime: 18}},
		{cpu16B + "/170/stat", "UVM global queue", sources.Proc{State: 'S', PPID: 2, Kernel: true, Threads: 1, StartTime: 76, CPU: 7}},
		{cpu16B + "/411/stat", "sh", sources.Proc{State: 'R', PPID: 404, MinFlt: 83, UTime: 743, Threads: 1, StartTime: 2572, CPU: 9}},
	}
	for _, tt := range tests {
		var have sources.Proc
		comm, err := ParseProcStat(mustRead(t, tt.file), &have)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if string(comm) != tt.comm {
			t.Errorf("%s: comm: want %q, have %q", tt.file, tt.comm, comm)
		}
		if have != tt.want {
			t.Errorf("%s:\nwant %+v\nhave %+v", tt.file, tt.want, have)
		}
	}
}

// TestParseProcStatNice: nice (field 19) is the one signed field read. The fixtures all run at
// nice 0, so the lines are hand-made variants of a real one with field 19 replaced.
func TestParseProcStatNice(t *testing.T) {
	t.Parallel()
	real := string(mustRead(t, liveB+"/14188/stat"))
	for _, want := range []int32{-20, -1, 0, 5, 19} {
		line := strings.Replace(real, " 20 0 1 0 53386 ", fmt.Sprintf(" 20 %d 1 0 53386 ", want), 1)
		var p sources.Proc
		if _, err := ParseProcStat([]byte(line), &p); err != nil || p.Nice != want || p.StartTime != 53386 {
			t.Errorf("nice %d: have %d, start %d, err %v", want, p.Nice, p.StartTime, err)
		}
	}
	for _, bad := range []string{"-", "--1", "x"} {
		line := strings.Replace(real, " 20 0 1 0 53386 ", " 20 "+bad+" 1 0 53386 ", 1)
		var p sources.Proc
		if _, err := ParseProcStat([]byte(line), &p); err == nil {
			t.Errorf("nice %q: no error", bad)
		}
	}
}

func TestParseProcStatMalformed(t *testing.T) {
	t.Parallel()
	real := string(mustRead(t, liveB+"/14188/stat"))
	// Hand-made damaged variants of a real line.
	tests := map[string]string{
		"empty":          "",
		"no parens":      "14188 sh R 1 2 3",
		"truncated":      real[:60],
		"bad utime":      strings.Replace(real, " 186 2 ", " x86 2 ", 1),
		"two-char state": strings.Replace(real, ") R ", ") RR ", 1),
	}
	for name, in := range tests {
		var p sources.Proc
		if _, err := ParseProcStat([]byte(in), &p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A comm holding a newline and a ") " still parses by the last ')'.
	var p sources.Proc
	comm, err := ParseProcStat([]byte(strings.Replace(real, "(sh)", "(x) R 9\n(y)", 1)), &p)
	if err != nil || string(comm) != "x) R 9\n(y" || p.UTime != 186 {
		t.Errorf("odd comm: comm %q utime %d err %v", comm, p.UTime, err)
	}
}

func TestParseProcStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want ProcStatus
	}{
		{liveB + "/14191/status", ProcStatus{UID: 65534, RSSKB: 1812, AnonKB: 108, FileKB: 1704}},
		{liveB + "/14189/status", ProcStatus{RSSKB: 13668, AnonKB: 6956, FileKB: 6712}},
		{liveB + "/2/status", ProcStatus{}}, // kernel thread: no Vm*/Rss* lines
		{cpu16B + "/411/status", ProcStatus{RSSKB: 1912, AnonKB: 108, FileKB: 1804}},
	}
	for _, tt := range tests {
		var have ProcStatus
		if err := ParseProcStatus(mustRead(t, tt.file), &have); err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if have != tt.want {
			t.Errorf("%s: want %+v, have %+v", tt.file, tt.want, have)
		}
	}
	var st ProcStatus
	if err := ParseProcStatus([]byte("Name:\tsh\n"), &st); err == nil {
		t.Error("status without Uid: no error")
	}
}

func TestParseProcIO(t *testing.T) {
	t.Parallel()
	var have ProcIO
	if err := ParseProcIO(mustRead(t, liveB+"/14189/io"), &have); err != nil {
		t.Fatal(err)
	}
	if want := (ProcIO{ReadBytes: 73728}); have != want {
		t.Errorf("want %+v, have %+v", want, have)
	}
	if err := ParseProcIO([]byte("rchar: 1\nwchar: 2\n"), &have); err == nil {
		t.Error("io without read_bytes: no error")
	}
}

func TestParseTaskSchedstatLive(t *testing.T) {
	t.Parallel()
	run, delay, _, err := ParseTaskSchedstat(mustRead(t, liveB+"/14188/schedstat"))
	if err != nil || run != 1930135139 || delay != 3778671147 {
		t.Errorf("have %d %d %v", run, delay, err)
	}
	for _, in := range []string{"", "12\n", "a b c\n"} {
		if _, _, _, err := ParseTaskSchedstat([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParseSmapsRollup(t *testing.T) {
	t.Parallel()
	var have sources.SmapsRollup
	if err := ParseSmapsRollup(mustRead(t, cpu16B+"/411/smaps_rollup"), &have); err != nil {
		t.Fatal(err)
	}
	want := sources.SmapsRollup{Rss: 1912, Pss: 234, PssDirty: 108, PssAnon: 108, PssFile: 126,
		SharedClean: 1804, PrivateDirty: 108}
	if have != want {
		t.Errorf("want %+v\nhave %+v", want, have)
	}
	if have.USS() != 108 {
		t.Errorf("USS: want 108, have %d", have.USS())
	}
	// A kernel thread's file reads empty (ESRCH at read): not a rollup.
	if err := ParseSmapsRollup(nil, &have); err == nil {
		t.Error("empty rollup: no error")
	}
}

func TestCmdline(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, comm, want string }{
		{string(mustRead(t, liveB+"/14190/cmdline")), "a b)c", "/tmp/a b)c 30"},
		{"", "kthreadd", "[kthreadd]"},
		{"sh\x00-c\x00\x1b[31mred\x00", "sh", "sh -c ?[31mred"},
	}
	for _, tt := range tests {
		if have := Cmdline([]byte(tt.in), tt.comm); have != tt.want {
			t.Errorf("%q: want %q, have %q", tt.in, tt.want, have)
		}
	}
}

func TestParseHidepid(t *testing.T) {
	t.Parallel()
	// The first line is this machine's real /proc entry; the others are hand-made variants.
	real := "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
	tests := []struct {
		in, mnt, want string
		gid           int
	}{
		{real, "/proc", "", -1},
		{"21 26 0:20 / /proc rw,relatime - proc proc rw,hidepid=invisible,gid=1001\n", "/proc", "invisible", 1001},
		{"21 26 0:20 / /proc rw,relatime,hidepid=2 - proc proc rw\n", "/proc", "2", -1},
		{"21 26 0:20 / /proc rw,relatime - proc proc rw,hidepid=0\n", "/proc", "", -1},
		{"21 26 0:20 / /proc rw,relatime - proc proc rw,hidepid=2\n", "/other", "", -1},
		{"21 26 0:20 / /proc rw,relatime - proc proc rw,hidepid=2,gid=x\n", "/proc", "2", -1},
		// stacked: the last mount on the mount point wins
		{"21 26 0:20 / /proc rw - proc proc rw,hidepid=2,gid=7\n90 21 0:30 / /proc rw - proc proc rw\n", "/proc", "", -1},
	}
	for _, tt := range tests {
		if have, gid := ParseHidepid([]byte(tt.in), tt.mnt); have != tt.want || gid != tt.gid {
			t.Errorf("%q on %s: want %q gid %d, have %q gid %d", tt.in, tt.mnt, tt.want, tt.gid, have, gid)
		}
	}
}

// TestParseCreds reads this machine's real /proc/self/status of four readers (see
// testdata/procs-creds/README.md).
func TestParseCreds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		want   Creds
		ptrace bool
	}{
		{"status-root", Creds{CapEff: 0x1fffeffffff, FSGid: 0, Groups: []int{}}, true},
		{"status-root-noptrace", Creds{CapEff: 0x1fffef7ffff, FSGid: 0, Groups: []int{}}, false},
		{"status-nobody", Creds{CapEff: 0, FSGid: 65534, Groups: []int{65534}}, false},
		{"status-nobody-ptrace", Creds{CapEff: 0x80000, FSGid: 65534, Groups: []int{}}, true},
	}
	for _, tt := range tests {
		have, err := ParseCreds(mustRead(t, "testdata/procs-creds/"+tt.file))
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if have.CapEff != tt.want.CapEff || have.FSGid != tt.want.FSGid || !slices.Equal(have.Groups, tt.want.Groups) {
			t.Errorf("%s: want %+v, have %+v", tt.file, tt.want, have)
		}
		if have.SeesAll(-1) != tt.ptrace {
			t.Errorf("%s: sees all without gid=: want %v", tt.file, tt.ptrace)
		}
	}
	for _, bad := range []string{"", "Name:\tcat\n", "CapEff:\n", "CapEff:\t00000000000000000\n", "CapEff:\t00zz\n"} {
		if _, err := ParseCreds([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestProcCollectorLive(t *testing.T) {
	t.Parallel()
	c, _ := testCollector(liveA)
	tab := collectTable(t, c)
	var pids []int
	for _, p := range tab.Procs {
		pids = append(pids, p.PID)
	}
	if want := []int{2, 9, 14188, 14189, 14190, 14191}; !slices.Equal(want, pids) {
		t.Fatalf("pids: want %v, have %v", want, pids)
	}
	if tab.Uptime != 534.55 {
		t.Errorf("uptime: want 534.55, have %v", tab.Uptime)
	}
	odd := procByPID(t, tab, 14190)
	if odd.Comm != "a b)c" || odd.Cmdline != "/tmp/a b)c 30" || odd.User != "root" {
		t.Errorf("odd comm: %q %q %q", odd.Comm, odd.Cmdline, odd.User)
	}
	if k := procByPID(t, tab, 2); !k.Kernel || k.Cmdline != "[kthreadd]" || k.SmapsSkip != skipKernel {
		t.Errorf("kthreadd: %+v", k)
	}
	nob := procByPID(t, tab, 14191)
	if nob.User != "nobody" || nob.UID != 65534 || nob.RSSKB != 1812 || !nob.HasStatus || nob.IOState != sources.IOOK {
		t.Errorf("nobody's sleep: %+v", nob)
	}
	// The multi-threaded python: run delay summed over its 4 tasks, not the leader's file.
	py := procByPID(t, tab, 14189)
	var sum uint64
	for _, tid := range []string{"14189", "14294", "14296", "14301"} {
		_, d, _, err := ParseTaskSchedstat(mustRead(t, liveA+"/14189/task/"+tid+"/schedstat"))
		if err != nil {
			t.Fatal(err)
		}
		sum += d
	}
	if py.RunDelayNs != sum {
		t.Errorf("python run delay: want %d (sum over tasks), have %d", sum, py.RunDelayNs)
	}
	// The single-threaded loop uses /proc/PID/schedstat.
	if sh := procByPID(t, tab, 14188); sh.RunDelayNs != 1171593453 || sh.UTime != 59 {
		t.Errorf("sh: %+v", sh)
	}
}

func TestProcCollectorVanished(t *testing.T) {
	t.Parallel()
	// 14192 exited before a/ was copied (empty directory); 410 exited while a/ was copied
	// (empty files).
	for _, tt := range []struct {
		root string
		gone int
		n    int
	}{{liveA, 14192, 6}, {liveB, 14192, 7}, {cpu16A, 410, 4}} {
		c, _ := testCollector(tt.root)
		tab := collectTable(t, c)
		if len(tab.Procs) != tt.n {
			t.Errorf("%s: want %d processes, have %d", tt.root, tt.n, len(tab.Procs))
		}
		for _, p := range tab.Procs {
			if p.PID == tt.gone {
				t.Errorf("%s: vanished %d listed", tt.root, tt.gone)
			}
		}
		if len(tab.Notes) != 0 {
			t.Errorf("%s: a vanished process is not worth a note: %q", tt.root, tab.Notes)
		}
	}
}

func TestProcCollectorDenied(t *testing.T) {
	t.Parallel()
	c, _ := testCollector(liveA)
	// The tests run as root, where mode bits do not deny: inject what a non-root ktop gets for
	// another user's io and smaps_rollup (metrics-spec §4).
	c.fault = func(pid int, name string) error {
		if pid != 14191 && (name == "io" || strings.HasSuffix(name, "/smaps_rollup")) {
			return syscall.EACCES
		}
		return nil
	}
	c.smaps.TopK = 100 // every process is a candidate
	for range 8 {      // one smaps_rollup read per pass
		tab := collectTable(t, c)
		if want := 5; tab.IODenied != want {
			t.Errorf("io denied: want %d, have %d", want, tab.IODenied)
		}
	}
	var s sources.Snapshot
	if err := c.Collect(&s); err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Procs.Procs {
		switch {
		case p.PID == 14191:
			if p.IOState != sources.IOOK || p.Smaps == nil || p.SmapsSkip != "" {
				t.Errorf("own process: io %v smaps %v skip %q", p.IOState, p.Smaps, p.SmapsSkip)
			}
		case p.Kernel:
		default:
			if p.IOState != sources.IODenied || p.Smaps != nil || p.SmapsSkip != skipDenied {
				t.Errorf("%d: io %v smaps %v skip %q", p.PID, p.IOState, p.Smaps, p.SmapsSkip)
			}
		}
	}
	if st := s.StatusFor(sources.SrcSmaps); st.State != sources.OK {
		t.Errorf("denied processes do not make the source unavailable: %+v", st)
	}
	// The rows carry the reason; derive counts them for the summary (ProcSummary.SmapsDenied).
}

// TestProcCollectorHidepidNote checks that the "list incomplete" note follows whether the
// mount actually hides processes from ktop: its own CAP_SYS_PTRACE and the mount's gid= group
// decide, not its uid (measured: root without CAP_SYS_PTRACE sees 3 of 99 processes on a
// hidepid=invisible proc, nobody with it all 99; docs/security.md).
func TestProcCollectorHidepidNote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status string // a real /proc/self/status in testdata/procs-creds; "" = unreadable
		opts   string // the mount's super options
		euid   int
		note   bool
	}{
		{"status-root", "rw,hidepid=invisible", 0, false},
		{"status-root-noptrace", "rw,hidepid=invisible", 0, true},
		{"status-nobody", "rw,hidepid=invisible", 65534, true},
		{"status-nobody", "rw,hidepid=2", 65534, true},
		{"status-nobody", "rw,hidepid=invisible,gid=65534", 65534, false},
		{"status-nobody", "rw,hidepid=invisible,gid=1001", 65534, true},
		{"status-nobody-ptrace", "rw,hidepid=invisible", 65534, false},
		{"status-nobody-ptrace", "rw,hidepid=ptraceable", 65534, false},
		{"status-nobody", "rw", 65534, false},
		{"", "rw,hidepid=invisible", 0, false},
		{"", "rw,hidepid=invisible", 1000, true},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		copyTree(t, liveA, dir)
		if err := os.MkdirAll(filepath.Join(dir, "self"), 0o755); err != nil {
			t.Fatal(err)
		}
		// hand-made: this machine's /proc mount line with the options changed, pointed at the copy
		line := "21 26 0:20 / " + dir + " rw,relatime - proc proc " + tt.opts + "\n"
		if err := os.WriteFile(filepath.Join(dir, "self", "mountinfo"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
		if tt.status != "" {
			b := mustRead(t, "testdata/procs-creds/"+tt.status)
			if err := os.WriteFile(filepath.Join(dir, "self", "status"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c, _ := testCollector(dir)
		c.hidepid.euid = tt.euid
		tab := collectTable(t, c)
		has := len(tab.Notes) == 1 && strings.HasPrefix(tab.Notes[0], "hidepid=")
		if has != tt.note || len(tab.Notes) > 1 {
			t.Errorf("%s, %s, euid %d: want note %v, have notes %q", tt.status, tt.opts, tt.euid, tt.note, tab.Notes)
		}
	}
}

// TestProcCollectorTiers checks the cost tiers: schedstat every pass; stat, status and io
// only for processes that ran (their schedstat moved), or after statusMaxAge; cmdline once
// per identity.
func TestProcCollectorTiers(t *testing.T) {
	t.Parallel()
	c, clk, dir, count := countingCollector(t, liveA)
	collectTable(t, c)
	if have := count(); have["status"] != 6 || have["io"] != 6 || have["cmdline"] != 6 {
		t.Errorf("first pass: %v", have)
	}
	clk.advance(time.Second)
	collectTable(t, c)
	// Nothing ran: schedstat of every thread (5 single-threaded processes, python's 4
	// threads), and stat only of 14192, an empty directory that never made an entry, and of
	// the busy loop 14188 (with its status and io): it was running when its stat was first
	// read, before its counters were, so a run between the two would show in neither.
	if have := count(); have["status"] != 1 || have["io"] != 1 || have["cmdline"] != 0 || have["stat"] != 2 || have["schedstat"] != 9 || have["14188"] != 1 {
		t.Errorf("nothing moved: %v", have)
	}
	clk.advance(time.Second)
	collectTable(t, c)
	if have := count(); have["status"] != 0 || have["io"] != 0 || have["stat"] != 1 {
		t.Errorf("nothing moved, a pass later: %v", have)
	}
	// The busy loop moves (its b/ stat and schedstat): only it is re-read.
	for _, f := range []string{"stat", "schedstat"} {
		copyFile(t, filepath.Join(liveB, "14188", f), filepath.Join(dir, "14188", f))
	}
	clk.advance(time.Second)
	tab := collectTable(t, c)
	if have := count(); have["status"] != 1 || have["io"] != 1 || have["cmdline"] != 0 || have["stat"] != 2 {
		t.Errorf("one moved: %v", have)
	}
	if p := procByPID(t, tab, 14188); p.UTime != 186 {
		t.Errorf("busy loop: utime %d", p.UTime)
	}
	// Idle for statusMaxAge: statm is checked; this capture has none, so status is read.
	// io is not: a process that did not run did no I/O. The kernel threads 2 and 9 are not
	// checked: they have no memory of their own.
	clk.advance(statusMaxAge)
	collectTable(t, c)
	if have := count(); have["statm"] != 4 || have["status"] != 4 || have["io"] != 0 || have["stat"] != 1 {
		t.Errorf("after %v: %v", statusMaxAge, have)
	}
	clk.advance(statMaxAge)
	collectTable(t, c)
	if have := count(); have["stat"] != 7 {
		t.Errorf("after %v: %v", statMaxAge, have)
	}
}

// TestProcCollectorKernelThread: a kernel thread that runs has its stat and io read, but its
// status only once: it has no memory of its own and keeps its user.
func TestProcCollectorKernelThread(t *testing.T) {
	t.Parallel()
	c, clk, dir, count := countingCollector(t, liveA)
	collectTable(t, c)
	collectTable(t, c)
	count()
	// Hand-modified copy of the kworker's real schedstat: 1 ms more run time, one more slice.
	run, delay, slices, err := ParseTaskSchedstat(mustRead(t, filepath.Join(liveA, "9", "schedstat")))
	if err != nil {
		t.Fatal(err)
	}
	moved := fmt.Sprintf("%d %d %d\n", run+1_000_000, delay, slices+1)
	if err := os.WriteFile(filepath.Join(dir, "9", "schedstat"), []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Second)
	tab := collectTable(t, c)
	// stat twice: the kworker's and that of 14192, the empty directory read every pass.
	if have := count(); have["9"] != 1 || have["stat"] != 2 || have["io"] != 1 || have["status"] != 0 {
		t.Errorf("the kworker ran: want its stat and io read, not its status; have %v", have)
	}
	if p := procByPID(t, tab, 9); !p.Kernel || !p.HasStatus || p.User != "root" {
		t.Errorf("kworker: want a kernel thread with its first status kept (user root), have %+v", p)
	}
}

// TestProcCollectorStatm: for processes that did not run, status is re-read only when statm
// says their resident or shared pages changed (reclaim, swap-out). The kernel thread 170 has
// no memory to check.
func TestProcCollectorStatm(t *testing.T) {
	t.Parallel()
	c, clk, dir, count := countingCollector(t, cpu16A)
	collectTable(t, c)
	collectTable(t, c) // the processes in R at the first pass are read again (recheck)
	count()
	for i, want := range []map[string]int{
		{"statm": 3, "status": 3}, // first check: no statm baseline yet
		{"statm": 3, "status": 0}, // nothing changed
		{"statm": 3, "status": 1}, // 409's resident pages changed (hand-modified copy below)
	} {
		if i == 2 {
			// Hand-modified copy of 409's real statm: resident 563 → 500 pages, as if reclaimed.
			b := strings.Replace(string(mustRead(t, filepath.Join(cpu16A, "409", "statm"))), " 563 ", " 500 ", 1)
			if err := os.WriteFile(filepath.Join(dir, "409", "statm"), []byte(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		clk.advance(statusMaxAge)
		collectTable(t, c)
		if have := count(); have["statm"] != want["statm"] || have["status"] != want["status"] || have["io"] != 0 {
			t.Errorf("check %d: want %v, have %v", i, want, have)
		}
	}
}

// TestProcCollectorListing: /proc is listed again only when loadavg's last PID moved, or
// after statusMaxAge; between listings exited processes drop out as their files vanish.
func TestProcCollectorListing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyTree(t, liveA, dir)
	c, clk := testCollector(dir)
	c.smaps.TopK = 0
	pass := func(lastPID uint64) int {
		t.Helper()
		clk.advance(time.Second)
		s := sources.Snapshot{Load: &sources.LoadAvg{LastPID: lastPID}}
		if err := c.Collect(&s); err != nil {
			t.Fatal(err)
		}
		return len(s.Procs.Procs)
	}
	if have := pass(14192); have != 6 {
		t.Fatalf("first pass: want 6 processes, have %d", have)
	}
	// A process started later (real files of 14435 from b/).
	newProc := func() { copyTree(t, filepath.Join(liveB, "14435"), filepath.Join(dir, "14435")) }
	newProc()
	for i, tt := range []struct {
		lastPID uint64
		change  func()
		want    int
	}{
		{14192, nil, 6}, // no PID allocated: not listed, 14435 unseen
		{14435, nil, 7}, // allocated: listed
		{14435, func() { os.RemoveAll(filepath.Join(dir, "14435")) }, 6}, // exited: drops out unlisted
		{14435, newProc, 6}, // back, but no PID allocated
	} {
		if tt.change != nil {
			tt.change()
		}
		if have := pass(tt.lastPID); have != tt.want {
			t.Errorf("step %d: want %d processes, have %d", i, tt.want, have)
		}
	}
	clk.advance(statusMaxAge)
	if have := pass(14435); have != 7 {
		t.Errorf("after %v: want the periodic listing to find 7 processes, have %d", statusMaxAge, have)
	}
}

// TestProcCollectorPIDReuse: the same PID with another starttime is a new process, whose
// strings are read again.
func TestProcCollectorPIDReuse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyTree(t, liveA, dir)
	c, _ := testCollector(dir)
	tab := collectTable(t, c)
	if p := procByPID(t, tab, 14190); p.Comm != "a b)c" {
		t.Fatalf("before: %q", p.Comm)
	}
	// PID 14190 now holds the real files of another process (14435, started later).
	if err := os.RemoveAll(filepath.Join(dir, "14190")); err != nil {
		t.Fatal(err)
	}
	copyTree(t, filepath.Join(liveB, "14435"), filepath.Join(dir, "14190"))
	tab = collectTable(t, c)
	p := procByPID(t, tab, 14190)
	if p.StartTime != 53897 || p.Comm != "sleep" || p.Cmdline != "sleep 5" {
		t.Errorf("after reuse: start %d comm %q cmdline %q", p.StartTime, p.Comm, p.Cmdline)
	}
}

// TestThreadSchedMonotonic: a thread that exits keeps its share in the process's run delay,
// so the sum never goes backwards.
func TestThreadSchedMonotonic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyTree(t, liveA, dir)
	c, _ := testCollector(dir)
	before := procByPID(t, collectTable(t, c), 14189).RunDelayNs
	if err := os.RemoveAll(filepath.Join(dir, "14189", "task", "14294")); err != nil {
		t.Fatal(err)
	}
	after := procByPID(t, collectTable(t, c), 14189).RunDelayNs
	if after != before {
		t.Errorf("after a thread exit: want %d, have %d", before, after)
	}
}

// TestProcCollectorKeptLive exercises kept descriptors, which only procfs gives a meaning to,
// over the live /proc: a child process is found and its descriptors kept; an idle pass reads
// only its schedstat; once it exits it drops out and its descriptors are closed.
func TestProcCollectorKeptLive(t *testing.T) {
	cmd, c := liveChild(t, "sleep", "60")
	pid := cmd.Process.Pid
	find := func() *sources.Proc {
		var s sources.Snapshot
		if err := c.Collect(&s); err != nil {
			t.Fatal(err)
		}
		if have := keptFds(c); have != c.kept {
			t.Fatalf("kept count %d, descriptors held %d", c.kept, have)
		}
		for i := range s.Procs.Procs {
			if s.Procs.Procs[i].PID == pid {
				return &s.Procs.Procs[i]
			}
		}
		return nil
	}
	var p *sources.Proc
	for range 100 { // until the child has exec'd sleep
		if p = find(); p != nil && p.Comm == "sleep" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if p == nil || p.Comm != "sleep" || !c.keep {
		t.Fatalf("child %d: %+v, keep %v", pid, p, c.keep)
	}
	find() // settles: the first pass after exec still read stat
	e := c.cache[pid]
	if e == nil || e.dirFd < 0 || e.schedFd < 0 {
		t.Fatalf("child's descriptors not kept: %+v", e)
	}
	// Once idle, a pass must not re-read its stat. On a loaded machine the child may still be
	// finishing its start (its schedstat moving) for a few passes, so it gets some.
	var statAt time.Time
	for range 20 {
		statAt = e.statAt
		if p = find(); p == nil || e.statAt == statAt {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p == nil || e.statAt != statAt || p.State != 'S' {
		t.Errorf("idle child: stat re-read (%v → %v) or wrong state: %+v", statAt, e.statAt, p)
	}
	if self := c.cache[os.Getpid()]; self == nil || !self.multi || len(self.threads) < 2 || self.taskFd < 0 {
		t.Errorf("this test process: want its threads' descriptors kept, have %+v", self)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if p = find(); p != nil || c.cache[pid] != nil {
		t.Errorf("exited child still listed: %+v", p)
	}
	c.Close()
	if c.kept != 0 || keptFds(c) != 0 {
		t.Errorf("after Close: %d descriptors kept", c.kept)
	}
}

// keptFds counts the descriptors the collector's entries hold.
func keptFds(c *procCollector) int {
	n := 0
	for _, e := range c.cache {
		for _, fd := range e.fds() {
			if *fd >= 0 {
				n++
			}
		}
		for _, th := range e.threads {
			for _, fd := range []int{th.statFd, th.schedFd} {
				if fd >= 0 {
					n++
				}
			}
		}
	}
	return n
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	if err := os.WriteFile(dst, mustRead(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree is collecttest.CopyTree for this package's internal tests, which cannot import
// collecttest (it imports collect).
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func FuzzParseProcStat(f *testing.F) {
	for _, p := range []string{liveB + "/14190/stat", liveB + "/9/stat", cpu16B + "/170/stat"} {
		f.Add(mustRead(f, p))
	}
	// Hand-damaged: a real line whose state is an escape byte (the crasher FuzzParseTaskStat
	// found for task stat lines, a NUL state, applies here too).
	b := mustRead(f, liveB+"/14190/stat")
	if i := bytes.LastIndexByte(b, ')'); i > 0 && i+2 < len(b) {
		b = append([]byte(nil), b...)
		b[i+2] = 0x1b
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p sources.Proc
		if _, err := ParseProcStat(b, &p); err == nil && !isStateLetter(p.State) {
			t.Fatalf("state %q accepted: it is shown raw in the S column", p.State)
		}
	})
}

func FuzzParseProcStatus(f *testing.F) {
	f.Add(mustRead(f, liveB+"/14191/status"))
	f.Add(mustRead(f, liveB+"/2/status"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var st ProcStatus
		_ = ParseProcStatus(b, &st)
	})
}

// TestProcCollectorReclaimGate: while /proc/vmstat's reclaim and swap counters do not move,
// processes that did not run get no memory check at all, until statusBackstop.
func TestProcCollectorReclaimGate(t *testing.T) {
	t.Parallel()
	c, clk, dir, count := countingCollector(t, cpu16A)
	vmstat := mustRead(t, "testdata/i3b-16cpu/a/proc/vmstat") // same machine and instant
	if err := os.WriteFile(filepath.Join(dir, "vmstat"), vmstat, 0o644); err != nil {
		t.Fatal(err)
	}
	collectTable(t, c)
	collectTable(t, c) // the processes in R at the first pass are read again (recheck)
	count()
	for i, tt := range []struct {
		advance time.Duration
		scanned bool // vmstat's pgscan_kswapd moves (hand-modified copy of the real file)
		statm   int
	}{
		{statusMaxAge, false, 3},   // the first check of each process (not the kernel thread 170)
		{statusMaxAge, false, 0},   // no reclaim since: nothing read
		{statusMaxAge, true, 3},    // reclaim: every idle process is checked
		{statusMaxAge, false, 0},   // quiet again
		{statusBackstop, false, 3}, // the backstop
	} {
		if tt.scanned {
			b := strings.Replace(string(vmstat), "pgscan_kswapd 0\n", "pgscan_kswapd 1000\n", 1)
			if err := os.WriteFile(filepath.Join(dir, "vmstat"), []byte(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		clk.advance(tt.advance)
		collectTable(t, c)
		if have := count(); have["statm"] != tt.statm || have["status"] > have["statm"] {
			t.Errorf("step %d: want %d statm reads, have %v", i, tt.statm, have)
		}
	}
}

func TestParseReclaim(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want uint64
	}{
		{"testdata/i3b-16cpu/a/proc/vmstat", 0},
		// Per-zone counters of an older kernel (pgsteal_kswapd_dma …): summed as well
		// (independently: awk over the file).
		{"testdata/i3b-old/proc/vmstat", 1870388},
	}
	for _, tt := range tests {
		have, err := ParseReclaim(mustRead(t, tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if have != tt.want {
			t.Errorf("%s: want %d, have %d", tt.file, tt.want, have)
		}
	}
	for _, bad := range []string{"", "nr_free_pages 1\n", "pgscan_kswapd x\n", "pgscan_kswapd 1 2\n"} {
		if _, err := ParseReclaim([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func FuzzParseReclaim(f *testing.F) {
	f.Add(mustRead(f, "testdata/i3b-16cpu/a/proc/vmstat"))
	f.Add(mustRead(f, "testdata/i3b-old/proc/vmstat"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseReclaim(b)
	})
}

func TestParseProcStatm(t *testing.T) {
	t.Parallel()
	have, err := ParseProcStatm(mustRead(t, cpu16A+"/409/statm"))
	if want := (ProcStatm{Resident: 563, Shared: 537}); err != nil || have != want {
		t.Errorf("want %+v, have %+v, %v", want, have, err)
	}
	for _, bad := range []string{"", "1427 563 537 5 0 90", "1427 x 537 5 0 90 0", "1427 563 -1 5 0 90 0"} {
		if _, err := ParseProcStatm([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func FuzzParseProcStatm(f *testing.F) {
	f.Add(mustRead(f, cpu16A+"/409/statm"))
	f.Add(mustRead(f, cpu16A+"/170/statm"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseProcStatm(b)
	})
}

func FuzzParseProcIO(f *testing.F) {
	f.Add(mustRead(f, liveB+"/14189/io"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var io ProcIO
		_ = ParseProcIO(b, &io)
	})
}

func FuzzParseProcSchedstat(f *testing.F) {
	f.Add(mustRead(f, liveB+"/14188/schedstat"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _, _ = ParseTaskSchedstat(b)
	})
}

func FuzzCmdline(f *testing.F) {
	f.Add(mustRead(f, liveB+"/14190/cmdline"), "a b)c")
	f.Fuzz(func(t *testing.T, b []byte, comm string) {
		_ = Cmdline(b, comm)
	})
}

func FuzzParseHidepid(f *testing.F) {
	f.Add([]byte("21 26 0:20 / /proc rw,relatime - proc proc rw\n"), "/proc")
	f.Fuzz(func(t *testing.T, b []byte, mnt string) {
		_, _ = ParseHidepid(b, mnt)
	})
}

func FuzzParseCreds(f *testing.F) {
	for _, name := range []string{"status-root", "status-nobody", "status-nobody-ptrace"} {
		f.Add(mustRead(f, "testdata/procs-creds/"+name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := ParseCreds(b); err == nil && c.SeesAll(-1) != (c.CapEff&(1<<capSysPtrace) != 0) {
			t.Errorf("SeesAll without gid= must follow CAP_SYS_PTRACE alone: %+v", c)
		}
	})
}

// A process that runs every pass has its status and io read every pass, through descriptors
// kept once it ran in keepSlowAfter passes; what they read stays current.
func TestProcCollectorKeepsBusyStatus(t *testing.T) {
	cmd, c := liveChild(t, "sh", "-c", "while :; do :; done")
	pid := cmd.Process.Pid
	var p sources.Proc
	for range 50 {
		var s sources.Snapshot
		if err := c.Collect(&s); err != nil {
			t.Fatal(err)
		}
		for i := range s.Procs.Procs {
			if s.Procs.Procs[i].PID == pid {
				p = s.Procs.Procs[i]
			}
		}
		if e := c.cache[pid]; e != nil && e.statusFd >= 0 && e.ioFd >= 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	e := c.cache[pid]
	if e == nil || e.runs < keepSlowAfter || e.statusFd < 0 || (e.ioFd < 0 && p.IOState == sources.IOOK) {
		t.Fatalf("busy child %d: status and io descriptors not kept: %+v", pid, e)
	}
	if !p.HasStatus || p.RSSKB == 0 || p.UID != uint32(os.Getuid()) {
		t.Errorf("status through the kept descriptor: %+v", p)
	}
	if have := keptFds(c); have != c.kept {
		t.Errorf("kept count %d, descriptors held %d", c.kept, have)
	}
}

// liveChild starts the command args as a child to watch over the live /proc with a process
// collector (smaps off), both ended when the test is; it skips the test without procfs.
func liveChild(t *testing.T, args ...string) (*exec.Cmd, *procCollector) {
	t.Helper()
	var fs syscall.Statfs_t
	if syscall.Statfs("/proc", &fs) != nil || fs.Type != procfsMagic {
		t.Skip("no procfs at /proc")
	}
	cmd := exec.Command(args[0], args[1:]...)
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start %s: %v", args[0], err)
	}
	c := newProcCollector(DefaultFS())
	c.smaps.TopK = 0
	t.Cleanup(func() {
		c.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, c
}
