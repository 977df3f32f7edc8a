package main

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Timer slack: ktop executes itself again, once, at start, with 1 ms of it.
//
// Go's runtime monitor thread (sysmon) sleeps while ktop is idle and is woken by the first
// system call of each sampling pass; it then polls with 20 µs sleeps until the process is idle
// again, a few milliseconds later. On the 2-vCPU VMs ktop is measured on, a sleep and its
// wake-up cost 25-45 µs of CPU, and the monitor's polls were one wake-up in five of the
// dashboard and a tenth of its CPU (docs/perf.md). The kernel lets a timed sleep end anywhere
// within the thread's timer slack (50 µs by default), so with 1 ms the monitor's polls come a
// millisecond apart and a pass wakes it a few times instead of a dozen. Nothing in ktop needs
// its timers finer: samples are a second apart and stamped with the time they were read, a
// frame waits 16 ms, and keys are not timed.
//
// The monitor thread is started before any of ktop's code runs, and a thread may change only
// its own slack (another thread's, even in the same process, needs CAP_SYS_NICE). But new
// threads inherit their creator's slack and execve keeps it: so the main thread sets its own
// and executes /proc/self/exe again, whose threads then all start with it.
const timerSlack = 1_000_000 // ns

// defaultSlack is the kernel's default timer slack of a normal (not real-time) thread. Any
// other value was chosen by whoever started ktop (prctl, systemd's TimerSlackNSec=) and is
// kept.
const defaultSlack = 50_000

// withTimerSlack re-executes ktop with timerSlack when its slack is the kernel's default. It
// returns only when it did not: the slack was chosen by the caller or is ktop's already, or
// the system does not allow it (no /proc, a seccomp filter); ktop then runs as it is.
func withTimerSlack() {
	cur, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil || cur != defaultSlack {
		return
	}
	if unix.Prctl(unix.PR_SET_TIMERSLACK, timerSlack, 0, 0, 0) != nil {
		return
	}
	// /proc/self/exe is the running binary even if its file was replaced or removed since.
	// Exec returns only when it failed: ktop then goes on as it was started.
	if syscall.Exec("/proc/self/exe", os.Args, os.Environ()) != nil {
		unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(cur), 0, 0, 0)
	}
}
