package kmsgpanel

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// bootUptime is the uptime the test frames give the first of them. The capture of the
// development machine's log (346 records up to 541.43 s) kept no uptime, so the frames put the
// boot 545 s before fixture.T0: every record then lies before the frame that brings it.
const bootUptime = 545.0

// logFrames spreads the real kernel log over ten frames one second apart, as ktop receives
// it: the first carries the backlog (records 0–199), each later one a batch of the rest.
func logFrames(t *testing.T) []*derive.Frame {
	t.Helper()
	recs := fixture.Kmsg(t)
	fs := make([]*derive.Frame, 10)
	for i := range fs {
		fs[i] = &derive.Frame{Seq: uint64(i + 1), Time: fixture.T0.Add(time.Duration(i) * time.Second),
			UptimeS: derive.Some(bootUptime + float64(i)), Kmsg: &derive.Kmsg{Records: []sources.KmsgRecord{}},
			Status: map[string]sources.Status{sources.SrcKmsg: {State: sources.OK}}}
	}
	fs[0].Kmsg.Records = recs[:200]
	rest := recs[200:]
	for i, r := range rest {
		f := fs[1+i*9/len(rest)]
		f.Kmsg.Records = append(f.Kmsg.Records, r)
	}
	return fs
}

func panel(t *testing.T, th *theme.Theme, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	return fixture.Show(t, New(th, time.Second), frames, w, h)
}

// newPanel is a fresh panel in the ASCII theme, for the shared grid and golden checks.
func newPanel() views.Panel { return New(fixture.ASCII(), time.Second) }

func TestGolden(t *testing.T) {
	t.Parallel()
	fs := logFrames(t)
	fixture.Goldens(t, newPanel, map[string][]*derive.Frame{"tail": fs}, [2]int{80, 24}, [2]int{200, 50})
	m := panel(t, fixture.ASCII(), fs, 80, 24)
	m.Update(fixture.Key("w"))
	fixture.Golden(t, "warnings-80x24", m.View())
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fs := logFrames(t)
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fs[:1], fs}, "pgup")
}

// TestAccumulate: windows overlap and repeat, yet each record is held once; the newest are
// kept up to the limit; the tail shows the last record, the segfault marked, with [seconds]
// and the wall time its frame's uptime gives.
func TestAccumulate(t *testing.T) {
	t.Parallel()
	fs := logFrames(t)
	m := panel(t, fixture.ASCII(), nil, 200, 20)
	for end := 1; end <= len(fs); end++ {
		m.Update(views.FrameMsg{Frames: fs[max(end-4, 0):end]})
	}
	m.Update(views.FrameMsg{Frames: fs})
	if want, have := 346, len(m.entries); want != have {
		t.Fatalf("%d records held, want %d", have, want)
	}
	v := m.View()
	// Record 345 ("loop0: detected capacity change"), logged at 541.428380 s: boot is fixture.T0 − 545 s.
	wall := fixture.T0.Add(-545 * time.Second).Add(541428380 * time.Microsecond).Format("15:04:05")
	if !strings.Contains(v, "[  541.428380] "+wall+" info   loop0: detected capacity change") {
		t.Errorf("tail line missing or wrong (want wall %s):\n%s", wall, v)
	}
	if !strings.Contains(v, "info   ▲ segfault segv[13834]: segfault at 0") {
		t.Errorf("segfault not marked:\n%s", v)
	}
	if !strings.Contains(v, "346 records") || !strings.Contains(v, "lost 0") || !strings.Contains(v, "following") {
		t.Errorf("title line:\n%s", v)
	}

	m = panel(t, fixture.ASCII(), nil, 200, 20)
	m.limit = 100
	m.Update(views.FrameMsg{Frames: fs})
	m.Update(views.FrameMsg{Frames: fs[:1]}) // the backlog again: all older than what is held
	if len(m.entries) != 100 || m.entries[0].rec.Seq != 246 || m.entries[99].rec.Seq != 345 || len(m.seen) != 100 {
		t.Errorf("limit 100: %d held, seq %d–%d", len(m.entries), m.entries[0].rec.Seq, m.entries[len(m.entries)-1].rec.Seq)
	}
}

// TestCursor: looking at an older frame hides the records that arrived after it.
func TestCursor(t *testing.T) {
	t.Parallel()
	fs := logFrames(t)
	m := panel(t, fixture.ASCII(), fs, 200, 20)
	m.Update(views.FrameMsg{Frames: fs[:1]})
	if v := m.View(); !strings.Contains(v, "200 records") || strings.Contains(v, "segfault") {
		t.Errorf("records from later frames shown at the first frame:\n%s", v)
	}
}

// TestScroll: scrolling up stops following, new records do not move the view, End follows.
func TestScroll(t *testing.T) {
	t.Parallel()
	fs := logFrames(t)
	m := panel(t, fixture.ASCII(), fs[:5], 120, 11) // ten lines of records
	m.Update(fixture.Key("up"))
	if m.Following() || !strings.Contains(m.View(), "scrolled") {
		t.Fatal("up did not stop following")
	}
	scrolled := m.View()
	m.Update(views.FrameMsg{Frames: fs})
	if v := m.View(); strings.Split(v, "\n")[1] != strings.Split(scrolled, "\n")[1] {
		t.Errorf("new records moved the scrolled view:\n%s\nwas:\n%s", v, scrolled)
	}
	m.Update(fixture.Key("end"))
	if !m.Following() || !strings.Contains(m.View(), "loop0: detected capacity change") {
		t.Errorf("end does not follow the tail:\n%s", m.View())
	}
	m.Update(fixture.Key("home"))
	if v := m.View(); !strings.Contains(strings.Split(v, "\n")[1], "[    0.000000]") {
		t.Errorf("home does not show the oldest:\n%s", v)
	}
	m.Update(fixture.Key("down"))
	for range 400 {
		m.Update(fixture.Key("down"))
	}
	if !m.Following() {
		t.Error("scrolling down to the tail does not follow again")
	}
}

// TestWarnFilter: w shows warnings and worse only, every such record of the capture and
// nothing else.
func TestWarnFilter(t *testing.T) {
	t.Parallel()
	m := panel(t, fixture.ASCII(), logFrames(t), 200, 60)
	m.Update(fixture.Key("w"))
	lines := strings.Split(m.View(), "\n")
	n := 0
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		f := strings.Fields(l)
		if lvl := f[3]; lvl != "emerg" && lvl != "alert" && lvl != "crit" && lvl != "err" && lvl != "warn" {
			t.Errorf("filtered view shows level %q: %q", lvl, l)
		}
	}
	want := 0
	for _, r := range fixture.Kmsg(t) {
		if r.Level <= 4 {
			want++
		}
	}
	if n != want || want == 0 {
		t.Errorf("%d lines, want the capture's %d warnings and worse", n, want)
	}
}

// TestLevelsColoured renders with colours: err red, warn yellow, debug dim.
func TestLevelsColoured(t *testing.T) {
	t.Parallel()
	th := fixture.Theme(termenv.ANSI)
	recs := fixture.Kmsg(t)
	var picked []sources.KmsgRecord
	for _, lvl := range []int{0, 4, 6, 7} {
		for _, r := range recs {
			if r.Level == lvl && len(r.Text) < 80 { // short enough not to be cut
				picked = append(picked, r)
				break
			}
		}
	}
	f := &derive.Frame{Time: fixture.T0, Kmsg: &derive.Kmsg{Records: picked}}
	v := panel(t, th, []*derive.Frame{f}, 200, 10).View()
	for _, r := range picked {
		st := map[int]lipgloss.Style{0: th.Bad, 4: th.Warn, 6: th.Value, 7: th.Dim}[r.Level]
		if !strings.Contains(v, st.Render(r.Text)) {
			t.Errorf("level %d record not in its style: %q", r.Level, r.Text)
		}
	}
	// No uptime in that frame: no wall-clock column.
	if strings.Contains(ansi.Strip(v), "] 09:") {
		t.Errorf("wall time shown without uptime:\n%s", ansi.Strip(v))
	}
}

// TestUnavailableAndLost: without permission the reason shows; lost records warn.
func TestUnavailableAndLost(t *testing.T) {
	t.Parallel()
	f := &derive.Frame{Time: fixture.T0, Status: map[string]sources.Status{sources.SrcKmsg: {State: sources.Unavailable,
		Reason: "/dev/kmsg: needs CAP_SYSLOG or root; kernel.dmesg_restrict=1"}}}
	m := panel(t, fixture.ASCII(), []*derive.Frame{f}, 100, 10)
	if v := m.View(); !strings.Contains(v, "n/a: /dev/kmsg: needs CAP_SYSLOG or root; kernel.dmesg_restrict=1") {
		t.Errorf("reason not shown:\n%s", v)
	}
	if tile := m.Tile(100, 3); !strings.Contains(tile, "n/a: /dev/kmsg: needs CAP_SYSLOG") {
		t.Errorf("tile lacks the reason:\n%s", tile)
	}
	th := fixture.Theme(termenv.ANSI)
	f = &derive.Frame{Time: fixture.T0, Kmsg: &derive.Kmsg{Records: []sources.KmsgRecord{}, Lost: 3}}
	if v := panel(t, th, []*derive.Frame{f}, 100, 10).View(); !strings.Contains(v, th.Warn.Render("3")) {
		t.Errorf("lost records not highlighted:\n%s", v)
	}
}

// TestTile: the newest warnings and worse (and events) first.
func TestTile(t *testing.T) {
	t.Parallel()
	m := panel(t, fixture.ASCII(), logFrames(t), 80, 24)
	lines := strings.Split(m.Tile(120, 4), "\n")
	if !strings.Contains(lines[0], "warnings or worse in the last 346 records") || !strings.Contains(lines[1], "segfault") {
		t.Errorf("tile:\n%s", strings.Join(lines, "\n"))
	}
	if least, most := m.TileHeight(80); least != 2 || most != 6 {
		t.Errorf("TileHeight = %d, %d; want 2, 6", least, most)
	}
	empty := panel(t, fixture.ASCII(), []*derive.Frame{{Time: fixture.T0, Kmsg: &derive.Kmsg{Records: []sources.KmsgRecord{}}}}, 80, 24)
	if least, most := empty.TileHeight(80); least != 2 || most != 2 {
		t.Errorf("no records: TileHeight = %d, %d; want 2, 2", least, most)
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
