package engine

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// filled appends n synthetic samples of nprocs processes and returns them.
func filled(tb testing.TB, h *History, n, nprocs int) []*Sample {
	return more(h, newSynth(tb, nprocs), nil, n)
}

// more appends n more samples of s after prev.
func more(h *History, s *synth, prev *Sample, n int) []*Sample {
	var out []*Sample
	for range n {
		cur := s.next()
		var p *sources.Snapshot
		if prev != nil {
			p = prev.Snap
		}
		prev = sampleOf(p, cur)
		h.Append(prev)
		out = append(out, prev)
	}
	return out
}

// TestHistoryBlocks fills blocks of 10 through the test codec and reads every sample back: the
// snapshot decodes to the one appended, the frame derives to the engine's, and window frames
// leave out the process table but for the last.
func TestHistoryBlocks(t *testing.T) {
	t.Parallel()
	cc := &countingCodec{inner: recCodec}
	h := NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: cc.codec(), Budget: 1 << 30})
	syn := newSynth(t, 20)
	ss := more(h, syn, nil, 45)
	st := h.Stats()
	if st.Samples != 45 || st.Blocks != 4 || cc.encodes != 4 || st.Bytes >= st.Raw {
		t.Fatalf("stats %+v after %d encodes", st, cc.encodes)
	}
	for i, want := range ss {
		have := h.SampleAt(i)
		if have == nil || have.Snap.Seq != want.Snap.Seq || !have.Snap.Time.Equal(want.Snap.Time) {
			t.Fatalf("sample %d: %+v", i, have)
		}
		wf, hf := want.Frame, have.Frame
		if i == 0 {
			wf = derive.Derive(nil, want.Snap) // the first has no sample before it
		}
		if hf.CswchS != wf.CswchS || hf.CPU[0].Idle != wf.CPU[0].Idle || len(hf.Procs) != len(wf.Procs) {
			t.Errorf("sample %d: frame %v %v %d procs, want %v %v %d", i, hf.CswchS, hf.CPU[0].Idle, len(hf.Procs), wf.CswchS, wf.CPU[0].Idle, len(wf.Procs))
			continue
		}
		for k := range wf.Procs {
			if hf.Procs[k].PID != wf.Procs[k].PID || hf.Procs[k].CPUPct != wf.Procs[k].CPUPct || hf.Procs[k].RSSKB != wf.Procs[k].RSSKB {
				t.Errorf("sample %d: process %d: %+v, want %+v", i, k, hf.Procs[k], wf.Procs[k])
				break
			}
		}
	}
	if h.SampleAt(44) != ss[44] || h.SampleAt(43) != ss[43] {
		t.Error("the tail is not the samples as appended")
	}
	fs := h.FramesAt(44, 20, 1)
	if want, have := seqRange(26, 45), seqs(fs); !slices.Equal(want, have) {
		t.Fatalf("window seqs %v, want %v", have, want)
	}
	for k, f := range fs {
		want := ss[25+k].Frame
		if f.CswchS != want.CswchS || f.CPU[1] != want.CPU[1] {
			t.Errorf("window frame %d: cs/s %v, want %v; cpu0 %+v, want %+v", f.Seq, f.CswchS, want.CswchS, f.CPU[1], want.CPU[1])
		}
		if last := k == len(fs)-1; (len(f.Procs) > 0) != last {
			t.Errorf("window frame %d has %d processes (last: %v)", f.Seq, len(f.Procs), last)
		}
	}
	if fs[len(fs)-1] != ss[44].Frame {
		t.Error("the window's last frame is not the newest sample's own")
	}
	// The window of the next tick reuses this one's frames: no block decoded again.
	dec := cc.decodes
	h.FramesAt(43, 20, 1)
	if cc.decodes != dec+1 { // the one frame older than the last window's
		t.Errorf("sliding the window back by one decoded %d blocks, want 1", cc.decodes-dec)
	}
	more(h, syn, ss[44], 1)
	dec = cc.decodes
	if fs := h.FramesAt(45, 20, 1); cc.decodes != dec || fs[0].Seq != 27 {
		t.Errorf("the next tick's window decoded %d blocks", cc.decodes-dec)
	}
}

func seqRange(from, to uint64) []uint64 {
	var out []uint64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

// TestHistoryFollow keeps a followed process in every window frame.
func TestHistoryFollow(t *testing.T) {
	t.Parallel()
	h := NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: recCodec})
	ss := filled(t, h, 30, 20)
	p := ss[29].Frame.Procs[3]
	id := sources.ProcID{PID: p.PID, Start: p.Start}
	h.FramesAt(29, 10, 1) // cached without it
	h.Follow([]sources.ProcID{id})
	for _, f := range h.FramesAt(29, 10, 1) {
		k := slices.IndexFunc(f.Procs, func(q derive.Proc) bool { return q.PID == p.PID })
		if k < 0 || (len(f.Procs) != 1 && f.Seq != 30) {
			t.Errorf("frame %d: %d processes, the followed one at %d", f.Seq, len(f.Procs), k)
			continue
		}
		want := ss[f.Seq-1].Frame.Procs[3]
		if have := f.Procs[k]; have.CPUPct != want.CPUPct || have.RSSKB != want.RSSKB {
			t.Errorf("frame %d: followed process %v %v, want %v %v", f.Seq, have.CPUPct, have.RSSKB, want.CPUPct, want.RSSKB)
		}
	}
	h.Follow(nil)
	if fs := h.FramesAt(29, 10, 1); len(fs[0].Procs) != 0 {
		t.Errorf("unfollowed, frame %d keeps %d processes", fs[0].Seq, len(fs[0].Procs))
	}
}

// TestHistoryBuckets zooms out: each frame but the last covers step samples, its rates the
// mean over them (the counter's change over the bucket by its length) and its kernel log
// records all of the bucket's; buckets end at multiples of step.
func TestHistoryBuckets(t *testing.T) {
	t.Parallel()
	cc := &countingCodec{inner: recCodec}
	h := NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: cc.codec()})
	s := newSynth(t, 10)
	var snaps []*sources.Snapshot
	var prev *sources.Snapshot
	for i := range 100 {
		cur := s.next()
		if i%7 == 3 {
			k := &sources.Kmsg{Records: []sources.KmsgRecord{{Seq: uint64(i), Text: "event"}}}
			cur.Kmsg = k
		}
		h.Append(sampleOf(prev, cur))
		snaps = append(snaps, cur)
		prev = cur
	}
	fs := h.FramesAt(97, 8, 5) // the cursor at seq 98
	if want, have := []uint64{65, 70, 75, 80, 85, 90, 95, 98}, seqs(fs); !slices.Equal(want, have) {
		t.Fatalf("bucket ends %v, want %v", have, want)
	}
	for _, f := range fs[:len(fs)-1] {
		e := int(f.Seq) - 1 // index of the bucket's last sample
		want := float64(snaps[e].Stat.Ctxt-snaps[e-5].Stat.Ctxt) / 5
		if !f.CswchS.OK || f.CswchS.V != want || f.Interval.V != 5 {
			t.Errorf("bucket to %d: cs/s %v over %v s, want %v over 5", f.Seq, f.CswchS, f.Interval, want)
		}
		n := 0
		for i := e - 4; i <= e; i++ {
			if i%7 == 3 {
				n++
			}
		}
		have := 0
		if f.Kmsg != nil {
			have = len(f.Kmsg.Records)
		}
		if have != n {
			t.Errorf("bucket to %d: %d kernel log records, want %d", f.Seq, have, n)
		}
	}
	if last := fs[len(fs)-1]; last.Interval.V != 1 || last.Seq != 98 {
		t.Errorf("the cursor's frame covers %v s", last.Interval)
	}
	// The window slides by a sample: the buckets are the same ones, derived once.
	dec := cc.decodes
	if fs2 := h.FramesAt(98, 8, 5); fs2[len(fs2)-2] != fs[len(fs)-2] || cc.decodes != dec {
		t.Errorf("the window slid: buckets derived again (%d decodes)", cc.decodes-dec)
	}
	// A window reaching the oldest sample starts with a partial bucket.
	if fs := h.FramesAt(12, 10, 5); !slices.Equal(seqs(fs), []uint64{5, 10, 13}) {
		t.Errorf("window at the start: %v", seqs(fs))
	}
}

// TestHistoryBudget fills a small budget many times over, with and without a codec: the
// counted bytes stay within it, the oldest blocks go, and what is left is consistent.
func TestHistoryBudget(t *testing.T) {
	t.Parallel()
	for _, codec := range []BlockCodec{recCodec, {}} {
		h := NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: codec, Budget: 1})
		one := filled(t, h, 10, 50)
		block := h.Stats().Bytes // one full block, encoded or not
		raw := h.Stats().Raw
		budget := 5*block + raw // room for a few blocks (their sizes vary) and the one being filled
		h = NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: codec, Budget: budget})
		ss := filled(t, h, 200, 50)
		st := h.Stats()
		if st.Bytes > budget || st.Samples >= 200 || st.Samples < 20 {
			t.Errorf("codec %v: %+v for a budget of %d (a block is %d)", codec.set(), st, budget, block)
		}
		oldest := len(ss) - st.Samples
		if s := h.SampleAt(0); s == nil || s.Snap.Seq != ss[oldest].Snap.Seq || s.Frame.CswchS.OK {
			t.Errorf("codec %v: oldest sample %+v, want seq %d without rates (its previous one is gone)", codec.set(), s, ss[oldest].Snap.Seq)
		}
		if _, ok := h.Index(ss[oldest-1].Snap.Seq); ok {
			t.Errorf("codec %v: a dropped sample is still found", codec.set())
		}
		if want := time.Duration(st.Samples-1) * time.Second; st.Reach != want {
			t.Errorf("codec %v: reach %v, want %v", codec.set(), st.Reach, want)
		}
		_ = one
	}
}

// TestHistoryCodecErrors keeps going when the codec fails: a block that does not encode stays
// as it was; one that does not decode gives no sample and no window frames, and no panic.
func TestHistoryCodecErrors(t *testing.T) {
	t.Parallel()
	bad := BlockCodec{
		Encode: func([]byte, []*sources.Snapshot) ([]byte, error) { return nil, errors.New("no") },
		Decode: recCodec.Decode,
	}
	h := NewHistoryWith(HistoryOptions{BlockLen: 5, Codec: bad})
	ss := filled(t, h, 12, 5)
	if s := h.SampleAt(2); s == nil || s.Snap != ss[2].Snap {
		t.Errorf("unencoded block: sample %+v", s)
	}
	broken := BlockCodec{
		Encode: recCodec.Encode,
		Decode: func([]byte) ([]*sources.Snapshot, error) { return nil, errors.New("no") },
	}
	h = NewHistoryWith(HistoryOptions{BlockLen: 5, Codec: broken})
	filled(t, h, 12, 5)
	if s := h.SampleAt(2); s != nil {
		t.Errorf("undecodable block gave sample %+v", s)
	}
	if fs := h.FramesAt(11, 12, 1); !slices.Equal(seqs(fs), seqRange(11, 12)) {
		t.Errorf("window over an undecodable block: %v", seqs(fs))
	}
}

// TestHistoryHourOf500 is the check: an hour of samples at 1 s, 500 processes each,
// made from the real 16-CPU snapshot, through a History as ktop makes it (record's codec, the
// default budget). The whole hour must be kept within the budget, and the heap the History
// really holds (measured after a GC, with the live screen's window of 400 frames cached) must
// stay within the budget plus what it does not cover: the two newest samples kept whole, the
// window's light frames and the block decoded last. docs/perf.md quotes the figures this logs.
func TestHistoryHourOf500(t *testing.T) {
	if testing.Short() {
		t.Skip("an hour of 500 processes takes a while")
	}
	// The codec's own state (zstd's encoder, made once for the process) is measured apart.
	var zero, before, after runtime.MemStats
	syn := newSynth(t, 500)
	runtime.GC()
	runtime.ReadMemStats(&zero)
	if _, err := recCodec.Encode(nil, []*sources.Snapshot{syn.base}); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&before)
	codecB := int64(before.HeapAlloc) - int64(zero.HeapAlloc)
	h := NewHistoryWith(HistoryOptions{MaxSamples: 3601, Codec: recCodec})
	start := time.Now()
	var prev *sources.Snapshot
	for i := range 3600 {
		cur := syn.next()
		// The History keeps only its tail's frames; deriving the others would only cost time.
		f := &derive.Frame{Seq: cur.Seq, Time: cur.Time}
		if i >= 3600-tailLen {
			f = derive.Derive(prev, cur)
		}
		h.Append(&Sample{Snap: cur, Frame: f})
		prev = cur
	}
	fill := time.Since(start)
	start = time.Now()
	window := h.FramesAt(h.Len()-1, 400, 1) // the live screen at 200 columns, from cold
	cold := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	st := h.Stats()
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	var lightB int64
	for _, f := range window[:len(window)-1] {
		lightB += frameBytes(f)
	}
	perSnap := st.Raw / int64(st.Samples)
	// Outside the budget: the tail's whole samples, the window's light frames, the block
	// decoded last (kept a few ticks) and a MiB of odds and ends.
	extra := tailLen*(perSnap+frameBytes(window[len(window)-1])) + lightB + DefaultBlockLen*perSnap + 1<<20
	start = time.Now()
	h.SampleAt(1000) // a paused cursor 43 minutes back
	paused := time.Since(start)
	start = time.Now()
	h.FramesAt(h.Len()-1, 400, 9) // zoomed out to the hour
	zoomed := time.Since(start)
	t.Logf("%d samples (reach %v): %.1f MiB counted of %.0f MiB, %.0f B/sample encoded (%.0f kB raw); heap %.1f MiB, of which window %.1f MiB (%d light frames); codec state %.1f MiB; fill %v, cold window %v, paused sample %v, hour window %v",
		st.Samples, st.Reach, mib(st.Bytes), mib(st.Budget), float64(st.Bytes)/float64(st.Samples), float64(perSnap)/1000,
		mib(heap), mib(lightB), len(window)-1, mib(codecB), fill, cold, paused, zoomed)
	if st.Samples != 3600 || st.Reach != 3599*time.Second {
		t.Errorf("the hour does not fit the default budget: %d samples, reach %v", st.Samples, st.Reach)
	}
	if st.Bytes > st.Budget {
		t.Errorf("counted %d bytes, over the budget of %d", st.Bytes, st.Budget)
	}
	if heap > st.Budget+extra {
		t.Errorf("the heap grew by %.1f MiB, over the budget of %.1f MiB and %.1f MiB outside it", mib(heap), mib(st.Budget), mib(extra))
	}
	runtime.KeepAlive(h)
}

// frameBytes estimates a frame's own memory as snapBytes does a snapshot's.
func frameBytes(f *derive.Frame) int64 {
	return int64(unsafe.Sizeof(*f)) + deepBytes(reflect.ValueOf(f).Elem())
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// TestHistoryKeepsLastBlock steps a paused cursor through one block: decoded once, not at
// every step; kept only for a few samples after its last use.
func TestHistoryKeepsLastBlock(t *testing.T) {
	t.Parallel()
	cc := &countingCodec{inner: recCodec}
	h := NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: cc.codec()})
	syn := newSynth(t, 10)
	ss := more(h, syn, nil, 40)
	for i := 18; i >= 11; i-- { // within the second block, each with the sample before it
		if s := h.SampleAt(i); s == nil || s.Snap.Seq != ss[i].Snap.Seq {
			t.Fatalf("sample %d: %+v", i, s)
		}
	}
	if cc.decodes != 1 {
		t.Errorf("stepping through a block decoded it %d times", cc.decodes)
	}
	more(h, syn, ss[39], keptFor+1)
	h.SampleAt(15) // not one of the last two asked for, which keep their frames
	if cc.decodes != 2 {
		t.Errorf("after %d samples the block was still kept (%d decodes)", keptFor+1, cc.decodes)
	}
}

// TestHistoryWindowSharesStatus: window frames whose sources' statuses are the same share one
// map; a frame whose statuses differ keeps its own, and the frames after it share that one.
func TestHistoryWindowSharesStatus(t *testing.T) {
	t.Parallel()
	h := NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: recCodec, Budget: 1 << 30})
	syn := newSynth(t, 5)
	var prev *sources.Snapshot
	for i := range 12 {
		cur := syn.next()
		cur.Status = map[string]sources.Status{"psi": {State: sources.OK}}
		if i >= 8 {
			cur.Status["psi"] = sources.Status{State: sources.Unavailable, Reason: "psi=0"}
		}
		h.Append(sampleOf(prev, cur))
		prev = cur
	}
	fs := h.FramesAt(11, 12, 1)
	if len(fs) != 12 {
		t.Fatalf("%d frames", len(fs))
	}
	same := func(a, b *derive.Frame) bool {
		return reflect.ValueOf(a.Status).UnsafePointer() == reflect.ValueOf(b.Status).UnsafePointer()
	}
	for i := 1; i < 11; i++ { // the last is the newest sample's own frame
		if want, have := i != 8, same(fs[i-1], fs[i]); want != have {
			t.Errorf("frames %d and %d share a map: %v, want %v (%v, %v)", i-1, i, have, want, fs[i-1].Status, fs[i].Status)
		}
		if !maps.Equal(fs[i].Status, h.SampleAt(i).Frame.Status) {
			t.Errorf("frame %d's statuses %v, want %v", i, fs[i].Status, h.SampleAt(i).Frame.Status)
		}
	}
}

// TestHistoryWindowSlides builds windows as the UI asks for them — live, a sample later each
// time, then at another zoom, then with other processes followed — and checks each against the
// same window built by a History whose frame cache is empty: frames found by their place in
// the window before (windowFrames) must be the frames a lookup would give.
func TestHistoryWindowSlides(t *testing.T) {
	t.Parallel()
	h := NewHistoryWith(HistoryOptions{BlockLen: 10, Codec: recCodec, Budget: 1 << 30})
	syn := newSynth(t, 6)
	ss := more(h, syn, nil, 30)
	seqs := func(fs []*derive.Frame) []uint64 {
		var out []uint64
		for _, f := range fs {
			out = append(out, f.Seq)
		}
		return out
	}
	check := func(name string, end, n, step int) {
		t.Helper()
		have := h.FramesAt(end, n, step)
		h.cmu.Lock()
		frames, last := h.frames, h.lastWin
		h.frames, h.lastWin = map[frameKey]*cached{}, lastWindow{}
		h.cmu.Unlock()
		want := h.FramesAt(end, n, step)
		h.cmu.Lock()
		h.frames, h.lastWin = frames, last // as the UI left them, for the next window
		h.cmu.Unlock()
		if !slices.Equal(seqs(want), seqs(have)) {
			t.Fatalf("%s: frames %v, want %v", name, seqs(have), seqs(want))
		}
		for i := range want {
			w, hv := want[i], have[i]
			if w.CswchS != hv.CswchS || len(w.Procs) != len(hv.Procs) || w.Interval != hv.Interval {
				t.Errorf("%s: frame %d (seq %d) differs: %+v, want %+v", name, i, w.Seq, hv.CswchS, w.CswchS)
			}
		}
	}
	for end := 10; end < 30; end++ { // live: a sample later each time
		check(fmt.Sprintf("step 1 to %d", end), end, 8, 1)
	}
	for end := 20; end < 30; end += 3 { // zoomed out, the cursor stepping
		check(fmt.Sprintf("step 3 to %d", end), end, 5, 3)
	}
	check("back at step 1", 29, 8, 1)
	p := ss[len(ss)-1].Snap.Procs.Procs[0]
	h.Follow([]sources.ProcID{{PID: p.PID, Start: p.StartTime}})
	check("following a process", 29, 8, 1)
	more(h, syn, ss[len(ss)-1], 1)
	check("following, a sample later", 30, 8, 1)
	for _, f := range h.FramesAt(30, 8, 1)[:7] {
		if len(f.Procs) != 1 {
			t.Errorf("frame %d: %d process rows, want the followed one", f.Seq, len(f.Procs))
		}
	}
}
