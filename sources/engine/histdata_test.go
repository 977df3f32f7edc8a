package engine

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect/collecttest"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/record"
)

// recCodec is the codec ktop gives its History: sources/record's blocks.
var recCodec = BlockCodec{Encode: record.EncodeBlock, Decode: record.DecodeBlock}

// countingCodec wraps a codec and counts its calls.
type countingCodec struct {
	mu               sync.Mutex
	encodes, decodes int
	inner            BlockCodec
}

func (c *countingCodec) codec() BlockCodec {
	return BlockCodec{
		Encode: func(dst []byte, snaps []*sources.Snapshot) ([]byte, error) {
			c.mu.Lock()
			c.encodes++
			c.mu.Unlock()
			return c.inner.Encode(dst, snaps)
		},
		Decode: func(b []byte) ([]*sources.Snapshot, error) {
			c.mu.Lock()
			c.decodes++
			c.mu.Unlock()
			return c.inner.Decode(b)
		},
	}
}

var (
	base16Once sync.Once
	base16     *sources.Snapshot
)

// base16Snap is one real snapshot of the shared 16-CPU machine, every collector run over the
// fixture trees of package collect.
func base16Snap(tb testing.TB) *sources.Snapshot {
	base16Once.Do(func() { base16 = collecttest.Snapshot(collecttest.Root16(tb, "b")) })
	if base16 == nil || base16.Procs == nil || len(base16.Procs.Procs) == 0 {
		tb.Fatal("no process table in the 16-CPU fixture")
	}
	return base16
}

// synth makes a run of samples from one real snapshot: its processes repeated to nprocs under
// new PIDs and its counters advanced every second the way a loaded machine's move — every CPU
// busy, a tenth of the processes running (CPU time, faults, I/O, RSS moving), the rest
// asleep and unchanged, now and then one exiting and a new one starting. Only the numbers are
// made up; every field's layout and every string come from the real machine.
type synth struct {
	base   *sources.Snapshot
	nprocs int
	rng    *rand.Rand
	seq    uint64
	at     time.Time
	procs  []sources.Proc
	stat   sources.Stat
	nextID int
}

func newSynth(tb testing.TB, nprocs int) *synth {
	b := base16Snap(tb)
	s := &synth{base: b, nprocs: nprocs, rng: rand.New(rand.NewPCG(1, 2)), at: t0, stat: *b.Stat}
	s.stat.CPUs = append([]sources.CPUTimes(nil), b.Stat.CPUs...)
	real := b.Procs.Procs
	for j := range nprocs {
		p := real[j%len(real)]
		p.PID = 1000 + j
		p.StartTime += uint64(j)
		s.procs = append(s.procs, p)
	}
	s.nextID = 1000 + nprocs
	return s
}

// next is the next second's snapshot.
func (s *synth) next() *sources.Snapshot {
	s.seq++
	s.at = s.at.Add(time.Second)
	r := s.rng
	procs := make([]sources.Proc, len(s.procs))
	copy(procs, s.procs)
	for j := range procs {
		p := &procs[j]
		if j%10 == int(s.seq%10) || r.IntN(10) == 0 {
			p.UTime += uint64(r.IntN(60))
			p.STime += uint64(r.IntN(20))
			p.MinFlt += uint64(r.IntN(500))
			p.RunDelayNs += uint64(r.IntN(5_000_000))
			p.ReadBytes += uint64(r.IntN(4)) * 4096
			p.WriteBytes += uint64(r.IntN(4)) * 4096
			p.RSSKB += uint64(r.IntN(64))
			p.CPU = int32(r.IntN(16))
		}
	}
	if r.IntN(20) == 0 { // a process exits and another starts
		j := r.IntN(len(procs))
		procs[j].PID = s.nextID
		procs[j].StartTime += 100 * s.seq
		s.nextID++
	}
	s.procs = procs
	for c := range s.stat.CPUs {
		t := &s.stat.CPUs[c]
		t.User += uint64(60 + r.IntN(20))
		t.System += uint64(10 + r.IntN(10))
		t.Idle += uint64(r.IntN(30))
	}
	s.stat.Ctxt += uint64(10000 + r.IntN(5000))
	s.stat.Intr += uint64(5000 + r.IntN(2000))
	s.stat.At = s.at
	st := s.stat
	st.CPUs = append([]sources.CPUTimes(nil), s.stat.CPUs...)
	snap := *s.base
	snap.Seq, snap.Time, snap.Stat = s.seq, s.at, &st
	tab := *s.base.Procs
	tab.At, tab.Procs = s.at, procs
	tab.Uptime = s.base.Procs.Uptime + float64(s.seq)
	snap.Procs = &tab
	return &snap
}

// sampleOf wraps a snapshot as the engine does, frame derived against prev.
func sampleOf(prev, cur *sources.Snapshot) *Sample {
	return &Sample{Snap: cur, Frame: derive.Derive(prev, cur)}
}
