package engine

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/record"
)

// recordSynth writes n synthetic samples of nprocs processes (made from the real 16-CPU
// snapshot) to a new recording and returns its path and the snapshots written.
func recordSynth(tb testing.TB, n, nprocs int) (string, []*sources.Snapshot) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "r.ktop")
	w, err := record.Create(path, record.Header{Interval: time.Second, Writer: "ktop test"})
	if err != nil {
		tb.Fatal(err)
	}
	s := newSynth(tb, nprocs)
	var snaps []*sources.Snapshot
	for range n {
		snap := s.next()
		if err := w.Append(snap); err != nil {
			tb.Fatal(err)
		}
		snaps = append(snaps, snap)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, snaps
}

func openReplay(tb testing.TB, path string) (*History, *record.Reader) {
	tb.Helper()
	r, err := record.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return NewReplayHistory(r), r
}

// sameFrame compares what a panel shows of two frames: the sample, its time and every rate
// (as JSON, times in UTC: a recording reads times back in the local zone).
func sameFrame(t *testing.T, what string, want, have *derive.Frame) {
	t.Helper()
	if want == nil || have == nil {
		t.Fatalf("%s: frame missing: want %v, have %v", what, want != nil, have != nil)
	}
	enc := func(f *derive.Frame) string {
		c := *f
		c.Time = c.Time.UTC()
		c.Status = nil // statuses carry no rates, and their times are the reads'
		b, err := json.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if w, h := enc(want), enc(have); w != h {
		t.Errorf("%s: frames differ:\nwant %.300s\nhave %.300s", what, w, h)
	}
}

// TestReplayHistory: a History over a recording answers as the live History over the same
// samples did: sequence numbers, times, the sample at the cursor with its rates, the window.
func TestReplayHistory(t *testing.T) {
	t.Parallel()
	const n = 150 // three of the writer's blocks
	path, snaps := recordSynth(t, n, 50)
	live := NewHistoryWith(HistoryOptions{Codec: recCodec})
	var prev *sources.Snapshot
	for _, s := range snaps {
		live.Append(sampleOf(prev, s))
		prev = s
	}
	h, _ := openReplay(t, path)
	if want, have := n, h.Len(); want != have {
		t.Fatalf("len: want %d, have %d", want, have)
	}
	if want, have := live.Reach(), h.Reach(); want != have {
		t.Errorf("reach: want %v, have %v", want, have)
	}
	for _, i := range []int{0, 1, 59, 60, 61, 100, n - 1} {
		seq, _ := h.SeqAt(i)
		tm, _ := h.TimeAt(i)
		if want := uint64(i + 1); seq != want || !tm.Equal(snaps[i].Time) {
			t.Errorf("sample %d: seq %d time %v, want %d %v", i, seq, tm, want, snaps[i].Time)
		}
		if j, ok := h.Index(seq); j != i || !ok {
			t.Errorf("Index(%d) = %d %v, want %d", seq, j, ok, i)
		}
		if want, have := i, h.IndexAt(snaps[i].Time.Add(300*time.Millisecond)); want != have {
			t.Errorf("IndexAt(sample %d + 0.3 s) = %d", i, have)
		}
		sameFrame(t, "sample", live.SampleAt(i).Frame, h.SampleAt(i).Frame)
	}
	if h.Latest() == nil || h.Latest().Snap.Seq != n {
		t.Errorf("latest is not the last sample of the file")
	}
	for _, step := range []int{1, 7} {
		want, have := live.FramesAt(120, 10, step), h.FramesAt(120, 10, step)
		if len(want) != len(have) {
			t.Fatalf("step %d: window of %d frames, want %d", step, len(have), len(want))
		}
		for k := range want {
			sameFrame(t, "window", want[k], have[k])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Append to a replay History did not panic")
		}
	}()
	h.Append(sampleOf(nil, snaps[0]))
}

// TestReplayHistoryDamaged: bytes overwritten in the middle of a recording lose the samples of
// the damaged block from the damage on. They keep their places (the numbers after them do not
// shift) but read as nil and have no time; the samples before and after read as they were
// recorded, and the first one after the loss has no rates (its interval is unknown).
func TestReplayHistoryDamaged(t *testing.T) {
	t.Parallel()
	const n = 180
	path, snaps := recordSynth(t, n, 50)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 2; i < len(b)/2+32; i++ {
		b[i] ^= 0x5a // a hand-damaged copy of the real recording
	}
	bad := filepath.Join(t.TempDir(), "bad.ktop")
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	h, r := openReplay(t, bad)
	if h.Len() != n {
		t.Fatalf("damaged: %d of %d samples", h.Len(), n)
	}
	var lost []int
	for i := range n {
		s := h.SampleAt(i)
		tm, ok := h.TimeAt(i)
		switch {
		case s == nil && !ok:
			lost = append(lost, i)
		case s == nil || !ok:
			t.Errorf("sample %d: read %v, time %v: want both or neither", i, s != nil, ok)
		case s.Snap.Seq != uint64(i+1) || !tm.Equal(snaps[i].Time):
			t.Errorf("sample %d: seq %d at %v, want %d at %v", i, s.Snap.Seq, tm, i+1, snaps[i].Time)
		}
	}
	if len(r.Warnings()) == 0 {
		t.Error("no warning about the damage")
	}
	if len(lost) == 0 || len(lost) > 60 || lost[len(lost)-1]-lost[0] != len(lost)-1 {
		t.Fatalf("lost samples %v: want one run within a block", lost)
	}
	after := lost[len(lost)-1] + 1
	if f := h.SampleAt(after).Frame; f.Interval.OK || len(f.CPU) == 0 || f.CPU[0].Usr.OK {
		t.Errorf("sample %d, after the loss, has rates: interval %v", after, f.Interval)
	}
	if f := h.SampleAt(after + 1).Frame; !f.Interval.OK {
		t.Errorf("sample %d has no rates", after+1)
	}
	if want, have := n-len(lost), len(h.FramesAt(n-1, n, 1)); want != have {
		t.Errorf("window over the whole file: %d frames, want the %d readable", have, want)
	}
	if want, have := lost[0]-1, h.IndexAt(snaps[lost[0]].Time.Add(-100*time.Millisecond)); have != want {
		t.Errorf("IndexAt a lost sample's time: %d, want %d", have, want)
	}

	// Damage in the last block, a few frames before the end: the last samples are lost, and
	// the reach ends at the last one that can be read.
	b, _ = os.ReadFile(path)
	b[len(b)-3000] ^= 0x5a
	tail := filepath.Join(t.TempDir(), "tail.ktop")
	if err := os.WriteFile(tail, b, 0o600); err != nil {
		t.Fatal(err)
	}
	h, _ = openReplay(t, tail)
	last := n - 1
	for last >= 0 && h.SampleAt(last) == nil {
		last--
	}
	if _, ok := h.TimeAt(n - 1); ok || last == n-1 || last < n-60 {
		t.Fatalf("damaged tail: last readable sample %d of %d, time of the last known %v", last, n, ok)
	}
	if want, have := snaps[last].Time.Sub(snaps[0].Time), h.Reach(); want != have {
		t.Errorf("reach with a lost tail: %v, want %v", have, want)
	}
}

// benchRecording is an hour at 1 s of 100 processes, made once for the replay benchmarks.
func benchRecording(b *testing.B) string {
	b.Helper()
	path, _ := recordSynth(b, 3600, 100)
	return path
}

// BenchmarkReplayOpen is what `ktop replay` does before the first screen: open the recording
// and read every sample's time (the History's table). Scale by the file's hours.
func BenchmarkReplayOpen(b *testing.B) {
	path := benchRecording(b)
	for b.Loop() {
		r, err := record.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if NewReplayHistory(r).Len() != 3600 {
			b.Fatal("samples missing")
		}
		r.Close()
	}
}

// BenchmarkReplayStep is one step of the cursor while playing: the next sample whole and the
// window of a 200-column chart ending there (400 frames, all but one already derived).
func BenchmarkReplayStep(b *testing.B) {
	h, _ := openReplay(b, benchRecording(b))
	i := 400
	h.FramesAt(i, 400, 1)
	for b.Loop() {
		i++
		if i == h.Len() {
			i = 400
			h.FramesAt(i, 400, 1)
		}
		if len(h.FramesAt(i, 400, 1)) != 400 {
			b.Fatal("window short")
		}
	}
}

// BenchmarkReplayJump is a jump to another part of the file: the window there is derived
// afresh, its blocks read and decoded.
func BenchmarkReplayJump(b *testing.B) {
	h, _ := openReplay(b, benchRecording(b))
	k := 0
	for b.Loop() {
		k++
		i := 400 + (k*997)%(h.Len()-400)
		if len(h.FramesAt(i, 400, 1)) != 400 {
			b.Fatal("window short")
		}
	}
}

// replayDay names a file for the day-long replay benchmarks: written there on the first run
// (a minute or two) and reused after, so that runs before and after a change read the same
// file. Without it, the file is written once per run in a temporary directory.
var replayDay = flag.String("replay.day", "", "keep the day-long benchmark recording in this file and reuse it")

var day struct {
	sync.Mutex
	path, tmp string
}

// dayRecording is a day at 1 s of 100 processes (86,400 samples), made once.
func dayRecording(b *testing.B) string {
	day.Lock()
	defer day.Unlock()
	if day.path != "" {
		return day.path
	}
	path := *replayDay
	if path == "" {
		dir, err := os.MkdirTemp("", "ktop-replay-day")
		if err != nil {
			b.Fatal(err)
		}
		day.tmp, path = dir, filepath.Join(dir, "day.ktop")
	}
	if _, err := os.Stat(path); err != nil {
		w, err := record.Create(path, record.Header{Interval: time.Second, Writer: "ktop bench"})
		if err != nil {
			b.Fatal(err)
		}
		s := newSynth(b, 100)
		for range 86400 {
			if err := w.Append(s.next()); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	day.path = path
	return path
}

// TestMain removes the day-long benchmark file made in a temporary directory.
func TestMain(m *testing.M) {
	code := m.Run()
	if day.tmp != "" {
		os.RemoveAll(day.tmp)
	}
	os.Exit(code)
}

// BenchmarkReplayDayAll is the `all` zoom at the end of a day's recording, as the app asks
// for it on a 200-column screen (400 frames, a bucket every 216 samples, so from key
// samples): the first time, the History and the reader fresh (every frame derived anew).
func BenchmarkReplayDayAll(b *testing.B) {
	path := dayRecording(b)
	for b.Loop() {
		r, err := record.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		h := NewReplayHistory(r)
		end := h.Len() - 1
		const cols = 400
		step := (end + cols - 1) / cols
		if len(h.Window(end, end/step+1, step, WindowOptions{Keys: true}).Frames) < cols/2 {
			b.Fatal("window short")
		}
		r.Close()
	}
}

// TestReplayKeyedWindow: a replay window whose step spans a block or more is built from the
// recording's key samples: each frame before the cursor's ends at a key sample, at its time
// and with its instant values, its rates the means since the key sample before, and no
// kernel log records. A narrower step is built as before. Stop abandons a window.
func TestReplayKeyedWindow(t *testing.T) {
	t.Parallel()
	const n = 600 // ten of the writer's blocks of 60
	path, snaps := recordSynth(t, n, 20)
	h, _ := openReplay(t, path)
	if h.KeyedWindow(59) || !h.KeyedWindow(60) {
		t.Fatalf("keyed at step 59 %v, at 60 %v: want from a block (60) on", h.KeyedWindow(59), h.KeyedWindow(60))
	}
	end := n - 1
	w := h.Window(end, 10, 120, WindowOptions{Keys: true})
	if !w.Keyed {
		t.Fatal("window of step 120 not keyed")
	}
	// Buckets end at seq 120, 240, 360, 480 (indices 119 ... 479: multiples of the step
	// below the cursor's), each at the key sample of its block: 60, 180, 300, 420.
	wantAt := []int{60, 180, 300, 420}
	if want, have := len(wantAt)+1, len(w.Frames); want != have {
		t.Fatalf("frames: want %d, have %d", want, have)
	}
	for k, to := range wantAt {
		f, from := w.Frames[k], to-120
		if from < 0 {
			from = 0
		}
		full := derive.Derive(snaps[from], snaps[to])
		if want, have := snaps[to].Time, f.Time; !want.Equal(have) {
			t.Errorf("frame %d: time %v, want sample %d's %v", k, have, to, want)
		}
		if want, have := full.Interval, f.Interval; want != have {
			t.Errorf("frame %d: interval %v, want %v (samples %d to %d)", k, have, want, from, to)
		}
		if want, have := full.CPU[0].Usr, f.CPU[0].Usr; want != have {
			t.Errorf("frame %d: cpu usr %v, want the mean %v", k, have, want)
		}
		if want, have := full.CswchS, f.CswchS; want != have {
			t.Errorf("frame %d: cswch/s %v, want the mean %v", k, have, want)
		}
		if want, have := full.Mem, f.Mem; want == nil || !reflect.DeepEqual(want, have) {
			t.Errorf("frame %d: memory differs from sample %d's", k, to)
		}
		if f.Kmsg != nil {
			t.Errorf("frame %d: kernel log records %v", k, f.Kmsg)
		}
	}
	sameFrame(t, "cursor", h.SampleAt(end).Frame, w.Frames[len(w.Frames)-1])

	if w := h.Window(end, 10, 7, WindowOptions{Keys: true}); w.Keyed || len(w.Frames) != 10 {
		t.Errorf("step 7: keyed %v, %d frames; want 10, not keyed", w.Keyed, len(w.Frames))
	}
	asked := 0
	stop := func() bool { asked++; return asked > 2 }
	if w := h.Window(end, 10, 60, WindowOptions{Keys: true, Stop: stop}); len(w.Frames) != 0 || asked != 3 {
		t.Errorf("stopped window: %d frames, stop asked %d times; want none, 3", len(w.Frames), asked)
	}
}
