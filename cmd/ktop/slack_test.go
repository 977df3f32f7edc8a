package main

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSlackProcess is not a test of its own: run with KTOP_TEST_SLACK set (by TestTimerSlack),
// it calls withTimerSlack as main does, which executes this test binary again with the same
// arguments and environment, and then prints one line: "exec N" (N counts the processes that
// got here, through KTOP_TEST_SLACK_N, which each exec passes on) and the timer slack of
// several of its threads.
func TestSlackProcess(t *testing.T) {
	if os.Getenv("KTOP_TEST_SLACK") == "" {
		return
	}
	n, _ := strconv.Atoi(os.Getenv("KTOP_TEST_SLACK_N"))
	os.Setenv("KTOP_TEST_SLACK_N", strconv.Itoa(n+1))
	withTimerSlack()
	// Threads made after the exec: each goroutine locked to its own thread reads its slack.
	var wg sync.WaitGroup
	slacks := make([]int, 8)
	for i := range slacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			slacks[i], _ = unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
		}()
	}
	wg.Wait()
	out := []string{"exec", strconv.Itoa(n)}
	for _, s := range slacks {
		out = append(out, strconv.Itoa(s))
	}
	os.Stdout.WriteString(strings.Join(out, " ") + "\n")
	os.Exit(0)
}

// TestTimerSlack runs withTimerSlack in a process of its own: started with the kernel's default
// slack it executes itself once, after which every thread has 1 ms; started with a slack of
// its caller's choosing (here 200 µs, set by a parent through prctl before the fork) it
// changes nothing and does not execute itself.
func TestTimerSlack(t *testing.T) {
	mine, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil {
		t.Skip("no PR_GET_TIMERSLACK here:", err)
	}
	for _, c := range []struct {
		name  string
		slack int // the slack the child starts with
		want  string
	}{
		{"default", defaultSlack, "exec 1" + strings.Repeat(" 1000000", 8)},
		{"chosen", 200_000, "exec 0" + strings.Repeat(" 200000", 8)},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A child inherits its parent's slack at fork; the test's thread lends it its own
			// for the fork, locked so that no other goroutine runs with it.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(c.slack), 0, 0, 0); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestSlackProcess$")
			cmd.Env = append(os.Environ(), "KTOP_TEST_SLACK=1", "KTOP_TEST_SLACK_N=0")
			out, err := cmd.Output()
			unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(mine), 0, 0, 0)
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if have := strings.TrimSpace(string(out)); have != c.want {
				t.Errorf("want %q, have %q", c.want, have)
			}
		})
	}
}
