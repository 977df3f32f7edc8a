package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/header"
	"github.com/ktop-dev/ktop/views/tschart"
)

// mode is what the cursor follows.
type mode int

const (
	live   mode = iota // the newest sample, moving with each new one
	paused             // one sample, held while sampling and history go on behind it
	replay             // a sample of a recording being played back
)

func (m mode) String() string { return [...]string{"LIVE", "PAUSED", "REPLAY"}[m] }

// cursor is the one instant the whole screen shows: every panel's tables and bars are the
// sample under it, and every chart the window that ends there.
type cursor struct {
	mode mode
	// seq is the sample under the cursor while it is not live. A sequence number rather than
	// an index, because indices shift as the history drops its oldest samples.
	seq uint64
}

// Zoom: the time the charts show. fitZoom is each chart's own span (two samples per plot
// column, nothing merged); allZoom is the whole history before the cursor.
const (
	fitZoom time.Duration = 0
	allZoom time.Duration = -1
)

// zoomLevels are the spans + and − step through besides fit and all.
var zoomLevels = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}

// minuteStep is what shift+← and shift+→ move.
const minuteStep = time.Minute

// zoomSteps orders the zoom levels by the span they show: fit at its span (a level of the
// same span is fit, which merges nothing), all last.
func zoomSteps(fit time.Duration) []time.Duration {
	out := make([]time.Duration, 0, len(zoomLevels)+2)
	for _, z := range zoomLevels {
		if z < fit {
			out = append(out, z)
		}
	}
	out = append(out, fitZoom)
	for _, z := range zoomLevels {
		if z > fit {
			out = append(out, z)
		}
	}
	return append(out, allZoom)
}

// nextZoom is the zoom one step in (dir < 0: a shorter span) or out (dir > 0) from z, among
// zoomSteps(fit). A level that is not among them (fit's span moved with the width onto it)
// steps to its neighbours by span.
func nextZoom(z time.Duration, dir int, fit time.Duration) time.Duration {
	steps := zoomSteps(fit)
	span := func(z time.Duration) time.Duration {
		switch z {
		case fitZoom:
			return fit
		case allZoom:
			return 1<<63 - 1
		}
		return z
	}
	for i, s := range steps {
		if s == z {
			return steps[min(max(i+dir, 0), len(steps)-1)]
		}
	}
	if dir < 0 {
		out := steps[0]
		for _, s := range steps {
			if span(s) < span(z) {
				out = s
			}
		}
		return out
	}
	for _, s := range steps {
		if span(s) > span(z) {
			return s
		}
	}
	return allZoom
}

// zoomName is the zoom as the status line shows it.
func zoomName(z time.Duration) string {
	switch z {
	case fitZoom:
		return "fit"
	case allZoom:
		return "all"
	}
	return tschart.FormatSpan(z)
}

// fitSpan is about what a full-width chart shows at fit: two samples per column.
func (m *Model) fitSpan() time.Duration { return time.Duration(2*max(m.width, 1)) * m.interval }

// cursorIndex is the history index under the cursor (the newest while live), or -1 without
// history. A paused sample that fell out of the history is replaced by the oldest.
func (m *Model) cursorIndex() int {
	if m.hist == nil || m.hist.Len() == 0 {
		return -1
	}
	if m.cur.mode == live {
		return m.hist.Len() - 1
	}
	i, ok := m.hist.Index(m.cur.seq)
	if !ok {
		i = min(i, m.hist.Len()-1)
		m.cur.seq, _ = m.hist.SeqAt(i)
	}
	return i
}

// pauseAt holds the cursor on history index i (clamped to what is held). In a replay the
// cursor stays REPLAY, and passes over samples lost to damage in the direction it moves.
func (m *Model) pauseAt(i int) {
	held := paused
	if m.rp != nil {
		held = replay
	}
	if m.hist == nil || m.hist.Len() == 0 {
		if m.frame != nil {
			m.cur = cursor{mode: held, seq: m.frame.Seq}
		}
		return
	}
	i = min(max(i, 0), m.hist.Len()-1)
	if m.rp != nil {
		dir := 1
		if c := m.cursorIndex(); i < c {
			dir = -1
		}
		i = m.readable(i, dir)
	}
	seq, _ := m.hist.SeqAt(i)
	m.cur = cursor{mode: held, seq: seq}
}

// shownIndex is the history index of the frame on the screen.
func (m *Model) shownIndex() (int, bool) {
	if m.hist == nil || m.frame == nil {
		return 0, false
	}
	return m.hist.Index(m.frame.Seq)
}

// jump pauses on the sample nearest t.
func (m *Model) jump(t time.Time) {
	if m.hist == nil || m.hist.Len() == 0 {
		return
	}
	m.pauseAt(m.hist.IndexAt(t))
}

// newest is the newest sample's frame, or the frame shown when there is no history.
func (m *Model) newest() *derive.Frame {
	if m.hist != nil {
		if s := m.hist.Latest(); s != nil {
			return s.Frame
		}
	}
	return m.frame
}

// samplesIn is how many samples cover d, at least one.
func (m *Model) samplesIn(d time.Duration) int { return max(int(d/m.interval), 1) }

// window is what every view is handed: the frames of the zoom's span ending at the cursor.
// At fit, one a sample, enough for the widest chart (two samples per column); zoomed out, no
// more than two a column either: each then covers several samples (engine.History.FramesAt),
// and the charts keep each column's largest of them. A replay builds it off the UI goroutine
// instead, from the same shape (replay.go).
func (m *Model) window() views.FrameMsg {
	fm := views.FrameMsg{Paused: m.cur.mode != live}
	end, n, step, span := m.windowShape()
	if end < 0 {
		if m.frame != nil {
			fm.Frames = []*derive.Frame{m.frame}
		}
		return fm
	}
	m.hist.Follow(m.followed())
	fm.Frames, fm.Span = m.hist.FramesAt(end, n, step), span
	return fm
}

// windowShape is the window as asked of the History: n frames, one every step samples, ending
// at history index end (-1 without history), and the span the charts show (0 at fit).
func (m *Model) windowShape() (end, n, step int, span time.Duration) {
	end = m.cursorIndex()
	if end < 0 {
		return end, 0, 0, 0
	}
	cols := max(2*m.width, 2)
	samples := 0 // the samples the span covers
	switch m.zoom {
	case fitZoom:
		return end, cols, 1, 0
	case allZoom:
		samples = end
		if t0, ok := m.hist.TimeAt(0); ok {
			t1, _ := m.hist.TimeAt(end)
			span = t1.Sub(t0)
		}
	default:
		samples = min(m.samplesIn(m.zoom), end) // no more than the history holds
		span = m.zoom
	}
	step = max((samples+cols-1)/cols, 1)
	return end, samples/step + 1, step, span
}

// followed is the processes whose history the focused panel charts: the window's frames keep
// their rows.
func (m *Model) followed() []sources.ProcID {
	if f, ok := m.panels[m.active].(views.ProcFollower); ok {
		return f.FollowedProcs()
	}
	return nil
}

// timeKey handles the cursor's keys; it reports false for a key that is not one of them now,
// which then goes to the panel. Freeze works everywhere; the steps, home and end only while
// paused, where they win over the panel's own; go-to and zoom unless the panel has an enabled
// binding of its own for the key (the process tree's + and -).
func (m *Model) timeKey(msg tea.KeyMsg) bool {
	k := m.keys
	if !key.Matches(msg, k.Freeze, k.StepBack, k.StepFwd, k.MinBack, k.MinFwd, k.Oldest, k.Live, k.Goto, k.ZoomIn, k.ZoomOut) {
		return false
	}
	if key.Matches(msg, k.Goto, k.ZoomIn, k.ZoomOut) && m.panelBinds(msg) {
		return false
	}
	i := m.cursorIndex()
	minute := m.samplesIn(minuteStep)
	switch {
	case key.Matches(msg, k.Freeze):
		if m.cur.mode == live {
			// What is on the screen: the history may already hold a sample not yet shown.
			if j, ok := m.shownIndex(); ok {
				i = j
			}
			m.pauseAt(i)
		} else {
			m.cur = cursor{}
		}
	case key.Matches(msg, k.StepBack):
		m.stepped()
		m.pauseAt(i - 1)
	case key.Matches(msg, k.StepFwd):
		m.stepped()
		m.pauseAt(i + 1)
	case key.Matches(msg, k.MinBack):
		m.pauseAt(i - minute)
	case key.Matches(msg, k.MinFwd):
		m.pauseAt(i + minute)
	case key.Matches(msg, k.Oldest):
		m.pauseAt(0)
	case key.Matches(msg, k.Live) && m.rp != nil:
		m.pauseAt(m.hist.Len() - 1) // the end of the recording
	case key.Matches(msg, k.Live):
		m.cur = cursor{}
	case key.Matches(msg, k.Goto):
		m.prompt = &prompt{kind: gotoPrompt}
	case key.Matches(msg, k.ZoomIn):
		m.zoom = nextZoom(m.zoom, -1, m.fitSpan())
	case key.Matches(msg, k.ZoomOut):
		m.zoom = nextZoom(m.zoom, 1, m.fitSpan())
	}
	m.setCursorKeys()
	m.route()
	m.fillOverlay()
	return true
}

// panelBinds reports whether the focused panel has an enabled binding for msg.
func (m *Model) panelBinds(msg tea.KeyMsg) bool {
	for _, g := range m.panels[m.active].FullHelp() {
		if key.Matches(msg, g...) {
			return true
		}
	}
	return false
}

// stepped is a one-sample step: it stops a playing replay, since a step is for looking at
// one sample.
func (m *Model) stepped() {
	if m.rp != nil && m.rp.playing {
		m.stop()
	}
}

// setCursorKeys enables the keys that move a paused cursor, and words them for the mode.
func (m *Model) setCursorKeys() {
	k := m.keys
	held := m.cur.mode != live
	for _, b := range []*key.Binding{&k.StepBack, &k.StepFwd, &k.MinFwd, &k.Oldest, &k.Live} {
		b.SetEnabled(held)
	}
	switch {
	case m.rp != nil:
		if m.rp.playing {
			k.Freeze.SetHelp("space/Z", "pause the replay")
		} else {
			k.Freeze.SetHelp("space/Z", "play the replay (from the start at the end)")
		}
		k.StepBack.SetHelp("←", "a sample back (stops playing)")
		k.StepFwd.SetHelp("→", "a sample on (stops playing)")
		k.MinFwd.SetHelp("shift+→", "a minute on")
		k.Oldest.SetHelp("home", "start of the recording")
		k.Live.SetHelp("end", "end of the recording")
		k.Goto.SetHelp("g/:", "go to a time (HH:MM[:SS], -5m from the end)")
	case held:
		k.Freeze.SetHelp("space/Z", "resume live")
	default:
		k.Freeze.SetHelp("space/Z", "pause")
	}
}

// promptKind is what a prompt asks for.
type promptKind int

const (
	gotoPrompt   promptKind = iota // a time to go to
	recordPrompt                   // a file to record to (R)
)

// prompt is the line being typed.
type prompt struct {
	kind promptKind
	text string
}

// maxText is the most a prompt takes: a time is short, a path may be long.
func (p *prompt) maxText() int {
	if p.kind == recordPrompt {
		return 4096
	}
	return 16
}

// promptKey edits the prompt's line: text, backspace, ctrl+u, enter to go, esc to cancel.
func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	p := m.prompt
	switch msg.Type {
	case tea.KeyEnter:
		m.prompt = nil
		if p.kind == recordPrompt {
			return m.startRecording(p.text)
		}
		end := m.newestTime()
		t, err := parseGoto(p.text, end)
		if err != nil {
			m.note = err.Error()
			return nil
		}
		if m.rp != nil {
			t = m.replayGoto(t, end)
		}
		m.jump(t)
		switch t0, ok := m.hist.TimeAt(0); {
		case m.rp != nil && t.Before(m.rp.start):
			m.note = "the recording starts at " + m.rp.start.Format("15:04:05")
		case m.rp != nil && t.After(end):
			m.note = "the recording ends at " + end.Format("15:04:05")
		case m.rp == nil && ok && t.Before(t0):
			m.note = "history starts at " + t0.Format("15:04:05")
		}
		m.setCursorKeys()
		m.route()
		m.fillOverlay()
		return m.moved()
	case tea.KeyEsc:
		m.prompt = nil
	case tea.KeyBackspace:
		if r := []rune(p.text); len(r) > 0 {
			p.text = string(r[:len(r)-1])
		}
	case tea.KeyCtrlU:
		p.text = ""
	case tea.KeyRunes, tea.KeySpace:
		if len(p.text) < p.maxText() {
			p.text += string(msg.Runes)
		}
	}
	return nil
}

// newestTime is the time go-to counts back from: now while live, the end of a recording.
func (m *Model) newestTime() time.Time {
	if m.rp != nil {
		if t, ok := m.hist.TimeAt(m.lastReadable()); ok {
			return t
		}
	}
	if f := m.newest(); f != nil {
		return f.Time
	}
	return time.Now()
}

// parseGoto reads a time typed at the go-to prompt: HH:MM or HH:MM:SS (the latest such time
// at or before now, so 23:50 typed after midnight is yesterday's), or an offset back from
// now: -5m, -90s, -1h30m.
func parseGoto(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "−", "-"))
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return time.Time{}, fmt.Errorf("%q: want an offset such as -5m or -90s", s)
		}
		return now.Add(-d), nil
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return time.Time{}, fmt.Errorf("%q: want HH:MM[:SS] or an offset such as -5m", s)
	}
	var hms [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || len(p) > 2 || (i == 0 && v > 23) || (i > 0 && v > 59) {
			return time.Time{}, fmt.Errorf("%q: want HH:MM[:SS] or an offset such as -5m", s)
		}
		hms[i] = v
	}
	y, mo, d := now.Date()
	t := time.Date(y, mo, d, hms[0], hms[1], hms[2], 0, now.Location())
	if t.After(now) {
		t = t.AddDate(0, 0, -1)
	}
	return t, nil
}

// errNoTime is what a click outside any chart's plot means: nothing.
var errNoTime = errors.New("no time there")

// click moves the cursor to the time under a left click on the focused panel's chart, or
// under the pointer while the left button is held and dragged along it.
func (m *Model) click(msg tea.MouseMsg) error {
	press := msg.Action == tea.MouseActionPress || msg.Action == tea.MouseActionMotion
	if !press || msg.Button != tea.MouseButtonLeft || m.overlay != noOverlay || m.prompt != nil {
		return errNoTime
	}
	tl, ok := m.panels[m.active].(views.TimeLocator)
	if !ok {
		return errNoTime
	}
	t, ok := tl.TimeAt(msg.X, msg.Y-header.Height-barHeight)
	if !ok {
		return errNoTime
	}
	m.jump(t)
	m.setCursorKeys()
	m.route()
	m.fillOverlay()
	return nil
}

// fmtDur writes a duration for the status line: 45s, 2m05s, 1h00m.
func fmtDur(d time.Duration) string {
	var a [32]byte
	return string(appendDur(a[:0], d))
}

// appendDur appends fmtDur(d) to dst.
func appendDur(dst []byte, d time.Duration) []byte {
	two := func(dst []byte, v int64) []byte { // %02d
		if v < 10 && v >= 0 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, v, 10)
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return append(strconv.AppendInt(dst, int64(d/time.Second), 10), 's')
	case d < time.Hour:
		dst = append(strconv.AppendInt(dst, int64(d/time.Minute), 10), 'm')
		return append(two(dst, int64(d%time.Minute/time.Second)), 's')
	}
	d = d.Round(time.Minute)
	dst = append(strconv.AppendInt(dst, int64(d/time.Hour), 10), 'h')
	return append(two(dst, int64(d%time.Hour/time.Minute)), 'm')
}

// statusSeg is a part of the status line's left side; parts that are not kept are left out,
// last first, when the line is too narrow for them and the key hints.
type statusSeg struct {
	s    string
	keep bool
}

// statusBufs are what the status line is drawn with, kept from sample to sample and shared
// by the model's copies: its left side's parts (one a line of segs) and whether each is kept.
type statusBufs struct {
	segs views.Lines
	keep []bool
	line []byte // the status line, before it is made a string
}

// hintRoom is the width the status line keeps for key hints before it drops optional parts.
const hintRoom = 30

// appendCursorStatus appends the status line's left part to dst, its parts written into sb:
// the mode, the cursor's wall-clock time, what is being recorded, how far behind live the
// cursor is when not live (else the interval), how far back history reaches and the zoom. In
// a replay: replayStatus.
func (m *Model) appendCursorStatus(dst []byte, sb *statusBufs) []byte {
	th := m.th
	l := &sb.segs
	l.Reset()
	sb.keep = sb.keep[:0]
	end := func(keep bool) {
		l.End()
		sb.keep = append(sb.keep, keep)
	}
	if m.rp != nil {
		for _, s := range m.replayStatus() {
			l.Str(s.s)
			end(s.keep)
		}
	} else {
		var a [64]byte
		label := th.Ink.Live
		if m.cur.mode != live {
			label = th.Ink.Paused
		}
		l.PaintBytes(label, append(append(append(a[:0], ' '), m.cur.mode.String()...), ' '))
		end(true)
		if m.frame != nil {
			l.PaintBytes(th.Ink.Value, m.frame.Time.AppendFormat(a[:0], "15:04:05"))
		} else {
			l.Paint(th.Ink.Value, views.Missing)
		}
		end(true)
		if rec := m.recordStatus(); rec != "" {
			l.Str(rec)
			end(true)
		}
		if m.cur.mode == live {
			l.Paint(th.Ink.Label, "every ")
			l.Paint(th.Ink.Value, m.interval.String())
			end(false)
		} else if n := m.newest(); n != nil && m.frame != nil {
			l.PaintBytes(th.Ink.Warn, appendDur(append(a[:0], "−"...), n.Time.Sub(m.frame.Time)))
			l.Paint(th.Ink.Label, " behind live")
			end(true)
		}
		if m.hist != nil {
			l.Paint(th.Ink.Label, "history ")
			l.PaintBytes(th.Ink.Value, appendDur(a[:0], m.hist.Reach()))
			end(false)
		}
	}
	if m.zoom != fitZoom {
		l.Paint(th.Ink.Label, "zoom ")
		l.Paint(th.Ink.Value, zoomName(m.zoom))
		l.Str(m.keyedNote())
		end(true)
	}
	return joinSegs(dst, sb, m.width-hintRoom)
}

// joinSegs appends sb's parts joined with two spaces (one after the mode's label), leaving
// out the optional ones, last first, until the line fits in room.
func joinSegs(dst []byte, sb *statusBufs, room int) []byte {
	keep := sb.keep
	var droppedA [16]bool
	dropped := droppedA[:0]
	for range keep {
		dropped = append(dropped, false)
	}
	join := func() []byte {
		out, k := dst, 0
		for i := range keep {
			if dropped[i] {
				continue
			}
			switch k {
			case 0:
			case 1:
				out = append(out, ' ')
			default:
				out = append(out, "  "...)
			}
			out = append(out, sb.segs.Line(i)...)
			k++
		}
		return out
	}
	out := join()
	for i := len(keep) - 1; i >= 0 && views.WidthBytes(out[len(dst):]) > room; i-- {
		if !keep[i] {
			dropped[i] = true
			out = join()
		}
	}
	return out
}

// promptStatus is the status line while a prompt is open.
func (m *Model) promptStatus() string {
	th := m.th
	if m.prompt.kind == recordPrompt {
		// The end of a long path, where the cursor is, stays in view.
		text := []rune(m.prompt.text)
		if room := m.width - 44; room > 1 && len(text) > room {
			text = append([]rune("…"), text[len(text)-room+1:]...)
		}
		return th.Ink.Paused.Paint(" RECORD ") + " " + th.Ink.Label.Paint("to file: ") +
			th.Ink.Value.Paint(string(text)) + th.Ink.Selected.Paint(" ") + "  " +
			th.Ink.HelpKey.Paint("enter") + " " + th.Ink.HelpDesc.Paint("start") + "  " +
			th.Ink.HelpKey.Paint("esc") + " " + th.Ink.HelpDesc.Paint("cancel")
	}
	return th.Ink.Paused.Paint(" GO TO ") + " " + th.Ink.Label.Paint("time (HH:MM[:SS] or -5m): ") +
		th.Ink.Value.Paint(m.prompt.text) + th.Ink.Selected.Paint(" ") + "  " +
		th.Ink.HelpKey.Paint("enter") + " " + th.Ink.HelpDesc.Paint("go") + "  " +
		th.Ink.HelpKey.Paint("esc") + " " + th.Ink.HelpDesc.Paint("cancel")
}
