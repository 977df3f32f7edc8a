package derive

import (
	"github.com/ktop-dev/ktop/sources"
)

func init() { register(deriveCPU) }

// cpuDelta holds the per-field tick deltas of one CPU over an interval.
type cpuDelta struct {
	user, nice, system, idle, iowait, irq, soft, steal, guest, gnice uint64
}

// delta64 is cur−prev, with a backwards step counted as 0 as sysstat does per field, so that one
// bad field cannot blow up the total.
func delta64(prev, cur uint64) uint64 {
	if cur < prev {
		return 0
	}
	return cur - prev
}

func cpuDeltaOf(p, c sources.CPUTimes) cpuDelta {
	return cpuDelta{
		user: delta64(p.User, c.User), nice: delta64(p.Nice, c.Nice),
		system: delta64(p.System, c.System), idle: delta64(p.Idle, c.Idle),
		iowait: delta64(p.Iowait, c.Iowait), irq: delta64(p.IRQ, c.IRQ),
		soft: delta64(p.SoftIRQ, c.SoftIRQ), steal: delta64(p.Steal, c.Steal),
		guest: delta64(p.Guest, c.Guest), gnice: delta64(p.GuestNice, c.GuestNice),
	}
}

func (a *cpuDelta) add(b cpuDelta) {
	a.user += b.user
	a.nice += b.nice
	a.system += b.system
	a.idle += b.idle
	a.iowait += b.iowait
	a.irq += b.irq
	a.soft += b.soft
	a.steal += b.steal
	a.guest += b.guest
	a.gnice += b.gnice
}

// percent applies mpstat's formula (sysstat mpstat.c): guest is already inside user and
// guest_nice inside nice, so the total leaves them out, and usr/nice have them subtracted. A CPU
// whose ticks did not move (tickless idle, interval under one tick) is 100 % idle.
func (d cpuDelta) percent(id int) CPU {
	c := CPU{ID: id, Name: cpuName(id)}
	tot := float64(d.user + d.nice + d.system + d.idle + d.iowait + d.irq + d.soft + d.steal)
	// sysstat's "ishift" (rd_stats.c get_per_cpu_interval): the guest counter can run a tick
	// ahead of the user counter that includes it; the excess is added to the total so that the
	// columns still sum to 100 %.
	if d.guest > d.user {
		tot += float64(d.guest - d.user)
	}
	if d.gnice > d.nice {
		tot += float64(d.gnice - d.nice)
	}
	if tot == 0 {
		z := Some(0)
		c.Usr, c.Nice, c.Sys, c.Iowait, c.IRQ, c.Soft, c.Steal, c.Guest, c.Gnice = z, z, z, z, z, z, z, z, z
		c.Idle = Some(100)
		return c
	}
	sub := func(a, b uint64) float64 {
		if a < b {
			return 0
		}
		return float64(a - b)
	}
	p := func(v float64) Val { return pct(v, tot) }
	c.Usr = p(sub(d.user, d.guest))
	c.Nice = p(sub(d.nice, d.gnice))
	c.Sys = p(float64(d.system))
	c.Iowait = p(float64(d.iowait))
	c.IRQ = p(float64(d.irq))
	c.Soft = p(float64(d.soft))
	c.Steal = p(float64(d.steal))
	c.Guest = p(float64(d.guest))
	c.Gnice = p(float64(d.gnice))
	c.Idle = p(float64(d.idle))
	return c
}

func cpuName(id int) string {
	if id < 0 {
		return "all"
	}
	return itoa(id)
}

// deriveCPU fills Frame.CPU: "all" first, then each online CPU by id. CPUs are matched by id;
// one that was not in the previous sample (just came online) has no values this interval, and
// "all" sums only CPUs present in both samples, as mpstat does.
func deriveCPU(prev, cur *sources.Snapshot, f *Frame) {
	st := cur.Stat
	if st == nil {
		return
	}
	f.CPU = make([]CPU, 0, len(st.CPUs)+1)
	f.CPU = append(f.CPU, CPU{ID: -1, Name: "all"})
	if prev == nil || prev.Stat == nil {
		for _, c := range st.CPUs {
			f.CPU = append(f.CPU, CPU{ID: c.ID, Name: cpuName(c.ID)})
		}
		return
	}
	pc := prev.Stat.CPUs
	prevByID := prevRows[int]{n: len(pc), key: func(j int) int { return pc[j].ID }}
	var all cpuDelta
	matched := 0
	for i, c := range st.CPUs {
		j, ok := prevByID.find(i, c.ID)
		if !ok {
			f.CPU = append(f.CPU, CPU{ID: c.ID, Name: cpuName(c.ID)})
			continue
		}
		d := cpuDeltaOf(pc[j], c)
		all.add(d)
		matched++
		f.CPU = append(f.CPU, d.percent(c.ID))
	}
	switch {
	case matched > 0:
		f.CPU[0] = all.percent(-1)
	case len(st.CPUs) == 0 && len(prev.Stat.CPUs) == 0:
		// No cpuN lines at all (not seen on Linux, but cheap to honour): the "cpu" line is
		// then the only source for "all".
		f.CPU[0] = cpuDeltaOf(prev.Stat.Total, st.Total).percent(-1)
	}
}
