package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

const (
	// kmsgHistory is how many of the records already in the ring buffer at start are kept:
	// the "dmesg | tail" of the checklist.
	kmsgHistory = 200
	// kmsgMaxPending bounds the records held between two samples; a flood beyond it drops the
	// oldest and counts them as lost.
	kmsgMaxPending = 1000
	// kmsgBufSize holds any record: /dev/kmsg fails a read() whose buffer is shorter than the
	// record with EINVAL (records are at most ~8 KiB with their dictionary).
	kmsgBufSize = 16 << 10
)

func init() {
	register(func(fs FS) Collector {
		return &kmsgCollector{
			path:     filepath.Join(fs.Dev, "kmsg"),
			restrict: fs.ProcPath("sys", "kernel", "dmesg_restrict"),
		}
	})
}

// kmsgCollector reads /dev/kmsg. /dev/kmsg is a stream, not a snapshot file: the first Collect
// opens it, reads the records already in the ring buffer (keeping the last kmsgHistory) and
// starts a goroutine that blocks in read() for new ones; every Collect then takes what arrived
// since the previous one. The file is opened through os.OpenFile, which puts a character
// device in the runtime poller, so the goroutine parks without holding a thread and Close
// wakes it by closing the file (closing a plain blocking fd would not interrupt its read).
//
// A regular file in place of the device (a fixture tree passed with --dev) is read once as a
// saved ring buffer, split into records the way the device returns them.
type kmsgCollector struct {
	path     string // /dev/kmsg
	restrict string // /proc/sys/kernel/dmesg_restrict, to explain EPERM
	stream   *kmsgStream
	file     *os.File      // the device while the reader goroutine runs
	done     chan struct{} // closed when the reader goroutine has returned
}

func (c *kmsgCollector) Name() string { return sources.SrcKmsg }

func (c *kmsgCollector) Collect(s *sources.Snapshot) error {
	if c.stream == nil {
		if err := c.start(); err != nil {
			return err
		}
	}
	k, err := c.stream.take()
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	s.Kmsg = k
	return nil
}

// start opens the log and reads the backlog. It is retried by every Collect until it succeeds,
// so a capability granted later (or a device that appears) is picked up.
func (c *kmsgCollector) start() (err error) {
	// Read errors (EISDIR, EINVAL for an oversized record in a saved ring) come bare from
	// read(2); the path makes the panel's reason say which file failed.
	defer func() {
		var pe *fs.PathError
		if err != nil && !errors.As(err, &pe) {
			err = &fs.PathError{Op: "read", Path: c.path, Err: err}
		}
	}()
	f, err := os.OpenFile(c.path, os.O_RDONLY, 0)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return sources.WithHint(err, c.deniedHint())
		}
		return err
	}
	st := newKmsgStream()
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if fi.Mode().IsRegular() {
		err := st.consume(&recordReader{r: f}, true)
		f.Close()
		if err != nil {
			return err
		}
		c.stream = st
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return err
	}
	// The backlog is read without blocking, up to EAGAIN, before the goroutine starts, so the
	// first sample already carries the recent history.
	if err := st.consume(newBacklogReader(rc), true); err != nil {
		f.Close()
		return err
	}
	done := make(chan struct{})
	c.stream, c.file, c.done = st, f, done
	go func() {
		defer close(done)
		err := st.consume(f, false)
		if errors.Is(err, os.ErrClosed) {
			err = nil
		}
		st.stop(err)
	}()
	return nil
}

// deniedHint explains EPERM: without CAP_SYSLOG, reading the log is refused when
// kernel.dmesg_restrict is 1 (the default with CONFIG_SECURITY_DMESG_RESTRICT).
func (c *kmsgCollector) deniedHint() string {
	b, err := readFile(c.restrict, nil)
	switch strings.TrimSpace(string(b)) {
	case "1":
		return "needs CAP_SYSLOG or root; kernel.dmesg_restrict=1"
	case "0":
		if err == nil {
			return "denied although kernel.dmesg_restrict=0 (container or security module)"
		}
	}
	return "needs CAP_SYSLOG or root"
}

// Close stops the reader goroutine and waits for it. The wait is bounded: were the device ever
// outside the poller, its read() would not notice the close, and exiting must not hang on it.
func (c *kmsgCollector) Close() {
	if c.file == nil {
		return
	}
	c.file.Close()
	select {
	case <-c.done:
	case <-time.After(time.Second):
	}
	c.file = nil
}

// backlogReader reads the device without waiting: EAGAIN, "no record yet", ends the backlog.
// Its read function is made once: a closure per Read cost three allocations per record of
// the backlog (the whole ring buffer, thousands of records, at start).
type backlogReader struct {
	rc   syscall.RawConn
	read func(fd uintptr) bool
	p    []byte // Read's buffer, for read
	n    int    // read's results
	err  error
}

func newBacklogReader(rc syscall.RawConn) *backlogReader {
	b := &backlogReader{rc: rc}
	b.read = func(fd uintptr) bool {
		b.n, b.err = syscall.Read(int(fd), b.p)
		return true // never park: the caller wants EAGAIN, not a wait
	}
	return b
}

func (b *backlogReader) Read(p []byte) (int, error) {
	b.p = p
	err := b.rc.Read(b.read)
	n, rerr := b.n, b.err
	b.p, b.err = nil, nil
	if err != nil {
		return 0, err
	}
	if errors.Is(rerr, syscall.EAGAIN) || (rerr == nil && n == 0) {
		return 0, io.EOF
	}
	if n < 0 {
		n = 0
	}
	return n, rerr
}

// recordReader returns a saved kmsg stream (records as /dev/kmsg prints them, one after the
// other) one record per Read, as the device does. Tests feed the stream reader through it.
type recordReader struct {
	r    io.Reader
	data []byte
	read bool
}

func (rr *recordReader) Read(p []byte) (int, error) {
	if !rr.read {
		var err error
		if rr.data, err = io.ReadAll(rr.r); err != nil {
			return 0, err
		}
		rr.read = true
	}
	if len(rr.data) == 0 {
		return 0, io.EOF
	}
	rec, rest := splitKmsgRecord(rr.data)
	if len(rec) > len(p) {
		return 0, syscall.EINVAL // what the device answers to a short buffer
	}
	rr.data = rest
	return copy(p, rec), nil
}

// splitKmsgRecord cuts the first record off a saved stream: its first line and the
// continuation lines that follow it, each starting with a space.
func splitKmsgRecord(b []byte) (rec, rest []byte) {
	end := 0
	for {
		i := bytes.IndexByte(b[end:], '\n')
		if i < 0 {
			return b, nil
		}
		end += i + 1
		if end >= len(b) || b[end] != ' ' {
			return b[:end], b[end:]
		}
	}
}

// kmsgStream collects parsed records between two samples. The reader goroutine adds, Collect
// takes.
type kmsgStream struct {
	history, maxPending int // kmsgHistory and kmsgMaxPending; tests lower them

	mu      sync.Mutex
	empty   *sources.Kmsg // the last record-less take, handed out again while nothing changes
	pending []sources.KmsgRecord
	lost    uint64
	lastSeq uint64
	haveSeq bool
	epipe   bool
	err     error // why the reader stopped, if it failed
}

// consume reads records from r until io.EOF (returns nil) or another error. Each Read must
// return exactly one record, as read(2) on /dev/kmsg does. EPIPE means the kernel overwrote
// records before this reader reached them; the reader is then moved to the oldest record left,
// so reading goes on and the sequence gap says how many were lost. backlog marks records that
// predate ktop: only the newest s.history are kept, and the older ones are not lost, just old.
func (s *kmsgStream) consume(r io.Reader, backlog bool) error {
	buf := make([]byte, kmsgBufSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			s.add(buf[:n], backlog)
		}
		switch {
		case err == nil:
		case errors.Is(err, syscall.EPIPE):
			s.mu.Lock()
			s.epipe = true
			s.mu.Unlock()
		case errors.Is(err, io.EOF):
			s.trim(backlog)
			return nil
		default:
			s.trim(backlog)
			return err
		}
	}
}

func (s *kmsgStream) add(b []byte, backlog bool) {
	rec, err := ParseKmsgRecord(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		// A record this parser cannot read is not shown, so it counts as lost rather than
		// vanishing unnoticed.
		s.lost++
		return
	}
	gap := uint64(0)
	if s.haveSeq && rec.Seq > s.lastSeq+1 {
		gap = rec.Seq - s.lastSeq - 1
	}
	if s.epipe && gap == 0 {
		gap = 1 // the kernel said records were lost even if the numbering does not show it
	}
	s.lost += gap
	s.epipe = false
	s.lastSeq, s.haveSeq = rec.Seq, true
	s.pending = append(s.pending, rec)
	// Trimming at twice the limit keeps appends amortised O(1) during a flood.
	if len(s.pending) >= 2*s.limit(backlog) {
		s.trimLocked(backlog)
	}
}

func newKmsgStream() *kmsgStream {
	return &kmsgStream{history: kmsgHistory, maxPending: kmsgMaxPending}
}

func (s *kmsgStream) limit(backlog bool) int {
	if backlog {
		return s.history
	}
	return s.maxPending
}

func (s *kmsgStream) trim(backlog bool) {
	s.mu.Lock()
	s.trimLocked(backlog)
	s.mu.Unlock()
}

func (s *kmsgStream) trimLocked(backlog bool) {
	over := len(s.pending) - s.limit(backlog)
	if over <= 0 {
		return
	}
	if !backlog {
		s.lost += uint64(over)
	}
	s.pending = append(s.pending[:0:0], s.pending[over:]...)
}

// stop records why the reader goroutine ended.
func (s *kmsgStream) stop(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

// take returns the records gathered since the previous call. Once the reader has failed and
// everything it read was handed out, it returns the failure.
func (s *kmsgStream) take() (*sources.Kmsg, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 && s.err != nil {
		return nil, s.err
	}
	if len(s.pending) == 0 {
		// Most passes bring no record: the snapshots share one empty Kmsg (never written to)
		// until the lost count changes.
		if s.empty == nil || s.empty.Lost != s.lost {
			s.empty = &sources.Kmsg{Lost: s.lost}
		}
		s.pending = nil
		return s.empty, nil
	}
	k := &sources.Kmsg{Records: s.pending, Lost: s.lost}
	s.pending = nil
	return k, nil
}

// ParseKmsgRecord parses one /dev/kmsg record (Documentation/ABI/testing/dev-kmsg):
//
//	6,339,1215798,-;tokio-rt-worker (69): drop_caches: 3
//	 SUBSYSTEM=acpi
//
// The prefix is "priority,sequence,timestamp_µs,flags" and may grow further comma fields
// (",caller=T123" with CONFIG_PRINTK_CALLER), which are ignored; priority is facility×8 +
// level. Continuation lines, each starting with a space, carry KEY=value pairs. The kernel
// escapes non-printable bytes and '\' as \xHH: Text and Dict are unescaped, tabs and embedded
// newlines become spaces (one record, one line), and then Sanitize removes every other control
// character, so nothing from the log can drive the terminal. The 'c' flag (continuation
// fragment, rare since 4.9 merges them in the kernel) is not merged.
func ParseKmsgRecord(b []byte) (sources.KmsgRecord, error) {
	var r sources.KmsgRecord
	head, rest := nextLine(b)
	prefix, text, ok := bytes.Cut(head, []byte(";"))
	if !ok {
		return r, fmt.Errorf("no ';' after the prefix")
	}
	var p [4][]byte
	np := 0
	for f := range bytes.SplitSeq(prefix, []byte(",")) {
		if np == len(p) {
			break
		}
		p[np] = f
		np++
	}
	if np < 3 {
		return r, fmt.Errorf("prefix %q: want priority,seq,timestamp", prefix)
	}
	pri, err := parseUint(p[0])
	if err != nil || pri > 1<<20 {
		return r, fmt.Errorf("bad priority %q", p[0])
	}
	r.Level, r.Facility = int(pri&7), int(pri>>3)
	if r.Seq, err = parseUint(p[1]); err != nil {
		return r, fmt.Errorf("sequence: %w", err)
	}
	if r.TsUsec, err = parseUint(p[2]); err != nil {
		return r, fmt.Errorf("timestamp: %w", err)
	}
	raw := unescapeKmsg(text)
	r.Event = classifyKmsg(raw)
	r.Text = Sanitize(raw)
	for len(rest) > 0 {
		var line []byte
		line, rest = nextLine(rest)
		if len(line) == 0 {
			continue
		}
		if line[0] != ' ' {
			return r, fmt.Errorf("continuation line without leading space")
		}
		r.Dict = append(r.Dict, Sanitize(unescapeKmsg(line[1:])))
	}
	return r, nil
}

// unescapeKmsg undoes the kernel's \xHH escaping; a backslash not followed by two hex digits
// is kept as is. Tab and newline become a space so that a record stays on one display line.
func unescapeKmsg(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	// A Builder grown once makes the string in one allocation (a []byte and then string(out)
	// made two).
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+3 < len(b) && b[i+1] == 'x' {
			hi, ok1 := unhex(b[i+2])
			lo, ok2 := unhex(b[i+3])
			if ok1 && ok2 {
				c = hi<<4 | lo
				i += 3
				if c == '\t' || c == '\n' {
					c = ' '
				}
			}
		}
		out.WriteByte(c)
	}
	return out.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// kmsgEvents are the checklist's usual suspects (metrics-spec §2.11), first match wins.
var kmsgEvents = []struct {
	event    string
	contains []string
}{
	{"oom_kill", []string{"Out of memory: Killed process", "oom-kill:"}},
	{"hung_task", []string{"blocked for more than"}},
	{"soft_lockup", []string{"soft lockup"}},
	{"io_error", []string{"I/O error", "blk_update_request"}},
	{"segfault", []string{"segfault at"}},
	{"syn_flood", []string{"Possible SYN flooding"}},
	{"conntrack_full", []string{"nf_conntrack: table full"}},
}

// classifyKmsg names the notable event a record reports, or "".
func classifyKmsg(text string) string {
	for _, e := range kmsgEvents {
		for _, s := range e.contains {
			if strings.Contains(text, s) {
				return e.event
			}
		}
	}
	if isRCUStall(text) {
		return "rcu_stall"
	}
	return ""
}

// isRCUStall matches "rcu_sched self-detected stall" and "rcu: INFO: rcu_.* detected stall"
// (rcu_preempt, rcu_sched, rcu_tasks…, "detected stalls on CPUs/tasks") without a regexp.
func isRCUStall(text string) bool {
	if strings.Contains(text, "rcu_sched self-detected stall") {
		return true
	}
	i := strings.Index(text, "rcu: INFO: rcu_")
	return i >= 0 && strings.Contains(text[i:], "detected stall")
}
