package engine

import (
	"context"
	"sync"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
)

// maxHistory is the most samples a History keeps, whatever Options ask: a day at 1 s fits.
const maxHistory = 1 << 17

// Options configure an Engine.
type Options struct {
	FS       collect.FS
	Interval time.Duration // sampling period
	History  time.Duration // how much history to keep
	// HistoryMem bounds the history's memory (HistoryOptions.Budget); 0 is DefaultBudget.
	// When it is spent the oldest samples go, so less than History may be kept.
	HistoryMem int64
	// Codec packs the history's older samples (HistoryOptions.Codec).
	Codec BlockCodec
}

// Engine samples on one clock and publishes each sample to History and to Updates.
type Engine struct {
	opts    Options
	set     *collect.Set
	hist    *History
	updates chan *Sample
	self    selfMeter

	mu   sync.Mutex
	prev *sources.Snapshot
	seq  uint64
	rec  Recorder // under mu: the sampling pass appends to it

	// recMu guards recState alone, so that the status line reads it without waiting for a
	// sampling pass (mu is held through collecting).
	recMu    sync.Mutex
	recState RecordState
}

// New builds an engine; nothing is read until Sample or Run is called.
func New(opts Options) *Engine {
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.History <= 0 {
		opts.History = time.Hour
	}
	// The count is capped as well as the memory: a tiny interval with a long history would
	// otherwise hold billions of (small) samples' times and sequence numbers.
	n := int(min(opts.History/opts.Interval, maxHistory-1)) + 1
	return &Engine{
		opts:    opts,
		set:     collect.NewSet(opts.FS),
		hist:    NewHistoryWith(HistoryOptions{MaxSamples: n, Budget: opts.HistoryMem, Codec: opts.Codec}),
		updates: make(chan *Sample, 1),
	}
}

// History is the engine's history; the UI reads it.
func (e *Engine) History() *History { return e.hist }

// Interval is the sampling period.
func (e *Engine) Interval() time.Duration { return e.opts.Interval }

// Updates delivers the newest sample. The channel holds one sample; an unread one is replaced
// by a newer one (latest wins), so a slow reader never holds up sampling.
func (e *Engine) Updates() <-chan *Sample { return e.updates }

// Sample takes one sample now: collect, derive against the previous one, append to History,
// publish. It is what Run calls each tick; batch mode calls it directly.
func (e *Engine) Sample() *Sample {
	e.mu.Lock()
	defer e.mu.Unlock()
	start := time.Now()
	e.seq++
	snap := &sources.Snapshot{Seq: e.seq, Time: start}
	e.set.Collect(snap)
	fr := derive.Derive(e.prev, snap)
	// The cost is measured after collecting and deriving so that it covers this tick's work;
	// the frame's Self is then re-derived from it (cheap: two numbers).
	snap.Self = e.self.measure(time.Since(start))
	fr.Self = derive.SelfOf(e.prev, snap)
	s := &Sample{Snap: snap, Frame: fr}
	e.prev = snap
	e.hist.Append(s)
	e.record(snap)
	e.publish(s)
	return s
}

func (e *Engine) publish(s *Sample) {
	for {
		select {
		case e.updates <- s:
			return
		default:
		}
		select {
		case <-e.updates: // drop the stale one
		default:
		}
	}
}

// Run samples every Interval until ctx is done. The first sample is taken at once.
func (e *Engine) Run(ctx context.Context) {
	t := time.NewTicker(e.opts.Interval)
	defer t.Stop()
	e.Sample()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.Sample()
		}
	}
}

// FS is the root the collectors read; on-demand readers (the process detail view) use it too.
func (e *Engine) FS() collect.FS { return e.opts.FS }

// SetSmapsSelected pins PIDs for smaps_rollup reads (the user's pins in the process list). It
// may be called from any goroutine.
func (e *Engine) SetSmapsSelected(pids []int) { e.set.SetSmapsSelected(pids) }

// Close stops recording (flushing the file) and releases collectors' resources.
func (e *Engine) Close() error {
	err := e.SetRecorder(nil, "")
	e.set.Close()
	e.self.close()
	return err
}
