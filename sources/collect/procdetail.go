package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// This file is the on-demand side of the process list: what the UI reads for one process when
// asked (the detail view) or for the threads of listed processes (the thread view). The
// periodic pass (procs.go) reads none of it. Every file of a process is opened relative to one
// directory fd whose stat starttime was checked, so a reused PID is never read as the process
// the user picked. /proc/PID/smaps is not read here either.

// Reasons shown when a part of the detail cannot be read.
const (
	noteFDDenied = "needs same user or CAP_SYS_PTRACE"
	noteDenied   = "permission denied"
)

// ReadProcDetail reads the threads, memory lines, cgroups and open-file count of one process.
// It fails only when the process is gone or its PID was reused (sources.ErrProcGone,
// sources.ErrPIDReused); a part that cannot be read carries a note instead.
func ReadProcDetail(fs FS, id sources.ProcID) (*sources.ProcDetail, error) {
	start := time.Now()
	dfd, err := openProc(fs.Proc, id)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(dfd)
	d := &sources.ProcDetail{ID: id, At: start, FDs: -1}

	var ts *sources.ThreadSet
	ts, err = readThreads(dfd, id.PID)
	if err != nil {
		d.ThreadsNote = note(err)
	} else {
		d.Threads = *ts
	}
	if b, err := readAt(dfd, "status"); err != nil {
		d.MemNote = note(err)
	} else if d.VolCtx, d.InvolCtx, err = ParseStatusMem(b, &d.Mem); err != nil {
		d.MemNote = "status: " + err.Error()
	}
	if b, err := readAt(dfd, "cgroup"); err != nil {
		d.CgroupNote = note(err)
	} else {
		d.Cgroups = ParseCgroup(b)
	}
	if n, err := countDir(dfd, "fd"); err != nil {
		d.FDNote = note(err)
		if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
			d.FDNote = noteFDDenied
		}
	} else {
		d.FDs = n
	}
	d.Took = time.Since(start)
	return d, nil
}

// ReadThreads reads task/*/stat and schedstat of each process in ids. Processes that exited
// or whose PID was reused are left out; the cost is one stat and one schedstat read per
// thread, so the UI asks only while the thread view is on.
func ReadThreads(fs FS, ids []sources.ProcID) *sources.ThreadTable {
	start := time.Now()
	t := &sources.ThreadTable{At: start, Procs: make(map[sources.ProcID]*sources.ThreadSet, len(ids))}
	for _, id := range ids {
		dfd, err := openProc(fs.Proc, id)
		if err != nil {
			continue
		}
		if ts, err := readThreads(dfd, id.PID); err == nil {
			t.Procs[id] = ts
			t.Count += len(ts.Threads)
		}
		syscall.Close(dfd)
	}
	t.Took = time.Since(start)
	return t
}

// openProc opens /proc/PID as a directory and checks its starttime.
func openProc(root string, id sources.ProcID) (int, error) {
	if id.PID <= 0 {
		return -1, fmt.Errorf("invalid PID %d", id.PID)
	}
	dfd, err := syscall.Open(root+"/"+strconv.Itoa(id.PID), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if errors.Is(err, syscall.ENOENT) {
		return -1, fmt.Errorf("%d: %w", id.PID, sources.ErrProcGone)
	}
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: root + "/" + strconv.Itoa(id.PID), Err: err}
	}
	b, err := readAt(dfd, "stat")
	if err != nil || len(b) == 0 {
		syscall.Close(dfd)
		return -1, fmt.Errorf("%d: %w", id.PID, sources.ErrProcGone)
	}
	var p sources.Proc
	if _, err := ParseProcStat(b, &p); err != nil {
		syscall.Close(dfd)
		return -1, fmt.Errorf("%d/stat: %w", id.PID, err)
	}
	if p.StartTime != id.Start {
		syscall.Close(dfd)
		return -1, fmt.Errorf("%d: %w", id.PID, sources.ErrPIDReused)
	}
	return dfd, nil
}

// readThreads reads task/TID/stat and task/TID/schedstat of every thread below dfd.
func readThreads(dfd, pid int) (*sources.ThreadSet, error) {
	ts := &sources.ThreadSet{At: time.Now()}
	tfd, err := syscall.Openat(dfd, "task", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	dir := os.NewFile(uintptr(tfd), strconv.Itoa(pid)+"/task")
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		tid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		b, err := readAt(tfd, name+"/stat")
		if err != nil || len(b) == 0 {
			continue // exited since the listing
		}
		var p sources.Proc
		comm, err := ParseProcStat(b, &p)
		if err != nil {
			continue
		}
		th := sources.ThreadStat{TID: tid, Start: p.StartTime, Comm: Sanitize(string(comm)), State: p.State, CPU: p.CPU,
			Nice: p.Nice, UTime: p.UTime, STime: p.STime}
		if b, err := readAt(tfd, name+"/schedstat"); err == nil {
			if _, delay, _, err := ParseTaskSchedstat(b); err == nil {
				th.RunDelayNs, th.HasSched = delay, true
			}
		}
		ts.Threads = append(ts.Threads, th)
	}
	if len(ts.Threads) == 0 {
		return nil, errors.New("no readable task/*/stat")
	}
	slices.SortFunc(ts.Threads, func(a, b sources.ThreadStat) int { return a.TID - b.TID })
	return ts, nil
}

// readAt reads the whole file name relative to dirfd.
func readAt(dirfd int, name string) ([]byte, error) {
	fd, err := syscall.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	return io.ReadAll(f)
}

// countDir counts the entries of directory name below dirfd.
func countDir(dirfd int, name string) (int, error) {
	fd, err := syscall.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: name, Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	n := 0
	for {
		names, err := f.Readdirnames(1024)
		n += len(names)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// note turns a read error into the short reason the detail view prints.
func note(err error) string {
	switch {
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return noteDenied
	case errors.Is(err, syscall.ENOENT):
		var pe *os.PathError
		if errors.As(err, &pe) {
			return "no " + pe.Path
		}
		return "missing"
	}
	return err.Error()
}

// ParseStatusMem parses the Vm*/Rss* lines of /proc/PID/status into m (kB) and returns the
// leader thread's voluntary and involuntary context switches. Kernel threads have no Vm
// lines: m stays zero. Unknown keys are ignored.
func ParseStatusMem(b []byte, m *sources.ProcMem) (vol, invol uint64, err error) {
	*m = sources.ProcMem{}
	keys := map[string]*uint64{
		"VmPeak": &m.VmPeak, "VmSize": &m.VmSize, "VmLck": &m.VmLck, "VmPin": &m.VmPin,
		"VmHWM": &m.VmHWM, "VmRSS": &m.VmRSS, "RssAnon": &m.RssAnon, "RssFile": &m.RssFile,
		"RssShmem": &m.RssShmem, "VmData": &m.VmData, "VmStk": &m.VmStk, "VmExe": &m.VmExe,
		"VmLib": &m.VmLib, "VmPTE": &m.VmPTE, "VmSwap": &m.VmSwap,
		"voluntary_ctxt_switches": &vol, "nonvoluntary_ctxt_switches": &invol,
	}
	seen := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		if string(line[:colon]) == "Name" {
			seen = true
		}
		dst, ok := keys[string(line[:colon])]
		if !ok {
			continue
		}
		v, err := firstUint(line[colon+1:])
		if err != nil {
			return 0, 0, fmt.Errorf("%s %w", line[:colon+1], err)
		}
		*dst = v
	}
	if !seen {
		return 0, 0, errors.New("no Name line")
	}
	return vol, invol, nil
}

// ParseCgroup returns the lines of /proc/PID/cgroup ("0::/system.slice/x.service" on cgroup
// v2, "N:controllers:/path" per v1 hierarchy), sanitised: paths are chosen by users.
func ParseCgroup(b []byte) []string {
	var out []string
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, Sanitize(string(line)))
		}
	}
	return out
}
