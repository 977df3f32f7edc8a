package app

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/charmbracelet/x/ansi"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/header"
)

func init() {
	specialKeys["shift+left"] = tea.KeyShiftLeft
	specialKeys["shift+right"] = tea.KeyShiftRight
	specialKeys["backspace"] = tea.KeyBackspace
}

// TestCursorKeys drives the cursor over the 30 samples of fixture2 (seq 1…30, one a second
// from t0): mode, sample under the cursor and zoom after each run of keys.
func TestCursorKeys(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	tests := []struct {
		keys []string
		mode mode
		seq  uint64 // the sample shown, live too
		zoom time.Duration
	}{
		{nil, live, 30, fitZoom},
		{[]string{" "}, paused, 30, fitZoom},
		{[]string{"Z"}, paused, 30, fitZoom},
		{[]string{" ", " "}, live, 30, fitZoom},
		{[]string{" ", "Z"}, live, 30, fitZoom},
		{[]string{" ", "left", "left", "left"}, paused, 27, fitZoom},
		{[]string{" ", "left", "left", "right"}, paused, 29, fitZoom},
		{[]string{" ", "right"}, paused, 30, fitZoom}, // the newest: stays paused there
		{[]string{" ", "left", "end"}, live, 30, fitZoom},
		{[]string{" ", "home"}, paused, 1, fitZoom},
		{[]string{" ", "home", "left"}, paused, 1, fitZoom},
		{[]string{"left", "home", "end"}, live, 30, fitZoom}, // live: the panel's keys
		{[]string{"shift+left"}, paused, 1, fitZoom},         // a minute back from live, clamped
		{[]string{" ", "home", "shift+right"}, paused, 30, fitZoom},
		{[]string{" ", "home", "right", "shift+right"}, paused, 30, fitZoom},
		{[]string{"-"}, live, 30, 5 * time.Minute}, // fit at 120 columns is 4m
		{[]string{"-", "-"}, live, 30, 15 * time.Minute},
		{[]string{"-", "-", "-", "-"}, live, 30, allZoom},
		{[]string{"-", "-", "-", "-", "-"}, live, 30, allZoom},
		{[]string{"+"}, live, 30, time.Minute},
		{[]string{"+", "+"}, live, 30, time.Minute},
		{[]string{"+", "-"}, live, 30, fitZoom},
		{[]string{"g", "-", "5", "s", "enter"}, paused, 25, fitZoom},
		{[]string{":", "1", "0", ":", "0", "0", ":", "1", "0", "enter"}, paused, 11, fitZoom},
		{[]string{"g", "1", "0", ":", "0", "0", "enter"}, paused, 1, fitZoom},
		{[]string{"g", "-", "9", "x", "backspace", "s", "enter"}, paused, 21, fitZoom},
		{[]string{"g", "-", "5", "s", "esc"}, live, 30, fitZoom},
		{[]string{"g", "x", "y", "ctrl+u", "-", "2", "s", "enter"}, paused, 28, fitZoom},
		{[]string{"g", "q"}, live, 30, fitZoom}, // q is text in the prompt, not quit
		{[]string{"g", "b", "a", "d", "enter"}, live, 30, fitZoom},
		{[]string{"g", "-", "1", "h", "enter"}, paused, 1, fitZoom}, // before the history: the oldest
	}
	for _, tc := range tests {
		m := press(feed(t, ss, 120, 40), tc.keys...)
		if m.cur.mode != tc.mode || m.frame.Seq != tc.seq || m.zoom != tc.zoom {
			t.Errorf("%q: %v at seq %d zoom %v, want %v at %d zoom %v", tc.keys, m.cur.mode, m.frame.Seq, zoomName(m.zoom), tc.mode, tc.seq, zoomName(tc.zoom))
		}
		checkFrame(t, m.View(), 120, 40)
	}
}

// TestCursorKeysYield checks which keys stay the panel's: while live the arrows, home and end
// move the Overview's focus; while paused they move the cursor and ↑↓ still reach the panel;
// vim's g is home and : opens go-to; the process tree keeps + and -.
func TestCursorKeysYield(t *testing.T) {
	t.Parallel()
	ss := fixture16(t)
	m := press(feed(t, ss, 200, 50), "end") // two tiles or more: end focuses the last
	if m.cur.mode != live {
		t.Errorf("end while live changed the cursor: %v", m.cur.mode)
	}
	m = press(feed(t, ss, 80, 15), "2", " ", "down") // 16 CPUs in two lines: they scroll
	if cpuOffset(m) != 1 || m.cur.mode != paused {
		t.Errorf("↓ while paused did not scroll the CPU rows")
	}
	vim := feed(t, ss, 80, 24)
	vim.keys.setVim(true)
	if m := press(vim, "g"); m.prompt != nil || m.cur.mode != live {
		t.Errorf("vim g opened the prompt or moved the cursor")
	}
	if m := press(vim, ":"); m.prompt == nil {
		t.Errorf(": did not open the go-to prompt with vim keys")
	}
	if m := press(vim, " ", "G"); m.cur.mode != live {
		t.Errorf("vim G (end) did not return to live")
	}

	procs := procHistory(t, 5, 20)
	m = press(feedProcs(t, procs, 120, 40), "9", "t") // the tree: + and - fold
	if m = press(m, "-"); m.zoom != fitZoom {
		t.Errorf("- in the process tree zoomed (%v) instead of folding", zoomName(m.zoom))
	}
	if m = press(m, "t", "-"); m.zoom == fitZoom {
		t.Errorf("- in the flat process list did not zoom")
	}
}

// TestStatusLine checks the status line's words in each mode.
func TestStatusLine(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	tests := []struct {
		keys []string
		want []string
		not  []string
	}{
		{nil, []string{" LIVE  10:00:29  every 1s  history 29s", "space pause"}, []string{"behind", "PAUSED"}},
		{[]string{" "}, []string{" PAUSED  10:00:29  −0s behind live  history 29s", "←→ step", "end live"}, []string{"LIVE ", "every"}},
		{[]string{" ", "left", "left", "left"}, []string{" PAUSED  10:00:26  −3s behind live  history 29s"}, nil},
		{[]string{" ", "home"}, []string{" PAUSED  10:00:00  −29s behind live"}, nil},
		{[]string{"-"}, []string{" LIVE  10:00:29  every 1s  history 29s  zoom 5m"}, nil},
		{[]string{"g"}, []string{" GO TO  time (HH:MM[:SS] or -5m): ", "enter go", "esc cancel"}, nil},
		{[]string{"g", "-", "5"}, []string{"or -5m): -5 "}, nil},
		{[]string{"g", "x", "enter"}, []string{" LIVE ", `"x": want HH:MM[:SS] or an offset such as -5m`}, nil},
		{[]string{"g", "-", "1", "h", "enter"}, []string{" PAUSED  10:00:00", "history starts at 10:00:00"}, nil},
	}
	for _, tc := range tests {
		m := press(feed(t, ss, 120, 40), tc.keys...)
		s := statusOf(m.View())
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("%q: status %q lacks %q", tc.keys, s, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(s, w) {
				t.Errorf("%q: status %q has %q", tc.keys, s, w)
			}
		}
	}
	// Minutes and hours as the issue writes them.
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{0, "0s"}, {45 * time.Second, "45s"}, {125 * time.Second, "2m05s"}, {time.Hour, "1h00m"}, {90*time.Minute + 40*time.Second, "1h31m"}} {
		if have := fmtDur(tc.d); have != tc.want {
			t.Errorf("fmtDur(%v) = %q, want %q", tc.d, have, tc.want)
		}
	}
}

// TestPausedWhileSampling checks that sampling goes on behind a pause: new samples move the
// distance to live but not the screen, and a paused sample that falls out of a full history
// leaves the cursor on the oldest.
func TestPausedWhileSampling(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	hist := engine.NewHistory(10)
	m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second})
	m = update(m, sizeMsg(120, 40))
	for _, s := range ss[:5] {
		hist.Append(s)
	}
	m = update(m, SampleMsg{Sample: ss[4]})
	m = press(m, " ", "left", "left") // seq 3
	before := m.panels[m.active].View()
	for _, s := range ss[5:9] {
		hist.Append(s)
		m = update(m, SampleMsg{Sample: s})
	}
	if m.frame.Seq != 3 || m.panels[m.active].View() != before {
		t.Errorf("new samples moved a paused screen: seq %d", m.frame.Seq)
	}
	if s := statusOf(m.View()); !strings.Contains(s, "10:00:02  −6s behind live  history 8s") {
		t.Errorf("status after 4 more samples: %q", s)
	}
	for _, s := range ss[9:15] { // the history keeps 10: seq 6…15; seq 3 is gone
		hist.Append(s)
		m = update(m, SampleMsg{Sample: s})
	}
	if m.cur.mode != paused || m.frame.Seq != 6 {
		t.Errorf("after the paused sample was dropped: %v at seq %d, want paused at 6", m.cur.mode, m.frame.Seq)
	}
	if m = press(m, "end"); m.frame.Seq != 15 {
		t.Errorf("end: seq %d, want 15", m.frame.Seq)
	}
}

// TestWindowAtCursor checks what the panels are handed: the frames up to the cursor, as many
// as the zoom's span, marked as paused.
func TestWindowAtCursor(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	m := press(feed(t, ss, 120, 40), " ", "left", "left", "left", "left", "left")
	fm := m.window()
	if fm.Current().Seq != 25 || fm.Frames[0].Seq != 1 || !fm.Paused || fm.Span != 0 {
		t.Errorf("paused at 25: frames %d…%d paused %v span %v", fm.Frames[0].Seq, fm.Current().Seq, fm.Paused, fm.Span)
	}
	m = press(m, "+") // 1m: 61 samples would do, 25 are there
	if fm = m.window(); fm.Span != time.Minute || len(fm.Frames) != 25 {
		t.Errorf("zoom 1m: span %v, %d frames", fm.Span, len(fm.Frames))
	}
	m = press(m, "-", "-", "-", "-", "-")
	if fm = m.window(); fm.Span != 24*time.Second || len(fm.Frames) != 25 {
		t.Errorf("zoom all: span %v, %d frames, want 24s and 25", fm.Span, len(fm.Frames))
	}
	// The chart says so: the CPU panel's title names the span and the value at the cursor.
	m = press(feed(t, ss, 120, 40), "2", "-", " ", "left")
	if v := m.View(); !strings.Contains(v, "last 5m") || !strings.Contains(v, "  at ") || !strings.Contains(v, "┴") {
		t.Errorf("zoomed, paused CPU chart lacks its span, the at value or the cursor mark:\n%s", v)
	}
}

// TestClickChart clicks on the CPU panel's chart: the cursor goes to the time under the click.
func TestClickChart(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	m := press(feed(t, ss, 120, 40), "2")
	view := strings.Split(m.View(), "\n")
	// The axis line of the chart: "0└───…"; its columns are the plot's.
	axis := slices.IndexFunc(view, func(l string) bool { return strings.Contains(l, "└──") })
	if axis < 0 {
		t.Fatalf("no chart axis:\n%s", m.View())
	}
	x0 := strings.Index(view[axis], "└") // bytes = cells here: only ASCII before it
	click := func(m Model, x, y int) Model {
		return update(m, tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
	}
	// The last column is the newest sample, 10:00:29; 20 columns to its left is 20×2 samples
	// earlier at fit (two samples a column), before the history: the oldest.
	right := x0 + ansiWidth(view[axis][x0:]) - 1
	if have := click(m, right, axis-2); have.cur.mode != paused || have.frame.Seq != 30 {
		t.Errorf("click on the last column: %v seq %d, want paused at 30", have.cur.mode, have.frame.Seq)
	}
	if have := click(m, right-5, axis-1); have.frame.Seq != 20 {
		t.Errorf("click 5 columns left: seq %d, want 20", have.frame.Seq)
	}
	if have := click(m, right-40, axis); have.frame.Seq != 1 {
		t.Errorf("click 40 columns left: seq %d, want 1 (the oldest)", have.frame.Seq)
	}
	// Dragging with the button held scrubs along the chart.
	// (A fresh model: panels are shared between copies of one, and the clicks above moved
	// their charts' windows.)
	drag := update(press(feed(t, ss, 120, 40), "2"), tea.MouseMsg{X: right - 2, Y: axis - 1, Action: tea.MouseActionMotion, Button: tea.MouseButtonLeft})
	if drag.cur.mode != paused || drag.frame.Seq != 26 {
		t.Errorf("drag to 2 columns left: %v seq %d, want paused at 26", drag.cur.mode, drag.frame.Seq)
	}
	for _, c := range []tea.MouseMsg{
		{X: right, Y: 0, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft},                 // the header
		{X: right, Y: axis, Action: tea.MouseActionRelease, Button: tea.MouseButtonLeft},            // not a press
		{X: right, Y: axis, Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp},           // the wheel
		{X: 0, Y: axis - 2, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft},              // the Y labels
		{X: right, Y: header.Height + 2, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}, // the CPU rows
	} {
		if have := update(m, c); have.cur.mode != live {
			t.Errorf("%+v moved the cursor", c)
		}
	}
	// The Overview has no chart.
	if have := click(press(m, "1"), right, axis-2); have.cur.mode != live {
		t.Error("a click on the Overview moved the cursor")
	}
}

func ansiWidth(s string) int { return len([]rune(s)) }

// TestParseGoto reads the go-to prompt's forms.
func TestParseGoto(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 2, 0, 10, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"-5m", now.Add(-5 * time.Minute), false},
		{"−90s", now.Add(-90 * time.Second), false},
		{" -1h30m ", now.Add(-90 * time.Minute), false},
		{"00:05", time.Date(2025, 6, 2, 0, 5, 0, 0, time.UTC), false},
		{"00:05:07", time.Date(2025, 6, 2, 0, 5, 7, 0, time.UTC), false},
		{"23:50", time.Date(2025, 6, 1, 23, 50, 0, 0, time.UTC), false}, // yesterday's
		{"0:10", now, false},
		{"", time.Time{}, true},
		{"5m", time.Time{}, true},
		{"-", time.Time{}, true},
		{"--5m", time.Time{}, true},
		{"24:00", time.Time{}, true},
		{"12:60", time.Time{}, true},
		{"12:00:00:00", time.Time{}, true},
		{"1:2:x", time.Time{}, true},
		{"123:00", time.Time{}, true},
	} {
		have, err := parseGoto(tc.in, now)
		if (err != nil) != tc.err || !have.Equal(tc.want) {
			t.Errorf("parseGoto(%q) = %v, %v; want %v, error %v", tc.in, have, err, tc.want, tc.err)
		}
	}
}

// TestZoomSteps checks the order + and - walk: the levels by span with fit at its place.
func TestZoomSteps(t *testing.T) {
	t.Parallel()
	m, h := time.Minute, time.Hour
	for _, tc := range []struct {
		fit  time.Duration
		want []time.Duration
	}{
		{4 * m, []time.Duration{m, fitZoom, 5 * m, 15 * m, h, allZoom}},
		{30 * time.Second, []time.Duration{fitZoom, m, 5 * m, 15 * m, h, allZoom}},
		{5 * m, []time.Duration{m, fitZoom, 15 * m, h, allZoom}}, // 5m is fit itself
		{2 * h, []time.Duration{m, 5 * m, 15 * m, h, fitZoom, allZoom}},
	} {
		if have := zoomSteps(tc.fit); !slices.Equal(have, tc.want) {
			t.Errorf("zoomSteps(%v) = %v, want %v", tc.fit, have, tc.want)
		}
	}
	// A level that fit has landed on (the terminal grew) steps by span.
	for _, tc := range []struct {
		z    time.Duration
		dir  int
		want time.Duration
	}{{5 * m, -1, m}, {5 * m, 1, 15 * m}} {
		if have := nextZoom(tc.z, tc.dir, 5*m); have != tc.want {
			t.Errorf("nextZoom(%v, %d) = %v, want %v", tc.z, tc.dir, have, tc.want)
		}
	}
}

// procHistory is n samples of nprocs processes: the real process table of the procs-live
// fixture, repeated under new PIDs, with CPU ticks, faults and RSS advanced by different
// amounts per process and per sample, so that every sample's derived rows differ.
func procHistory(tb testing.TB, n, nprocs int) []*engine.Sample {
	tb.Helper()
	var base sources.Snapshot
	collect.NewSet(collect.FS{Proc: "../sources/collect/testdata/procs-live/b/proc"}).Collect(&base)
	if base.Procs == nil || len(base.Procs.Procs) == 0 {
		tb.Fatalf("no processes in the fixture: %v", base.Status[sources.SrcProcs])
	}
	real := base.Procs.Procs
	snaps := make([]*sources.Snapshot, n)
	for k := range n {
		at := t0.Add(time.Duration(k) * time.Second)
		tab := *base.Procs
		tab.At, tab.Uptime = at, base.Procs.Uptime+float64(k)
		tab.Procs = make([]sources.Proc, nprocs)
		for j := range nprocs {
			p := real[j%len(real)]
			p.PID = 1000 + j
			kk := uint64(k * k)
			p.UTime += kk * uint64(j%5+1)
			p.STime += kk * uint64(j%3)
			p.MinFlt += kk * uint64(j%7)
			p.RSSKB += uint64(k*1024*(j%4+1)) + uint64(j)
			p.AtUs = 0
			tab.Procs[j] = p
		}
		snaps[k] = &sources.Snapshot{Seq: uint64(k + 1), Time: at, Procs: &tab}
		snaps[k].SetStatus(sources.SrcProcs, sources.Status{})
	}
	return samples(snaps)
}

// feedProcs is feed for procHistory's samples.
func feedProcs(tb testing.TB, ss []*engine.Sample, w, h int) Model {
	return feed(tb, ss, w, h)
}

// TestProcsAtCursor is the check: while paused, the process table shows the sample
// under the cursor, the values derive.Derive gives from the stored snapshots of that sample
// and the one before it.
func TestProcsAtCursor(t *testing.T) {
	t.Parallel()
	const n, nprocs = 8, 12
	ss := procHistory(t, n, nprocs)
	hist := engine.NewHistory(100)
	for _, s := range ss {
		hist.Append(s)
	}
	for _, back := range []int{0, 1, 3, 6} {
		m := press(feed(t, ss, 160, 40), "9", "N", " ") // processes by PID, paused
		for range back {
			m = press(m, "left")
		}
		i := n - 1 - back
		want := derive.Derive(hist.SampleAt(i-1).Snap, hist.SampleAt(i).Snap).Procs
		rows := procRows(t, m.panels[m.active].View())
		if len(rows) != nprocs {
			t.Fatalf("%d back: %d rows, want %d:\n%s", back, len(rows), nprocs, m.View())
		}
		for _, p := range want {
			have, ok := rows[strconv.Itoa(p.PID)]
			if !ok {
				t.Errorf("%d back: PID %d not shown", back, p.PID)
				continue
			}
			if w := strconv.FormatFloat(p.CPUPct.V, 'f', 1, 64); have.cpu != w {
				t.Errorf("%d back: PID %d %%CPU %s, want %s (derived from samples %d and %d)", back, p.PID, have.cpu, w, i, i+1)
			}
			if w := kbCell(p.RSSKB.V); have.rss != w {
				t.Errorf("%d back: PID %d RSS %s, want %s", back, p.PID, have.rss, w)
			}
		}
	}
}

type procRow struct{ cpu, rss string }

// procRows reads the process list's rows by the header's column titles.
func procRows(t *testing.T, view string) map[string]procRow {
	t.Helper()
	lines := strings.Split(view, "\n")
	h := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "PID") && strings.Contains(l, "%CPU") })
	if h < 0 {
		t.Fatalf("no header:\n%s", view)
	}
	head := strings.Fields(lines[h])
	ci, ri := slices.Index(head, "%CPU"), slices.Index(head, "RSS")
	out := map[string]procRow{}
	for _, l := range lines[h+1:] {
		f := strings.Fields(strings.TrimPrefix(l, ">")) // > marks the selected row
		if len(f) <= max(ci, ri) {
			continue
		}
		if _, err := strconv.Atoi(f[0]); err != nil {
			continue
		}
		out[f[0]] = procRow{cpu: f[ci], rss: f[ri]}
	}
	return out
}

// kbCell is the process list's RSS cell for kB (views/procs kb).
func kbCell(kb float64) string {
	if kb == 0 {
		return "0"
	}
	return views.KB(uint64(kb))
}

// TestPanelsLocateTimes checks every panel's TimeAt against what it draws: on each chart's
// axis line, the cell right of the corner └ is the chart's first column and the corner itself
// is no time; the cell at the axis' end is the newest sample's time.
func TestPanelsLocateTimes(t *testing.T) {
	t.Parallel()
	found := map[string]int{}
	for _, ss := range [][]*engine.Sample{fixture2(t), fixtureFull(t), procHistory(t, 5, 10)} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
			locateTimes(t, feed(t, ss, sz[0], sz[1]), sz, found)
		}
	}
	for _, title := range []string{"CPU", "Run queue", "Softirqs", "Interrupts", "Disk", "Network", "Memory", "Processes"} {
		if found[title] == 0 {
			t.Errorf("no chart found on %s: %v", title, found)
		}
	}
	t.Logf("charts checked: %v", found)
}

func locateTimes(t *testing.T, m Model, sz [2]int, found map[string]int) {
	t.Helper()
	newest := m.hist.Latest().Frame.Time
	for i, p := range m.panels {
		m = press(m, panelKey(i))
		if p.Title() == "Processes" {
			m = press(m, "enter") // the detail view has the charts
		}
		{
			tl, ok := p.(views.TimeLocator)
			if !ok {
				continue
			}
			lines := strings.Split(p.View(), "\n")
			for y, l := range lines {
				cells := []rune(ansi.Strip(l))
				for x, r := range cells {
					if r != '└' {
						continue
					}
					found[p.Title()]++
					if _, ok := tl.TimeAt(x, y); ok {
						t.Errorf("%s %v: the corner at %d,%d has a time", p.Title(), sz, x, y)
					}
					if at, ok := tl.TimeAt(x+1, y); !ok || !at.Before(newest) {
						t.Errorf("%s %v: the first column at %d,%d: %v %v", p.Title(), sz, x+1, y, at, ok)
					}
					end := x + 1
					for end+1 < len(cells) && (cells[end+1] == '─' || cells[end+1] == '┴' || cells[end+1] == '▲') {
						end++
					}
					if at, ok := tl.TimeAt(end, y); !ok || !at.Equal(newest) {
						t.Errorf("%s %v: the last column at %d,%d: %v %v, want %v", p.Title(), sz, end, y, at, ok, newest)
					}
					// Up the Y axis to the chart's title line, which has no time; the line
					// under the time labels is past the chart.
					top := y
					for top > 0 && x < len([]rune(ansi.Strip(lines[top-1]))) && []rune(ansi.Strip(lines[top-1]))[x] == '│' {
						top--
					}
					if _, ok := tl.TimeAt(x+1, top); !ok {
						t.Errorf("%s %v: the top plot line %d has no time", p.Title(), sz, top)
					}
					if _, ok := tl.TimeAt(x+1, top-1); ok {
						t.Errorf("%s %v: the title line %d has a time", p.Title(), sz, top-1)
					}
					if _, ok := tl.TimeAt(x+1, y+2); ok {
						t.Errorf("%s %v: the line %d under the labels has a time", p.Title(), sz, y+2)
					}
				}
			}
		}
	}
}

// fixtureFull is the shared 16-CPU VM's two captures as the collectors read them, every
// source the i3a fixture kept (softirqs, interrupts, disks, network): the charts the other
// fixtures leave empty.
func fixtureFull(tb testing.TB) []*engine.Sample {
	var snaps []*sources.Snapshot
	for i, d := range []string{"a", "b"} {
		root := "../sources/collect/testdata/i3a-16cpu/" + d
		s := &sources.Snapshot{Seq: uint64(i + 1), Time: t0.Add(time.Duration(i) * time.Second)}
		collect.NewSet(collect.FS{Proc: root + "/proc", Sys: root + "/sys"}).Collect(s)
		snaps = append(snaps, s)
	}
	return samples(snaps)
}

// TestPauseWhatIsShown pauses on the frame on the screen, even when the history already
// holds a newer sample whose message has not arrived yet.
func TestPauseWhatIsShown(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	m := feed(t, ss[:10], 120, 40)
	m.hist.Append(ss[10]) // sampled, not yet delivered
	if m = press(m, " "); m.frame.Seq != 10 || m.cur.seq != 10 {
		t.Errorf("paused at seq %d (cursor %d), want the shown 10", m.frame.Seq, m.cur.seq)
	}
}
