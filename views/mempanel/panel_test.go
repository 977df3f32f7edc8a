package mempanel

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
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

// TestGolden renders the panel over both real captures at 80×24 and 200×50.
func TestGolden(t *testing.T) {
	t.Parallel()
	fixture.Goldens(t, newPanel, map[string][]*derive.Frame{"16cpu": fixture.Frames16(t), "2cpu": fixture.Frames2(t)},
		[2]int{80, 24}, [2]int{200, 50})
	// The panel's body in an 80×24 terminal: the pressure table folds so the charts fit.
	m := panel(t, fixture.ASCII(), fixture.Frames2(t), 80, 20)
	fixture.Golden(t, "2cpu-80x20", m.View())
	if v := m.View(); !strings.Contains(v, "some%") || !strings.Contains(v, "Mem used") {
		t.Errorf("80×20: pressure not folded or charts missing:\n%s", v)
	}
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames2(t)
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fs[:1], fs}, "i")
}

// TestBar checks the bar on the 2-CPU capture's meminfo: its parts add up to the width, and
// the available mark sits at used / total.
func TestBar(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames2(t)
	mem := fs[1].Mem
	m := panel(t, fixture.ASCII(), fs, 100, 30)
	line := strings.Split(m.View(), "\n")[1]
	if !strings.HasPrefix(line, "Mem      ") {
		t.Fatalf("bar line %q", line)
	}
	bar := strings.Fields(line)[1]
	bw := ansi.StringWidth(bar)
	if strings.Count(bar, "|") != 1 {
		t.Fatalf("want one available mark in %q", bar)
	}
	want := int(float64(mem.UsedKB)*float64(bw)/float64(mem.TotalKB) + 0.5)
	if have := strings.Index(bar, "|"); have != want {
		t.Errorf("mark at %d, want %d (used %d of %d kB over %d cells): %q", have, want, mem.UsedKB, mem.TotalKB, bw, bar)
	}
	if want := fmt.Sprintf("%s of %s", views.KB(mem.UsedKB), views.KB(mem.TotalKB)); !strings.Contains(line, want) {
		t.Errorf("bar line lacks %q: %q", want, line)
	}
	// The parts: u (neither free nor cache), c (buff/cache), . (free), in that order.
	if trimmed := strings.TrimLeft(strings.TrimRight(strings.ReplaceAll(bar, "|", ""), "."), "u"); strings.Trim(trimmed, "c") != "" {
		t.Errorf("bar parts out of order: %q", bar)
	}
}

// TestSwapAndHighlights: a modified copy of the real 2-CPU frame with swap configured and in
// use, swapping out, scanning directly and one OOM kill, rendered with colours.
func TestSwapAndHighlights(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames2(t)
	f := *fs[1]
	mem, pg, sw := *f.Mem, *f.Paging, *f.Swap
	mem.SwapTotalKB, mem.SwapUsedKB, mem.SwapFreeKB = 4<<20, 1<<20, 3<<20
	mem.AvailableKB = mem.TotalKB / 20 * 9 / 10 // 4.5 %: bad
	pg.OOMKills, pg.PgscandS = derive.Some(1), derive.Some(1200)
	sw.SoKBS = derive.Some(640)
	f.Mem, f.Paging, f.Swap = &mem, &pg, &sw
	th := fixture.Theme(termenv.ANSI)
	v := panel(t, th, []*derive.Frame{fs[0], &f}, 160, 40).View()
	for _, want := range []string{
		th.Label.Render("oom_kill") + " " + th.Bad.Render("1"),
		th.Label.Render("pgscand/s") + " " + th.Warn.Render("1.2k"),
		th.Label.Render("so kB/s") + " " + th.Warn.Render("640"),
		th.Label.Render("available") + " " + th.Bad.Render(views.KB(mem.AvailableKB)),
		"1.0G of 4.0G (25%)",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	ascii := panel(t, fixture.ASCII(), fs, 100, 30).View()
	if !strings.Contains(ascii, "Swap     none configured") {
		t.Errorf("no swap not said:\n%s", ascii)
	}
}

// TestPSI: the table has the capture's averages, the first sample has no stall % yet, and a
// kernel without PSI says why instead of zeros.
func TestPSI(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames16(t)
	io := fs[1].PSI.IO.Some
	v := panel(t, fixture.ASCII(), fs, 120, 40).View()
	want := fmt.Sprintf("io some %s %6.2f %6.2f %6.2f", views.Num(io.Stall, 2), io.Avg10, io.Avg60, io.Avg300)
	if !strings.Contains(strings.Join(strings.Fields(v), " "), strings.Join(strings.Fields(want), " ")) {
		t.Errorf("view lacks %q:\n%s", want, v)
	}
	v = panel(t, fixture.ASCII(), fs[:1], 120, 40).View()
	if !strings.Contains(v, "memory some") || !strings.Contains(v, "     —") {
		t.Errorf("first sample must show — for stall %%:\n%s", v)
	}
	f := *fs[1]
	f.PSI = nil
	f.Status = map[string]sources.Status{sources.SrcPSI: {State: sources.Unavailable,
		Reason: "/proc/pressure/cpu: PSI disabled or unsupported: boot with psi=1 (kernel ≥ 4.20, CONFIG_PSI)"}}
	m := panel(t, fixture.ASCII(), []*derive.Frame{&f}, 160, 40)
	if v := m.View(); !strings.Contains(v, "PSI      n/a: /proc/pressure/cpu: PSI disabled") {
		t.Errorf("unavailable PSI not said:\n%s", v)
	}
	if tile := m.Tile(160, 3); !strings.Contains(tile, "n/a: /proc/pressure/cpu") {
		t.Errorf("tile does not say why:\n%s", tile)
	}
}

// TestPressureKey switches the pressure chart between memory and io.
func TestPressureKey(t *testing.T) {
	t.Parallel()
	m := panel(t, fixture.ASCII(), fixture.Frames16(t), 120, 40)
	if !strings.Contains(m.View(), "PSI memory some") {
		t.Fatalf("no memory pressure chart:\n%s", m.View())
	}
	m.Update(fixture.Key("i"))
	if !strings.Contains(m.View(), "PSI io some") || m.ShortHelp()[0].Help().Desc != "chart memory pressure" {
		t.Errorf("i did not switch to io:\n%s", m.View())
	}
	// Without room for the second chart the key does nothing and is disabled.
	m.SetSize(40, 24)
	if m.keys.Pressure.Enabled() {
		t.Error("pressure key enabled without the pressure chart")
	}
}

func TestTile(t *testing.T) {
	t.Parallel()
	m := panel(t, fixture.ASCII(), fixture.Frames16(t), 80, 24)
	lines := strings.Split(m.Tile(80, 3), "\n")
	if !strings.HasPrefix(lines[0], "Mem") || !strings.Contains(lines[1], "available") || !strings.HasPrefix(lines[2], "PSI") {
		t.Errorf("tile:\n%s", strings.Join(lines, "\n"))
	}
	lines = strings.Split(m.Tile(80, 2), "\n")
	if !strings.HasPrefix(lines[1], "PSI") {
		t.Errorf("two-line tile must keep pressure:\n%s", strings.Join(lines, "\n"))
	}
}

func TestDefs(t *testing.T) {
	t.Parallel()
	for _, d := range New(fixture.ASCII(), time.Second).Defs() {
		if d.Meaning == "" || d.Source == "" || d.Formula == "" {
			t.Errorf("def %q incomplete", d.Name)
		}
	}
}
