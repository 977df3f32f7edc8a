package collect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"github.com/ktop-dev/ktop/sources"
)

func init() { register(func(fs FS) Collector { return newProcCollector(fs) }) }

// statusMaxAge bounds how long status is carried forward for a process that did not run:
// reclaim and swap-out change RSS without the process running (metrics-spec §0.5 medium
// tier). It also bounds how long the process list is trusted without a readdir of /proc.
const statusMaxAge = 5 * time.Second

// statMaxAge bounds how long stat is carried forward for a process that did not run. Of what
// ktop takes from stat, only the state can change meanwhile (a wake-up not yet followed by a
// run) and the PPID (reparenting, which is caught sooner: see orphans).
const statMaxAge = 30 * time.Second

// statusBackstop bounds how long status is carried forward for a process that did not run
// while the kernel reclaimed nothing.
const statusBackstop = time.Minute

// procCollector makes one pass over /proc/PID per tick (metrics-spec §2.10.1). What it reads
// of a process depends on whether the process ran since the previous pass:
//   - schedstat for every process (for a multi-threaded one, task/*/schedstat of every
//     thread): the cheapest file, and its nanosecond counters move whenever the process runs;
//   - stat only for processes that ran, new ones, children of a process that exited (their
//     PPID changed), and every statMaxAge: a process that did not run has the same CPU times,
//     faults, thread count and state, so the previous values are carried forward (stamped
//     with this pass);
//   - status and io for processes that ran or faulted. For one that did not, io cannot have
//     moved (the kernel charges I/O to the task that does it), and status's memory lines only
//     through reclaim or swap (or swapoff). So when a process idle for statusMaxAge is due,
//     /proc/vmstat's reclaim and swap counters are checked once for the whole pass: if they
//     did not move since the process's last check, nothing is read; otherwise statm, the
//     cheaper file, is read, and status only when statm's resident or shared pages changed.
//     Every statusBackstop it is checked regardless (another process can fault pages into it
//     through ptrace or userfaultfd);
//   - cmdline once per process identity, and again when comm changes (exec);
//   - smaps_rollup for at most one process per pass, under SmapsPolicy.
//
// The directory of /proc is listed every statusMaxAge, and when more PIDs were allocated since
// the last look than probeNew looks up one by one (loadavg's last PID, read earlier in the same
// pass, tells); between listings, exited processes drop out as their files vanish.
//
// On procfs the files read every pass are kept open between passes and re-read from offset 0
// (pread), which saves the path walk, permission check and file set-up of an open per file: a
// kept descriptor is bound to the process it was opened for, and reads ESRCH once that process
// is gone, so a reused PID is never mistaken for the old process. Processes beyond the
// descriptor budget, and every process of a root that is not procfs (test fixtures, where a
// replaced file would keep its old contents under a kept descriptor), are opened by name each
// pass instead. Every file of a process is opened relative to one directory descriptor of
// /proc/PID, so all of them describe the same process, and no path string is built. One buffer
// serves every read; strings are made only for a new comm, cmdline or user.
//
// When the scheduler fallback asks for it (feed.want), the same walk also records every
// thread's scheduler observation for it (see taskFeed), so /proc is walked once per pass.
type procCollector struct {
	root   string     // the proc root
	vmstat kernelFile // <root>/vmstat, for the reclaim counters
	uptime kernelFile // <root>/uptime, read with the walk: new processes' lifetimes start from it
	// rootfd is the root directory kept open between passes when descriptors are kept (a
	// procfs root): opening and closing it, and uptime by name, were five system calls a pass.
	rootfd int
	clock  func() time.Time
	lookup func(uid uint32) string
	// fault, when set (tests), replaces the result of opening name in the directory of pid:
	// a way to see EACCES while the tests run as root.
	fault func(pid int, name string) error

	buf   []byte // file contents
	dents []byte // getdents buffer
	name  []byte // NUL-terminated name being opened
	pids  []int
	tids  []int

	cache map[int]*procEntry
	users map[uint32]string
	gen   uint64

	// keep: the root is procfs, so per-process files are kept open between passes (see the
	// type's comment); kept counts the descriptors held, at most budget.
	keep         bool
	keepDecided  bool
	kept, budget int

	// The last listing of the root: loadavg's last PID then, and when.
	listedPID uint64
	listedAt  time.Time
	listed    bool
	listedNow bool // /proc was listed in this pass
	// Reclaim epochs: the epoch is bumped whenever /proc/vmstat's reclaim counters (sum) moved
	// between two reads; each process remembers the epoch of its last memory check.
	epoch       uint64
	reclaimSum  uint64
	reclaimOK   bool
	reclaimRead bool // vmstat was read in this pass

	// probed holds the status that probeNew read of a new process in this pass, for its first
	// read of the walk: the same file a few milliseconds apart.
	probed map[int]ProcStatus

	// orphans are PIDs whose parent exited in the last pass: their stat is re-read.
	orphans map[int]bool
	gone    []int // PIDs that vanished in this pass

	hidepid hidepidCheck

	smaps *SmapsPolicy
	feed  *taskFeed
}

// procEntry is what the collector remembers of one process identity between passes.
type procEntry struct {
	start   uint64
	gen     uint64
	commRaw []byte
	comm    string
	cmdline string
	uid     uint32
	user    string

	// last is the previous pass's stat and schedstat values, carried forward while the process
	// does not run; statAt is when stat was last read.
	last   sources.Proc
	statAt time.Time
	// The leader's schedstat at the last read (for a single-threaded process, the process's).
	run, delay, slices uint64
	schedOK            bool
	schedRead          bool // schedstat was read at least once
	// recheck: the counters were first read after a stat that showed the process running,
	// so a run that ended between the two reads is in the counters but not in the stat kept
	// (its utime, its state R): the next pass reads stat whether or not they move.
	recheck bool

	// Kept descriptors (-1: not kept): the /proc/PID directory, its stat and schedstat, and
	// its task directory once the process was seen multi-threaded; status and io once it
	// ran in two passes (see readSlow).
	dirFd, statFd, schedFd, taskFd int
	statusFd, ioFd                 int
	runs                           uint8 // passes in which it ran, up to keepSlowAfter

	status   ProcStatus
	statusOK bool
	io       ProcIO
	ioState  sources.ProcIOState
	slowAt   time.Time // when status (or statm) was last read
	statm    ProcStatm // at the last status read of a process that did not run
	statmOK  bool
	epoch    uint64 // the collector's reclaim epoch at the last status or statm read

	// Threads, once the process was seen multi-threaded: live threads' last counters plus
	// what exited threads had accumulated, so the process figure never goes backwards.
	threads     map[int]*threadEntry
	deadDelay   uint64
	threadsGen  uint64
	listedTasks bool // the task directory was listed at least once
	multi       bool
	schedWait   uint64
}

// threadEntry is one thread of a multi-threaded process.
type threadEntry struct {
	run, delay, slices uint64
	gen                uint64
	// From task/TID/stat, read only for the scheduler fallback: when the thread is first seen
	// and whenever its counters moved (a thread that did not run kept its CPU and state).
	start   uint64
	cpu     int
	state   byte
	known   bool // start, cpu and state were read
	moved   bool // counters changed in this pass (or the thread is new)
	statFd  int
	schedFd int
}

func newProcCollector(fs FS) *procCollector {
	c := &procCollector{
		root:    fs.Proc,
		vmstat:  newKernelFile(fs.ProcPath("vmstat"), false),
		uptime:  newKernelFile(fs.ProcPath("uptime"), true),
		rootfd:  -1,
		clock:   now,
		lookup:  lookupUser,
		hidepid: newHidepidCheck(fs),
		cache:   make(map[int]*procEntry),
		users:   make(map[uint32]string),
		smaps:   NewSmapsPolicy(),
	}
	return c
}

// lookupUser maps a uid to a name through the system's user database; unknown uids print as
// numbers, as ps does.
func lookupUser(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(id); err == nil {
		return u.Username
	}
	return id
}

func (c *procCollector) Name() string { return sources.SrcProcs }

// Smaps is the collector's smaps_rollup policy (SetSelected pins processes).
func (c *procCollector) Smaps() *SmapsPolicy { return c.smaps }

// procfsMagic is PROC_SUPER_MAGIC, statfs's f_type of a procfs mount.
const procfsMagic = 0x9fa0

// decideKeep turns kept descriptors on when the root is procfs, with a budget of half the
// open-file limit (the rest is left to the program), at most maxKept: each kept procfs file
// costs the kernel a struct file and, once read, a one-page seq_file buffer.
func (c *procCollector) decideKeep() {
	if c.keepDecided {
		return
	}
	c.keepDecided = true
	var st syscall.Statfs_t
	if syscall.Statfs(c.root, &st) != nil || st.Type != procfsMagic {
		return
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	c.keep, c.budget = true, int(min(lim.Cur/2, maxKept))
}

// maxKept caps the kept descriptors: about 16 MiB of kernel memory at worst.
const maxKept = 4096

// Close releases the kept descriptors.
func (c *procCollector) Close() {
	c.vmstat.Close()
	c.uptime.Close()
	if c.rootfd >= 0 {
		syscall.Close(c.rootfd)
		c.rootfd = -1
	}
	for pid, e := range c.cache {
		c.dropEntry(e)
		delete(c.cache, pid)
	}
}

func (c *procCollector) Collect(s *sources.Snapshot) error {
	at := c.clock()
	start := time.Now()
	c.decideKeep()
	if c.feed != nil {
		c.feed.table, c.feed.tasks = nil, c.feed.tasks[:0]
	}
	rootfd := c.rootfd
	if rootfd < 0 {
		var err error
		rootfd, err = syscall.Open(c.root, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return &os.PathError{Op: "open", Path: c.root, Err: err}
		}
		if c.keep {
			c.rootfd = rootfd
		} else {
			defer syscall.Close(rootfd)
		}
	}
	c.reclaimRead, c.listedNow = false, false

	var err error
	c.buf, err = c.uptime.read(c.buf)
	if err != nil {
		return err
	}
	up, _, err := parseUptime(c.buf)
	if err != nil {
		return fmt.Errorf("%s/uptime: %w", c.root, err)
	}
	// List /proc only when a PID was allocated since the last listing (or it is old): on a
	// quiet host the known processes are all there is. When a few were, they are looked up
	// by number instead (probeNew).
	relist := !c.listed || s.Load == nil || at.Sub(c.listedAt) >= statusMaxAge
	if !relist && s.Load.LastPID != c.listedPID {
		relist = !c.probeNew(rootfd, c.listedPID, s.Load.LastPID)
	}
	if relist {
		if rootfd == c.rootfd { // kept: a listing goes on from where the last one ended
			_, err = syscall.Seek(rootfd, 0, io.SeekStart)
		}
		if err == nil {
			c.pids, err = c.listNumeric(rootfd, c.pids[:0])
		}
		if err != nil {
			c.listed = false
			return &os.PathError{Op: "readdir", Path: c.root, Err: err}
		}
		slices.Sort(c.pids)
		c.listedNow = true
		c.listed, c.listedAt = s.Load != nil, at
		if s.Load != nil {
			c.listedPID = s.Load.LastPID
		}
	}
	c.gone = c.gone[:0]

	c.gen++
	tab := &sources.ProcTable{At: at, Uptime: up, Procs: make([]sources.Proc, 0, len(c.pids))}
	hidden, bad := 0, 0
	var badErr error
	for _, pid := range c.pids {
		p, err := c.readProc(rootfd, pid, at)
		switch {
		case err == nil:
			tab.Procs = append(tab.Procs, p)
			if p.IOState == sources.IODenied {
				tab.IODenied++
			}
		case exited(err):
			// exited between readdir and open: normal (metrics-spec §7.20)
			c.gone = append(c.gone, pid)
		case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
			hidden++
		default:
			bad++
			badErr = err
		}
	}
	clear(c.probed) // those not read by the walk (the process exited meanwhile)
	c.sweep()
	if hp, hides := c.hidepid.get(); hides {
		tab.Notes = append(tab.Notes, "hidepid="+hp+": other users' processes are hidden without CAP_SYS_PTRACE; list incomplete")
	}
	if hidden > 0 {
		tab.Notes = append(tab.Notes, fmt.Sprintf("%d processes not readable (hidepid)", hidden))
	}
	if bad > 0 {
		tab.Notes = append(tab.Notes, fmt.Sprintf("%d processes skipped: %v", bad, badErr))
	}
	tab.SmapsTime = c.smaps.Apply(tab, func(pid int) (*sources.SmapsRollup, error) {
		return c.readSmaps(rootfd, pid)
	})
	s.SetStatus(sources.SrcSmaps, c.smaps.Status())
	tab.ScanTime = time.Since(start)
	s.Procs = tab
	if c.feed != nil && c.feed.want {
		c.feed.table = tab
	}
	return nil
}

// maxProbe is the most newly allocated PIDs probeNew looks up one by one; more, and listing
// /proc is cheaper.
const maxProbe = 64

// probeNew finds the processes created since the last look, PIDs from+1 to to (loadavg's last
// PID then and now), by opening each one's status instead of listing /proc: the kernel hands
// out PIDs in increasing order (wrapping at pid_max), so every PID allocated since is in that
// range. Listing /proc walks every task of the host and re-lists every multi-threaded
// process's task directory (see threadSched), which on a host that forks now and then was a
// tenth of ktop's CPU at ~500 processes; a few lookups cost a few microseconds each. A PID
// in the range is a new process (Tgid is itself), a new thread of a process (its task
// directory is listed again at the process's next read), or gone. It reports false, and the
// caller lists /proc, when the root is not procfs (fixtures replace files under kept names),
// the PIDs wrapped, there are more than maxProbe, or a lookup failed other than by exit.
func (c *procCollector) probeNew(rootfd int, from, to uint64) bool {
	if !c.keep || to <= from || to-from > maxProbe {
		return false
	}
	added := false
	for pid := from + 1; pid <= to; pid++ {
		c.name = append(strconv.AppendUint(c.name[:0], pid, 10), "/status\x00"...)
		var err error
		c.buf, err = c.readAtName(rootfd, int(pid), c.name, c.buf)
		switch {
		case exited(err):
			continue
		case err != nil:
			return false
		}
		tgid, ok := statusTgid(c.buf)
		switch {
		case !ok:
			if len(c.buf) == 0 {
				continue // a dying task reads empty
			}
			return false
		case tgid == int(pid):
			if _, known := slices.BinarySearch(c.pids, tgid); !known {
				c.pids = append(c.pids, tgid)
				added = true
			}
			var st ProcStatus
			if ParseProcStatus(c.buf, &st) == nil {
				if c.probed == nil {
					c.probed = make(map[int]ProcStatus)
				}
				c.probed[tgid] = st
			}
		default:
			if e := c.cache[tgid]; e != nil {
				e.listedTasks = false // list its threads again at its next read
			}
		}
	}
	if added {
		slices.Sort(c.pids)
	}
	c.listedPID = to
	return true
}

// statusTgid finds the Tgid line of /proc/PID/status: the process a task belongs to.
func statusTgid(b []byte) (int, bool) {
	const key = "\nTgid:"
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, false
	}
	line, _ := nextLine(b[i+len(key):])
	v, err := parseUint(bytes.TrimSpace(line))
	if err != nil || v > 1<<30 {
		return 0, false
	}
	return int(v), true
}

// sweep forgets the processes that were not seen in this pass, drops the vanished PIDs from
// the list kept between listings, and marks the children of exited processes as orphans:
// their PPID changed without their running.
func (c *procCollector) sweep() {
	for pid, e := range c.cache {
		if e.gen != c.gen {
			c.dropEntry(e)
			delete(c.cache, pid)
			c.gone = append(c.gone, pid)
		}
	}
	clear(c.orphans)
	if len(c.gone) == 0 {
		return
	}
	slices.Sort(c.gone)
	c.gone = slices.Compact(c.gone)
	c.pids = slices.DeleteFunc(c.pids, func(pid int) bool {
		_, found := slices.BinarySearch(c.gone, pid)
		return found
	})
	for pid, e := range c.cache {
		if _, found := slices.BinarySearch(c.gone, e.last.PPID); found {
			if c.orphans == nil {
				c.orphans = make(map[int]bool)
			}
			c.orphans[pid] = true
		}
	}
}

// readProc reads one process. A returned ENOENT or ESRCH means it is gone.
func (c *procCollector) readProc(rootfd, pid int, at time.Time) (sources.Proc, error) {
	e := c.cache[pid]
	if e == nil {
		return c.readEntry(rootfd, pid, nil, at)
	}
	p, err := c.readEntry(rootfd, pid, e, at)
	if !exited(err) {
		return p, err
	}
	// The process known as e is gone (its kept descriptors say so, or its files vanished); the
	// PID, if listed again, is another process.
	c.dropEntry(e)
	delete(c.cache, pid)
	return c.readEntry(rootfd, pid, nil, at)
}

// exited reports the errors of a process or thread that is gone.
func exited(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ESRCH)
}

// readEntry reads process pid, known as e from earlier passes (nil when new).
func (c *procCollector) readEntry(rootfd, pid int, e *procEntry, at time.Time) (sources.Proc, error) {
	dfd, owned := -1, false
	if e != nil {
		dfd = e.dirFd
	}
	if dfd < 0 {
		c.name = append(strconv.AppendInt(c.name[:0], int64(pid), 10), 0)
		var err error
		if dfd, err = c.openat(rootfd, pid, c.name, syscall.O_DIRECTORY); err != nil {
			return sources.Proc{PID: pid}, err
		}
		owned = true
		defer func() {
			if owned {
				syscall.Close(dfd)
			}
		}()
	}

	// The scheduler counters first: unless they moved, the process did not run.
	moved := e == nil || !e.schedRead
	if !moved {
		var err error
		if moved, err = c.readSchedOf(dfd, pid, e); err != nil {
			return sources.Proc{PID: pid}, err
		}
		moved, e.recheck = moved || e.recheck, false
	}
	var p sources.Proc
	if moved || c.orphans[pid] || at.Sub(e.statAt) >= statMaxAge {
		var err error
		if p, e, err = c.readStat(dfd, pid, e, at); err != nil {
			return p, err
		}
		if !e.schedRead || (p.Threads > 1 && !e.multi) {
			// New, or newly multi-threaded: the leader's schedstat is no longer the process's.
			e.multi = e.multi || p.Threads > 1
			c.readSchedOf(dfd, pid, e)
			e.recheck = p.State == 'R'
		}
		moved = moved || p.UTime+p.STime != e.last.UTime+e.last.STime || p.MinFlt+p.MajFlt != e.last.MinFlt+e.last.MajFlt
	} else {
		p = e.last
		p.AtUs = c.sinceUs(at)
	}
	e.gen = c.gen
	if owned && c.keepFd(&e.dirFd, dfd) {
		owned = false
	}
	if e.multi {
		p.RunDelayNs, p.HasSched = e.schedWait, e.schedOK
	} else {
		p.RunDelayNs, p.HasSched = e.delay, e.schedOK
	}
	e.last = p

	switch {
	case p.Kernel && e.statusOK:
		// A kernel thread has no memory of its own and keeps its user: after the first read its
		// status has nothing new (most of the processes that run in a pass on a quiet host are
		// kernel threads). Its io is read when it ran.
		if moved {
			c.readIO(dfd, pid, e)
		}
	case moved:
		e.slowAt, e.statmOK, e.epoch = at, false, c.epoch
		e.runs = min(e.runs+1, keepSlowAfter)
		c.readStatus(dfd, pid, e)
		c.readIO(dfd, pid, e)
	case at.Sub(e.slowAt) >= statusMaxAge && (at.Sub(e.slowAt) >= statusBackstop || c.reclaimedSince(e.epoch)):
		// Did not run: only reclaim or swap changed its memory, and they change statm.
		e.slowAt = at
		if c.statmMoved(dfd, pid, e) {
			c.readStatus(dfd, pid, e)
		}
		e.epoch = c.epoch
	}
	if e.statusOK {
		st := e.status
		p.UID, p.RSSKB, p.AnonKB, p.FileKB, p.ShmemKB, p.SwapKB = st.UID, st.RSSKB, st.AnonKB, st.FileKB, st.ShmemKB, st.SwapKB
		p.HasStatus = true
		p.User = e.user
	}
	p.IOState = e.ioState
	p.ReadBytes, p.WriteBytes, p.CancelledWriteBytes = e.io.ReadBytes, e.io.WriteBytes, e.io.CancelledWriteBytes
	p.Cmdline = e.cmdline

	if c.feed != nil && c.feed.want {
		c.observe(dfd, pid, e, &p)
	}
	return p, nil
}

// readSchedOf reads the process's scheduler counters (the thread sums when it is
// multi-threaded) and reports whether they moved since the last read. The error is that of a
// kept descriptor whose process is gone; other failures leave the counters unavailable.
func (c *procCollector) readSchedOf(dfd, pid int, e *procEntry) (moved bool, err error) {
	e.schedRead = true
	if e.multi {
		return c.threadSched(dfd, pid, e), nil
	}
	wasKept := e.schedFd >= 0
	c.name = append(c.name[:0], "schedstat\x00"...)
	if err := c.readKept(&e.schedFd, dfd, pid, c.name); err != nil {
		if wasKept && exited(err) {
			return true, err
		}
		e.schedOK = false
		return true, nil
	}
	run, delay, slices, perr := ParseTaskSchedstat(c.buf)
	moved = perr != nil || !e.schedOK || run != e.run || delay != e.delay || slices != e.slices
	e.run, e.delay, e.slices, e.schedOK = run, delay, slices, perr == nil
	return moved, nil
}

// readStat reads /proc/PID/stat into a new Proc and settles the process's identity: an entry
// whose start time differs is a reused PID, replaced by a fresh one, which it returns.
func (c *procCollector) readStat(dfd, pid int, e *procEntry, at time.Time) (sources.Proc, *procEntry, error) {
	p := sources.Proc{PID: pid}
	// stat is kept open only from its second read on: most processes never run again after
	// the first pass, and a kept, read procfs file holds a page of kernel memory.
	wasKept := e != nil && e.statFd >= 0
	var err error
	if e != nil {
		err = c.readKept(&e.statFd, dfd, pid, statName)
	} else {
		c.buf, err = c.readAtName(dfd, pid, statName, c.buf)
	}
	if err != nil {
		return p, e, err
	}
	p.AtUs = c.sinceUs(at)
	if len(c.buf) == 0 {
		return p, e, syscall.ESRCH // a dying task can read as empty
	}
	comm, err := ParseProcStat(c.buf, &p)
	if err != nil {
		return p, e, fmt.Errorf("%d/stat: %w", pid, err)
	}
	fresh := e == nil || e.start != p.StartTime
	if fresh {
		if wasKept {
			// A kept descriptor cannot change process: only a kernel bug would get here.
			return p, e, syscall.ESRCH
		}
		if e != nil {
			c.dropEntry(e)
		}
		e = &procEntry{start: p.StartTime, dirFd: -1, statFd: -1, schedFd: -1, taskFd: -1, statusFd: -1, ioFd: -1}
		c.cache[pid] = e
	}
	e.statAt = at
	if fresh || string(e.commRaw) != string(comm) {
		e.commRaw = append(e.commRaw[:0], comm...)
		e.comm = Sanitize(string(comm))
		// cmdline is read once per identity, and again after exec (which changes comm).
		if c.buf, err = c.readAt(dfd, pid, "cmdline\x00", c.buf); err != nil {
			c.buf = c.buf[:0]
		}
		e.cmdline = Cmdline(c.buf, e.comm)
	}
	p.Comm = e.comm
	return p, e, nil
}

// sinceUs is the time since the start of the pass in µs, for Proc.AtUs.
func (c *procCollector) sinceUs(at time.Time) uint32 {
	if off := c.clock().Sub(at).Microseconds(); off > 0 && off < 1<<32 {
		return uint32(off)
	}
	return 0
}

// reclaimedSince reports whether the kernel may have reclaimed or swapped pages since the
// reclaim epoch epoch. /proc/vmstat is read at most once per pass, before the first memory
// check that needs it; when it cannot be read, the answer is always yes.
func (c *procCollector) reclaimedSince(epoch uint64) bool {
	if !c.reclaimRead {
		c.reclaimRead = true
		var err error
		var sum uint64
		// Not readAt: vmstat is a multi-record seq file, which may take several read() calls.
		if c.buf, err = c.vmstat.read(c.buf); err == nil {
			sum, err = ParseReclaim(c.buf)
		}
		if err == nil && (!c.reclaimOK || sum != c.reclaimSum) {
			c.epoch++
		}
		c.reclaimSum, c.reclaimOK = sum, err == nil
	}
	return !c.reclaimOK || epoch != c.epoch
}

// readStatus reads status into e. A failure keeps the previous values.
func (c *procCollector) readStatus(dfd, pid int, e *procEntry) {
	st, probed := c.probed[pid]
	if probed {
		delete(c.probed, pid)
	} else {
		if err := c.readSlow(&e.statusFd, dfd, pid, statusName, e); err != nil {
			return
		}
		if ParseProcStatus(c.buf, &st) != nil {
			return
		}
	}
	if !e.statusOK || st.UID != e.uid || e.user == "" {
		e.user = c.userName(st.UID)
	}
	e.status, e.statusOK, e.uid = st, true, st.UID
}

// readIO reads io into e.
func (c *procCollector) readIO(dfd, pid int, e *procEntry) {
	err := c.readSlow(&e.ioFd, dfd, pid, ioName, e)
	switch {
	case err == nil:
		var io ProcIO
		if ParseProcIO(c.buf, &io) == nil {
			e.io, e.ioState = io, sources.IOOK
		} else {
			e.ioState = sources.IOMissing
		}
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		e.ioState = sources.IODenied
	default:
		e.ioState = sources.IOMissing
	}
}

// statmMoved reads statm and reports whether status is due: statm's resident or shared pages
// changed since the last check, or there is no earlier check (or statm cannot be read).
func (c *procCollector) statmMoved(dfd, pid int, e *procEntry) bool {
	var err error
	if c.buf, err = c.readAt(dfd, pid, "statm\x00", c.buf); err != nil {
		e.statmOK = false
		return true
	}
	st, err := ParseProcStatm(c.buf)
	if err != nil {
		e.statmOK = false
		return true
	}
	moved := !e.statmOK || st != e.statm
	e.statm, e.statmOK = st, true
	return moved
}

// threadSched sums schedstat's run delay over /proc/PID/task/* into e.schedWait, and
// reports whether any thread ran, appeared or exited since the last pass. Threads that exited
// keep contributing their last values, so the sum is cumulative like stat's utime; a thread
// whose counters went backwards is a reused TID and starts over.
func (c *procCollector) threadSched(dfd, pid int, e *procEntry) (moved bool) {
	// Without a new PID since the last listing there is no new thread either (TIDs come from
	// the same allocator), and exited ones show as ESRCH on their kept descriptors: the task
	// directory need not be listed again.
	if !c.listedNow && e.listedTasks && c.keptThreads(e) {
		c.tids = c.tids[:0]
		for tid := range e.threads {
			c.tids = append(c.tids, tid)
		}
		return c.threadCounters(-1, pid, e)
	}
	tfd := e.taskFd
	if tfd >= 0 {
		if _, err := syscall.Seek(tfd, 0, 0); err != nil {
			c.closeKept(&e.taskFd)
			tfd = -1
		}
	}
	if tfd < 0 {
		var err error
		if tfd, err = c.openat(dfd, pid, taskName, syscall.O_DIRECTORY); err != nil {
			e.schedOK = false
			return true
		}
		if !c.keepFd(&e.taskFd, tfd) {
			defer syscall.Close(tfd)
		}
	}
	var err error
	if c.tids, err = c.listNumeric(tfd, c.tids[:0]); err != nil {
		e.schedOK = false
		return true
	}
	e.listedTasks = true
	return c.threadCounters(tfd, pid, e)
}

// keptThreads reports whether every known thread of e has its schedstat kept open.
func (c *procCollector) keptThreads(e *procEntry) bool {
	for _, t := range e.threads {
		if t.schedFd < 0 {
			return false
		}
	}
	return len(e.threads) > 0
}

// threadCounters reads the schedstat of the threads c.tids of e (through the task directory
// tfd, or their kept descriptors when tfd is -1); see threadSched.
func (c *procCollector) threadCounters(tfd, pid int, e *procEntry) (moved bool) {
	if e.threads == nil {
		e.threads = make(map[int]*threadEntry, len(c.tids))
	}
	e.threadsGen++
	var liveDelay uint64
	ok := false
	for _, tid := range c.tids {
		t := e.threads[tid]
		if t == nil {
			t = &threadEntry{statFd: -1, schedFd: -1}
			e.threads[tid] = t
			moved, t.moved = true, true
		} else {
			t.moved = false
		}
		c.name = append(strconv.AppendInt(c.name[:0], int64(tid), 10), "/schedstat\x00"...)
		if err := c.readKept(&t.schedFd, tfd, pid, c.name); err != nil {
			continue // exited meanwhile: swept below, as it is not marked in this generation
		}
		r, d, s, err := ParseTaskSchedstat(c.buf)
		if err != nil {
			continue
		}
		if t.gen != 0 && (r < t.run || d < t.delay) {
			e.deadDelay += t.delay
			t.known = false
			t.moved = true
		}
		if r != t.run || d != t.delay || s != t.slices {
			moved, t.moved = true, true
		}
		t.run, t.delay, t.slices, t.gen = r, d, s, e.threadsGen
		liveDelay += d
		ok = true
	}
	for tid, t := range e.threads {
		if t.gen != e.threadsGen {
			if t.gen != 0 {
				e.deadDelay += t.delay
			}
			c.closeKept(&t.statFd)
			c.closeKept(&t.schedFd)
			delete(e.threads, tid)
			moved = true
		}
	}
	e.schedWait, e.schedOK = e.deadDelay+liveDelay, ok
	return moved
}

// observe records the process's threads for the scheduler fallback. A single-threaded
// process's stat and schedstat are its only thread's; so are a multi-threaded process's stat
// fields for its leader (state, start time and CPU are the leader's in /proc/PID/stat). Other
// threads' task/TID/stat is read only when the thread is new or ran: one that did not run kept
// its CPU and state.
func (c *procCollector) observe(dfd, pid int, e *procEntry, p *sources.Proc) {
	if !e.multi {
		if e.schedOK {
			c.feed.tasks = append(c.feed.tasks, taskObs{tid: pid, start: p.StartTime, cpu: int(p.CPU), state: p.State,
				run: e.run, delay: e.delay, slices: e.slices})
		}
		return
	}
	var tfd = e.taskFd
	for tid, t := range e.threads {
		if t.gen != e.threadsGen {
			continue // its schedstat could not be read in this pass
		}
		if tid == pid {
			t.start, t.cpu, t.state, t.known = p.StartTime, int(p.CPU), p.State, true
		} else if t.moved || !t.known {
			if tfd < 0 {
				var err error
				if tfd, err = c.openat(dfd, pid, taskName, syscall.O_DIRECTORY); err != nil {
					return
				}
				defer syscall.Close(tfd)
			}
			c.name = append(strconv.AppendInt(c.name[:0], int64(tid), 10), "/stat\x00"...)
			var err error
			if t.known {
				err = c.readKept(&t.statFd, tfd, pid, c.name) // ran: likely to run again
			} else {
				c.buf, err = c.readAtName(tfd, pid, c.name, c.buf)
			}
			if err != nil {
				continue
			}
			ts, err := ParseTaskStat(c.buf)
			if err != nil {
				continue
			}
			if t.known && ts.StartTime != t.start {
				continue // a reused TID between the two reads: seen again next pass
			}
			t.start, t.cpu, t.state, t.known = ts.StartTime, ts.CPU, ts.State, true
		}
		c.feed.tasks = append(c.feed.tasks, taskObs{tid: tid, start: t.start, cpu: t.cpu, state: t.state,
			run: t.run, delay: t.delay, slices: t.slices})
	}
}

// readKept reads the file name (NUL-terminated, in directory dirfd) into c.buf through the
// descriptor *fd: one kept from an earlier pass is read again from offset 0; otherwise the
// file is opened, read, and kept (in *fd) when the collector keeps descriptors and the budget
// allows. A kept descriptor that fails is closed: its process or thread is gone.
func (c *procCollector) readKept(fd *int, dirfd, pid int, name []byte) error {
	var err error
	if *fd >= 0 {
		if c.buf, err = readAll(*fd, c.buf, true); err != nil {
			c.closeKept(fd)
		}
		return err
	}
	f, err := c.openat(dirfd, pid, name, 0)
	if err != nil {
		c.buf = c.buf[:0]
		return err
	}
	c.buf, err = readAll(f, c.buf, true)
	if err != nil || !c.keepFd(fd, f) {
		syscall.Close(f)
	}
	return err
}

// keepFd stores f in *fd when the collector keeps descriptors and the budget allows.
func (c *procCollector) keepFd(fd *int, f int) bool {
	if !c.keep || c.kept >= c.budget {
		return false
	}
	*fd = f
	c.kept++
	return true
}

// closeKept closes a kept descriptor, if any.
func (c *procCollector) closeKept(fd *int) {
	if *fd >= 0 {
		syscall.Close(*fd)
		*fd = -1
		c.kept--
	}
}

// fds are the entry's own descriptor fields (its threads' are theirs).
func (e *procEntry) fds() [6]*int {
	return [...]*int{&e.dirFd, &e.statFd, &e.schedFd, &e.taskFd, &e.statusFd, &e.ioFd}
}

// dropEntry closes every descriptor an entry keeps.
func (c *procCollector) dropEntry(e *procEntry) {
	for _, fd := range e.fds() {
		c.closeKept(fd)
	}
	for _, t := range e.threads {
		c.closeKept(&t.statFd)
		c.closeKept(&t.schedFd)
	}
}

func (c *procCollector) userName(uid uint32) string {
	if n, ok := c.users[uid]; ok {
		return n
	}
	n := Sanitize(c.lookup(uid))
	c.users[uid] = n
	return n
}

// hidepidCheck tells whether the proc mount's hidepid option hides processes from ktop. It
// reads the option and ktop's credentials once: mount options and ktop's own credentials
// rarely change, and the answer only labels what is shown. The option hides nothing from a
// holder of CAP_SYS_PTRACE (root normally has it) or a member of the mount's gid= group, so
// ktop's own CapEff and groups decide, not its uid; when /proc/self/status cannot be read,
// root is assumed to see everything.
type hidepidCheck struct {
	root      string // the proc root, the mount point to look for
	mountinfo string // <root>/self/mountinfo
	selfStat  string // <root>/self/status: ktop's own capabilities and groups
	euid      int

	known bool
	value string // the mount's hidepid value, "" when off
	hides bool
}

func newHidepidCheck(fs FS) hidepidCheck {
	return hidepidCheck{root: fs.Proc, mountinfo: fs.ProcPath("self", "mountinfo"),
		selfStat: fs.ProcPath("self", "status"), euid: os.Geteuid()}
}

// get returns the hidepid value ("" when off) and whether it hides processes from ktop.
func (h *hidepidCheck) get() (value string, hides bool) {
	if !h.known {
		h.known = true
		if b, err := ReadFile(h.mountinfo); err == nil {
			var gid int
			h.value, gid = ParseHidepid(b, filepath.Clean(h.root))
			if h.value != "" {
				h.hides = h.euid != 0
				if b, err := ReadFile(h.selfStat); err == nil {
					if cr, err := ParseCreds(b); err == nil {
						h.hides = !cr.SeesAll(gid)
					}
				}
			}
		}
	}
	return h.value, h.hides
}

// readSmaps reads /proc/PID/smaps_rollup (never smaps). errProcGone means the process exited.
func (c *procCollector) readSmaps(rootfd, pid int) (*sources.SmapsRollup, error) {
	c.name = append(strconv.AppendInt(c.name[:0], int64(pid), 10), "/smaps_rollup\x00"...)
	var err error
	c.buf, err = c.readAtName(rootfd, pid, c.name, c.buf)
	if err != nil {
		if errors.Is(err, syscall.ENOENT) {
			// Missing file or missing process: tell them apart by the directory.
			c.name = append(strconv.AppendInt(c.name[:0], int64(pid), 10), 0)
			fd, derr := c.openat(rootfd, pid, c.name, syscall.O_DIRECTORY)
			if derr != nil {
				return nil, errProcGone
			}
			syscall.Close(fd)
		}
		return nil, err
	}
	r := &sources.SmapsRollup{}
	if err := ParseSmapsRollup(c.buf, r); err != nil {
		return nil, err
	}
	return r, nil
}

// listNumeric appends the all-digit names of directory fd (PIDs, TIDs) to dst, parsing the
// getdents64 records in place so that no string is made per entry.
func (c *procCollector) listNumeric(fd int, dst []int) ([]int, error) {
	if cap(c.dents) < 32<<10 {
		c.dents = make([]byte, 32<<10)
	}
	c.dents = c.dents[:cap(c.dents)]
	for {
		n, err := syscall.ReadDirent(fd, c.dents)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return dst, err
		}
		if n <= 0 {
			return dst, nil
		}
		for off := 0; off+19 <= n; {
			// struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }
			reclen := int(binary.NativeEndian.Uint16(c.dents[off+16:]))
			if reclen < 19 || off+reclen > n {
				return dst, errors.New("malformed getdents record")
			}
			name := c.dents[off+19 : off+reclen]
			off += reclen
			id, ok := 0, false
			for _, ch := range name {
				if ch == 0 {
					break
				}
				if ch < '0' || ch > '9' || id > 1<<30 {
					ok = false
					break
				}
				id, ok = id*10+int(ch-'0'), true
			}
			if ok {
				dst = append(dst, id)
			}
		}
	}
}

// taskName and statName are NUL-terminated names of a process's directory.
var (
	taskName   = []byte("task\x00")
	statName   = []byte("stat\x00")
	statusName = []byte("status\x00")
	ioName     = []byte("io\x00")
)

// keepSlowAfter is how many passes a process must have run in before its status and io
// descriptors are kept: they are read only in passes in which it ran, so for most processes
// (idle ones) a kept descriptor would hold kernel memory (a page of seq buffer each) for a
// read that rarely comes; one that keeps running has them read every pass, and a kept
// descriptor makes open, read, close one pread.
const keepSlowAfter = 2

// readSlow reads status or io (name) of process e into c.buf, through the kept descriptor
// *fd once the process has run in keepSlowAfter passes.
func (c *procCollector) readSlow(fd *int, dfd, pid int, name []byte, e *procEntry) error {
	if *fd >= 0 || e.runs >= keepSlowAfter {
		return c.readKept(fd, dfd, pid, name)
	}
	var err error
	c.buf, err = c.readAtName(dfd, pid, name, c.buf)
	return err
}

// errProcGone reports that the process exited.
var errProcGone = errors.New("process exited")

// readAt reads the file name (a NUL-terminated constant) in directory dirfd.
func (c *procCollector) readAt(dirfd, pid int, name string, buf []byte) ([]byte, error) {
	c.name = append(c.name[:0], name...)
	return c.readAtName(dirfd, pid, c.name, buf)
}

// readAtName reads the whole file name (NUL-terminated) relative to dirfd into buf.
func (c *procCollector) readAtName(dirfd, pid int, name []byte, buf []byte) ([]byte, error) {
	fd, err := c.openat(dirfd, pid, name, 0)
	if err != nil {
		return buf[:0], err
	}
	defer syscall.Close(fd)
	return readAll(fd, buf, true)
}

// openat opens name (NUL-terminated) relative to dirfd without building a Go string, which
// syscall.Openat would copy to the heap on every call.
func (c *procCollector) openat(dirfd, pid int, name []byte, flags int) (int, error) {
	if c.fault != nil {
		if err := c.fault(pid, string(name[:len(name)-1])); err != nil {
			return -1, err
		}
	}
	for {
		fd, _, errno := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(&name[0])),
			uintptr(flags|syscall.O_RDONLY|syscall.O_CLOEXEC), 0, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return -1, errno
		}
		return int(fd), nil
	}
}
