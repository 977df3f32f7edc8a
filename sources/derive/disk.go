package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(deriveDisk) }

type diskKey struct {
	major, minor uint32
	name         string
}

// deriveDisk fills Frame.Disk with iostat -x columns for every /proc/diskstats line, in name
// order (whole disks and partitions; Whole tells them apart, and hiding idle devices as -z
// does is the view's choice). Devices are matched by name and major:minor; a new device has
// missing rates.
func deriveDisk(prev, cur *sources.Snapshot, f *Frame) {
	ds := cur.Disks
	if ds == nil {
		return
	}
	f.Disk = make([]Disk, 0, len(ds.Disks))
	var prevDisk prevRows[diskKey]
	var pd []sources.Disk
	dt := 0.0
	if prev != nil && prev.Disks != nil {
		dt = ds.At.Sub(prev.Disks.At).Seconds()
		pd = prev.Disks.Disks
		prevDisk = prevRows[diskKey]{n: len(pd), key: func(j int) diskKey { return diskKey{pd[j].Major, pd[j].Minor, pd[j].Name} }}
	}
	for i := range ds.Disks {
		d := &ds.Disks[i]
		o := Disk{Dev: d.Display, Whole: d.Whole}
		if o.Dev == "" {
			o.Dev = d.Name
		}
		if j, ok := prevDisk.find(i, diskKey{d.Major, d.Minor, d.Name}); ok && dt > 0 {
			iostat(&pd[j], d, dt, &o)
		}
		f.Disk = append(f.Disk, o)
	}
}

// iostat applies sysstat's iostat -x formulas (iostat.c write_ext_stat, rd_stats.c
// compute_ext_disk_stats) with the interval measured by ktop's own clock for this file
// instead of /proc/uptime. Sectors are 512 bytes whatever the device's block size. Counts,
// merges and sectors are 64-bit: if any went backwards the device was re-registered and the
// whole line stays missing (sysstat instead restarts from zero). The millisecond fields are
// 32-bit and may wrap.
func iostat(p, c *sources.Disk, dt float64, o *Disk) {
	for _, v := range [...][2]uint64{
		{p.ReadIOs, c.ReadIOs}, {p.ReadMerges, c.ReadMerges}, {p.ReadSectors, c.ReadSectors},
		{p.WriteIOs, c.WriteIOs}, {p.WriteMerges, c.WriteMerges}, {p.WriteSectors, c.WriteSectors},
		{p.DiscardIOs, c.DiscardIOs}, {p.DiscardMerges, c.DiscardMerges}, {p.DiscardSectors, c.DiscardSectors},
		{p.FlushIOs, c.FlushIOs},
	} {
		if v[1] < v[0] {
			return
		}
	}
	per := func(d uint64) Val { return Some(float64(d) / dt) }
	dms := dt * 1000
	rIO, wIO := float64(c.ReadIOs-p.ReadIOs), float64(c.WriteIOs-p.WriteIOs)
	rSec, wSec := c.ReadSectors-p.ReadSectors, c.WriteSectors-p.WriteSectors
	o.RS, o.WS = per(c.ReadIOs-p.ReadIOs), per(c.WriteIOs-p.WriteIOs)
	o.RkBS, o.WkBS = Some(float64(rSec)/2/dt), Some(float64(wSec)/2/dt)
	if c.Fields < 11 || p.Fields < 11 {
		// Pre-2.6.25 partition lines: counts and sectors only.
		return
	}
	rMrg, wMrg := c.ReadMerges-p.ReadMerges, c.WriteMerges-p.WriteMerges
	o.RrqmS, o.WrqmS = per(rMrg), per(wMrg)
	o.Rrqm, o.Wrqm = mergePct(float64(rMrg), rIO), mergePct(float64(wMrg), wIO)
	o.RAwait = await(p.ReadTicks, c.ReadTicks, rIO)
	o.WAwait = await(p.WriteTicks, c.WriteTicks, wIO)
	o.RareqSz, o.WareqSz = reqSize(float64(rSec), rIO), reqSize(float64(wSec), wIO)
	if d, ok := sources.Delta(p.TimeInQueue, c.TimeInQueue, sources.W32); ok {
		o.AquSz = Some(float64(d) / dms)
	}
	if d, ok := sources.Delta(p.IOTicks, c.IOTicks, sources.W32); ok {
		o.Util = pct(float64(d), dms)
	}
	if c.Fields >= 15 && p.Fields >= 15 {
		dIO, dMrg, dSec := c.DiscardIOs-p.DiscardIOs, c.DiscardMerges-p.DiscardMerges, c.DiscardSectors-p.DiscardSectors
		o.DS, o.DkBS, o.DrqmS = per(dIO), Some(float64(dSec)/2/dt), per(dMrg)
		o.Drqm = mergePct(float64(dMrg), float64(dIO))
		o.DAwait = await(p.DiscardTicks, c.DiscardTicks, float64(dIO))
		o.DareqSz = reqSize(float64(dSec), float64(dIO))
	}
	if c.Fields >= 17 && p.Fields >= 17 {
		fIO := c.FlushIOs - p.FlushIOs
		o.FS = per(fIO)
		o.FAwait = await(p.FlushTicks, c.FlushTicks, float64(fIO))
	}
}

// await is the mean ms per completed request; without requests it is missing ("—", where
// iostat prints 0.00) because no latency was observed (metrics-spec §0.4).
func await(prevTicks, curTicks uint64, ios float64) Val {
	d, ok := sources.Delta(prevTicks, curTicks, sources.W32)
	if !ok || ios == 0 {
		return None
	}
	return Some(float64(d) / ios)
}

// mergePct is iostat's %rrqm: merged / (merged + issued) × 100, 0 without requests.
func mergePct(merged, ios float64) Val {
	if merged+ios == 0 {
		return Some(0)
	}
	return Some(100 * merged / (merged + ios))
}

// reqSize is iostat's areq-sz in kB (sectors / 2 per request), 0 without requests.
func reqSize(sectors, ios float64) Val {
	if ios == 0 {
		return Some(0)
	}
	return Some(sectors / ios / 2)
}
