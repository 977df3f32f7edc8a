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
)

var update_ = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// checkFrame fails unless the view is exactly h lines, none wider than w.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if want, have := h, len(lines); want != have {
		t.Errorf("%d×%d: want %d lines, have %d", w, h, want, have)
	}
	for i, l := range lines {
		if have := ansi.StringWidth(l); have > w {
			t.Errorf("%d×%d: line %d is %d cells wide: %q", w, h, i, have, l)
		}
	}
}

// TestSizeGrid renders the dashboard over a grid of sizes, from 1×1 to 500×200, for both
// fixtures, with and without the help screen: every frame must be exactly the terminal's
// height and no line wider than it (Bubble Tea would silently cut or scroll otherwise).
func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fixtures := map[string][]*engine.Sample{"16cpu": fixture16(t), "2cpu": fixture2(t)}
	sizes := [][2]int{{1, 1}, {40, 12}, {59, 14}, {60, 13}, {60, 14}, {79, 24}, {80, 24}, {81, 24}, {120, 40}, {250, 80}, {500, 200}}
	for name, ss := range fixtures {
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			m := feed(t, ss, w, h)
			checkFrame(t, m.View(), w, h)
			m = update(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("?")})
			checkFrame(t, m.View(), w, h)
			small := w < MinWidth || h < MinHeight
			if w < 30 {
				continue // too narrow for the message's words to stay whole
			}
			if have := strings.Contains(m.View(), "terminal too small"); have != small {
				t.Errorf("%s %d×%d: too-small screen shown: %v, want %v", name, w, h, have, small)
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
		v := feed(t, tc.ss, 80, 24).View()
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
		{"16cpu-80x24", f16, 80, 24, ""},
		{"16cpu-120x40", f16, 120, 40, ""},
		{"2cpu-80x24", f2, 80, 24, ""},
		{"2cpu-120x40", f2, 120, 40, ""},
		{"16cpu-first-sample-80x24", f16[:1], 80, 24, ""},
		{"16cpu-scroll-60x14", f16, 60, 14, "jj"},
		{"help-80x24", f16, 80, 24, "?"},
		{"too-small-40x12", f16, 40, 12, ""},
	}
	for _, tc := range cases {
		m := feed(t, tc.ss, tc.w, tc.h)
		for _, r := range tc.keys {
			m = update(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
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
