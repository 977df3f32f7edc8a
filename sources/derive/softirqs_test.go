package derive

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// snapFromFixture parses the softirqs, interrupts, diskstats and net/dev files of one captured
// tree (a or b of a pair) into a Snapshot. Every source is stamped with the capture's own
// /proc/uptime, so that Δt is the real interval between the two captures.
func snapFromFixture(t *testing.T, dir string) *sources.Snapshot {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(fixtureRoot, dir, "proc", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	up, err := strconv.ParseFloat(strings.Fields(string(read("uptime")))[0], 64)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1_800_000_000, 0).Add(time.Duration(up * float64(time.Second)))
	s := &sources.Snapshot{Time: at}
	if s.Softirqs, err = collect.ParseSoftirqs(read("softirqs")); err != nil {
		t.Fatal(err)
	}
	if s.Interrupts, err = collect.ParseInterrupts(read("interrupts")); err != nil {
		t.Fatal(err)
	}
	if s.Disks, err = collect.ParseDiskstats(read("diskstats")); err != nil {
		t.Fatal(err)
	}
	if s.Net, err = collect.ParseNetDev(read("net/dev")); err != nil {
		t.Fatal(err)
	}
	s.Softirqs.At, s.Interrupts.At, s.Disks.At, s.Net.At = at, at, at, at
	return s
}

func TestDeriveSoftirqs(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	dt := 596.00 - 593.64 // the captures' /proc/uptime

	f := Derive(nil, a)
	if f.Softirqs == nil || len(f.Softirqs.Rows) != 10 || f.Softirqs.Rows[3].Type != "NET_RX" {
		t.Fatalf("first sample: want the rows in file order, have %+v", f.Softirqs)
	}
	for _, r := range f.Softirqs.Rows {
		if r.Total.OK || len(r.PerCPU) != 2 || r.PerCPU[0].OK {
			t.Fatalf("first sample: want missing rates, have %+v", r)
		}
	}

	f = Derive(a, b)
	rows := f.Softirqs.Rows
	// NET_RX: CPU0 271169 → 271210, CPU1 192975 → 193632.
	if r := rows[3]; !near(r.PerCPU[0], 41/dt) || !near(r.PerCPU[1], 657/dt) || !near(r.Total, 698/dt) {
		t.Errorf("NET_RX: want %.2f %.2f total %.2f, have %+v", 41/dt, 657/dt, 698/dt, r)
	}
	// HI did not move: a present zero, not a missing value.
	if r := rows[0]; !near(r.Total, 0) || !near(r.PerCPU[1], 0) {
		t.Errorf("HI: want 0, have %+v", r)
	}
}

func TestDeriveSoftirqsHotplug(t *testing.T) {
	t.Parallel()
	// The real captures while cpu1 was offline and after it came back: softirqs lists possible
	// CPUs, so both columns exist in both and cpu1's counts only resume.
	parse := func(name string) *sources.Snapshot {
		b, err := os.ReadFile(filepath.Join(fixtureRoot, "i3a-hotplug", name))
		if err != nil {
			t.Fatal(err)
		}
		si, err := collect.ParseSoftirqs(b)
		if err != nil {
			t.Fatal(err)
		}
		return &sources.Snapshot{Softirqs: si}
	}
	off, on := parse("softirqs.off"), parse("softirqs.on")
	on.Softirqs.At = off.Softirqs.At.Add(time.Second)
	f := Derive(off, on)
	timer := f.Softirqs.Rows[1] // TIMER 6868 7308 → 6905 7308
	if timer.Type != "TIMER" || !near(timer.PerCPU[0], 37) || !near(timer.PerCPU[1], 0) || !near(timer.Total, 37) {
		t.Errorf("TIMER: want 37 0 total 37, have %+v", timer)
	}
}

func TestDeriveSoftirqsWrapAndReset(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	dt := 596.00 - 593.64
	// Modified copies: TIMER cpu0 of a set just below 2^32 (b's 17850 is then 2^32 − 4294967196
	// + 17850 = 17950 later: a wrap), and RCU cpu1 of a set above b's value while below 2^31 (a
	// counter cannot go back without wrapping: a reset).
	a.Softirqs.Counts[1][0] = 1<<32 - 100
	a.Softirqs.Counts[9][1] = 50000
	f := Derive(a, b)
	timer, rcu := f.Softirqs.Rows[1], f.Softirqs.Rows[9]
	if !near(timer.PerCPU[0], 17950/dt) || !near(timer.Total, (17950+15070-14862)/dt) {
		t.Errorf("wrap: want %.2f total %.2f, have %+v", 17950/dt, (17950+15070-14862)/dt, timer)
	}
	if rcu.PerCPU[1].OK || rcu.Total.OK || !near(rcu.PerCPU[0], (53927-53466)/dt) {
		t.Errorf("reset: want cpu1 and total missing, cpu0 kept, have %+v", rcu)
	}
}
