package app

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/views"
)

// Replay is a recording played back in the dashboard (`ktop replay FILE`). The History of
// the Options is then a replay History (engine.NewReplayHistory), which reads the file on
// demand, and there is no sampler.
type Replay struct {
	Name string // the file, as the status line names it
	// Warnings returns what the reader has skipped so far (damaged frames, lost samples); the
	// reader finds damage as it reaches it, so the screen asks again after each move. May be
	// nil.
	Warnings func() []string
}

// speeds are the replay speeds x and X step through: real time, and an hour in six minutes
// or in one.
var speeds = []int{1, 10, 60}

// minTick is the shortest time between two moves of a playing cursor. At ×60 of a 1 s recording
// a move a sample would redraw the screen 60 times a second; instead each tick moves the
// cursor as far as the replay clock went, so the speed holds and the screen changes ten times
// a second at most.
const minTick = 100 * time.Millisecond

// player is the state of a replay.
type player struct {
	Replay
	warned  int  // warnings already noted on the status line
	playing bool //
	speed   int  // index in speeds
	// gen numbers the chain of ticks: starting, stopping or restarting the clock starts a new
	// chain, and ticks of an older one are dropped, so there is never more than one.
	gen  int
	from int       // the history index the clock started at
	at   time.Time // when it started
	// start is the first readable sample's time, from which the status line counts.
	start time.Time
	load  loader // the window on the screen and the one being built (replay_window.go)
}

// replayTick is a tick of the replay clock.
type replayTick struct {
	gen int
	t   time.Time
}

// play starts the replay clock at the cursor (again, after a move or a change of speed).
func (m *Model) play() tea.Cmd {
	p := m.rp
	p.playing = true
	p.gen++
	p.from = m.cursorIndex()
	p.at = m.now()
	m.setCursorKeys()
	gen := p.gen
	d := max(m.interval/time.Duration(speeds[p.speed]), minTick)
	return tea.Tick(d, func(t time.Time) tea.Msg { return replayTick{gen, t} })
}

// stop stops the replay clock; its ticks still on their way are dropped.
func (m *Model) stop() {
	m.rp.playing = false
	m.rp.gen++
	m.setCursorKeys()
}

// onTick moves a playing cursor to where the replay clock is: speed samples per recorded
// interval since the clock started. Samples, not the recorded times, are counted, so a
// recording that was stopped for a night plays on through the gap. At the end the replay stops
// and says so.
func (m *Model) onTick(msg replayTick) tea.Cmd {
	p := m.rp
	if p == nil || m.hist == nil || !p.playing || msg.gen != p.gen {
		return nil
	}
	last := m.hist.Len() - 1
	target := p.from + int(msg.t.Sub(p.at)*time.Duration(speeds[p.speed])/m.interval)
	if target > m.cursorIndex() {
		m.pauseAt(min(target, last))
		m.route()
		m.fillOverlay()
		if i := m.cursorIndex(); i > target {
			// It passed over samples lost to damage: the clock goes on from there, rather
			// than holding the screen for as long as the lost samples would have played.
			p.from, p.at = i, msg.t
		}
	}
	if target >= last {
		m.stop()
		m.note = "end of recording"
		return nil
	}
	gen := p.gen
	d := max(m.interval/time.Duration(speeds[p.speed]), minTick)
	return tea.Tick(d, func(t time.Time) tea.Msg { return replayTick{gen, t} })
}

// replayKey handles the keys only a replay has: space plays and pauses (at the end of the
// recording, play starts it over), x and X change the speed. It reports false for any other
// key.
func (m *Model) replayKey(msg tea.KeyMsg) (bool, tea.Cmd) {
	k := m.keys
	if m.rp == nil || m.hist == nil || !key.Matches(msg, k.Freeze, k.Faster, k.Slower) {
		return false, nil
	}
	p := m.rp
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Freeze) && p.playing:
		m.stop()
	case key.Matches(msg, k.Freeze):
		if m.cursorIndex() >= m.lastReadable() {
			m.pauseAt(0)
			m.route()
			m.fillOverlay()
		}
		cmd = m.play()
	default:
		if key.Matches(msg, k.Faster) {
			p.speed = (p.speed + 1) % len(speeds)
		} else {
			p.speed = (p.speed + len(speeds) - 1) % len(speeds)
		}
		if p.playing {
			cmd = m.play() // the clock restarts here at the new speed
		}
	}
	return true, cmd
}

// moved restarts a playing replay's clock after the cursor was moved by a key (a minute on,
// a go-to), so that it plays on from there.
func (m *Model) moved() tea.Cmd {
	if m.rp == nil || !m.rp.playing {
		return nil
	}
	return m.play()
}

// replayGoto settles a time of day typed at the go-to prompt in a replay. parseGoto takes the
// latest such time at or before the recording's end, as live it takes the latest before now;
// but a time a little after the end (typed from memory of a short recording) is then the day
// before the recording, and the same time on the end's day is nearer: it is taken instead, and
// the cursor goes to the end.
func (m *Model) replayGoto(t, end time.Time) time.Time {
	if !t.Before(m.rp.start) {
		return t
	}
	if next := t.AddDate(0, 0, 1); next.Sub(end) < m.rp.start.Sub(t) {
		return next
	}
	return t
}

// lastReadable is the index of the recording's last sample that can be read.
func (m *Model) lastReadable() int {
	n := m.hist.Len()
	for i := n - 1; i >= 0; i-- {
		if m.lost(i) {
			continue
		}
		return i
	}
	return n - 1
}

// lost reports whether sample i is lost to damage: it has no time, which the reader knows
// from its frame's chunk head without decoding it (the UI goroutine decodes nothing; a frame
// that checks out but does not decode is a writer's bug, and reads as an empty window).
func (m *Model) lost(i int) bool {
	_, ok := m.hist.TimeAt(i)
	return !ok
}

// readable is the sample nearest i that can be read, past the run of samples lost to damage
// that holds i in direction dir (or, at the recording's end, the other way); it says on the
// status line how many were skipped. A run is at most a block of the recording, so finding its
// ends costs little.
func (m *Model) readable(i, dir int) int {
	n := m.hist.Len()
	i = min(max(i, 0), n-1)
	if !m.lost(i) {
		return i
	}
	lo, hi := i, i
	for lo > 0 && m.lost(lo-1) {
		lo--
	}
	for hi < n-1 && m.lost(hi+1) {
		hi++
	}
	if lo == 0 && hi == n-1 {
		return i // nothing can be read
	}
	m.note = fmt.Sprintf("skipped %d samples lost to damage", hi-lo+1)
	if (dir > 0 && hi < n-1) || lo == 0 {
		return hi + 1
	}
	return lo - 1
}

// noteDamage puts on the status line the damage the reader has found since it last looked.
func (m *Model) noteDamage() {
	if m.rp == nil || m.rp.Warnings == nil {
		return
	}
	if w := m.rp.Warnings(); len(w) > m.rp.warned {
		m.note = "recording damaged: " + w[len(w)-1]
		if more := len(w) - m.rp.warned - 1; more > 0 {
			m.note += " (and " + strconv.Itoa(more) + " more)"
		}
		m.rp.warned = len(w)
	}
}

// replayStatus is the status line's left part in a replay: REPLAY, the file, the cursor's
// time, playing or paused at which speed, and how far into the recording the cursor is.
func (m *Model) replayStatus() []statusSeg {
	th, p := m.th, m.rp
	ts, at := views.Missing, time.Time{}
	if m.frame != nil {
		at = m.frame.Time
	}
	if p.load.asked {
		// The cursor's window is on its way: its time is known already.
		if t, ok := m.hist.TimeAt(m.cursorIndex()); ok {
			at = t
		}
	}
	if !at.IsZero() {
		ts = at.Format("15:04:05")
	}
	state := "paused"
	if p.playing {
		state = "▶"
	}
	segs := []statusSeg{
		{th.Ink.Paused.Paint(" REPLAY "), true},
		{th.Ink.Value.Paint(shorten(filepath.Base(p.Name), max(m.width/4, 16))), true},
		{th.Ink.Value.Paint(ts), true},
		{th.Ink.Label.Paint(state+" ") + th.Ink.Value.Paint("×"+strconv.Itoa(speeds[p.speed])), true},
	}
	if p.load.slow {
		segs = append(segs, statusSeg{th.Ink.Warn.Paint("loading…"), true})
	}
	if !at.IsZero() && !p.start.IsZero() {
		segs = append(segs, statusSeg{th.Ink.Value.Paint(fmtDur(at.Sub(p.start))) + th.Ink.Label.Paint(" of "+fmtDur(m.hist.Reach())), false})
	}
	return segs
}

// shorten cuts s to n cells with an ellipsis in the middle, so that both a file name's start
// and its end (the time in ktop-host-date-time.ktop) stay.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 3 {
		return s
	}
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

// replayHelp is the replay's keys for the status line, first: play or pause, step, speed.
func (m *Model) replayHelp() []key.Binding {
	play := short(m.keys.Freeze, "space", "play")
	if m.rp.playing {
		play = short(m.keys.Freeze, "space", "pause")
	}
	step := key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←→", "step"))
	return []key.Binding{play, step, short(m.keys.Faster, "x", "speed")}
}
