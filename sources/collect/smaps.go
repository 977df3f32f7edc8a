package collect

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// ParseSmapsRollup parses /proc/PID/smaps_rollup ("Key:   N kB" lines after a "[rollup]"
// header) into r, in kB. Unknown keys are ignored; Rss and Pss are required.
func ParseSmapsRollup(b []byte, r *sources.SmapsRollup) error {
	seen := 0
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !bytes.HasSuffix(line, []byte(" kB")) {
			continue // the header line, or a key without a kB value
		}
		var dst *uint64
		switch string(line[:colon]) {
		case "Rss":
			dst = &r.Rss
			seen++
		case "Pss":
			dst = &r.Pss
			seen++
		case "Pss_Anon":
			dst = &r.PssAnon
		case "Pss_File":
			dst = &r.PssFile
		case "Pss_Shmem":
			dst = &r.PssShmem
		case "Pss_Dirty":
			dst = &r.PssDirty
		case "Shared_Clean":
			dst = &r.SharedClean
		case "Shared_Dirty":
			dst = &r.SharedDirty
		case "Private_Clean":
			dst = &r.PrivateClean
		case "Private_Dirty":
			dst = &r.PrivateDirty
		case "Private_Hugetlb":
			dst = &r.PrivateHugetlb
		case "Swap":
			dst = &r.Swap
		case "SwapPss":
			dst = &r.SwapPss
		case "Locked":
			dst = &r.Locked
		default:
			continue
		}
		v, err := firstUint(line[colon+1 : len(line)-3])
		if err != nil {
			return fmt.Errorf("%s: %w", line[:colon], err)
		}
		*dst = v
	}
	if seen < 2 {
		return errors.New("no Rss/Pss lines")
	}
	return nil
}

// SmapsPolicy decides which processes get their smaps_rollup read, following metrics-spec
// §2.10.4: reading it walks the target's page tables under its mmap lock, which stalls the
// target's mmap/munmap/page faults, so ktop reads
//   - only the top TopK processes by RSS, plus the pinned ones (SetSelected);
//   - each at most once per Period, doubled (up to MaxPeriod) after a read slower than SlowRead;
//   - at most one process per pass, the one waiting longest (round-robin over due processes);
//   - never a process whose RSS is above RSSCapKB unless it is pinned;
//   - not again while the process's RSS, swap and fault counters are what they were at the
//     last read, up to Unchanged since it: its own pages did not move, so its rollup can
//     differ only through pages it shares with others (their exit changes its PSS), which
//     the Unchanged backstop bounds. Most big processes are idle most of the time;
//   - never /proc/PID/smaps.
//
// Values are carried forward between reads with their read time; a process that is not read
// carries a reason instead.
type SmapsPolicy struct {
	TopK      int
	Period    time.Duration
	MaxPeriod time.Duration
	SlowRead  time.Duration
	RSSCapKB  uint64
	Unchanged time.Duration
	Clock     func() time.Time // injectable for tests; times the reads too

	mu     sync.Mutex
	pinned map[int]bool

	state   map[procKey]*smapsState
	missing bool   // the kernel has no smaps_rollup (< 4.14 or CONFIG_PROC_PAGE_MONITOR=n)
	notTopK string // reason for processes outside the top K, built once per K
	notK    int
	cand    []int
	isCand  map[int]bool // scratch of Apply: indexes of this pass's candidates
}

type procKey struct {
	pid   int
	start uint64
}

type smapsState struct {
	last   *sources.SmapsRollup
	tried  time.Time // last attempt, successful or not
	period time.Duration
	skip   string
	seen   bool // still present in this pass
	// mem is the process's memory counters at the last successful read, readAt its time.
	mem    memMark
	readAt time.Time
}

// memMark is what a process's own pages show of it: the counters that move whenever they do.
type memMark struct{ rss, swap, minflt, majflt uint64 }

func markOf(p *sources.Proc) memMark { return memMark{p.RSSKB, p.SwapKB, p.MinFlt, p.MajFlt} }

// NewSmapsPolicy returns the defaults of metrics-spec §2.10.4: top 10 by RSS, every 10 s,
// backing off to 160 s after reads over 10 ms, RSS cap 4 GiB; an unchanged process is read
// again after a minute.
func NewSmapsPolicy() *SmapsPolicy {
	return &SmapsPolicy{
		TopK:      10,
		Period:    10 * time.Second,
		MaxPeriod: 160 * time.Second,
		SlowRead:  10 * time.Millisecond,
		RSSCapKB:  4 << 20,
		Unchanged: time.Minute,
		Clock:     time.Now,
		pinned:    map[int]bool{},
		state:     map[procKey]*smapsState{},
	}
}

// SetSelected replaces the set of pinned PIDs: they are read whatever their rank or size. It
// may be called from another goroutine than the one sampling.
func (p *SmapsPolicy) SetSelected(pids []int) {
	m := make(map[int]bool, len(pids))
	for _, pid := range pids {
		m[pid] = true
	}
	p.mu.Lock()
	p.pinned = m
	p.mu.Unlock()
}

// Status is the smaps source's status after the last Apply.
func (p *SmapsPolicy) Status() sources.Status {
	if p.missing {
		return sources.Status{State: sources.Unavailable, Reason: "no /proc/PID/smaps_rollup (kernel < 4.14 or CONFIG_PROC_PAGE_MONITOR=n)"}
	}
	return sources.Status{State: sources.OK}
}

// Reasons shown instead of PSS/USS.
const (
	skipDenied  = sources.SmapsDenied
	skipKernel  = "kernel thread: no address space"
	skipNoMM    = "no resident memory"
	skipGone    = "process exited"
	skipMissing = "kernel has no smaps_rollup"
	skipFailed  = "smaps_rollup read failed"
)

// Apply attaches carried-forward values and reasons to tab's processes and reads at most one
// smaps_rollup through read. It returns the wall time spent reading.
func (p *SmapsPolicy) Apply(tab *sources.ProcTable, read func(pid int) (*sources.SmapsRollup, error)) time.Duration {
	p.mu.Lock()
	pinned := p.pinned
	p.mu.Unlock()
	if p.notK != p.TopK || p.notTopK == "" {
		p.notK = p.TopK
		p.notTopK = fmt.Sprintf("not in the top %d by RSS; pin to read", p.TopK)
	}
	for _, st := range p.state {
		st.seen = false
	}

	// Candidates: processes with an address space, by RSS descending (PID breaks ties), top K,
	// then pinned ones wherever they rank.
	procs := tab.Procs
	p.cand = p.cand[:0]
	for i := range procs {
		if !procs[i].Kernel && procs[i].RSSKB > 0 {
			p.cand = append(p.cand, i)
		}
	}
	slices.SortFunc(p.cand, func(a, b int) int {
		if procs[a].RSSKB != procs[b].RSSKB {
			if procs[a].RSSKB > procs[b].RSSKB {
				return -1
			}
			return 1
		}
		return procs[a].PID - procs[b].PID
	})
	top := p.cand[:min(p.TopK, len(p.cand))]
	if p.isCand == nil {
		p.isCand = make(map[int]bool, len(top)+len(pinned))
	}
	isCand := p.isCand
	clear(isCand)
	for _, i := range top {
		isCand[i] = true
	}
	for _, i := range p.cand[len(top):] {
		if pinned[procs[i].PID] {
			top = append(top, i)
			isCand[i] = true
		}
	}

	for i := range procs {
		pr := &procs[i]
		if st := p.state[procKey{pr.PID, pr.StartTime}]; st != nil {
			st.seen = true
			pr.Smaps, pr.SmapsSkip = st.last, st.skip
		}
		switch {
		case pr.Kernel:
			pr.SmapsSkip = skipKernel
		case pr.RSSKB == 0:
			pr.SmapsSkip = skipNoMM
		case p.missing:
			pr.SmapsSkip = skipMissing
		case !isCand[i]:
			pr.SmapsSkip = p.notTopK
		}
	}
	if p.missing {
		top = top[:0]
	}
	// Among the candidates (biggest first), the one tried longest ago is due (never tried =
	// zero time): a round-robin with at most one read per pass.
	now := p.Clock()
	due := -1
	var dueTried time.Time
	for _, i := range top {
		pr := &procs[i]
		if pr.RSSKB > p.RSSCapKB && !pinned[pr.PID] {
			pr.SmapsSkip = fmt.Sprintf("RSS %s above the %s cap; pin to read", fmtKB(pr.RSSKB), fmtKB(p.RSSCapKB))
			continue
		}
		key := procKey{pr.PID, pr.StartTime}
		st := p.state[key]
		if st == nil {
			st = &smapsState{seen: true, period: p.Period}
			p.state[key] = st
		}
		if !st.tried.IsZero() && now.Sub(st.tried) < st.period {
			continue
		}
		if st.last != nil && st.skip == "" && st.mem == markOf(pr) && now.Sub(st.readAt) < p.Unchanged {
			st.tried = now // due, and nothing to read: its value stands, stamped when read
			continue
		}
		if due < 0 || st.tried.Before(dueTried) {
			due, dueTried = i, st.tried
		}
	}
	for key, st := range p.state {
		if !st.seen {
			delete(p.state, key)
		}
	}
	if due < 0 {
		return 0
	}

	pr := &procs[due]
	st := p.state[procKey{pr.PID, pr.StartTime}]
	t0 := p.Clock()
	r, err := read(pr.PID)
	dur := p.Clock().Sub(t0)
	st.tried = t0
	switch {
	case err == nil:
		r.At, r.Dur = t0, dur
		st.last, st.skip = r, ""
		st.mem, st.readAt = markOf(pr), t0
		pr.Smaps, pr.SmapsSkip = r, ""
		if dur > p.SlowRead {
			st.period = min(2*st.period, max(p.MaxPeriod, p.Period))
		} else {
			st.period = p.Period
		}
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		st.skip = skipDenied
	case errors.Is(err, errProcGone):
		st.skip = skipGone
	case errors.Is(err, syscall.ESRCH):
		st.skip = skipNoMM // the address space is gone: the process is exiting
	case errors.Is(err, syscall.ENOENT):
		p.missing = true
		st.skip = skipMissing
	default:
		st.skip = skipFailed + ": " + err.Error()
	}
	if err != nil {
		pr.SmapsSkip = st.skip
	}
	return dur
}

// fmtKB prints a kB figure in binary units for a reason line: "12.0 GiB".
func fmtKB(kb uint64) string {
	switch {
	case kb >= 1<<20:
		return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	case kb >= 1<<10:
		return fmt.Sprintf("%.1f MiB", float64(kb)/(1<<10))
	}
	return fmt.Sprintf("%d kB", kb)
}

// SetSmapsSelected pins PIDs for smaps_rollup reads (see SmapsPolicy.SetSelected); the UI calls
// it, through the engine, for the selected or pinned rows.
func (s *Set) SetSmapsSelected(pids []int) {
	for _, c := range s.list {
		if pc, ok := c.(*procCollector); ok {
			pc.smaps.SetSelected(pids)
		}
	}
}
