package netpanel

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var t0 = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

func themeFor(p termenv.Profile) *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	return theme.New(r)
}

func panel(t *testing.T, th *theme.Theme, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	m := New(th, time.Second)
	m.SetSize(w, h)
	if frames != nil {
		m.Update(views.FrameMsg{Frames: frames})
	}
	checkBlock(t, m.View(), w, h)
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

func press(s string) tea.KeyMsg {
	switch s {
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// TestGolden renders the panel over both real captures at 80×24 and 200×50: the 16-CPU VM
// (a little eth0 traffic, no TCP), and the 2-CPU VM (loopback curl in one capture; TCP churn
// and an overflowing listen queue in the other).
func TestGolden(t *testing.T) {
	t.Parallel()
	ascii := themeFor(termenv.Ascii)
	for name, frames := range map[string][]*derive.Frame{
		"16cpu": fixture.Frames(t, t0, fixture.Trees16...),
		"2cpu":  fixture.Frames(t, t0, fixture.Trees2...),
	} {
		for _, sz := range [][2]int{{80, 24}, {200, 50}} {
			m := panel(t, ascii, frames, sz[0], sz[1])
			fixture.Golden(t, fmt.Sprintf("%s-%dx%d", name, sz[0], sz[1]), m.View(), *update)
		}
	}
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	ascii := themeFor(termenv.Ascii)
	fs := fixture.Frames(t, t0, fixture.Trees2...)
	for _, sz := range [][2]int{{1, 1}, {40, 12}, {79, 24}, {80, 24}, {81, 24}, {120, 40}, {250, 80}} {
		for _, frames := range [][]*derive.Frame{nil, fs[:1], fs} {
			m := panel(t, ascii, frames, sz[0], sz[1])
			m.Update(press("e"))
			checkBlock(t, m.View(), sz[0], sz[1])
			checkBlock(t, m.Tile(sz[0], sz[1]), sz[0], sz[1])
		}
	}
}

// TestSelectionAndEdev: lo carried the curl traffic, so it is selected; the arrows move the
// selection and the chart with it; e shows the EDEV columns, all zero in these captures.
func TestSelectionAndEdev(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames(t, t0, fixture.Trees2...)
	m := panel(t, themeFor(termenv.Ascii), fs, 200, 40)
	v := m.View()
	if m.Selected() != "lo" || !strings.Contains(v, "▸lo") || !strings.Contains(v, "lo rxpck/s") {
		t.Errorf("lo (the busiest) not selected and charted:\n%s", v)
	}
	if strings.Contains(v, "rxerr/s") || !strings.Contains(v, "9 error columns all zero") {
		t.Errorf("zero EDEV columns shown, or not said:\n%s", v)
	}
	m.Update(press("e"))
	if v := m.View(); !strings.Contains(v, "rxerr/s") || !strings.Contains(v, "txfifo/s") {
		t.Errorf("e does not show the EDEV columns:\n%s", v)
	}
	for _, step := range []struct{ key, want string }{{"up", "ifb1"}, {"k", "ifb0"}, {"up", "eth0"}, {"up", "eth0"}, {"down", "ifb0"}} {
		m.Update(press(step.key))
		if m.Selected() != step.want || !strings.Contains(m.View(), step.want+" rxpck/s") {
			t.Errorf("after %s: selected %q, want %q", step.key, m.Selected(), step.want)
		}
	}
	// virtio-net and lo report no speed: %ifutil is —, never 0.
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.HasPrefix(l, " eth0") && !strings.Contains(l, "—") {
			t.Errorf("eth0 %%ifutil not —: %q", l)
		}
	}
}

// TestTCPHighlights: the 2-CPU capture overflowed a listen queue, so listen-ovf/s and
// listen-drop/s are warnings; retransmits were zero there and stay plain.
func TestTCPHighlights(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames(t, t0, fixture.Trees2...)
	tcp := fs[1].TCP
	if !tcp.ListenDropsS.OK || tcp.ListenDropsS.V == 0 {
		t.Fatalf("fixture has no listen drops: %+v", tcp)
	}
	th := themeFor(termenv.ANSI)
	m := panel(t, th, fs, 200, 40)
	v := m.View()
	for _, want := range []string{
		th.Warn.Render(views.ShortVal(tcp.ListenOverflowsS)),
		th.Warn.Render(views.ShortVal(tcp.ListenDropsS)),
	} {
		if !strings.Contains(v, th.Label.Render("listen-drop/s")+" "+want) && !strings.Contains(v, th.Label.Render("listen-ovf/s")+" "+want) {
			t.Errorf("listen figure %q not highlighted", want)
		}
	}
	if want := th.Label.Render("retrans/s") + " " + th.Value.Render(views.ShortVal(tcp.RetransS)); tcp.RetransS.V == 0 && !strings.Contains(v, want) {
		t.Errorf("zero retrans/s not plain")
	}
}

// TestTile: interfaces that moved packets, most first, then the TCP line. In the 2-CPU
// capture only lo did; in the 16-CPU one no interface did, and the tile says so.
func TestTile(t *testing.T) {
	t.Parallel()
	m := panel(t, themeFor(termenv.Ascii), fixture.Frames(t, t0, fixture.Trees2...), 80, 24)
	lines := strings.Split(m.Tile(70, 4), "\n")
	if !strings.HasPrefix(lines[1], "lo ") || !strings.HasPrefix(lines[2], "TCP  active/s 17k") {
		t.Errorf("tile:\n%s", strings.Join(lines, "\n"))
	}
	if least, most := m.TileHeight(70); least != 3 || most != 3 {
		t.Errorf("TileHeight = %d, %d; want 3, 3", least, most)
	}
	m = panel(t, themeFor(termenv.Ascii), fixture.Frames(t, t0, fixture.Trees16...), 80, 24)
	lines = strings.Split(m.Tile(70, 3), "\n")
	if !strings.HasPrefix(lines[1], "no packets in the interval") || !strings.HasPrefix(lines[2], "TCP  active/s 0") {
		t.Errorf("quiet tile:\n%s", strings.Join(lines, "\n"))
	}
}

// TestUnavailable: sources that cannot be read say why instead of showing zeros.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	f := &derive.Frame{Time: t0, Status: map[string]sources.Status{
		sources.SrcNetDev: {State: sources.Unavailable, Reason: "open /proc/net/dev: permission denied"},
		sources.SrcSNMP:   {State: sources.Failed, Reason: "/proc/net/snmp: no Tcp: lines"},
	}}
	m := panel(t, themeFor(termenv.Ascii), []*derive.Frame{f}, 100, 20)
	v := m.View()
	if !strings.Contains(v, "n/a: open /proc/net/dev: permission denied") || !strings.Contains(v, "TCP    n/a: /proc/net/snmp: no Tcp: lines") {
		t.Errorf("reasons not shown:\n%s", v)
	}
}

func TestDefs(t *testing.T) {
	t.Parallel()
	for _, d := range New(themeFor(termenv.Ascii), time.Second).Defs() {
		if d.Meaning == "" || d.Source == "" {
			t.Errorf("def %q incomplete", d.Name)
		}
	}
}

// TestProvisionalSelection: on the first sample nothing is known, so the first interface that
// is not lo is selected; the first frame with rates picks the busiest (lo) instead, unless the
// user chose meanwhile.
func TestProvisionalSelection(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames(t, t0, fixture.Trees2...)
	m := panel(t, themeFor(termenv.Ascii), fs[:1], 120, 30)
	if m.Selected() != "eth0" {
		t.Errorf("first sample: selected %q, want eth0", m.Selected())
	}
	m.Update(views.FrameMsg{Frames: fs})
	if m.Selected() != "lo" {
		t.Errorf("with rates: selected %q, want lo", m.Selected())
	}
	m = panel(t, themeFor(termenv.Ascii), fs[:1], 120, 30)
	m.Update(press("down"))
	m.Update(views.FrameMsg{Frames: fs})
	if m.Selected() != "ifb0" {
		t.Errorf("the user's choice was replaced by %q", m.Selected())
	}
}
