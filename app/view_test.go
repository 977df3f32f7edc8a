package app

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

var update_ = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// checkFrame fails unless the view is exactly h lines of exactly w cells: wider lines are cut
// by Bubble Tea, and shorter ones mean a block that does not fill its place.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if want, have := h, len(lines); want != have {
		t.Errorf("%d×%d: want %d lines, have %d", w, h, want, have)
	}
	for i, l := range lines {
		if have := ansi.StringWidth(l); have != w {
			t.Errorf("%d×%d: line %d is %d cells wide: %q", w, h, i, have, l)
		}
	}
}

// TestSizeGrid renders the dashboard over a grid of sizes, from 1×1 to 500×200, for both
// fixtures, on every panel (so that panels added later are covered without a new test), with
// and without the help and definitions screens: every frame must be exactly the terminal's
// height and width (Bubble Tea would silently cut or scroll otherwise).
func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fixtures := map[string][]*engine.Sample{"16cpu": fixture16(t), "2cpu": fixture2(t)}
	sizes := [][2]int{{1, 1}, {40, 12}, {59, 14}, {60, 13}, {60, 14}, {79, 24}, {80, 24}, {81, 24}, {120, 40}, {200, 50}, {250, 80}, {500, 200}}
	for name, ss := range fixtures {
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			m := feed(t, ss, w, h)
			for i := range m.panels {
				m.focus(i)
				for _, k := range []string{"", "?", "D", "esc"} {
					if k != "" {
						m = update(m, keyMsg(k))
					}
					v := m.View()
					checkFrame(t, v, w, h)
					small := w < MinWidth || h < MinHeight
					if w < 30 {
						continue // too narrow for the message's words to stay whole
					}
					if have := strings.Contains(v, "terminal too small"); have != small {
						t.Errorf("%s %d×%d panel %d %q: too-small screen shown: %v, want %v", name, w, h, i, k, have, small)
					}
				}
			}
		}
	}
}

// TestFullDashboardAt80x24 checks that the smallest common terminal shows everything: the
// header, one row per CPU plus "all" (each with its steal number), the chart and the status.
func TestFullDashboardAt80x24(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		ss   []*engine.Sample
		cpus int
	}{"16cpu": {fixture16(t), 16}, "2cpu": {fixture2(t), 2}} {
		v := update(feed(t, tc.ss, 80, 24), keyMsg("2")).View()
		for _, want := range []string{"load ", "runq ", "mem ", "ktop ", "CPU busy", "LIVE", "q quit"} {
			if !strings.Contains(v, want) {
				t.Errorf("%s: 80×24 view lacks %q:\n%s", name, want, v)
			}
		}
		if want, have := tc.cpus+1, strings.Count(v, " st "); want != have {
			t.Errorf("%s: want %d CPU rows with steal, have %d:\n%s", name, want, have, v)
		}
	}
}

// TestOverviewAt80x24 checks that the default screen is the Overview and that at 80×24 it
// shows the checklist's figures that exist so far: load and memory in the header, the CPU tile
// with its title and digit.
func TestOverviewAt80x24(t *testing.T) {
	t.Parallel()
	v := feed(t, fixture16(t), 80, 24).View()
	for _, want := range []string{"load ", "runq ", "mem ", " 1 Overview ", "2 CPU", "all ", "q quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("80×24 Overview lacks %q:\n%s", want, v)
		}
	}
}

// TestGolden compares whole screens with the ASCII profile at two widths, plus the help
// screen and the too-small screen. go test ./app -update rewrites them.
func TestGolden(t *testing.T) {
	t.Parallel()
	f16, f2 := fixture16(t), fixture2(t)
	cases := []struct {
		name string
		ss   []*engine.Sample
		w, h int
		keys string
	}{
		{"16cpu-80x24", f16, 80, 24, "2"},
		{"16cpu-120x40", f16, 120, 40, "2"},
		{"2cpu-80x24", f2, 80, 24, "2"},
		{"2cpu-120x40", f2, 120, 40, "2"},
		{"16cpu-first-sample-80x24", f16[:1], 80, 24, "2"},
		{"16cpu-scroll-60x14", f16, 60, 14, "2jj"},
		{"overview-16cpu-80x24", f16, 80, 24, ""},
		{"overview-16cpu-200x50", f16, 200, 50, ""},
		{"overview-2cpu-80x24", f2, 80, 24, ""},
		{"help-80x24", f16, 80, 24, "?"},
		{"help-cpu-vim-80x24", f16, 80, 24, "2?"},
		{"defs-cpu-80x24", f16, 80, 24, "2D"},
		{"defs-cpu-scrolled-80x24", f16, 80, 24, "2D  "},
		{"too-small-40x12", f16, 40, 12, ""},
		// Paused three samples back, zoomed out to 5 minutes: the status line and the marks.
		{"paused-2cpu-120x40", f2, 120, 40, "2 \x1b\x1b\x1b-"},
	}
	for _, tc := range cases {
		m := feed(t, tc.ss, tc.w, tc.h)
		m.keys.setVim(strings.Contains(tc.name, "vim"))
		for _, r := range tc.keys {
			k := keyMsg(string(r))
			if r == '\x1b' { // stands for ← in the keys above
				k = keyMsg("left")
			}
			m = update(m, k)
		}
		have := m.View()
		checkFrame(t, have, tc.w, tc.h)
		path := filepath.Join("testdata", "golden", tc.name+".golden")
		if *update_ {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(have), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./app -update to create it)", err)
		}
		if string(want) != have {
			t.Errorf("%s differs from %s:\nwant:\n%s\nhave:\n%s", tc.name, path, want, have)
		}
	}
}

// TestTileAppenders: a panel that appends its tile to the Overview's buffer
// (views.TileAppender) appends exactly its Tile, at every size, after whatever is there.
func TestTileAppenders(t *testing.T) {
	t.Parallel()
	for _, ss := range [][]*engine.Sample{fixture2(t), fixture16(t)} {
		m := feed(t, ss, 200, 50)
		n := 0
		for _, p := range m.panels {
			ta, ok := p.(views.TileAppender)
			if !ok {
				continue
			}
			n++
			for _, sz := range []size{{0, 0}, {1, 1}, {37, 3}, {80, 8}, {200, 12}, {61, 0}, {0, 5}} {
				if want, have := "head"+p.Tile(sz.w, sz.h), string(ta.AppendTile([]byte("head"), sz.w, sz.h)); want != have {
					t.Errorf("%s at %dx%d:\nwant %q\nhave %q", p.Title(), sz.w, sz.h, want, have)
				}
			}
		}
		if n < 7 {
			t.Errorf("%d panels append their tiles, want 7 or more", n)
		}
	}
}
