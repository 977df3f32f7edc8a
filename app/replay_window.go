package app

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

// A replay builds its windows off the UI goroutine: a window decodes samples from the file,
// which for a jump is tens of milliseconds and for a wide zoom of a day's file was seconds,
// and the screen must answer keys meanwhile. route asks for the window of the cursor
// (askWindow); Update sends the build as a command (loadWindow); its windowMsg is delivered
// to the panels if no newer window was asked for since (gotWindow). Until then the screen
// shows the last window, and the status line the cursor's time and, after loadingAfter,
// "loading…". A newer request supersedes an older one: builds run one at a time, and one
// that has been superseded stops between two frames (the frames it derived stay cached for
// the next) and is never drawn.

// loadingAfter is how long a window may take before the status line says it is loading: a
// step's window comes back in a millisecond or so, and a word flashing at every step of a
// playing replay would be noise.
const loadingAfter = 150 * time.Millisecond

// windowReq is a window as asked of the History; two equal requests give the same window.
type windowReq struct {
	end, n, step int
	span         time.Duration
	follow       []sources.ProcID
}

func (r windowReq) equal(o windowReq) bool {
	return r.end == o.end && r.n == o.n && r.step == o.step && r.span == o.span && slices.Equal(r.follow, o.follow)
}

// loader is the state of a replay's window builds.
type loader struct {
	gen    int       // the newest window asked for
	want   windowReq // ... and what it is
	asked  bool      // want was asked for, and has not come back
	sent   bool      // ... and its build was handed to Bubble Tea
	slow   bool      // ... and it has taken longer than loadingAfter
	shown  windowReq // the window on the screen
	has    bool      // there is one
	fm     views.FrameMsg
	keyed  time.Duration // the shown window is made of key frames about this far apart (0: not)
	build  tea.Cmd       // the newest build, as sent (tests run it themselves)
	latest atomic.Int64  // gen, read by the builds in flight to see they are superseded
	one    sync.Mutex    // held by the build that runs: one at a time
}

// windowMsg is a built window.
type windowMsg struct {
	gen   int
	req   windowReq
	fm    views.FrameMsg
	keyed time.Duration
}

// loadingMsg says that the window asked for as gen has been building for loadingAfter.
type loadingMsg struct{ gen int }

// askWindow asks for the window that ends at the cursor. The window on the screen, or the one
// being built, is not asked for again: a panel switch or an overlay redraws what is there.
func (m *Model) askWindow() {
	p := &m.rp.load
	end, n, step, span := m.windowShape()
	req := windowReq{end: end, n: n, step: step, span: span, follow: m.followed()}
	switch {
	case end < 0:
		return
	case p.asked && req.equal(p.want):
		return
	case p.has && req.equal(p.shown):
		p.asked, p.slow = false, false
		p.latest.Store(int64(p.gen + 1)) // a build in flight is superseded by what is shown
		p.gen++
		m.deliver(p.fm)
		return
	}
	p.gen++
	p.latest.Store(int64(p.gen))
	p.want, p.asked, p.sent, p.slow = req, true, false, false
}

// loadWindow is the command that builds the window asked for, if it has not been sent yet,
// with a tick that marks it slow after loadingAfter.
func (m *Model) loadWindow() tea.Cmd {
	if m.rp == nil || !m.rp.load.asked || m.rp.load.sent {
		return nil
	}
	p := &m.rp.load
	p.sent = true
	gen, req, h, latest, one := p.gen, p.want, m.hist, &p.latest, &p.one
	p.build = func() tea.Msg {
		one.Lock()
		defer one.Unlock()
		stale := func() bool { return latest.Load() != int64(gen) }
		if stale() {
			return nil
		}
		h.Follow(req.follow)
		w := h.Window(req.end, req.n, req.step, engine.WindowOptions{Keys: true, Stop: stale})
		if len(w.Frames) == 0 && stale() {
			return nil
		}
		msg := windowMsg{gen: gen, req: req, fm: views.FrameMsg{Frames: w.Frames, Span: req.span, Paused: true}}
		if k := len(w.Frames) - 2; w.Keyed && k > 0 {
			msg.keyed = w.Frames[k].Time.Sub(w.Frames[0].Time) / time.Duration(k)
		}
		return msg
	}
	return tea.Batch(p.build, tea.Tick(loadingAfter, func(time.Time) tea.Msg { return loadingMsg{gen} }))
}

// gotWindow delivers a built window, unless a newer one was asked for since.
func (m *Model) gotWindow(msg windowMsg) {
	p := &m.rp.load
	if msg.gen != p.gen || !p.asked {
		return
	}
	p.asked, p.slow, p.build = false, false, nil
	p.shown, p.has, p.fm, p.keyed = msg.req, true, msg.fm, msg.keyed
	m.deliver(msg.fm)
	m.fillOverlay()
}

// slowWindow marks the window being built as slow, for the status line.
func (m *Model) slowWindow(msg loadingMsg) {
	if p := &m.rp.load; msg.gen == p.gen && p.asked {
		p.slow = true
	}
}

// keyedNote is what the status line adds to the zoom when the window on the screen is made
// of key frames: how far apart its points are, for a wide window of a recording is not every
// sample (engine.History.KeyedWindow).
func (m *Model) keyedNote() string {
	if m.rp == nil || m.rp.load.keyed <= 0 || m.rp.load.asked {
		return ""
	}
	return m.th.Ink.Label.Paint(", a point every ") + m.th.Ink.Value.Paint(fmtDur(m.rp.load.keyed))
}
