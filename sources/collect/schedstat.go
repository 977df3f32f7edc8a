package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &schedstatCollector{proc: fs.Proc, tasks: make(map[taskKey]taskCounters), hidepid: newHidepidCheck(fs)}
	})
}

// schedstatCollector reads /proc/schedstat, or, where the kernel lacks CONFIG_SCHEDSTATS (no
// such file), rebuilds the same three per-CPU counters from every thread's
// /proc/PID/task/TID/schedstat (metrics-spec §2.3).
//
// Why the fallback keeps per-thread state: a per-CPU sum of the threads' cumulative counters,
// grouped by each thread's last CPU, is not a counter at all. A thread that migrates carries
// its whole lifetime run_delay from one CPU's sum to another's (one CPU drops, the other jumps
// by seconds), and every exiting thread makes a sum go backwards. So the collector remembers
// each thread's previous counters, keyed by (tid, starttime), and adds each thread's increase
// to the CPU it last ran on. The result is a per-CPU cumulative counter that only grows, like
// the kernel's own, so package derive treats both sources alike and a recording replays them
// the same way.
//
// Known limits, all towards undercounting or blurring, never inventing: a thread that exits
// loses what it accrued since the previous sample, and so does a dying thread whose files read
// empty or any thread whose files do not parse (skipped, not failing the source); a thread
// that ran on several CPUs in one interval has its whole increase credited to the last one;
// threads the reader cannot see (hidepid, another PID namespace) are missing.
type schedstatCollector struct {
	proc     string
	file     kernelFile // <fileRoot>/schedstat
	fileRoot string
	buf      []byte

	note string // Status remark for a successful read (which source, version warnings)

	// feed, when wired (NewSet), brings the threads the procs collector saw in this pass, so
	// the fallback does not walk /proc a second time; without it, or when the procs pass did
	// not complete, the fallback walks /proc/PID/task/TID itself.
	feed *taskFeed

	// hidepid says whether the fallback sees other users' threads, for the note.
	hidepid hidepidCheck

	// Fallback state.
	tasks   map[taskKey]taskCounters
	cum     map[int]*sources.SchedCPU // per-CPU counters rebuilt from the threads
	gen     uint32                    // pass number, marks the threads seen in this pass
	primed  bool                      // a first pass has set every thread's baseline
	statBuf []byte
	taskBuf []byte

	runnable  map[int]uint64 // scratch of fallback: runnable threads per CPU this pass
	noteOf    int            // the thread count c.note was written for, to write it once
	noteValid bool
}

// taskObs is one thread's scheduler state in one pass: what the fallback needs of
// /proc/PID/task/TID/{stat,schedstat}.
type taskObs struct {
	tid                int
	start              uint64 // stat 22: with tid, the thread's identity
	cpu                int    // stat 39: the CPU it last ran on
	state              byte   // stat 3
	run, delay, slices uint64 // schedstat
}

// taskFeed carries the procs collector's thread observations of one pass to the scheduler
// fallback, so that one walk of /proc serves both. The procs collector runs first in a pass
// (collectors run in file-name order); NewSet wires the two.
type taskFeed struct {
	want  bool               // the fallback is in use: the procs walk records threads
	table *sources.ProcTable // the pass the observations belong to; nil when none completed
	tasks []taskObs
}

// connect wires the procs collector's walk to the scheduler fallback, and the CPU set's
// re-read to /proc/stat's CPU lines, when both of a pair are in list.
func connect(list []Collector) {
	var pc *procCollector
	var sc *schedstatCollector
	var oc *cpuOnlineCollector
	var stc *statCollector
	for _, c := range list {
		switch c := c.(type) {
		case *procCollector:
			pc = c
		case *schedstatCollector:
			sc = c
		case *cpuOnlineCollector:
			oc = c
		case *statCollector:
			stc = c
		}
	}
	if oc != nil {
		oc.stat = stc
	}
	if pc != nil && sc != nil {
		// Wanted from the first pass when the kernel lacks /proc/schedstat, so that even the
		// first pass (the first frame's) walks /proc once; each pass then confirms.
		_, err := os.Stat(filepath.Join(sc.proc, "schedstat"))
		pc.feed = &taskFeed{want: errors.Is(err, fs.ErrNotExist)}
		sc.feed = pc.feed
	}
}

type taskKey struct {
	tid   int
	start uint64 // starttime: a reused tid is another thread
}

type taskCounters struct {
	run, delay, slices uint64
	gen                uint32
}

func (c *schedstatCollector) Name() string { return sources.SrcSchedstat }

// Note tells why the source is OK but not the plain kernel file (see Set.Collect).
func (c *schedstatCollector) Note() string { return c.note }

func (c *schedstatCollector) Collect(s *sources.Snapshot) error {
	at := now()
	if c.fileRoot != c.proc { // the first pass (or a test moved the root)
		c.file.Close()
		c.file, c.fileRoot = newKernelFile(filepath.Join(c.proc, "schedstat"), false), c.proc
	}
	path := c.file.path
	var err error
	c.buf, err = c.file.read(c.buf)
	switch {
	case err == nil:
		st, err := ParseSchedstat(c.buf)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		c.note, c.noteValid = "", false
		if c.feed != nil {
			c.feed.want = false
		}
		if st.Version < 15 || st.Version > 17 {
			c.note = fmt.Sprintf("schedstat version %d unknown (15-17 known): cpu fields 7-9 read as in 15", st.Version)
		}
		st.At = at
		s.Schedstat = st
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return c.fallback(s, at)
	default:
		return err
	}
}

// fallback sums every thread's counters into the CPU it last ran on (see the type's comment).
func (c *schedstatCollector) fallback(s *sources.Snapshot, at time.Time) error {
	if c.cum == nil {
		c.cum = make(map[int]*sources.SchedCPU)
	}
	c.gen++
	if c.runnable == nil {
		c.runnable = make(map[int]uint64)
	}
	runnable := c.runnable
	clear(runnable)
	threads := 0
	if c.feed != nil && c.feed.want && c.feed.table != nil && c.feed.table == s.Procs {
		for i := range c.feed.tasks {
			c.credit(&c.feed.tasks[i], runnable)
		}
		threads = len(c.feed.tasks)
	} else {
		var err error
		if threads, err = c.walk(runnable); err != nil {
			return err
		}
	}
	if c.feed != nil {
		c.feed.want = true // from the next pass on, the procs walk records the threads
	}
	for k, t := range c.tasks {
		if t.gen != c.gen {
			delete(c.tasks, k)
		}
	}
	if threads == 0 {
		return sources.WithHint(fmt.Errorf("%s: %w", filepath.Join(c.proc, "schedstat"), fs.ErrNotExist),
			"no /proc/schedstat (CONFIG_SCHEDSTATS off) and no readable /proc/PID/task/TID/schedstat (CONFIG_SCHED_INFO off or hidepid)")
	}
	c.primed = true
	// Every online CPU gets a row, also one no thread last ran on; CPUs seen before stay too,
	// so a counter never disappears and reappears at zero. cpu_online is collected earlier in
	// the same pass (collectors run in file-name order).
	if s.Online != nil {
		for _, id := range s.Online.Online {
			if c.cum[id] == nil {
				c.cum[id] = &sources.SchedCPU{ID: id}
			}
		}
	}
	st := &sources.Schedstat{At: at, Fallback: true, CPUs: make([]sources.SchedCPU, 0, len(c.cum))}
	for _, v := range c.cum {
		cpu := *v
		cpu.Runnable = runnable[cpu.ID]
		st.CPUs = append(st.CPUs, cpu)
	}
	slices.SortFunc(st.CPUs, func(a, b sources.SchedCPU) int { return a.ID - b.ID })
	// The same note comes back every pass while the thread count holds: built once for it.
	if !c.noteValid || c.noteOf != threads {
		c.note = fmt.Sprintf("CONFIG_SCHEDSTATS off (no /proc/schedstat): per-task fallback over %d threads", threads)
		if hp, hides := c.hidepid.get(); hides {
			// The sums are then the user's own threads': say so, or they read as the machine's.
			c.note += "; hidepid=" + hp + " hides other users' threads without CAP_SYS_PTRACE: only ktop's user's are counted"
		}
		c.noteOf, c.noteValid = threads, true
	}
	s.Schedstat = st
	return nil
}

// walk reads every thread's stat and schedstat itself and credits them; it returns how many
// threads it read. A thread whose files fail is skipped (see readTask); only when no thread
// could be read does the last such failure fail the source.
func (c *schedstatCollector) walk(runnable map[int]uint64) (threads int, err error) {
	var skipped error
	pids, err := readNames(c.proc)
	if err != nil {
		return 0, err
	}
	for _, pid := range pids {
		if !isDigits(pid) {
			continue
		}
		taskDir := filepath.Join(c.proc, pid, "task")
		tids, err := readNames(taskDir)
		if err != nil {
			if gone(err) {
				continue
			}
			return 0, err
		}
		for _, tid := range tids {
			if !isDigits(tid) {
				continue
			}
			err := c.readTask(filepath.Join(taskDir, tid), tid, runnable)
			switch {
			case err == nil:
				threads++
			case !gone(err):
				skipped = err
			}
		}
	}
	if threads == 0 && skipped != nil {
		// Every thread failed and not because it exited: that error is the reason.
		return 0, skipped
	}
	return threads, nil
}

// readTask reads one thread's stat and schedstat and credits its increase to its last CPU.
// An error skips this one thread only (the caller goes on): it vanished meanwhile (gone), or a
// dying task's files read empty, or a file did not parse. The procs walk's feed skips such
// threads the same way, so both paths count the same threads.
func (c *schedstatCollector) readTask(dir, tidName string, runnable map[int]uint64) (err error) {
	c.statBuf, err = readSmall(filepath.Join(dir, "stat"), c.statBuf)
	if err != nil {
		return err
	}
	ts, err := ParseTaskStat(c.statBuf)
	if err != nil {
		return fmt.Errorf("%s/stat: %w", dir, err)
	}
	c.taskBuf, err = readSmall(filepath.Join(dir, "schedstat"), c.taskBuf)
	if err != nil {
		return err
	}
	run, delay, slices, err := ParseTaskSchedstat(c.taskBuf)
	if err != nil {
		return fmt.Errorf("%s/schedstat: %w", dir, err)
	}
	tid, _ := parseUint([]byte(tidName))
	c.credit(&taskObs{tid: int(tid), start: ts.StartTime, cpu: ts.CPU, state: ts.State,
		run: run, delay: delay, slices: slices}, runnable)
	return nil
}

// credit adds one thread's increase since the previous pass to the CPU it last ran on.
func (c *schedstatCollector) credit(t *taskObs, runnable map[int]uint64) {
	key := taskKey{tid: t.tid, start: t.start}
	prev, seen := c.tasks[key]
	cpu := c.cum[t.cpu]
	if cpu == nil {
		cpu = &sources.SchedCPU{ID: t.cpu}
		c.cum[t.cpu] = cpu
	}
	switch {
	case seen:
		// The kernel's per-task counters only grow; a smaller value would be a kernel bug, and
		// is skipped rather than credited as a huge number.
		if t.run >= prev.run && t.delay >= prev.delay && t.slices >= prev.slices {
			cpu.RunNs += t.run - prev.run
			cpu.WaitNs += t.delay - prev.delay
			cpu.Timeslices += t.slices - prev.slices
		}
	case c.primed:
		// Not there at the previous pass: a new thread, whose counters all accrued since
		// (zero baseline, metrics-spec §0.4).
		cpu.RunNs += t.run
		cpu.WaitNs += t.delay
		cpu.Timeslices += t.slices
	}
	c.tasks[key] = taskCounters{run: t.run, delay: t.delay, slices: t.slices, gen: c.gen}
	if t.state == 'R' {
		runnable[t.cpu]++
	}
}

// readSmall reads a small per-task file with bare system calls. The fallback opens two files
// per thread per tick; os.Open's poller registration (fcntl, epoll_ctl) was 40 % of that cost,
// and is useless for procfs files, which never block.
func readSmall(path string, buf []byte) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return buf[:0], &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	if cap(buf) < 4096 {
		buf = make([]byte, 0, 4096)
	}
	buf = buf[:0]
	for {
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n <= 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// readNames lists a directory without stat-ing its entries.
func readNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// gone reports the errors that skip one process or thread rather than fail the source: it
// exited between readdir and read (ENOENT, ESRCH), or hidepid denies it (EACCES).
func gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) || errors.Is(err, fs.ErrPermission)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseSchedstat parses /proc/schedstat: "version N", "timestamp J", then per online CPU a
// "cpuN f1 … f9" line followed by its "domainM …" lines. Only the cpu lines are read, and of
// them fields 7–9 (ns running, ns waiting on the runqueue, timeslices), which are the same in
// versions 15 to 17 and are maintained even while kernel.sched_schedstats is 0.
func ParseSchedstat(b []byte) (*sources.Schedstat, error) {
	st := &sources.Schedstat{Version: -1}
	var f [][]byte
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		f = fields(line, f)
		if len(f) == 0 {
			continue
		}
		switch {
		case string(f[0]) == "version":
			if len(f) < 2 {
				return nil, fmt.Errorf("malformed version line")
			}
			v, err := parseUint(f[1])
			if err != nil || v > 1<<16 {
				return nil, fmt.Errorf("bad version %q", truncate(f[1]))
			}
			st.Version = int(v)
		case bytes.HasPrefix(f[0], []byte("cpu")):
			id, err := parseUint(f[0][3:])
			if err != nil || id > 1<<20 {
				return nil, fmt.Errorf("bad cpu name %q", truncate(f[0]))
			}
			if len(f) < 10 {
				return nil, fmt.Errorf("%s: %d fields, want 9", f[0], len(f)-1)
			}
			cpu := sources.SchedCPU{ID: int(id)}
			for i, dst := range []*uint64{&cpu.RunNs, &cpu.WaitNs, &cpu.Timeslices} {
				if *dst, err = parseUint(f[7+i]); err != nil {
					return nil, fmt.Errorf("%s field %d: %w", f[0], 7+i, err)
				}
			}
			st.CPUs = append(st.CPUs, cpu)
		}
	}
	if st.Version < 0 {
		return nil, fmt.Errorf("no version line")
	}
	slices.SortFunc(st.CPUs, func(a, b sources.SchedCPU) int { return a.ID - b.ID })
	return st, nil
}

// TaskStat holds the fields of /proc/PID/task/TID/stat the scheduler fallback needs.
type TaskStat struct {
	State     byte   // field 3: R, S, D, …
	StartTime uint64 // field 22, clock ticks after boot: (tid, starttime) identifies a thread
	CPU       int    // field 39: the CPU the thread last ran on
}

// ParseTaskStat reads fields 3, 22 and 39 of a task's stat line. The comm field (2) may hold
// blanks and parentheses, so fields are counted after the last ')'.
func ParseTaskStat(b []byte) (TaskStat, error) {
	var ts TaskStat
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ts, fmt.Errorf("no comm field")
	}
	var f [40][]byte
	rest := b[i+1:]
	n := 0
	// Fields after ')' start at field 3; field 39 is the 37th.
	for n < 37 {
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\n') {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			break
		}
		j := bytes.IndexAny(rest, " \n")
		if j < 0 {
			j = len(rest)
		}
		f[n] = rest[:j]
		rest = rest[j:]
		n++
	}
	if n < 37 {
		return ts, fmt.Errorf("%d fields after comm, want at least 37", n)
	}
	if len(f[0]) != 1 || !isStateLetter(f[0][0]) {
		return ts, fmt.Errorf("bad state %q", truncate(f[0]))
	}
	ts.State = f[0][0]
	var err error
	if ts.StartTime, err = parseUint(f[19]); err != nil {
		return ts, fmt.Errorf("starttime: %w", err)
	}
	cpu, err := parseUint(f[36])
	if err != nil || cpu > 1<<20 {
		return ts, fmt.Errorf("bad processor %q", truncate(f[36]))
	}
	ts.CPU = int(cpu)
	return ts, nil
}

// ParseTaskSchedstat parses /proc/PID/task/TID/schedstat: ns on CPU, ns waiting on a runqueue
// (run_delay), and timeslices run.
func ParseTaskSchedstat(b []byte) (run, delay, slices uint64, err error) {
	line, _ := nextLine(b)
	var buf [4][]byte
	f := fields(line, buf[:0])
	if len(f) < 3 {
		return 0, 0, 0, fmt.Errorf("%d fields, want 3", len(f))
	}
	for i, dst := range []*uint64{&run, &delay, &slices} {
		if *dst, err = parseUint(f[i]); err != nil {
			return 0, 0, 0, fmt.Errorf("field %d: %w", i+1, err)
		}
	}
	return run, delay, slices, nil
}

// Close drops the kept descriptor of /proc/schedstat.
func (c *schedstatCollector) Close() { c.file.Close() }
