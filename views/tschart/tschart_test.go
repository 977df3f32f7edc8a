package tschart

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

func asciiTheme() *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

var t0 = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

// ramp is n frames one second apart whose busy % climbs from 0 to 100.
func ramp(n int) []*derive.Frame {
	fs := make([]*derive.Frame, n)
	for i := range fs {
		busy := 100 * float64(i) / float64(max(n-1, 1))
		fs[i] = &derive.Frame{Time: t0.Add(time.Duration(i) * time.Second),
			CPU: []derive.CPU{{ID: -1, Name: "all", Idle: derive.Some(100 - busy)}}}
	}
	return fs
}

// busySpec charts 100 − %idle of "all", as the CPU panel does.
var busySpec = Spec{Title: "CPU busy", Subtitle: "all CPUs, 100-idle", Unit: "%", Max: 100,
	Series: []Series{{Name: "busy", Value: func(f *derive.Frame) (float64, bool) {
		if len(f.CPU) == 0 || !f.CPU[0].Idle.OK {
			return 0, false
		}
		return 100 - f.CPU[0].Idle.V, true
	}}}}

func sized(w, h int) Model {
	m := New(asciiTheme(), time.Second, busySpec)
	m.SetSize(w, h)
	return m
}

func checkBlock(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Errorf("%d×%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if ansi.StringWidth(l) != w {
			t.Errorf("%d×%d: line %d is %d wide: %q", w, h, i, ansi.StringWidth(l), l)
		}
	}
}

func TestSizes(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{1, 1}, {10, 3}, {15, 5}, {16, 5}, {30, 6}, {80, 12}, {250, 60}} {
		m := sized(sz[0], sz[1])
		checkBlock(t, m.View(), sz[0], sz[1])
		m, _ = m.Update(views.FrameMsg{Frames: ramp(50)})
		checkBlock(t, m.View(), sz[0], sz[1])
	}
}

func TestWindowAndLine(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	if want, have := 2*m.geo.gw, m.Window(); want != have || have < 140 {
		t.Fatalf("Window = %d, want %d (two samples per plot column)", have, want)
	}
	m, _ = m.Update(views.FrameMsg{Frames: ramp(m.Window())})
	v := m.View()
	if !strings.Contains(v, "now 100.0%") || !strings.Contains(v, "mean 50.0%") || !strings.Contains(v, "max 100.0%") {
		t.Errorf("title does not sum up the window:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	// A full-window ramp touches the top plot row at the right and the bottom at the left.
	if top := lines[1]; !strings.ContainsAny(top[len(top)-8:], "⠁⠂⠄⠈⠐⠠⡀⢀⣀⠉⠒⠤⡠⢄⠊⠑⡐⢁⠔⡈") {
		t.Errorf("top row ends without the line: %q", top)
	}
	for _, l := range []string{"100│", " 50│", "  0└"} {
		if !strings.Contains(v, l) {
			t.Errorf("axis label %q missing:\n%s", l, v)
		}
	}
	if !strings.Contains(v, "10:") {
		t.Errorf("no time labels:\n%s", v)
	}
}

// TestRedrawOnlyOnFrames checks the cache: messages that are not frames leave the string
// alone, and a new frame changes it.
func TestRedrawOnlyOnFrames(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	m, _ = m.Update(views.FrameMsg{Frames: ramp(10)})
	before := m.View()
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	if m.View() != before {
		t.Error("a key redrew the chart")
	}
	m, _ = m.Update(views.FrameMsg{Frames: ramp(20)})
	if m.View() == before {
		t.Error("a new window did not redraw the chart")
	}
}

// TestRangesAreOurs feeds a window with a spike, then one without: the Y axis must stay 0–100
// and the old spike must be gone (ntcharts alone would keep both).
func TestRangesAreOurs(t *testing.T) {
	t.Parallel()
	m := sized(60, 10)
	fs := ramp(40)
	m, _ = m.Update(views.FrameMsg{Frames: fs})
	flat := make([]*derive.Frame, 40)
	for i := range flat {
		flat[i] = &derive.Frame{Time: t0.Add(time.Duration(100+i) * time.Second),
			CPU: []derive.CPU{{ID: -1, Name: "all", Idle: derive.Some(100)}}}
	}
	m, _ = m.Update(views.FrameMsg{Frames: flat})
	v := m.View()
	lines := strings.Split(v, "\n")
	for i, l := range lines[1 : len(lines)-3] { // plot rows above the bottom one
		if strings.ContainsFunc(l, func(r rune) bool { return r >= 0x2801 && r <= 0x28ff }) {
			t.Errorf("plot row %d still shows the old window: %q", i, l)
		}
	}
	if !strings.Contains(v, "100│") {
		t.Errorf("Y range changed:\n%s", v)
	}
}

func TestYLabels(t *testing.T) {
	t.Parallel()
	f := yLabels(8, 0, 100)
	var got []string
	for i := 0; i <= 8; i++ {
		if s := f(i, float64(i)*100/8); s != "" {
			got = append(got, s)
		}
	}
	if want, have := "0 25 50 75 100", strings.Join(got, " "); want != have {
		t.Errorf("labels %q, want %q", have, want)
	}
	if have := yLabels(2, 0, 100)(1, 50); have != "" {
		t.Errorf("two-row plot labels 50 %%: %q", have)
	}
	// An automatic range: 0 … 2.5k in quarters.
	f = yLabels(8, 0, 2500)
	got = got[:0]
	for i := 0; i <= 8; i++ {
		if s := f(i, float64(i)*2500/8); s != "" {
			got = append(got, s)
		}
	}
	if want, have := "0 625 1.2k 1.9k 2.5k", strings.Join(got, " "); want != have {
		t.Errorf("auto labels %q, want %q", have, want)
	}
}

func TestNiceCeil(t *testing.T) {
	t.Parallel()
	for _, tc := range [][2]float64{{0, 1}, {0.3, 0.5}, {1, 1}, {1.1, 2}, {2.2, 2.5}, {3, 5}, {7, 10}, {120, 200}, {4321, 5000}} {
		if have := niceCeil(tc[0]); math.Abs(have-tc[1]) > 1e-9 {
			t.Errorf("niceCeil(%v) = %v, want %v", tc[0], have, tc[1])
		}
	}
}

// TestAutoRangeTwoSeries draws two series on an automatic range: the peak sets the top.
func TestAutoRangeTwoSeries(t *testing.T) {
	t.Parallel()
	spec := Spec{Title: "pkts", Unit: "/s", Series: []Series{
		{Name: "rx", Value: func(f *derive.Frame) (float64, bool) { return float64(f.Seq) * 100, true }},
		{Name: "tx", Value: func(f *derive.Frame) (float64, bool) { return float64(f.Seq) * 30, true }},
	}}
	m := New(asciiTheme(), time.Second, spec)
	m.SetSize(60, 12)
	fs := ramp(40)
	for i, f := range fs {
		f.Seq = uint64(i)
	}
	m, _ = m.Update(views.FrameMsg{Frames: fs})
	v := m.View()
	checkBlock(t, v, 60, 12)
	if !strings.Contains(v, "5k│") || !strings.Contains(v, "now 3.9k/s") {
		t.Errorf("auto range or title wrong (peak 3900 → top 5k):\n%s", v)
	}
}

func TestMissingPoints(t *testing.T) {
	t.Parallel()
	m := sized(60, 10)
	fs := ramp(3)
	fs[2].CPU[0].Idle = derive.None
	m, _ = m.Update(views.FrameMsg{Frames: fs})
	if v := m.View(); !strings.Contains(v, "now —") {
		t.Errorf("missing current value not shown as —:\n%s", v)
	}
}

// segv is record 343 of the development machine's kernel log (collect/testdata/i3b-kmsg), a
// real segfault, with the event class the collector gives it.
var segv = sources.KmsgRecord{Seq: 343, Level: 6, TsUsec: 523275999, Event: "segfault",
	Text: "segv[13834]: segfault at 0 ip 0000557ccf94f139 sp 00007fff7b4bd2e0 error 4 in segv[1139,557ccf94f000+1000] likely on CPU 0 (core 0, socket 0)"}

// withUptime gives the ramp's frames an uptime that puts frame i at 500 + i s since boot, so
// the segfault (523.276 s) was logged 0.724 s before frame 24.
func withUptime(fs []*derive.Frame) []*derive.Frame {
	for i, f := range fs {
		f.UptimeS = derive.Some(500 + float64(i))
	}
	return fs
}

// TestEventMarkers puts kernel log events in the window: each is marked on the time axis at
// its time and named in a legend line that the plot gives up a line for; events outside the
// window (the boot backlog of the first sample) or without a known time are not drawn.
func TestEventMarkers(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	fs := withUptime(ramp(m.Window()))
	fs[24].Kmsg = &derive.Kmsg{Records: []sources.KmsgRecord{
		{Seq: 340, Level: 6, TsUsec: 523000000, Text: "no event"},
		segv,
	}}
	// The first sample's backlog: a boot-time record, long before the window.
	fs[0].Kmsg = &derive.Kmsg{Records: []sources.KmsgRecord{{Seq: 2, Level: 4, TsUsec: 1000, Event: "io_error"}}}
	m, _ = m.Update(views.FrameMsg{Frames: fs})
	v := m.View()
	checkBlock(t, v, 80, 12)
	lines := strings.Split(v, "\n")
	if want, have := "▲ segfault 10:00:23", strings.TrimSpace(lines[11]); want != have {
		t.Errorf("legend %q, want %q:\n%s", have, want, v)
	}
	axis := lines[9]
	if strings.Count(axis, EventGlyph) != 1 {
		t.Fatalf("want one marker on the axis row, have %q:\n%s", axis, v)
	}
	// The window ends at frame Window()-1; the event at 23.276 s lies that fraction along the
	// plot columns, which start right of the "└".
	g := m.geo
	start, end := m.span()
	frac := t0.Add(23276001*time.Microsecond).Sub(start).Seconds() / end.Sub(start).Seconds()
	wantCol := g.originX + 1 + int(math.Round(frac*float64(g.gw-1)))
	if have := runeIndex(axis, EventGlyph); have != wantCol {
		t.Errorf("marker at column %d, want %d: %q", have, wantCol, axis)
	}
	if len(m.Events()) != 1 {
		t.Errorf("events %+v, want the segfault only", m.Events())
	}

	// Without uptime nothing is placed, and the plot has its line back.
	for _, f := range fs {
		f.UptimeS = derive.None
	}
	m, _ = m.Update(views.FrameMsg{Frames: fs})
	if v := m.View(); strings.Contains(v, EventGlyph) || !strings.Contains(strings.Split(v, "\n")[11], "10:") {
		t.Errorf("events without uptime drawn, or time labels not on the last line:\n%s", v)
	}
}

func runeIndex(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		return -1
	}
	return ansi.StringWidth(s[:i])
}

// TestEventLegendOverflow fills the window with more events than the legend holds: the newest
// are named, then a count of the rest; at every size the block stays exact.
func TestEventLegendOverflow(t *testing.T) {
	t.Parallel()
	fs := withUptime(ramp(100))
	for i := 10; i < 100; i += 10 {
		r := segv
		r.Seq, r.TsUsec = uint64(i), uint64(500+i)*1e6-1000
		fs[i].Kmsg = &derive.Kmsg{Records: []sources.KmsgRecord{r}}
	}
	m := sized(60, 10)
	m, _ = m.Update(views.FrameMsg{Frames: fs})
	lines := strings.Split(m.View(), "\n")
	legend := lines[len(lines)-1]
	if !strings.HasPrefix(legend, "▲ segfault 10:01:29  ▲ segfault 10:01:19") || !strings.Contains(legend, "more") {
		t.Errorf("legend %q: want the newest first, then a count", legend)
	}
	n := strings.Count(legend, EventGlyph)
	if want := fmt.Sprintf("+%d more", len(m.Events())-n); !strings.Contains(legend, want) {
		t.Errorf("legend %q lacks %q", legend, want)
	}
	for _, sz := range [][2]int{{1, 1}, {16, 5}, {16, 6}, {30, 6}, {80, 12}, {250, 60}} {
		m := sized(sz[0], sz[1])
		m, _ = m.Update(views.FrameMsg{Frames: fs})
		checkBlock(t, m.View(), sz[0], sz[1])
	}
}

// TestSetSpec swaps what the chart shows (a panel selected another device).
func TestSetSpec(t *testing.T) {
	t.Parallel()
	m := sized(60, 10)
	m, _ = m.Update(views.FrameMsg{Frames: ramp(10)})
	spec := busySpec
	spec.Title = "other"
	m.SetSpec(spec)
	if !strings.HasPrefix(m.View(), "other") {
		t.Errorf("title not replaced:\n%s", m.View())
	}
}

// TestSmallRangeLabels: quarters of a range below 1 keep their decimals (0.75, not 0.8).
func TestSmallRangeLabels(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		hi   float64
		want string
	}{
		{1, "0.00 0.25 0.50 0.75 1.00"},
		{0.2, "0.00 0.05 0.10 0.15 0.20"},
		{2, "0.0 0.5 1.0 1.5 2.0"},
		{5, "0.00 1.25 2.50 3.75 5.00"},
		{10, "0.0 2.5 5.0 7.5 10.0"},
		{20, "0 5 10 15 20"}, // whole steps: the compact format
	} {
		f := yLabels(8, 0, tc.hi)
		var got []string
		for i := 0; i <= 8; i++ {
			if s := f(i, float64(i)*tc.hi/8); s != "" {
				got = append(got, s)
			}
		}
		if have := strings.Join(got, " "); have != tc.want {
			t.Errorf("0…%v: labels %q, want %q", tc.hi, have, tc.want)
		}
	}
}

// TestNarrowTitle: a narrow chart drops the subtitle, then the window and the peak, but keeps
// the current value.
func TestNarrowTitle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w          int
		want, lack []string
	}{
		{100, []string{"all CPUs", "last", "now", "mean", "max"}, nil},
		{60, []string{"last", "now", "mean", "max"}, []string{"all CPUs"}},
		{40, []string{"now", "mean"}, []string{"last", "max"}},
	} {
		m := sized(tc.w, 10)
		m, _ = m.Update(views.FrameMsg{Frames: ramp(10)})
		title := strings.Split(m.View(), "\n")[0]
		for _, s := range tc.want {
			if !strings.Contains(title, s) {
				t.Errorf("%d wide: title %q lacks %q", tc.w, title, s)
			}
		}
		for _, s := range tc.lack {
			if strings.Contains(title, s) {
				t.Errorf("%d wide: title %q still has %q", tc.w, title, s)
			}
		}
	}
}

// flatWithSpike is n frames one second apart at 0 % busy but for one sample at 100 %.
func flatWithSpike(n, spike int) []*derive.Frame {
	fs := ramp(n)
	for i, f := range fs {
		idle := 100.0
		if i == spike {
			idle = 0
		}
		f.CPU[0].Idle = derive.Some(idle)
	}
	return fs
}

// TestZoomKeepsSpikes zooms an 80-column chart out to an hour of one-second samples, twenty
// samples to a dot column: the one-second spike must still reach the top row, and the title
// must name the span and sum up only the frames in it.
func TestZoomKeepsSpikes(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	frames := flatWithSpike(3600, 1800)
	m, _ = m.Update(views.FrameMsg{Frames: frames, Span: time.Hour})
	v := m.View()
	lines := strings.Split(v, "\n")
	if !strings.ContainsAny(lines[1], "⠁⠂⠄⠈⠐⠠⡀⢀⣀⠉⠒⠤⡠⢄⠊⠑⡐⢁⠔⡈⡇⢸⠃⠘⠇⠸") {
		t.Errorf("the spike does not reach the top row:\n%s", v)
	}
	if !strings.Contains(v, "last 1h") || !strings.Contains(v, "max 100.0%") || !strings.Contains(v, "now 0.0%") {
		t.Errorf("title does not name the hour or its peak:\n%s", v)
	}
	// Twice as many frames as the span holds: the title's mean covers the span only.
	m, _ = m.Update(views.FrameMsg{Frames: flatWithSpike(7200, 10), Span: time.Hour})
	if v := m.View(); !strings.Contains(v, "max 0.0%") {
		t.Errorf("a spike before the span counted in the title:\n%s", v)
	}
	// points keeps one value per dot column, the largest, at its own time.
	slots := 2 * m.geo.gw
	start, end := frames[0].Time, frames[len(frames)-1].Time
	pts := points(frames, busySpec.Series[0].Value, start, end, slots)
	if len(pts) > slots || len(pts) < slots-1 {
		t.Errorf("%d points for %d dot columns", len(pts), slots)
	}
	peak := 0
	for i, p := range pts {
		if p.Value > pts[peak].Value {
			peak = i
		}
	}
	if want, have := frames[1800].Time, pts[peak].Time; pts[peak].Value != 100 || !have.Equal(want) {
		t.Errorf("peak point %v at %v, want 100 at %v", pts[peak].Value, have, want)
	}
	if fewer := points(frames[:50], busySpec.Series[0].Value, start, frames[49].Time, slots); len(fewer) != 50 {
		t.Errorf("50 frames in %d columns gave %d points, want one each", slots, len(fewer))
	}
}

// TestCursorMark checks the paused chart: the cursor's column ruled through empty cells and
// ticked on the axis, the title's value named "at" instead of "now"; live charts have neither.
func TestCursorMark(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	frames := flatWithSpike(100, -1)
	m, _ = m.Update(views.FrameMsg{Frames: frames})
	if v := m.View(); strings.Contains(v, "┴") || strings.Contains(v, "│\n") || !strings.Contains(v, "now ") {
		t.Errorf("a live chart is marked:\n%s", v)
	}
	m, _ = m.Update(views.FrameMsg{Frames: frames, Paused: true})
	v := m.View()
	lines := strings.Split(v, "\n")
	axis := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "└") })
	if !strings.HasSuffix(lines[axis], "┴") || !strings.Contains(v, "  at ") || strings.Contains(v, "now ") {
		t.Errorf("paused chart lacks the cursor tick or the at value:\n%s", v)
	}
	for _, l := range lines[1 : axis-1] { // the bottom plot row holds the 0 % line
		if !strings.HasSuffix(l, "│") {
			t.Errorf("cursor column not ruled on %q", l)
		}
	}
}

// TestTimeAt maps cells of the chart to times: the plot's first column is the span's start,
// its last the cursor, and nothing outside the plot has a time.
func TestTimeAt(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	if _, ok := m.TimeAt(70, 5); ok {
		t.Error("a time before any frame")
	}
	frames := ramp(600)
	m, _ = m.Update(views.FrameMsg{Frames: frames, Span: 5 * time.Minute})
	end := frames[599].Time
	gw := m.geo.gw
	x0 := m.geo.originX + 1
	for _, tc := range []struct {
		x, y int
		want time.Time
		ok   bool
	}{
		{x0 + gw - 1, 1, end, true},
		{x0 + gw - 1, 11, end, true}, // the time labels' line
		{x0, 5, end.Add(-5 * time.Minute), true},
		{x0 + (gw-1)/2, 5, end.Add(-time.Duration(float64(5*time.Minute) * float64(gw-1-(gw-1)/2) / float64(gw-1))), true},
		{x0 - 1, 5, time.Time{}, false}, // the Y labels
		{x0 + gw, 5, time.Time{}, false},
		{x0, 0, time.Time{}, false}, // the title
		{x0, 12, time.Time{}, false},
	} {
		have, ok := m.TimeAt(tc.x, tc.y)
		if ok != tc.ok || have.Sub(tc.want).Abs() > time.Millisecond {
			t.Errorf("TimeAt(%d, %d) = %v, %v; want %v, %v", tc.x, tc.y, have, ok, tc.want, tc.ok)
		}
	}
	// Placed charts: the second of two side by side answers for its own cells.
	other := sized(40, 12)
	other, _ = other.Update(views.FrameMsg{Frames: frames})
	if _, ok := TimeIn(x0+gw-1, 1, Placed{Chart: &other, X: 0, Y: 20}, Placed{Chart: &m}); !ok {
		t.Error("TimeIn missed the chart under the cell")
	}
	if _, ok := TimeIn(x0, 5, Placed{Chart: nil}, Placed{Chart: &m, Y: 10}); ok {
		t.Error("TimeIn found a time above a placed chart")
	}
}

func TestFormatSpan(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{500 * time.Millisecond, "500ms"}, {time.Second, "1s"}, {220 * time.Second, "3m40s"},
		{5 * time.Minute, "5m"}, {time.Hour, "1h"}, {90 * time.Minute, "1h30m"},
		{time.Hour + 5*time.Second, "1h0m5s"}, {59*time.Minute + 59*time.Second + 600*time.Millisecond, "1h"},
	} {
		if have := FormatSpan(tc.d); have != tc.want {
			t.Errorf("FormatSpan(%v) = %q, want %q", tc.d, have, tc.want)
		}
	}
}

// TestWindowBeforeFrames: SetSize alone measures the plot, so the app can ask History for a
// full window before the first frame is drawn.
func TestWindowBeforeFrames(t *testing.T) {
	t.Parallel()
	m := sized(200, 46)
	if have := m.Window(); have < 300 {
		t.Fatalf("after SetSize: Window %d", have)
	}
	before := m.Window()
	m, _ = m.Update(views.FrameMsg{Frames: ramp(100)})
	if want, have := before, m.Window(); want != have || !strings.Contains(m.View(), "100│") {
		t.Errorf("after a draw: Window %d, want %d:\n%s", have, want, m.View())
	}
}

// TestHiddenPutsOffDrawing keeps a hidden panel's window without drawing it, and draws it with
// the next window shown.
func TestHiddenPutsOffDrawing(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	m, _ = m.Update(views.FrameMsg{Frames: ramp(10)})
	before := m.View()
	m, _ = m.Update(views.FrameMsg{Frames: ramp(60), Hidden: true})
	if m.View() != before || len(m.frames) != 60 {
		t.Errorf("a hidden window was drawn, or not kept (%d frames)", len(m.frames))
	}
	m, _ = m.Update(views.FrameMsg{Frames: ramp(60)})
	if m.View() == before {
		t.Error("the window shown was not drawn")
	}
}

// TestGapsBreakTheLine: samples without a value leave the plot empty between their
// neighbours instead of joining them; zoomed out, a dot column breaks the line only when none
// of its frames has a value.
func TestGapsBreakTheLine(t *testing.T) {
	t.Parallel()
	m := sized(80, 12)
	fs := flatWithSpike(m.Window(), -1)
	for i, f := range fs {
		f.CPU[0].Idle = derive.Some(50)
		if i >= 40 && i < 60 {
			f.CPU[0].Idle = derive.None
		}
	}
	m, _ = m.Update(views.FrameMsg{Frames: fs})
	v := m.View()
	row := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.ContainsFunc(l, isBraille) {
			if row != "" {
				t.Fatalf("a flat line on two rows:\n%s", v)
			}
			row = l
		}
	}
	cells := []rune(row)[m.geo.originX+1:]
	first := slices.IndexFunc(cells, isBraille)
	last := first
	for i, r := range cells {
		if isBraille(r) {
			last = i
		}
	}
	blank := 0
	for _, r := range cells[first : last+1] {
		if r == ' ' {
			blank++
		}
	}
	// Twenty samples are ten columns; the dots either side may share a column's edge.
	if blank < 9 || blank > 10 {
		t.Errorf("%d blank cells in the line, want 9 or 10 for the 20 missing samples:\n%s", blank, v)
	}

	// Zoomed out: an hour in 100 dot columns, 36 frames a column.
	frames := flatWithSpike(3600, -1)
	for i, f := range frames {
		if i >= 1000 && i < 1200 || i%7 == 0 { // a long outage and scattered single misses
			f.CPU[0].Idle = derive.None
		}
	}
	pts := points(frames, busySpec.Series[0].Value, frames[0].Time, frames[3599].Time, 100)
	var brks []time.Time
	for _, p := range pts {
		if p.brk {
			brks = append(brks, p.Time)
		}
	}
	if len(brks) != 1 || brks[0].Before(frames[1200].Time) || brks[0].After(frames[1240].Time) {
		t.Errorf("breaks at %v, want one just after the outage that ends at %v", brks, frames[1200].Time)
	}
}

func isBraille(r rune) bool { return r > 0x2800 && r <= 0x28ff }
