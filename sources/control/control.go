// Package control acts on processes for the UI: send a signal, change the nice value. Both
// take the process's identity (PID and stat starttime) as the list showed it and refuse when
// the PID now belongs to another process, so a PID reused between the screen and the key
// press is never signalled. Errors are sentences a user can act on.
//
// Rule: like the rest of sources, no UI import; views never import this package (they ask the
// app, which calls it).
package control

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// procRoot is the procfs of ktop's own PID namespace: signals and priorities address PIDs of
// that namespace, whatever --proc the collectors read.
const procRoot = "/proc"

// ErrReused is returned when the PID belongs to another process than the one shown.
var ErrReused = sources.ErrPIDReused

// ErrGone is returned when the process has exited.
var ErrGone = sources.ErrProcGone

// Signals are the signals the UI offers, in the order htop users look for them; SIGTERM first
// because it is the default. Numbers come from package syscall, so they are right on every
// architecture.
var Signals = []struct {
	Name string
	Sig  syscall.Signal
}{
	{"SIGTERM", syscall.SIGTERM}, {"SIGKILL", syscall.SIGKILL}, {"SIGINT", syscall.SIGINT},
	{"SIGHUP", syscall.SIGHUP}, {"SIGQUIT", syscall.SIGQUIT}, {"SIGSTOP", syscall.SIGSTOP},
	{"SIGCONT", syscall.SIGCONT}, {"SIGTSTP", syscall.SIGTSTP}, {"SIGUSR1", syscall.SIGUSR1},
	{"SIGUSR2", syscall.SIGUSR2}, {"SIGWINCH", syscall.SIGWINCH},
}

// SignalByName maps "SIGTERM" (or "TERM") to its number.
func SignalByName(name string) (syscall.Signal, bool) {
	for _, s := range Signals {
		if s.Name == name || s.Name == "SIG"+name {
			return s.Sig, true
		}
	}
	return 0, false
}

// Signal sends sig to the process (pid, start). The process is pinned with a pidfd before its
// starttime is checked, so the signal reaches the process that was checked even if the PID is
// reused in between; kernels before 5.3 (no pidfd) fall back to check-then-kill(2).
func Signal(pid int, start uint64, sig syscall.Signal) error {
	if pid <= 0 {
		// kill(2) reads 0 and negative PIDs as process groups: never let one through.
		return fmt.Errorf("invalid PID %d", pid)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	switch {
	case err == nil:
		defer unix.Close(fd)
		if err := check(pid, start); err != nil {
			return err
		}
		return explain("send "+sigName(sig)+" to", "CAP_KILL", pid, unix.PidfdSendSignal(fd, sig, nil, 0))
	case errors.Is(err, syscall.ESRCH):
		return fmt.Errorf("%d: %w", pid, ErrGone)
	case errors.Is(err, syscall.ENOSYS):
		if err := check(pid, start); err != nil {
			return err
		}
		return explain("send "+sigName(sig)+" to", "CAP_KILL", pid, syscall.Kill(pid, sig))
	}
	return explain("open a pidfd of", "CAP_KILL", pid, err)
}

// Renice sets the nice value of every thread of the process (pid, start). On Linux
// setpriority(PRIO_PROCESS, pid) changes one thread only, so renice(1) and htop leave the
// other threads of a multi-threaded process where they were; ktop sets them all, which is what
// "renice the process" means to its user. There is no pidfd form: the check runs first, and
// again after listing the threads.
func Renice(pid int, start uint64, nice int) error {
	if pid <= 0 {
		return fmt.Errorf("invalid PID %d", pid)
	}
	if nice < -20 || nice > 19 {
		return fmt.Errorf("nice %d out of range -20…19", nice)
	}
	if err := check(pid, start); err != nil {
		return err
	}
	// A thread started while the others are being reniced inherits the nice value of the
	// thread that made it, which may not be set yet: list the threads again until two passes,
	// 2 ms apart, find none new (a runtime that keeps spawning threads gets a few passes, not
	// a loop forever). One quiet pass was not enough under load: clone copies the parent's
	// nice before the new thread shows in task/, and a pass could fall between the two.
	done := map[int]bool{}
	quiet := false
	for pass := 0; pass < 8; pass++ {
		tids, err := threads(pid)
		if err != nil {
			return err
		}
		if err := check(pid, start); err != nil {
			return err
		}
		fresh := 0
		for i, tid := range tids {
			if done[tid] {
				continue
			}
			fresh++
			err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice)
			if err == nil || (i > 0 && errors.Is(err, syscall.ESRCH)) {
				done[tid] = true
				continue // a thread other than the leader may exit meanwhile
			}
			return explain(fmt.Sprintf("set nice %d on", nice), "CAP_SYS_NICE", pid, err)
		}
		switch {
		case fresh > 0:
			quiet = false
		case quiet:
			return nil
		default:
			quiet = true
			time.Sleep(2 * time.Millisecond)
		}
	}
	return nil
}

// check re-reads /proc/PID/stat and refuses when the process is gone or its starttime differs.
func check(pid int, start uint64) error {
	b, err := collect.ReadFile(procRoot + "/" + strconv.Itoa(pid) + "/stat")
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) || (err == nil && len(b) == 0) {
		return fmt.Errorf("%d: %w", pid, ErrGone)
	}
	if err != nil {
		return fmt.Errorf("%d: %w", pid, err)
	}
	var p sources.Proc
	if _, err := collect.ParseProcStat(b, &p); err != nil {
		return fmt.Errorf("%d/stat: %w", pid, err)
	}
	if p.StartTime != start {
		return fmt.Errorf("%d: %w (started at %.2f s after boot, not %.2f s): nothing done",
			pid, ErrReused, float64(p.StartTime)/100, float64(start)/100)
	}
	return nil
}

// threads lists the TIDs of pid, the leader first.
func threads(pid int) ([]int, error) {
	ents, err := os.ReadDir(procRoot + "/" + strconv.Itoa(pid) + "/task")
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%d: %w", pid, ErrGone)
	}
	if err != nil {
		return nil, err
	}
	tids := []int{pid}
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil && tid != pid {
			tids = append(tids, tid)
		}
	}
	return tids, nil
}

// explain turns a syscall error into a sentence that says what is missing; capability is the
// one that overrides the ownership check (EPERM).
func explain(what, capability string, pid int, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ESRCH):
		return fmt.Errorf("%d: %w", pid, ErrGone)
	case errors.Is(err, syscall.EPERM):
		return fmt.Errorf("cannot %s %d: not permitted (another user's process: needs root or %s)", what, pid, capability)
	case errors.Is(err, syscall.EACCES):
		// setpriority: lowering nice below RLIMIT_NICE's floor.
		return fmt.Errorf("cannot %s %d: raising priority needs root, CAP_SYS_NICE or a higher RLIMIT_NICE", what, pid)
	}
	return fmt.Errorf("cannot %s %d: %w", what, pid, err)
}

func sigName(sig syscall.Signal) string {
	for _, s := range Signals {
		if s.Sig == sig {
			return s.Name
		}
	}
	return "signal " + strconv.Itoa(int(sig))
}
