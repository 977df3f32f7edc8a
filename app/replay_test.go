package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/sources/record"
)

// recordFixture2 records the 30 samples of fixture2 (this development machine, one a second
// from t0) as a recorder restarted halfway would: samples 1–15, then the file continued with
// 16–30, so that it holds two blocks.
func recordFixture2(tb testing.TB) string {
	tb.Helper()
	ss := fixture2(tb)
	path := filepath.Join(tb.TempDir(), "fixture2.ktop")
	w, err := record.Create(path, record.Header{Interval: time.Second, Writer: "ktop test"})
	if err != nil {
		tb.Fatal(err)
	}
	// A recording's times read back in the local zone: the samples are moved so that its
	// wall clock reads 10:00:00 on, as fixture2's does in UTC, wherever the test runs.
	_, off := t0.In(time.Local).Zone()
	shift := time.Duration(off) * time.Second
	for i, s := range ss {
		snap := *s.Snap
		snap.Time = snap.Time.Add(-shift)
		if snap.Stat != nil {
			st := *snap.Stat
			st.At = st.At.Add(-shift)
			snap.Stat = &st
		}
		if i == 15 {
			if err := w.Close(); err != nil {
				tb.Fatal(err)
			}
			if w, err = record.OpenAppend(path); err != nil {
				tb.Fatal(err)
			}
		}
		if err := w.Append(&snap); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// replayOf opens a recording as `ktop replay` does, at w×h, with a clock the test moves.
func replayOf(tb testing.TB, path string, w, h int, clock *time.Time) Model {
	tb.Helper()
	r, err := record.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	m := New(Options{Theme: asciiTheme(), History: engine.NewReplayHistory(r), Interval: time.Second,
		Replay: &Replay{Name: path, Warnings: r.Warnings}})
	m.now = func() time.Time { return *clock }
	return settle(update(m, sizeMsg(w, h)))
}

// settle runs the build of the window the replay asked for, as Bubble Tea would in a
// goroutine of its own, and delivers it.
func settle(m Model) Model {
	for m.rp.load.asked && m.rp.load.build != nil {
		msg := m.rp.load.build()
		if msg == nil {
			break
		}
		m = update(m, msg)
	}
	return m
}

// replayStep is one thing done to a replay: keys typed, or the replay clock ticking after
// the wall clock moved on by wait.
type replayStep struct {
	keys []string
	wait time.Duration // > 0: the clock moves on, and a tick of the current chain arrives
}

func keys(k ...string) replayStep      { return replayStep{keys: k} }
func after(d time.Duration) replayStep { return replayStep{wait: d} }
func (s replayStep) String() string    { return strings.Join(s.keys, " ") + s.wait.String() }
func stale(m Model, clock time.Time) Model {
	return settle(update(m, replayTick{gen: m.rp.gen - 1, t: clock}))
}

// run applies the steps; keys' commands (the replay's ticks) are not run: the test sends the
// ticks itself, at the times it chooses. The windows asked for are built and delivered.
func run(m Model, clock *time.Time, steps ...replayStep) Model {
	for _, s := range steps {
		for _, k := range s.keys {
			nm, _ := m.Update(keyMsg(k))
			m = settle(nm.(Model))
		}
		if s.wait > 0 {
			*clock = clock.Add(s.wait)
			m = settle(update(m, replayTick{gen: m.rp.gen, t: *clock}))
		}
	}
	return m
}

// TestReplayModel drives a replay of a real recording: it opens paused on the first sample;
// space plays at ×1 (a sample a recorded second), x and X change the speed, ← and → step and
// stop playing, home and end go to the ends, go-to finds a time (counting back from the
// recording's end), and playing to the end stops there and says so.
func TestReplayModel(t *testing.T) {
	t.Parallel()
	path := recordFixture2(t)
	sec := time.Second
	tests := []struct {
		name    string
		steps   []replayStep
		seq     uint64
		playing bool
		status  []string // in the status line
	}{
		{"opens paused at the start", nil, 1, false, []string{" REPLAY  fixture2.ktop  10:00:00  paused ×1  0s of 29s", "space play", "←→ step", "x speed"}},
		{"plays at ×1", []replayStep{keys(" "), after(sec)}, 2, true, []string{"10:00:01  ▶ ×1  1s of 29s", "space pause"}},
		{"a late tick catches up", []replayStep{keys(" "), after(sec), after(3 * sec)}, 5, true, nil},
		{"too early a tick waits", []replayStep{keys(" "), after(sec / 2)}, 1, true, nil},
		{"pauses", []replayStep{keys(" "), after(2 * sec), keys(" "), after(5 * sec)}, 3, false, []string{"paused ×1"}},
		{"×10", []replayStep{keys("x", " "), after(sec)}, 11, true, []string{"▶ ×10"}},
		{"×60 reaches the end", []replayStep{keys("x", "x", " "), after(sec)}, 30, false, []string{"10:00:29  paused ×60  29s of 29s", "end of recording"}},
		{"X from ×1 is ×60", []replayStep{keys("X")}, 1, false, []string{"paused ×60"}},
		{"x wraps to ×1", []replayStep{keys("x", "x", "x")}, 1, false, []string{"paused ×1"}},
		{"speed changed while playing", []replayStep{keys(" "), after(2 * sec), keys("x"), after(sec)}, 13, true, []string{"▶ ×10"}},
		{"→ steps", []replayStep{keys("right", "right")}, 3, false, nil},
		{"← at the start stays", []replayStep{keys("left")}, 1, false, nil},
		{"a step stops playing", []replayStep{keys(" "), after(3 * sec), keys("left"), after(5 * sec)}, 3, false, nil},
		{"end", []replayStep{keys("end")}, 30, false, []string{"10:00:29", "29s of 29s"}},
		{"home", []replayStep{keys("end", "home")}, 1, false, nil},
		{"play at the end starts over", []replayStep{keys("end", " "), after(sec)}, 2, true, nil},
		{"a minute on: clamped to the end", []replayStep{keys("shift+right")}, 30, false, nil},
		{"a minute on plays on from there", []replayStep{keys(" ", "shift+left", "right", "right", " ", "shift+right"), after(sec)}, 30, false, []string{"end of recording"}},
		{"go to a time", []replayStep{keys("g", "1", "0", ":", "0", "0", ":", "1", "0", "enter")}, 11, false, []string{"10:00:10"}},
		{"go to, back from the end", []replayStep{keys("g", "-", "5", "s", "enter")}, 25, false, nil},
		{"go to before the start", []replayStep{keys(":", "-", "1", "h", "enter")}, 1, false, []string{"the recording starts at 10:00:00"}},
		{"go to just after the end", []replayStep{keys("g", "1", "0", ":", "0", "1", "enter")}, 30, false, []string{"the recording ends at 10:00:29"}},
		{"go to a bad time", []replayStep{keys("g", "2", "5", ":", "0", "0", "enter")}, 1, false, []string{`"25:00": want HH:MM[:SS]`}},
		{"go to while playing plays on from there", []replayStep{keys(" ", "g", "-", "9", "s", "enter"), after(2 * sec)}, 23, true, nil},
		{"zoom", []replayStep{keys("-")}, 1, false, []string{"zoom 5m"}},
		{"R does not record", []replayStep{keys("R")}, 1, false, []string{"paused"}},
	}
	for _, tc := range tests {
		clock := t0.Add(time.Hour) // the wall clock: any time, the replay counts from it
		m := run(replayOf(t, path, 120, 40, &clock), &clock, tc.steps...)
		if m.cur.mode != replay || m.frame == nil || m.frame.Seq != tc.seq || m.rp.playing != tc.playing {
			seq := uint64(0)
			if m.frame != nil {
				seq = m.frame.Seq
			}
			t.Errorf("%s: %v at seq %d playing %v, want REPLAY at %d playing %v", tc.name, m.cur.mode, seq, m.rp.playing, tc.seq, tc.playing)
		}
		s := statusOf(m.View())
		for _, w := range tc.status {
			if !strings.Contains(s, w) {
				t.Errorf("%s: status %q lacks %q", tc.name, s, w)
			}
		}
		checkFrame(t, m.View(), 120, 40)
		if tc.playing {
			// A tick of a chain that was stopped or restarted moves nothing.
			before := m.frame.Seq
			if m = stale(m, clock.Add(10*sec)); m.frame.Seq != before {
				t.Errorf("%s: a stale tick moved the cursor from %d to %d", tc.name, before, m.frame.Seq)
			}
		}
	}
}

// TestReplayWindow: every panel's charts show the window that ends at the replay cursor, and
// the narrow screen keeps REPLAY, the file, the time and how to play.
func TestReplayWindow(t *testing.T) {
	t.Parallel()
	path := recordFixture2(t)
	clock := t0
	m := run(replayOf(t, path, 80, 24, &clock), &clock, keys("g", "1", "0", ":", "0", "0", ":", "2", "0", "enter"))
	w := m.window()
	if cur := w.Current(); cur == nil || cur.Seq != 21 || len(w.Frames) != 21 || w.Frames[0].Seq != 1 {
		t.Fatalf("window at seq 21: %d frames, current %v", len(w.Frames), cur)
	}
	if !w.Paused {
		t.Error("the charts do not mark the cursor in a replay")
	}
	for i := range m.panels {
		m = press(m, panelKey(i))
		v := m.View()
		checkFrame(t, v, 80, 24)
		if s := statusOf(v); !strings.Contains(s, " REPLAY  fixture2.ktop  10:00:20  paused ×1") || !strings.Contains(s, "space play") {
			t.Errorf("panel %d at 80×24: status %q", i+1, s)
		}
	}
}

// TestReplayDamaged replays a recording whose first block has a damaged frame: the samples
// before it play, the cursor passes over the lost ones saying how many, the samples of the next
// block play on, and the status line says what the reader found.
func TestReplayDamaged(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(recordFixture2(t))
	if err != nil {
		t.Fatal(err)
	}
	// Frames start with "KTOP" and their type: the headers (and, in version 2, the
	// dictionary) come first, then sample 1's K frame, samples 2… D frames. Overwrite a byte of
	// sample 8's payload (a hand-damaged copy of the real recording).
	off, at := -1, 0
	for n := 0; n < 8; {
		k := bytes.Index(b[at:], []byte("KTOP"))
		if k < 0 || at+k+4 >= len(b) {
			t.Fatal("fewer frames than samples")
		}
		off, at = at+k, at+k+4
		if typ := b[off+4]; typ == 'K' || typ == 'D' {
			n++
		}
	}
	b[off+24] ^= 0xff
	path := filepath.Join(t.TempDir(), "damaged.ktop")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := t0
	m := run(replayOf(t, path, 120, 40, &clock), &clock, keys("g", "1", "0", ":", "0", "0", ":", "0", "6", "enter"))
	if m.frame.Seq != 7 {
		t.Fatalf("before the damage: seq %d, want 7", m.frame.Seq)
	}
	m = run(m, &clock, keys("right"))
	if s := statusOf(m.View()); m.frame.Seq != 16 || !strings.Contains(s, "skipped 8 samples lost to damage") {
		t.Errorf("step over the damage: seq %d, status %q", m.frame.Seq, s)
	}
	m = run(m, &clock, keys("left"))
	if m.frame.Seq != 7 {
		t.Errorf("step back over the damage: seq %d, want 7", m.frame.Seq)
	}
	// Playing counts the lost samples' time: five seconds on from sample 7 is sample 12, lost,
	// so the cursor goes on to 16.
	m = run(m, &clock, keys(" "), after(5*time.Second))
	if s := statusOf(m.View()); m.frame.Seq != 16 || !m.rp.playing || !strings.Contains(s, "skipped 8 samples") {
		t.Errorf("playing past the damage: seq %d playing %v, status %q", m.frame.Seq, m.rp.playing, s)
	}
	if m = run(m, &clock, after(time.Second)); m.frame.Seq != 17 {
		t.Errorf("playing on after the damage: seq %d, want 17", m.frame.Seq)
	}
	// The reader found the damage when it read the first block, on opening: the first screen
	// says so.
	if s := statusOf(replayOf(t, path, 120, 40, &clock).View()); !strings.Contains(s, "recording damaged: block 0: 8 samples from sample 7 on lost") {
		t.Errorf("first screen of a damaged recording: status %q", s)
	}
}

// TestReplayLoading: a replay's window is built off the UI goroutine. While it is on its way
// the screen keeps the last window, the status line has the cursor's time and, once it is
// slow, says it is loading; keys still move the cursor; a window asked for before a newer one
// is never drawn, and a build that was superseded stops without one.
func TestReplayLoading(t *testing.T) {
	t.Parallel()
	clock := t0
	m := replayOf(t, recordFixture2(t), 120, 40, &clock)
	nm, cmd := m.Update(keyMsg("end"))
	m = nm.(Model)
	if cmd == nil || !m.rp.load.asked || m.frame.Seq != 1 {
		t.Fatalf("end: command %v, asked %v, frame %d: want the window asked for, seq 1 still shown", cmd != nil, m.rp.load.asked, m.frame.Seq)
	}
	if s := statusOf(m.View()); !strings.Contains(s, "10:00:29") || strings.Contains(s, "loading") {
		t.Errorf("window on its way: status %q, want the cursor's time, not yet loading", s)
	}
	m = update(m, loadingMsg{gen: m.rp.load.gen})
	if s := statusOf(m.View()); !strings.Contains(s, "loading…") {
		t.Errorf("slow window: status %q lacks loading…", s)
	}
	first := m.rp.load.build()
	m = update(m, keyMsg("left")) // a key while loading: handled, and a newer window asked for
	if want, have := 28, m.cursorIndex(); want != have {
		t.Fatalf("← while loading: cursor at %d, want %d", have, want)
	}
	m = update(m, first)
	if m.frame.Seq != 1 || !m.rp.load.asked {
		t.Errorf("superseded window drawn: frame %d, asked %v", m.frame.Seq, m.rp.load.asked)
	}
	newer := m.rp.load.build
	m = update(m, keyMsg("left"))
	if msg := newer(); msg != nil {
		t.Errorf("a superseded build made a window: %T", msg)
	}
	m = settle(m)
	if s := statusOf(m.View()); m.frame.Seq != 28 || m.rp.load.asked || strings.Contains(s, "loading") {
		t.Errorf("settled: frame %d, asked %v, status %q; want 28, none", m.frame.Seq, m.rp.load.asked, s)
	}
	checkFrame(t, m.View(), 120, 40)

	// A window of key frames says how far apart its points are, beside the zoom.
	m = settle(update(m, keyMsg("-")))
	msg := windowMsg{gen: m.rp.load.gen + 1, req: m.rp.load.shown, fm: m.rp.load.fm, keyed: 216 * time.Second}
	m.rp.load.gen, m.rp.load.asked = msg.gen, true
	if s := statusOf(update(m, msg).View()); !strings.Contains(s, "zoom 5m, a point every 3m36s") {
		t.Errorf("keyed window: status %q", s)
	}
}
