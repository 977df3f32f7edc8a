package collect

import (
	"encoding/binary"
	"errors"
	"fmt"
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

// statusMaxAge bounds how long status and io values are carried forward for a process that
// did not run: reclaim and swap-out change RSS without the process running (metrics-spec §0.5
// medium tier).
const statusMaxAge = 5 * time.Second

// procCollector makes one pass over /proc/PID per tick (metrics-spec §2.10.1):
//   - stat and schedstat (summed over threads when there are several) for every process;
//   - status and io only for processes that ran or faulted since the last pass, or whose values
//     are older than statusMaxAge — otherwise the previous values are carried forward;
//   - cmdline once per process identity, and again when comm changes (exec);
//   - smaps_rollup for at most one process per pass, under SmapsPolicy.
//
// Every file of a process is opened relative to one directory fd of /proc/PID, so all of them
// describe the same process even if its PID is reused during the pass, and no path string is
// built. One buffer serves every read; strings are made only for a new comm, cmdline or user.
type procCollector struct {
	root      string // the proc root
	mountinfo string // <root>/self/mountinfo, for hidepid
	clock     func() time.Time
	lookup    func(uid uint32) string
	euid      int
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

	hidepid      string
	hidepidKnown bool

	smaps *SmapsPolicy
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

	// change detection: a process whose CPU time, runtime and faults did not move has not run.
	cpu, run, flt uint64

	status   ProcStatus
	statusOK bool
	io       ProcIO
	ioState  sources.ProcIOState
	slowAt   time.Time // when status and io were last read

	// Threads' schedstat, once the process was seen multi-threaded: live threads' last values
	// plus what exited threads had accumulated, so the process figure never goes backwards.
	threads             map[int]threadSched
	deadRun, deadDelay  uint64
	threadsGen          uint64
	multi               bool
	schedRun, schedWait uint64
}

type threadSched struct {
	run, delay uint64
	gen        uint64
}

func newProcCollector(fs FS) *procCollector {
	c := &procCollector{
		root:      fs.Proc,
		mountinfo: fs.ProcPath("self", "mountinfo"),
		clock:     now,
		lookup:    lookupUser,
		euid:      os.Geteuid(),
		cache:     make(map[int]*procEntry),
		users:     make(map[uint32]string),
		smaps:     NewSmapsPolicy(),
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

func (c *procCollector) Collect(s *sources.Snapshot) error {
	at := c.clock()
	start := time.Now()
	rootfd, err := syscall.Open(c.root, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: c.root, Err: err}
	}
	defer syscall.Close(rootfd)

	c.buf, err = c.readAt(rootfd, 0, "uptime\x00", c.buf)
	if err != nil {
		return &os.PathError{Op: "read", Path: c.root + "/uptime", Err: err}
	}
	up, err := ParseUptime(c.buf)
	if err != nil {
		return fmt.Errorf("%s/uptime: %w", c.root, err)
	}
	if c.pids, err = c.listNumeric(rootfd, c.pids[:0]); err != nil {
		return &os.PathError{Op: "readdir", Path: c.root, Err: err}
	}
	slices.Sort(c.pids)

	c.gen++
	tab := &sources.ProcTable{At: at, Uptime: up.Up, Procs: make([]sources.Proc, 0, len(c.pids))}
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
		case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ESRCH):
			// exited between readdir and open: normal (metrics-spec §7.20)
		case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
			hidden++
		default:
			bad++
			badErr = err
		}
	}
	for pid, e := range c.cache {
		if e.gen != c.gen {
			delete(c.cache, pid)
		}
	}
	if hp := c.hidepidOption(); hp != "" && c.euid != 0 {
		tab.Notes = append(tab.Notes, "hidepid="+hp+": other users' processes are hidden from non-root; list incomplete")
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
	return nil
}

// readProc reads one process. A returned ENOENT or ESRCH means it is gone.
func (c *procCollector) readProc(rootfd, pid int, at time.Time) (sources.Proc, error) {
	p := sources.Proc{PID: pid}
	c.name = append(strconv.AppendInt(c.name[:0], int64(pid), 10), 0)
	dfd, err := c.openat(rootfd, pid, c.name, syscall.O_DIRECTORY)
	if err != nil {
		return p, err
	}
	defer syscall.Close(dfd)

	if c.buf, err = c.readAt(dfd, pid, "stat\x00", c.buf); err != nil {
		return p, err
	}
	if off := c.clock().Sub(at).Microseconds(); off > 0 && off < 1<<32 {
		p.AtUs = uint32(off)
	}
	if len(c.buf) == 0 {
		return p, syscall.ESRCH // a dying task can read as empty
	}
	comm, err := ParseProcStat(c.buf, &p)
	if err != nil {
		return p, fmt.Errorf("%d/stat: %w", pid, err)
	}
	e := c.cache[pid]
	fresh := e == nil || e.start != p.StartTime
	if fresh {
		e = &procEntry{start: p.StartTime}
		c.cache[pid] = e
	}
	e.gen = c.gen
	commChanged := fresh || string(e.commRaw) != string(comm)
	if commChanged {
		e.commRaw = append(e.commRaw[:0], comm...)
		e.comm = Sanitize(string(comm))
	}
	p.Comm = e.comm

	if p.Threads > 1 || e.multi {
		e.multi = true
		p.RunNs, p.RunDelayNs, p.HasSched = c.threadSched(dfd, pid, e)
	} else if c.buf, err = c.readAt(dfd, pid, "schedstat\x00", c.buf); err == nil {
		if run, delay, _, err := ParseTaskSchedstat(c.buf); err == nil {
			p.RunNs, p.RunDelayNs, p.HasSched = run, delay, true
		}
	}

	moved := fresh || p.UTime+p.STime != e.cpu || p.RunNs != e.run || p.MinFlt+p.MajFlt != e.flt
	e.cpu, e.run, e.flt = p.UTime+p.STime, p.RunNs, p.MinFlt+p.MajFlt
	if moved || at.Sub(e.slowAt) >= statusMaxAge {
		e.slowAt = at
		c.readSlow(dfd, pid, e)
	}
	if e.statusOK {
		st := e.status
		p.UID, p.RSSKB, p.AnonKB, p.FileKB, p.ShmemKB, p.SwapKB = st.UID, st.RSSKB, st.AnonKB, st.FileKB, st.ShmemKB, st.SwapKB
		p.HasStatus = true
		p.User = e.user
	}
	p.IOState = e.ioState
	p.ReadBytes, p.WriteBytes, p.CancelledWriteBytes = e.io.ReadBytes, e.io.WriteBytes, e.io.CancelledWriteBytes

	if commChanged {
		// cmdline is read once per identity, and again after exec (which changes comm).
		if c.buf, err = c.readAt(dfd, pid, "cmdline\x00", c.buf); err != nil {
			c.buf = c.buf[:0]
		}
		e.cmdline = Cmdline(c.buf, e.comm)
	}
	p.Cmdline = e.cmdline
	return p, nil
}

// readSlow reads status and io into e. A failure keeps the previous values of that file.
func (c *procCollector) readSlow(dfd, pid int, e *procEntry) {
	var err error
	if c.buf, err = c.readAt(dfd, pid, "status\x00", c.buf); err == nil {
		var st ProcStatus
		if ParseProcStatus(c.buf, &st) == nil {
			if !e.statusOK || st.UID != e.uid || e.user == "" {
				e.user = c.userName(st.UID)
			}
			e.status, e.statusOK, e.uid = st, true, st.UID
		}
	}
	c.buf, err = c.readAt(dfd, pid, "io\x00", c.buf)
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

// threadSched sums schedstat over /proc/PID/task/*. Threads that exited since the last pass
// keep contributing their last values, so the sum is cumulative like stat's utime; a thread
// whose counters went backwards is a reused TID and starts over.
func (c *procCollector) threadSched(dfd, pid int, e *procEntry) (run, delay uint64, ok bool) {
	tfd, err := c.openat(dfd, pid, taskName, syscall.O_DIRECTORY)
	if err != nil {
		return e.schedRun, e.schedWait, false
	}
	defer syscall.Close(tfd)
	if c.tids, err = c.listNumeric(tfd, c.tids[:0]); err != nil {
		return e.schedRun, e.schedWait, false
	}
	if e.threads == nil {
		e.threads = make(map[int]threadSched, len(c.tids))
	}
	e.threadsGen++
	var liveRun, liveDelay uint64
	for _, tid := range c.tids {
		c.name = append(strconv.AppendInt(c.name[:0], int64(tid), 10), "/schedstat\x00"...)
		if c.buf, err = c.readAtName(tfd, pid, c.name, c.buf); err != nil {
			continue
		}
		r, d, _, err := ParseTaskSchedstat(c.buf)
		if err != nil {
			continue
		}
		if old, seen := e.threads[tid]; seen && (r < old.run || d < old.delay) {
			e.deadRun += old.run
			e.deadDelay += old.delay
		}
		e.threads[tid] = threadSched{run: r, delay: d, gen: e.threadsGen}
		liveRun += r
		liveDelay += d
		ok = true
	}
	for tid, t := range e.threads {
		if t.gen != e.threadsGen {
			e.deadRun += t.run
			e.deadDelay += t.delay
			delete(e.threads, tid)
		}
	}
	e.schedRun, e.schedWait = e.deadRun+liveRun, e.deadDelay+liveDelay
	return e.schedRun, e.schedWait, ok
}

func (c *procCollector) userName(uid uint32) string {
	if n, ok := c.users[uid]; ok {
		return n
	}
	n := Sanitize(c.lookup(uid))
	c.users[uid] = n
	return n
}

// hidepidOption reads the proc mount's hidepid option once; mount options rarely change and
// the answer only labels the list.
func (c *procCollector) hidepidOption() string {
	if !c.hidepidKnown {
		c.hidepidKnown = true
		if b, err := ReadFile(c.mountinfo); err == nil {
			c.hidepid = ParseHidepid(b, filepath.Clean(c.root))
		}
	}
	return c.hidepid
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

// taskName is the NUL-terminated name of the thread directory.
var taskName = []byte("task\x00")

// errProcGone reports that the process exited.
var errProcGone = errors.New("process exited")

// readAt reads the file name (a NUL-terminated constant) in directory dirfd.
func (c *procCollector) readAt(dirfd, pid int, name string, buf []byte) ([]byte, error) {
	c.name = append(c.name[:0], name...)
	return c.readAtName(dirfd, pid, c.name, buf)
}

// readAtName reads the whole file name (NUL-terminated) relative to dirfd into buf. procfs
// generates a small seq file whole on the first read(), and cmdline copies as much as asked,
// so a read that leaves room in the buffer is taken as complete: one read() per file.
func (c *procCollector) readAtName(dirfd, pid int, name []byte, buf []byte) ([]byte, error) {
	fd, err := c.openat(dirfd, pid, name, 0)
	if err != nil {
		return buf[:0], err
	}
	defer syscall.Close(fd)
	if cap(buf) < 64<<10 {
		buf = make([]byte, 0, 64<<10)
	}
	buf = buf[:0]
	for {
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf[:0], err
		}
		buf = buf[:len(buf)+n]
		if n == 0 || len(buf) < cap(buf) {
			return buf, nil
		}
		nb := make([]byte, len(buf), 2*cap(buf))
		copy(nb, buf)
		buf = nb
	}
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
