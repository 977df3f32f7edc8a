package derive

import (
	"slices"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func diskRow(t *testing.T, f *Frame, dev string) Disk {
	t.Helper()
	i := slices.IndexFunc(f.Disk, func(d Disk) bool { return d.Dev == dev })
	if i < 0 {
		t.Fatalf("no disk %s", dev)
	}
	return f.Disk[i]
}

func srcDisk(s *sources.Snapshot, name string) *sources.Disk {
	return &s.Disks.Disks[slices.IndexFunc(s.Disks.Disks, func(d sources.Disk) bool { return d.Name == name })]
}

// TestDeriveDisk checks every iostat -x column on the real capture of the 2-CPU machine while
// dd wrote and read with O_DIRECT (vda, 17 fields), against the file's deltas:
// reads 66426→70032, merges 7693→7693, sectors 2948778→3064074, ms 17192→17646;
// writes 111875→115512, 39794→39797, 14493024→14608736, 20913→21441; io_ticks 22492→23388,
// time_in_queue 39705→40791; discards 6742→6776, 16→16, 1219056→1327856, 1069→1114;
// flushes 700→718, 530→588; over the captures' 2.36 s.
func TestDeriveDisk(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	dt := 596.00 - 593.64
	ms := dt * 1000
	f := Derive(a, b)
	if len(f.Disk) != 10 {
		t.Fatalf("want 10 devices, have %d", len(f.Disk))
	}
	d := diskRow(t, f, "vda")
	want := []struct {
		col  string
		have Val
		want float64
	}{
		{"r_s", d.RS, 3606 / dt}, {"w_s", d.WS, 3637 / dt}, {"d_s", d.DS, 34 / dt}, {"f_s", d.FS, 18 / dt},
		{"rkB_s", d.RkBS, 115296 / 2 / dt}, {"wkB_s", d.WkBS, 115712 / 2 / dt}, {"dkB_s", d.DkBS, 108800 / 2 / dt},
		{"rrqm_s", d.RrqmS, 0}, {"wrqm_s", d.WrqmS, 3 / dt}, {"drqm_s", d.DrqmS, 0},
		{"rrqm", d.Rrqm, 0}, {"wrqm", d.Wrqm, 100 * 3.0 / (3 + 3637)}, {"drqm", d.Drqm, 0},
		{"r_await", d.RAwait, 454.0 / 3606}, {"w_await", d.WAwait, 528.0 / 3637},
		{"d_await", d.DAwait, 45.0 / 34}, {"f_await", d.FAwait, 58.0 / 18},
		{"aqu_sz", d.AquSz, 1086 / ms},
		{"rareq_sz", d.RareqSz, 115296.0 / 3606 / 2}, {"wareq_sz", d.WareqSz, 115712.0 / 3637 / 2}, {"dareq_sz", d.DareqSz, 108800.0 / 34 / 2},
		{"util", d.Util, 896 / ms * 100},
	}
	for _, w := range want {
		if !near(w.have, w.want) {
			t.Errorf("%s: want %.4f, have %+v", w.col, w.want, w.have)
		}
	}
	// An idle loop device: rates are 0, awaits missing (no request completed), sizes 0.
	l := diskRow(t, f, "loop0")
	if !near(l.RS, 0) || !near(l.Util, 0) || l.RAwait.OK || l.FAwait.OK || !near(l.RareqSz, 0) || !near(l.Rrqm, 0) {
		t.Errorf("idle loop0: have %+v", l)
	}

	// First sample: every device listed, no rates.
	f = Derive(nil, b)
	if d := diskRow(t, f, "vda"); len(f.Disk) != 10 || d.RS.OK || d.Util.OK {
		t.Errorf("first sample: want devices without rates, have %+v", d)
	}
}

func TestDeriveDiskWrapAndReset(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	dt := 596.00 - 593.64
	// Modified copies of vda's line in a: the 32-bit ms fields just below 2^32, so b's values
	// are wraps; the deltas become b + 100.
	pa, pb := srcDisk(a, "vda"), srcDisk(b, "vda")
	pa.ReadTicks, pa.IOTicks, pa.TimeInQueue, pa.FlushTicks = 1<<32-100, 1<<32-100, 1<<32-100, 1<<32-100
	f := Derive(a, b)
	d := diskRow(t, f, "vda")
	if !near(d.RAwait, float64(pb.ReadTicks+100)/3606) || !near(d.AquSz, float64(pb.TimeInQueue+100)/(dt*1000)) ||
		!near(d.FAwait, float64(pb.FlushTicks+100)/18) || !near(d.Util, 100) {
		t.Errorf("wrap: have %+v", d)
	}

	// A 64-bit counter going back: the device was re-registered, the whole line is missing.
	a, b = snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	srcDisk(a, "vda").WriteSectors = srcDisk(b, "vda").WriteSectors + 1
	d = diskRow(t, Derive(a, b), "vda")
	if d.RS.OK || d.WS.OK || d.Util.OK || d.RAwait.OK || d.AquSz.OK {
		t.Errorf("reset: want every column missing, have %+v", d)
	}

	// A 32-bit ms field going back without a plausible wrap: only its columns are missing.
	a, b = snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	srcDisk(a, "vda").WriteTicks = srcDisk(b, "vda").WriteTicks + 1
	d = diskRow(t, Derive(a, b), "vda")
	if d.WAwait.OK || !d.RAwait.OK || !d.WS.OK {
		t.Errorf("ms reset: want only w_await missing, have %+v", d)
	}
}

func TestDeriveDiskLayouts(t *testing.T) {
	t.Parallel()
	at := time.Unix(1_800_000_000, 0)
	// The three older line shapes from node_exporter's real fixture and a pre-2.6.25 partition,
	// each with a modified "later" copy: +10 reads of 8 sectors taking 20 ms, 1 s later.
	mk := func(d sources.Disk) (*sources.Snapshot, *sources.Snapshot) {
		c := d
		c.ReadIOs += 10
		c.ReadSectors += 80
		c.ReadTicks += 20
		c.IOTicks += 20
		return &sources.Snapshot{Disks: &sources.Diskstats{At: at, Disks: []sources.Disk{d}}},
			&sources.Snapshot{Disks: &sources.Diskstats{At: at.Add(time.Second), Disks: []sources.Disk{c}}}
	}
	tests := []struct {
		disk              sources.Disk
		discards, flush   bool
		awaitAndUtilKnown bool
	}{
		{sources.Disk{Major: 8, Minor: 0, Name: "sda", Display: "sda", Fields: 11, ReadIOs: 25354637, ReadSectors: 1003346126, ReadTicks: 18492372, IOTicks: 9653880}, false, false, true},
		{sources.Disk{Major: 8, Minor: 0, Name: "sdb", Display: "sdb", Fields: 15, ReadIOs: 326552, ReadSectors: 9657779, ReadTicks: 84, IOTicks: 60730}, true, false, true},
		{sources.Disk{Major: 8, Minor: 0, Name: "sdc", Display: "sdc", Fields: 17, ReadIOs: 126552, ReadSectors: 1657779, ReadTicks: 14, IOTicks: 10730}, true, true, true},
		{sources.Disk{Major: 8, Minor: 1, Name: "sda1", Display: "sda1", Fields: 4, ReadIOs: 35713, ReadSectors: 1122730}, false, false, false},
	}
	for _, tt := range tests {
		p, c := mk(tt.disk)
		d := Derive(p, c).Disk[0]
		if !near(d.RS, 10) || !near(d.RkBS, 40) {
			t.Errorf("%s: want r_s 10 rkB_s 40, have %+v", tt.disk.Name, d)
		}
		if tt.awaitAndUtilKnown != (near(d.RAwait, 2) && near(d.Util, 2) && near(d.RareqSz, 4)) {
			t.Errorf("%s: r_await/util/rareq_sz present=%v, have %+v", tt.disk.Name, tt.awaitAndUtilKnown, d)
		}
		if tt.discards != d.DS.OK || tt.discards != d.DkBS.OK || tt.discards != d.Drqm.OK {
			t.Errorf("%s: discard columns present=%v, have %+v", tt.disk.Name, tt.discards, d)
		}
		if tt.flush != d.FS.OK {
			t.Errorf("%s: flush columns present=%v, have %+v", tt.disk.Name, tt.flush, d)
		}
	}
}

func TestDeriveDiskNames(t *testing.T) {
	t.Parallel()
	at := time.Unix(1_800_000_000, 0)
	prev := &sources.Snapshot{Disks: &sources.Diskstats{At: at, Disks: []sources.Disk{
		{Major: 252, Minor: 0, Name: "dm-0", Display: "vg0--lv_root", Whole: true, Fields: 11, ReadIOs: 5},
	}}}
	cur := &sources.Snapshot{Disks: &sources.Diskstats{At: at.Add(time.Second), Disks: []sources.Disk{
		{Major: 252, Minor: 0, Name: "dm-0", Display: "vg0--lv_root", Whole: true, Fields: 11, ReadIOs: 7},
		{Major: 252, Minor: 1, Name: "dm-1", Display: "dm-1", Whole: true, Fields: 11, ReadIOs: 7}, // new device
	}}}
	f := Derive(prev, cur)
	if d := diskRow(t, f, "vg0--lv_root"); !near(d.RS, 2) || !d.Whole {
		t.Errorf("dm-0 under its dm name: have %+v", d)
	}
	if d := diskRow(t, f, "dm-1"); d.RS.OK {
		t.Errorf("new device: want missing rates, have %+v", d)
	}
}
