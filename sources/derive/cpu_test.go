package derive

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// t0 is an arbitrary sampling instant for fixture snapshots.
var t0 = time.Date(2026, 11, 22, 14, 37, 0, 0, time.UTC)

// fixtureSnap parses the files of one fixture tree (../collect/testdata/TREE/proc) into a
// Snapshot stamped at, the way the collectors would; a file the tree lacks stays nil.
func fixtureSnap(tb testing.TB, at time.Time, tree ...string) *sources.Snapshot {
	tb.Helper()
	dir := filepath.Join(append([]string{"..", "collect", "testdata"}, append(tree, "proc")...)...)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil
		}
		return b
	}
	s := &sources.Snapshot{Time: at}
	var err error
	if b := read("stat"); b != nil {
		if s.Stat, err = collect.ParseStat(b); err != nil {
			tb.Fatal(err)
		}
		s.Stat.At = at
	}
	if b := read("meminfo"); b != nil {
		if s.Mem, err = collect.ParseMeminfo(b); err != nil {
			tb.Fatal(err)
		}
	}
	if b := read("loadavg"); b != nil {
		if s.Load, err = collect.ParseLoadavg(b); err != nil {
			tb.Fatal(err)
		}
	}
	if b := read("uptime"); b != nil {
		if s.Uptime, err = collect.ParseUptime(b); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// pair returns the a/b snapshots of a tree, dt apart.
func pair(tb testing.TB, dt time.Duration, tree, a, b string) (prev, cur *sources.Snapshot) {
	return fixtureSnap(tb, t0, tree, a), fixtureSnap(tb, t0.Add(dt), tree, b)
}

func cpuByName(f *Frame, name string) (CPU, bool) {
	for _, c := range f.CPU {
		if c.Name == name {
			return c, true
		}
	}
	return CPU{}, false
}

// cpuWant lists a CPU line's expected percentages; fields left 0 must be present and 0.
type cpuWant struct{ usr, nice, sys, iowait, irq, soft, steal, guest, gnice, idle float64 }

func checkCPU(t *testing.T, label string, have CPU, want cpuWant) {
	t.Helper()
	for _, x := range []struct {
		name string
		v    Val
		want float64
	}{
		{"usr", have.Usr, want.usr}, {"nice", have.Nice, want.nice}, {"sys", have.Sys, want.sys},
		{"iowait", have.Iowait, want.iowait}, {"irq", have.IRQ, want.irq}, {"soft", have.Soft, want.soft},
		{"steal", have.Steal, want.steal}, {"guest", have.Guest, want.guest}, {"gnice", have.Gnice, want.gnice},
		{"idle", have.Idle, want.idle},
	} {
		if !x.v.OK || math.Abs(x.v.V-x.want) > 1e-9 {
			t.Errorf("%s %%%s: want %.6f, have %+v", label, x.name, x.want, x.v)
		}
	}
}

// sumPct is what the columns of one mpstat line add up to.
func sumPct(c CPU) float64 {
	return c.Usr.V + c.Nice.V + c.Sys.V + c.Iowait.V + c.IRQ.V + c.Soft.V + c.Steal.V + c.Guest.V + c.Gnice.V + c.Idle.V
}

// TestCPU16 checks mpstat's figures over the real 16-CPU snapshots, computed by hand.
func TestCPU16(t *testing.T) {
	t.Parallel()
	prev, cur := pair(t, 3740*time.Millisecond, "16cpu", "a", "b")
	f := Derive(prev, cur)
	if len(f.CPU) != 17 || f.CPU[0].Name != "all" || f.CPU[1].Name != "0" || f.CPU[16].Name != "15" {
		t.Fatalf("want all then 0..15, have %d entries starting %q", len(f.CPU), f.CPU[0].Name)
	}
	for _, tc := range []struct {
		name string
		want cpuWant
	}{
		// cpu0  a: 201 0 5 2552 0 0 4 0 0 0   b: 575 0 5 2552 0 0 4 0 0 0
		// Δuser = 374, every other Δ = 0, Δtot = 374: a busy loop, 100 % usr.
		{"0", cpuWant{usr: 100}},
		// cpu1  a: 2 0 8 2752 0 0 5 0 0 0   b: 6 0 26 3096 0 0 9 0 0 0
		// Δuser 4, Δsystem 18, Δidle 344, Δsoftirq 4; Δtot = 4+18+344+4 = 370.
		// %usr = 4/370·100 = 1.081081, %sys = 18/370·100 = 4.864865, %soft = 1.081081,
		// %idle = 344/370·100 = 92.972973.
		{"1", cpuWant{usr: 400.0 / 370, sys: 1800.0 / 370, soft: 400.0 / 370, idle: 34400.0 / 370}},
		// cpu15 a: 3 0 36 2587 122 0 2 0 0 0   b: 9 0 75 2917 122 0 2 0 0 0
		// Δuser 6, Δsystem 39, Δidle 330 (iowait stays 122); Δtot = 375.
		// %usr = 6/375·100 = 1.6, %sys = 39/375·100 = 10.4, %idle = 330/375·100 = 88.
		{"15", cpuWant{usr: 1.6, sys: 10.4, idle: 88}},
		// all = Σ per-CPU deltas of the 16 CPUs present in both samples (not the "cpu" line):
		// Δuser 2317, Δsystem 200, Δidle 3437, Δsoftirq 22, the rest 0; Δtot = 5976.
		// %usr = 2317/5976·100 = 38.771754, %sys = 200/5976·100 = 3.346720,
		// %idle = 3437/5976·100 = 57.513387, %soft = 22/5976·100 = 0.368139.
		// (The "cpu" line itself moves by 2318/200/3436/1 iowait/22/1 steal = 5978 ticks.)
		{"all", cpuWant{usr: 231700.0 / 5976, sys: 20000.0 / 5976, idle: 343700.0 / 5976, soft: 2200.0 / 5976}},
	} {
		have, ok := cpuByName(f, tc.name)
		if !ok {
			t.Fatalf("no cpu %q", tc.name)
		}
		checkCPU(t, "cpu "+tc.name, have, tc.want)
	}
}

// TestCPUSumsTo100 holds for every CPU line of every real pair.
func TestCPUSumsTo100(t *testing.T) {
	t.Parallel()
	for _, p := range [][3]string{{"16cpu", "a", "b"}, {"host-2cpu", "a", "b"}, {"hotplug", "off", "on"}, {"hotplug", "on", "off"}} {
		prev, cur := pair(t, time.Second, p[0], p[1], p[2])
		for _, c := range Derive(prev, cur).CPU {
			if !c.Usr.OK {
				continue // just came online; checked elsewhere
			}
			if s := sumPct(c); math.Abs(s-100) > 0.01 {
				t.Errorf("%v cpu %s: columns sum to %.4f", p, c.Name, s)
			}
		}
	}
}

// TestCPUHostBusyLoop: host-2cpu was captured with a busy loop pinned to cpu1.
func TestCPUHostBusyLoop(t *testing.T) {
	t.Parallel()
	prev, cur := pair(t, 1220*time.Millisecond, "host-2cpu", "a", "b")
	f := Derive(prev, cur)
	// cpu1 a: 5948 0 3917 30015 138 0 104   b: 6060 0 3927 30015 138 0 104
	// Δuser 112, Δsystem 10, Δidle 0; Δtot = 122: %usr = 91.803279, %sys = 8.196721.
	c1, _ := cpuByName(f, "1")
	checkCPU(t, "cpu 1", c1, cpuWant{usr: 11200.0 / 122, sys: 1000.0 / 122})
	// cpu0 a: 5672 0 3824 30635 20 0 77   b: 5710 0 3907 30636 20 0 77
	// Δuser 38, Δsystem 83, Δidle 1; Δtot = 122.
	c0, _ := cpuByName(f, "0")
	checkCPU(t, "cpu 0", c0, cpuWant{usr: 3800.0 / 122, sys: 8300.0 / 122, idle: 100.0 / 122})
}

// TestCPUHotplug uses the real capture of cpu1 going offline and coming back.
func TestCPUHotplug(t *testing.T) {
	t.Parallel()
	// off → on: cpu1 reappears. It has no baseline, so its line exists with every value
	// missing; "all" covers cpu0 only, the one CPU present in both samples.
	// cpu0 off: 5111 0 2870 23260 17 0 69   on: 5112 0 2871 23410 17 0 69
	// Δuser 1, Δsystem 1, Δidle 150; Δtot = 152.
	prev, cur := pair(t, time.Second, "hotplug", "off", "on")
	f := Derive(prev, cur)
	if len(f.CPU) != 3 {
		t.Fatalf("want all, 0, 1; have %d entries", len(f.CPU))
	}
	cpu0 := cpuWant{usr: 100.0 / 152, sys: 100.0 / 152, idle: 15000.0 / 152}
	c0, _ := cpuByName(f, "0")
	checkCPU(t, "cpu 0", c0, cpu0)
	all, _ := cpuByName(f, "all")
	checkCPU(t, "all", all, cpu0)
	c1, ok := cpuByName(f, "1")
	if !ok {
		t.Fatal("cpu 1 missing from the frame")
	}
	if c1 != (CPU{ID: 1, Name: "1"}) {
		t.Errorf("cpu 1 just came online: want every value missing, have %+v", c1)
	}

	// on → off: cpu1 leaves; only cpu0 is reported and "all" is cpu0 again.
	prev, cur = pair(t, time.Second, "hotplug", "on", "off")
	f = Derive(prev, cur)
	if len(f.CPU) != 2 || f.CPU[1].Name != "0" {
		t.Fatalf("want all and 0, have %+v", f.CPU)
	}
}

func TestCPUFirstSample(t *testing.T) {
	t.Parallel()
	f := Derive(nil, fixtureSnap(t, t0, "16cpu", "a"))
	if len(f.CPU) != 17 {
		t.Fatalf("want 17 lines, have %d", len(f.CPU))
	}
	for _, c := range f.CPU {
		if c != (CPU{ID: c.ID, Name: c.Name}) {
			t.Errorf("first sample, cpu %s: want every value missing, have %+v", c.Name, c)
		}
	}
	b, err := json.Marshal(f.CPU[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"cpu":"all","usr":null,"nice":null,"sys":null,"iowait":null,"irq":null,"soft":null,"steal":null,"guest":null,"gnice":null,"idle":null}`
	if string(b) != want {
		t.Errorf("JSON:\nwant %s\nhave %s", want, b)
	}
}

// cpuSnaps builds two snapshots of one CPU from synthetic tick counts, for the formula cases
// no fixture shows (no captured machine ran guests).
func cpuSnaps(prev, cur sources.CPUTimes) (*sources.Snapshot, *sources.Snapshot) {
	prev.ID, cur.ID = 0, 0
	p := &sources.Snapshot{Time: t0, Stat: &sources.Stat{At: t0, Total: sources.CPUTimes{ID: -1}, CPUs: []sources.CPUTimes{prev}}}
	c := &sources.Snapshot{Time: t0.Add(time.Second), Stat: &sources.Stat{At: t0.Add(time.Second), Total: sources.CPUTimes{ID: -1}, CPUs: []sources.CPUTimes{cur}}}
	return p, c
}

func TestCPUFormula(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		prev, cur sources.CPUTimes
		want      cpuWant
	}{
		{
			// Guest is inside user and guest_nice inside nice: Δtot = 80 + 10 + 10 = 100
			// (guest not added again); %usr = (80−50)/100, %nice = (10−4)/100.
			name: "guest inside user",
			prev: sources.CPUTimes{User: 1000, Nice: 100, System: 500, Idle: 9000, Guest: 400, GuestNice: 40},
			cur:  sources.CPUTimes{User: 1080, Nice: 110, System: 510, Idle: 9000, Guest: 450, GuestNice: 44},
			want: cpuWant{usr: 30, nice: 6, sys: 10, guest: 50, gnice: 4},
		},
		{
			// Guest ran ahead of user by 2 ticks: sysstat's ishift adds them to Δtot
			// (10 + 88 + 2 = 100); %usr floors at 0 and the columns still sum to 100.
			name: "guest ahead of user",
			prev: sources.CPUTimes{User: 500, Idle: 1000, Guest: 490},
			cur:  sources.CPUTimes{User: 510, Idle: 1088, Guest: 502},
			want: cpuWant{usr: 0, guest: 12, idle: 88},
		},
		{
			// iowait went backwards (the kernel documents that it can): that field counts 0,
			// it does not shrink Δtot. Δtot = 30 + 70 = 100.
			name: "negative field delta",
			prev: sources.CPUTimes{User: 100, Idle: 1000, Iowait: 500},
			cur:  sources.CPUTimes{User: 130, Idle: 1070, Iowait: 400},
			want: cpuWant{usr: 30, idle: 70},
		},
		{
			// Nothing moved (tickless idle, or less than a tick between samples): mpstat
			// prints 100 % idle, and so present zeros, not missing values.
			name: "no ticks",
			prev: sources.CPUTimes{User: 100, Idle: 1000},
			cur:  sources.CPUTimes{User: 100, Idle: 1000},
			want: cpuWant{idle: 100},
		},
		{
			name: "steal irq softirq",
			prev: sources.CPUTimes{User: 10, System: 10, Idle: 10, IRQ: 10, SoftIRQ: 10, Steal: 10},
			cur:  sources.CPUTimes{User: 20, System: 30, Idle: 50, IRQ: 15, SoftIRQ: 20, Steal: 25},
			want: cpuWant{usr: 10, sys: 20, idle: 40, irq: 5, soft: 10, steal: 15},
		},
	} {
		p, c := cpuSnaps(tc.prev, tc.cur)
		f := Derive(p, c)
		checkCPU(t, tc.name+": cpu 0", f.CPU[1], tc.want)
		checkCPU(t, tc.name+": all", f.CPU[0], tc.want)
		if s := sumPct(f.CPU[1]); math.Abs(s-100) > 0.01 {
			t.Errorf("%s: sum %.4f", tc.name, s)
		}
	}
}

// TestCPUNoPerCPULines: with no cpuN lines at all, "all" comes from the "cpu" line.
func TestCPUNoPerCPULines(t *testing.T) {
	t.Parallel()
	p := &sources.Snapshot{Time: t0, Stat: &sources.Stat{At: t0, Total: sources.CPUTimes{ID: -1, User: 10, Idle: 10}}}
	c := &sources.Snapshot{Time: t0.Add(time.Second), Stat: &sources.Stat{At: t0.Add(time.Second), Total: sources.CPUTimes{ID: -1, User: 35, Idle: 85}}}
	f := Derive(p, c)
	if len(f.CPU) != 1 {
		t.Fatalf("want only all, have %+v", f.CPU)
	}
	checkCPU(t, "all", f.CPU[0], cpuWant{usr: 25, idle: 75})
}

func TestCPUNoStat(t *testing.T) {
	t.Parallel()
	f := Derive(nil, &sources.Snapshot{Time: t0})
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if f.CPU != nil || !strings.Contains(string(b), `"cpu":null`) {
		t.Errorf("no stat: want cpu null, have %v", f.CPU)
	}
}
