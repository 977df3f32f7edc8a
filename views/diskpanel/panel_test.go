package diskpanel

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

// panel sizes a Disk panel to w×h and hands it the frames.
func panel(t *testing.T, th *theme.Theme, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	return fixture.Show(t, New(th, time.Second), frames, w, h)
}

// newPanel is a fresh panel in the ASCII theme, for the shared grid and golden checks.
func newPanel() views.Panel { return New(fixture.ASCII(), time.Second) }

// TestGolden renders the panel over both real captures at 80×24 and 200×50: the 16-CPU VM
// while dd wrote to vda and vdb, and the 2-CPU VM while dd read and wrote vda with O_DIRECT.
func TestGolden(t *testing.T) {
	t.Parallel()
	fixture.Goldens(t, newPanel, map[string][]*derive.Frame{"16cpu": fixture.Frames16(t), "2cpu": fixture.Frames2(t)},
		[2]int{80, 24}, [2]int{200, 50})
	// Partitions indented under their disks (node_exporter's layout fixture, first sample).
	m := panel(t, fixture.ASCII(), []*derive.Frame{fixture.PublicDisks(t)}, 100, 30)
	fixture.Golden(t, "public-first-sample-100x30", m.View())
}

// TestSizeGrid checks the exact block at every size, before any frame, on a first sample and
// with rates.
func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames16(t)
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fs[:1], fs}, "z")
}

// TestIdleAndSelection follows iostat -z on the 16-CPU capture: only vda did I/O between the
// snapshots (vdb, the loop and zram devices are idle) and is selected; z lists the idle ones,
// and the arrows move the selection, the charts following it.
func TestIdleAndSelection(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames16(t)
	m := panel(t, fixture.ASCII(), fs, 120, 30)
	v := m.View()
	if !strings.Contains(v, "1 of 11 devices") || strings.Contains(v, "vdb") || strings.Contains(v, "loop0") {
		t.Errorf("idle devices not hidden:\n%s", v)
	}
	if m.Selected() != "vda" || !strings.Contains(v, "▸vda") || !strings.Contains(v, "vda %util") || !strings.Contains(v, "vda r_await") {
		t.Errorf("vda not selected, marked and charted:\n%s", v)
	}
	if m.keys.Down.Enabled() {
		t.Error("selection keys enabled with one row")
	}

	m.Update(fixture.Key("z"))
	v = m.View()
	if !strings.Contains(v, "11 of 11 devices") || !strings.Contains(v, "loop0") || !strings.Contains(v, "zram0") {
		t.Errorf("z does not show idle devices:\n%s", v)
	}
	if h := m.ShortHelp(); h[1].Help().Desc != "hide idle" {
		t.Errorf("z help %q after showing idle", h[1].Help().Desc)
	}
	for _, step := range []struct{ key, want string }{
		{"down", "vdb"}, {"down", "zram0"}, {"down", "zram0"}, {"up", "vdb"}, {"k", "vda"},
	} {
		m.Update(fixture.Key(step.key))
		if m.Selected() != step.want || !strings.Contains(m.View(), step.want+" %util") {
			t.Errorf("after %s: selected %q, want %q", step.key, m.Selected(), step.want)
		}
	}
	// The selected device stays listed when it goes idle and idle devices are hidden again.
	m.Update(fixture.Key("j"))
	m.Update(fixture.Key("z"))
	if v := m.View(); !strings.Contains(v, "▸vdb") || !strings.Contains(v, "2 of 11 devices") {
		t.Errorf("selected idle vdb not kept:\n%s", v)
	}
	// This machine has no partitions: the partition key is disabled.
	if m.keys.Parts.Enabled() {
		t.Error("partition key enabled without partitions")
	}
}

// TestPartitions indents partitions under their disk and hides them with p.
func TestPartitions(t *testing.T) {
	t.Parallel()
	f := fixture.PublicDisks(t)
	m := panel(t, fixture.ASCII(), []*derive.Frame{f}, 100, 80)
	v := m.View()
	if !strings.Contains(v, "\n   sda1 ") || !strings.Contains(v, "\n nvme0n1 ") || !strings.Contains(v, "vg0--lv_root") {
		t.Errorf("partitions not indented, or dm name missing:\n%s", v)
	}
	if !strings.Contains(v, "first sample: rates need two") || strings.Contains(v, " 0.0 ") {
		t.Errorf("first sample must show — and say why:\n%s", v)
	}
	if !m.keys.Parts.Enabled() {
		t.Fatal("partition key disabled")
	}
	m.Update(fixture.Key("p"))
	if v := m.View(); strings.Contains(v, "sda1") || !strings.Contains(v, "partitions hidden") {
		t.Errorf("p does not hide partitions:\n%s", v)
	}
}

// TestThresholds colours a saturated disk: the capture's vda with %util and w_await raised
// past the marks (a modified copy of a real frame), rendered with colours.
func TestThresholds(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames2(t)
	f := *fs[1]
	f.Disk = append([]derive.Disk(nil), f.Disk...)
	d := find(&f, "vda")
	d.Util, d.WAwait, d.RAwait = derive.Some(97), derive.Some(25), derive.Some(150)
	th := fixture.Theme(termenv.ANSI)
	m := panel(t, th, []*derive.Frame{fs[0], &f}, 120, 30)
	v := m.View()
	for _, want := range []string{th.Bad.Render("97.0"), th.Warn.Render("25.0"), th.Bad.Render("150.0")} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q", want)
		}
	}
}

// TestTile lists whole disks with I/O, busiest first, and says so when there is none.
func TestTile(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames16(t)
	m := panel(t, fixture.ASCII(), fs, 80, 24)
	tile := m.Tile(60, 4)
	lines := strings.Split(tile, "\n")
	if !strings.HasPrefix(lines[0], "Disk") || !strings.Contains(lines[0], "%util") {
		t.Errorf("tile head %q", lines[0])
	}
	first := strings.Fields(lines[1])[0]
	if first != m.Selected() { // both are the busiest disk
		t.Errorf("tile starts with %q, want the busiest %q:\n%s", first, m.Selected(), tile)
	}
	if least, most := m.TileHeight(60); least != 2 || most != 2 {
		t.Errorf("TileHeight = %d, %d; want 2, 2 (the head and vda)", least, most)
	}
	// Nothing known yet: the status of an unreadable source instead.
	g := &derive.Frame{Time: fixture.T0, Status: map[string]sources.Status{sources.SrcDiskstats: {State: sources.Unavailable, Reason: "open /proc/diskstats: no such file or directory"}}}
	m = panel(t, fixture.ASCII(), []*derive.Frame{g}, 80, 10)
	if v := m.View(); !strings.Contains(v, "n/a: open /proc/diskstats") {
		t.Errorf("unavailable source not said:\n%s", v)
	}
	if tile := m.Tile(60, 2); !strings.Contains(tile, "n/a: open /proc/diskstats") {
		t.Errorf("tile does not say why:\n%s", tile)
	}
}

func TestDefs(t *testing.T) {
	t.Parallel()
	m := New(fixture.ASCII(), time.Second)
	names := map[string]bool{}
	for _, d := range m.Defs() {
		names[d.Name] = true
		if d.Meaning == "" || d.Source == "" {
			t.Errorf("def %q incomplete", d.Name)
		}
	}
	for _, n := range []string{"r/s, w/s", "r_await, w_await", "%util", "aqu-sz", "idle"} {
		if !names[n] {
			t.Errorf("no def for %s", n)
		}
	}
}

// TestEventMarker: a kernel log event inside the window is marked on the disk charts' time
// axes. The record is the development machine's real segfault with its timestamp moved to
// 31 s after boot, inside the 16-CPU capture's window (its uptime is 31.48 s at frame b).
func TestEventMarker(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames16(t)
	var segv sources.KmsgRecord
	for _, r := range fixture.Kmsg(t) {
		if r.Event == "segfault" {
			segv = r
		}
	}
	segv.TsUsec = 31_000_000
	f := *fs[1]
	f.Kmsg = &derive.Kmsg{Records: []sources.KmsgRecord{segv}}
	m := panel(t, fixture.ASCII(), []*derive.Frame{fs[0], &f}, 120, 30)
	v := m.View()
	at := f.Time.Add(-480 * time.Millisecond).Format("15:04:05") // 31.48 − 31.00 s before b
	if strings.Count(v, "▲ segfault "+at) != 2 {
		t.Errorf("want the event named under both charts (%s):\n%s", at, v)
	}
	if strings.Count(v, "▲") != 4 {
		t.Errorf("want a marker on each time axis and in each legend:\n%s", v)
	}
}
