package cpupanel

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func asciiTheme() *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

// show builds the panel at w×h over frames.
func show(t *testing.T, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	m := New(asciiTheme(), time.Second)
	m.SetSize(w, h)
	m.Update(views.FrameMsg{Frames: frames})
	checkSize(t, m.View(), w, h)
	return m
}

func checkSize(t *testing.T, v string, w, h int) {
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

func golden(t *testing.T, name, have string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(have), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != have {
		t.Errorf("%s differs:\nwant:\n%s\nhave:\n%s", path, want, have)
	}
}

// wide replicates the real frame's 16 CPUs to n (cpu j is the real cpu j mod 16), the way the
// brief asks large machines to be tested: real values, many CPUs.
func wide(f *derive.Frame, n int) *derive.Frame {
	c := *f
	c.CPU = make([]derive.CPU, 0, n+1)
	c.CPU = append(c.CPU, f.CPU[0])
	for j := range n {
		cpu := f.CPU[1+j%(len(f.CPU)-1)]
		cpu.ID, cpu.Name = j, strconv.Itoa(j)
		c.CPU = append(c.CPU, cpu)
	}
	c.NCPU = n
	return &c
}

func TestGolden(t *testing.T) {
	t.Parallel()
	fr := fixture16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	cases := []struct {
		name   string
		frames []*derive.Frame
		w, h   int
		keys   string
	}{
		{"16cpu-80x20", fr, 80, 20, ""},
		{"16cpu-200x46", fr, 200, 46, ""},
		{"16cpu-history-80x20", fr, 80, 20, "v"},
		{"16cpu-history-200x46", fr, 200, 46, "v"},
		{"2cpu-history-80x20", fixture2(t), 80, 20, "v"},
		{"1024cpu-80x20", big, 80, 20, ""},
		{"1024cpu-200x46", big, 200, 46, ""},
	}
	for _, tc := range cases {
		m := show(t, tc.frames, tc.w, tc.h)
		for _, r := range tc.keys {
			m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
		checkSize(t, m.View(), tc.w, tc.h)
		golden(t, tc.name, m.View())
	}
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fr := fixture16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	for _, frames := range [][]*derive.Frame{fr, fr[:1], big, nil} {
		for _, keys := range []string{"", "v"} {
			for _, sz := range [][2]int{{1, 1}, {40, 12}, {79, 24}, {80, 24}, {81, 24}, {120, 40}, {250, 80}} {
				m := show(t, frames, sz[0], sz[1])
				for _, r := range keys {
					m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				}
				checkSize(t, m.View(), sz[0], sz[1])
				least, most := m.TileHeight(sz[0])
				for _, h := range []int{least, most, min(most, 30)} {
					checkSize(t, m.Tile(sz[0], h), sz[0], h)
				}
			}
		}
	}
}

// TestHeatAndHistory checks the real frame's figures in both compact forms: the 1024-CPU grid
// has one cell per CPU, and the history has one row per CPU with its busy % now.
func TestHeatAndHistory(t *testing.T) {
	t.Parallel()
	fr := fixture16(t)
	m := show(t, []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}, 200, 46)
	lines := strings.Split(m.View(), "\n")
	if !strings.Contains(lines[0], "one cell per CPU") || !strings.HasPrefix(lines[2], "   0 ") || !strings.HasPrefix(lines[3], " 168 ") {
		t.Errorf("1024 CPUs at 200 wide: want a heat grid of 168 CPUs a line:\n%s", m.View())
	}
	m = show(t, fr, 200, 46)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v")})
	v := m.View()
	// cpu 0 ran a busy loop: 100 % in the fixture's second sample.
	if row := strings.Split(v, "\n")[2]; !strings.HasSuffix(strings.TrimRight(row, " "), "100.0%") || !strings.HasPrefix(row, "  0 ") {
		t.Errorf("history row of cpu 0: %q", row)
	}
	if !strings.Contains(v, "CPU busy") {
		t.Errorf("the total chart is gone in history mode:\n%s", v)
	}
}
