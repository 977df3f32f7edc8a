package netpanel

import (
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

func panel(t *testing.T, th *theme.Theme, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	return fixture.Show(t, New(th, time.Second), frames, w, h)
}

// newPanel is a fresh panel in the ASCII theme, for the shared grid and golden checks.
func newPanel() views.Panel { return New(fixture.ASCII(), time.Second) }

// TestGolden renders the panel over both real captures at 80×24 and 200×50: the 16-CPU VM
// (a little eth0 traffic, no TCP), and the 2-CPU VM (loopback curl in one capture; TCP churn
// and an overflowing listen queue in the other).
func TestGolden(t *testing.T) {
	t.Parallel()
	fixture.Goldens(t, newPanel, map[string][]*derive.Frame{"16cpu": fixture.Frames16(t), "2cpu": fixture.Frames2(t)},
		[2]int{80, 24}, [2]int{200, 50})
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames2(t)
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fs[:1], fs}, "e")
}

// TestSelectionAndEdev: lo carried the curl traffic, so it is selected; the arrows move the
// selection and the chart with it; e shows the EDEV columns, all zero in these captures.
func TestSelectionAndEdev(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames2(t)
	m := panel(t, fixture.ASCII(), fs, 200, 40)
	v := m.View()
	if m.Selected() != "lo" || !strings.Contains(v, "▸lo") || !strings.Contains(v, "lo rxpck/s") {
		t.Errorf("lo (the busiest) not selected and charted:\n%s", v)
	}
	if strings.Contains(v, "rxerr/s") || !strings.Contains(v, "9 error columns all zero") {
		t.Errorf("zero EDEV columns shown, or not said:\n%s", v)
	}
	m.Update(fixture.Key("e"))
	if v := m.View(); !strings.Contains(v, "rxerr/s") || !strings.Contains(v, "txfifo/s") {
		t.Errorf("e does not show the EDEV columns:\n%s", v)
	}
	for _, step := range []struct{ key, want string }{{"up", "ifb1"}, {"k", "ifb0"}, {"up", "eth0"}, {"up", "eth0"}, {"down", "ifb0"}} {
		m.Update(fixture.Key(step.key))
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
	fs := fixture.Frames2(t)
	tcp := fs[1].TCP
	if !tcp.ListenDropsS.OK || tcp.ListenDropsS.V == 0 {
		t.Fatalf("fixture has no listen drops: %+v", tcp)
	}
	th := fixture.Theme(termenv.ANSI)
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
	m := panel(t, fixture.ASCII(), fixture.Frames2(t), 80, 24)
	lines := strings.Split(m.Tile(70, 4), "\n")
	if !strings.HasPrefix(lines[1], "lo ") || !strings.HasPrefix(lines[2], "TCP  active/s 17k") {
		t.Errorf("tile:\n%s", strings.Join(lines, "\n"))
	}
	if least, most := m.TileHeight(70); least != 3 || most != 3 {
		t.Errorf("TileHeight = %d, %d; want 3, 3", least, most)
	}
	m = panel(t, fixture.ASCII(), fixture.Frames16(t), 80, 24)
	lines = strings.Split(m.Tile(70, 3), "\n")
	if !strings.HasPrefix(lines[1], "no packets in the interval") || !strings.HasPrefix(lines[2], "TCP  active/s 0") {
		t.Errorf("quiet tile:\n%s", strings.Join(lines, "\n"))
	}
}

// TestUnavailable: sources that cannot be read say why instead of showing zeros.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	f := &derive.Frame{Time: fixture.T0, Status: map[string]sources.Status{
		sources.SrcNetDev: {State: sources.Unavailable, Reason: "open /proc/net/dev: permission denied"},
		sources.SrcSNMP:   {State: sources.Failed, Reason: "/proc/net/snmp: no Tcp: lines"},
	}}
	m := panel(t, fixture.ASCII(), []*derive.Frame{f}, 100, 20)
	v := m.View()
	if !strings.Contains(v, "n/a: open /proc/net/dev: permission denied") || !strings.Contains(v, "TCP    n/a: /proc/net/snmp: no Tcp: lines") {
		t.Errorf("reasons not shown:\n%s", v)
	}
}

func TestDefs(t *testing.T) {
	t.Parallel()
	for _, d := range New(fixture.ASCII(), time.Second).Defs() {
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
	fs := fixture.Frames2(t)
	m := panel(t, fixture.ASCII(), fs[:1], 120, 30)
	if m.Selected() != "eth0" {
		t.Errorf("first sample: selected %q, want eth0", m.Selected())
	}
	m.Update(views.FrameMsg{Frames: fs})
	if m.Selected() != "lo" {
		t.Errorf("with rates: selected %q, want lo", m.Selected())
	}
	m = panel(t, fixture.ASCII(), fs[:1], 120, 30)
	m.Update(fixture.Key("down"))
	m.Update(views.FrameMsg{Frames: fs})
	if m.Selected() != "ifb0" {
		t.Errorf("the user's choice was replaced by %q", m.Selected())
	}
}
