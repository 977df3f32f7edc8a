package derive

import (
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func init() { register(deriveProcs) }

// userHZ is USER_HZ, the unit of /proc/PID/stat times (metrics-spec §0.1).
const userHZ = 100

// Proc is one process as pidstat -u -r -d shows it, plus the memory cost columns of
// metrics-spec §2.10.3. Rates cover the interval since the previous sample (never the process's
// lifetime) and are null when the process has no baseline yet.
type Proc struct {
	PID     int    `json:"pid"`
	Start   uint64 `json:"start"` // stat 22, ticks after boot: with PID the identity the UI follows
	PPID    int    `json:"ppid"`
	Comm    string `json:"comm"`
	User    string `json:"user"`
	State   string `json:"state"`
	Cmdline string `json:"cmdline"`
	Kernel  bool   `json:"kthread"`

	// pidstat -u. %CPU is pidstat's Δ(utime+stime); utime includes guest time, so this equals
	// usr+system+guest. It is a share of one CPU and exceeds 100 for multi-threaded processes.
	Usr     Val `json:"usr"`
	System  Val `json:"system"`
	Guest   Val `json:"guest"`
	Wait    Val `json:"wait"` // Δrun_delay over all threads / Δt (pidstat reads the leader only)
	CPUPct  Val `json:"cpu_pct"`
	CPU     int `json:"cpu"` // CPU it last ran on
	Threads int `json:"threads"`
	Nice    int `json:"nice"`
	// TimeS is utime+stime since the process started (top's TIME+), in seconds.
	TimeS float64 `json:"time_s"`

	// pidstat -r and -d.
	MinfltS Val `json:"minflt_s"`
	MajfltS Val `json:"majflt_s"`
	KBRdS   Val `json:"kB_rd_s"`
	KBWrS   Val `json:"kB_wr_s"`
	KBCcwrS Val `json:"kB_ccwr_s"`
	IODelay Val `json:"iodelay"` // Δdelayacct_blkio_ticks; stays 0 unless kernel.task_delayacct=1
	// IONote says why the kB_*_s columns are null for a reason other than a missing baseline.
	IONote string `json:"io_note,omitempty"`

	// Cheap memory columns from status, kB.
	RSSKB   Val `json:"rss_kB"`
	AnonKB  Val `json:"anon_kB"`
	FileKB  Val `json:"file_kB"`
	ShmemKB Val `json:"shmem_kB"`
	SwapKB  Val `json:"swap_kB"`

	// Expensive columns from the last smaps_rollup read (null if never read), with its cost.
	PssKB      Val    `json:"pss_kB"`
	PssAnonKB  Val    `json:"pss_anon_kB"`
	PssFileKB  Val    `json:"pss_file_kB"`
	PssShmemKB Val    `json:"pss_shmem_kB"`
	UssKB      Val    `json:"uss_kB"`
	SwapPssKB  Val    `json:"swappss_kB"`
	SmapsMs    Val    `json:"smaps_ms"`    // how long that read took (≈ time the target's mmap lock was held)
	SmapsAgeS  Val    `json:"smaps_age_s"` // how old those values are
	SmapsSkip  string `json:"smaps_skip,omitempty"`
}

// ProcSummary is top's "Tasks:" line plus the cost of the process pass.
type ProcSummary struct {
	Total    int     `json:"total"`
	Threads  int     `json:"threads"`
	Running  int     `json:"running"`
	Sleeping int     `json:"sleeping"`
	Idle     int     `json:"idle"`    // I: idle kernel threads
	DState   int     `json:"d_state"` // D: uninterruptible sleep
	Stopped  int     `json:"stopped"`
	Zombie   int     `json:"zombie"`
	ForksS   Val     `json:"forks_s"` // /proc/stat processes, as Frame.ProcS: short-lived work sampling misses
	ScanMs   float64 `json:"scan_ms"`
	SmapsMs  float64 `json:"smaps_ms"` // smaps_rollup read time this tick (at most one read)
	IODenied int     `json:"io_denied"`
	// SmapsDenied counts the processes whose smaps_rollup was refused (other users', read
	// without CAP_SYS_PTRACE): their PSS/USS are null. The panel's header says so, as it says
	// IODenied; both are counts, not notes, so that it can say them in one short line.
	SmapsDenied int      `json:"smaps_denied"`
	Notes       []string `json:"notes,omitempty"`
}

// deriveProcs fills Frame.Procs and Frame.ProcSummary with pidstat's formulas (metrics-spec
// §2.10.2). Processes are matched by (pid, starttime): a reused PID is a new process. One first
// seen whose start is after the previous sample is rated from zero over its own lifetime
// (§0.4), so short new processes count; one that existed unseen has null rates until the next
// sample.
func deriveProcs(prev, cur *sources.Snapshot, f *Frame) {
	t := cur.Procs
	if t == nil {
		return
	}
	var pt *sources.ProcTable
	if prev != nil {
		pt = prev.Procs
	}
	f.Procs = make([]Proc, len(t.Procs))
	sum := &ProcSummary{
		ScanMs:   ms(t.ScanTime),
		SmapsMs:  ms(t.SmapsTime),
		IODenied: t.IODenied,
		Notes:    t.Notes,
	}
	for i := range t.Procs {
		if t.Procs[i].SmapsSkip == sources.SmapsDenied {
			sum.SmapsDenied++
		}
	}
	if prev != nil && prev.Stat != nil && cur.Stat != nil {
		sum.ForksS = rateOf(prev.Stat.Processes, cur.Stat.Processes, cur.Stat.At.Sub(prev.Stat.At).Seconds())
	}
	j := 0 // walks pt.Procs: both tables are sorted by PID
	for i := range t.Procs {
		c := &t.Procs[i]
		var p *sources.Proc
		var dt float64
		if pt != nil {
			for j < len(pt.Procs) && pt.Procs[j].PID < c.PID {
				j++
			}
			switch {
			case j < len(pt.Procs) && pt.Procs[j].PID == c.PID && pt.Procs[j].StartTime == c.StartTime:
				p = &pt.Procs[j]
				dt = t.At.Sub(pt.At).Seconds() + float64(int64(c.AtUs)-int64(p.AtUs))/1e6
			case float64(c.StartTime)/userHZ > pt.Uptime:
				// Born after the previous sample: every counter started at zero.
				p = &sources.Proc{PID: c.PID, StartTime: c.StartTime, HasSched: c.HasSched}
				dt = t.Uptime + float64(c.AtUs)/1e6 - float64(c.StartTime)/userHZ
			}
		}
		f.Procs[i] = procOf(p, c, dt, t.At)
		sum.count(c)
	}
	f.ProcSummary = sum
}

func (s *ProcSummary) count(c *sources.Proc) {
	s.Total++
	s.Threads += int(c.Threads)
	switch c.State {
	case 'R':
		s.Running++
	case 'S':
		s.Sleeping++
	case 'I':
		s.Idle++
	case 'D':
		s.DState++
	case 'T', 't':
		s.Stopped++
	case 'Z':
		s.Zombie++
	}
}

// stateNames holds each state letter as a string: string(c.State) allocated a new one for every
// process of every sample.
var stateNames = func() (t [256]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// procOf computes one process's row; p is nil (or dt ≤ 0) when there is no baseline.
func procOf(p, c *sources.Proc, dt float64, at time.Time) Proc {
	r := Proc{
		PID: c.PID, Start: c.StartTime, PPID: c.PPID, Comm: c.Comm, User: c.User, State: stateNames[c.State],
		Cmdline: c.Cmdline, Kernel: c.Kernel, CPU: int(c.CPU), Threads: int(c.Threads),
		Nice: int(c.Nice), TimeS: float64(c.UTime+c.STime) / userHZ,
		SmapsSkip: c.SmapsSkip, IONote: ioNote(c.IOState),
	}
	if c.HasStatus {
		r.RSSKB, r.AnonKB, r.FileKB = Some(float64(c.RSSKB)), Some(float64(c.AnonKB)), Some(float64(c.FileKB))
		r.ShmemKB, r.SwapKB = Some(float64(c.ShmemKB)), Some(float64(c.SwapKB))
	}
	if s := c.Smaps; s != nil {
		r.PssKB, r.PssAnonKB, r.PssFileKB = Some(float64(s.Pss)), Some(float64(s.PssAnon)), Some(float64(s.PssFile))
		r.PssShmemKB, r.UssKB, r.SwapPssKB = Some(float64(s.PssShmem)), Some(float64(s.USS())), Some(float64(s.SwapPss))
		r.SmapsMs = Some(ms(s.Dur))
		r.SmapsAgeS = Some(max(at.Sub(s.At).Seconds(), 0))
	}
	if p == nil || dt <= 0 {
		return r
	}
	ticks := dt * userHZ
	du, okU := sources.Delta(p.UTime, c.UTime, sources.W64)
	dg, okG := sources.Delta(p.GuestTime, c.GuestTime, sources.W64)
	ds, okS := sources.Delta(p.STime, c.STime, sources.W64)
	if okU && okG {
		// pidstat: %usr is 0 when guest time grew faster than utime (sampling skew).
		r.Usr = Some(100 * float64(du-min(dg, du)) / ticks)
	}
	r.Guest = pctOver(dg, okG, ticks)
	r.System = pctOver(ds, okS, ticks)
	if okU && okS {
		r.CPUPct = Some(100 * float64(du+ds) / ticks)
	}
	if p.HasSched && c.HasSched {
		d, ok := sources.Delta(p.RunDelayNs, c.RunDelayNs, sources.W64)
		r.Wait = pctOver(d, ok, dt*1e9)
	}
	r.MinfltS = rateOf(p.MinFlt, c.MinFlt, dt)
	r.MajfltS = rateOf(p.MajFlt, c.MajFlt, dt)
	if d, ok := sources.Delta(p.BlkioTicks, c.BlkioTicks, sources.W64); ok {
		r.IODelay = Some(float64(d))
	}
	if p.IOState == sources.IOOK && c.IOState == sources.IOOK {
		r.KBRdS = kbRate(p.ReadBytes, c.ReadBytes, dt)
		r.KBWrS = kbRate(p.WriteBytes, c.WriteBytes, dt)
		r.KBCcwrS = kbRate(p.CancelledWriteBytes, c.CancelledWriteBytes, dt)
	}
	return r
}

// Reasons for null kB_rd_s/kB_wr_s (docs/metrics.md, Processes).
const (
	IONoteDenied  = "needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, or same user"
	IONoteMissing = "no readable /proc/PID/io (CONFIG_TASK_IO_ACCOUNTING off?)"
)

func ioNote(s sources.ProcIOState) string {
	switch s {
	case sources.IODenied:
		return IONoteDenied
	case sources.IOMissing:
		return IONoteMissing
	}
	return ""
}

// pctOver is 100·d/denom, not clamped: per-process shares exceed 100 with several threads.
func pctOver(d uint64, ok bool, denom float64) Val {
	if !ok || denom <= 0 {
		return None
	}
	return Some(100 * float64(d) / denom)
}

func kbRate(prev, cur uint64, dt float64) Val {
	v := rateOf(prev, cur, dt)
	if v.OK {
		v.V /= 1024
	}
	return v
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
