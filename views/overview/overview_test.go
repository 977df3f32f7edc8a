package overview

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/cpupanel"
)

// fake is a panel test double: a fixed list of tile lines and fixed heights. It records the
// size of the last tile asked for.
type fake struct {
	title       string
	lines       []string
	least, most int
	tileW       int
	tileH       int
	frames      int
}

func (f *fake) Title() string    { return f.title }
func (f *fake) SetSize(_, _ int) {}
func (f *fake) View() string     { return "" }
func (f *fake) Defs() []views.Def {
	return []views.Def{{Name: f.title + "-col", Meaning: "m", Formula: "x", Source: "/proc/x"}}
}
func (f *fake) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(views.FrameMsg); ok {
		f.frames++
	}
	return nil
}
func (f *fake) Tile(w, h int) string {
	f.tileW, f.tileH = w, h
	return views.Block(f.lines, w, h)
}
func (f *fake) TileHeight(int) (int, int) { return f.least, f.most }
func (f *fake) ShortHelp() []key.Binding  { return nil }
func (f *fake) FullHelp() [][]key.Binding { return nil }
func lines(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s line %d", prefix, i+1)
	}
	return out
}

// checklist is nine fakes shaped like the real panels after CPU: a few lines each, the process
// list and the kernel log wanting many.
func checklist() []views.Panel {
	mk := func(title string, least, most int) *fake {
		return &fake{title: title, lines: lines(strings.ToLower(title), most), least: least, most: most}
	}
	return []views.Panel{
		mk("CPU", 2, 17), mk("Run queue", 1, 4), mk("Softirqs", 1, 6), mk("Interrupts", 1, 6),
		mk("Disk", 1, 5), mk("Network", 2, 6), mk("Memory", 2, 5), mk("Processes", 2, 15), mk("Kernel log", 1, 10),
	}
}

func newModel(ps []views.Panel, w, h int) *Model {
	m := New(fixture.ASCII(), ps)
	m.SetSize(w, h)
	return m
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	sizes := [][2]int{{1, 1}, {10, 3}, {40, 12}, {60, 10}, {79, 20}, {80, 20}, {81, 20}, {120, 36}, {200, 46}, {250, 76}, {500, 196}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		fixture.CheckBlock(t, newModel(checklist(), w, h).View(), w, h)
		fixture.CheckBlock(t, newModel(nil, w, h).View(), w, h)
		fixture.CheckBlock(t, newModel(checklist(), 1, 1).Tile(w, h), w, h)
	}
}

// TestEveryTileShown checks the brief's promise: at 80×24 (a body of 20 lines) every tile of
// the checklist shows, each with 1–3 lines; at 200×50 there are two or three columns and the
// tiles get more lines.
func TestEveryTileShown(t *testing.T) {
	t.Parallel()
	ps := checklist()
	m := newModel(ps, 80, 20)
	v := m.View()
	for i, p := range ps {
		f := p.(*fake)
		if !strings.Contains(v, tileKey(i)+" "+f.title) {
			t.Errorf("80×20: title %q missing:\n%s", f.title, v)
		}
		if !strings.Contains(v, strings.ToLower(f.title)+" line 1") {
			t.Errorf("80×20: tile %q missing:\n%s", f.title, v)
		}
		if f.tileH < 1 || f.tileH > 3 {
			t.Errorf("80×20: tile %q got %d lines, want 1–3", f.title, f.tileH)
		}
	}
	if len(m.plan.hidden) > 0 || m.plan.more {
		t.Errorf("80×20: tiles hidden: %v", m.plan.hidden)
	}
	m = newModel(ps, 200, 46)
	if m.plan.cols < 2 || m.plan.cols > 3 {
		t.Errorf("200×46: %d columns, want 2 or 3", m.plan.cols)
	}
	if m.plan.mode != titleLine {
		t.Errorf("200×46: titles in the gutter, want title lines")
	}
	for _, p := range ps {
		f := p.(*fake)
		if f.tileH < min(f.most, 4) {
			t.Errorf("200×46: tile %q got %d lines of %d wanted", f.title, f.tileH, f.most)
		}
		if f.tileW < 60 {
			t.Errorf("200×46: tile %q only %d wide", f.title, f.tileW)
		}
	}
}

// TestTooSmall lays the checklist out in fewer lines than the tiles need: the tiles that fit
// come first, in order, and the last line names the others with their digits.
func TestTooSmall(t *testing.T) {
	t.Parallel()
	ps := checklist()
	m := newModel(ps, 60, 8)
	v := m.View()
	fixture.CheckBlock(t, v, 60, 8)
	ls := strings.Split(v, "\n")
	last := ls[len(ls)-1]
	if !strings.HasPrefix(last, "not shown: ") || !strings.Contains(last, "0 Kernel log") {
		t.Errorf("last line does not name the hidden tiles: %q", last)
	}
	if !strings.Contains(v, "2 CPU") {
		t.Errorf("first tile not shown:\n%s", v)
	}
	// The focus follows to a visible tile when the one it was on no longer fits.
	big := newModel(ps, 80, 20)
	big.Update(fixture.Key("end"))
	if want, have := len(ps)-1, big.focus; want != have {
		t.Fatalf("end: focus %d, want %d", have, want)
	}
	big.SetSize(60, 8)
	if big.plan.index(big.focus) < 0 {
		t.Errorf("focus %d is on a hidden tile", big.focus)
	}
}

// TestFocusKeys moves the focus around a three-column grid and a one-column one.
func TestFocusKeys(t *testing.T) {
	t.Parallel()
	// Three columns of three equal tiles: 0 1 2 | 3 4 5 | 6 7 8.
	grid := func() []views.Panel {
		var ps []views.Panel
		for i := range 9 {
			ps = append(ps, &fake{title: fmt.Sprint("T", i), lines: lines("t", 10), least: 10, most: 10})
		}
		return ps
	}
	tests := []struct {
		w, h int
		keys []string
		want int
	}{
		{200, 33, nil, 0},
		{200, 33, []string{"down"}, 1},
		{200, 33, []string{"down", "down", "down"}, 2}, // stops at the column's bottom
		{200, 33, []string{"up"}, 0},
		{200, 33, []string{"right"}, 3},
		{200, 33, []string{"down", "right", "right"}, 7},
		{200, 33, []string{"right", "right", "right"}, 6},
		{200, 33, []string{"left"}, 0},
		{200, 33, []string{"end"}, 8},
		{200, 33, []string{"end", "home"}, 0},
		{200, 33, []string{"x"}, 0},
		{80, 100, []string{"down", "down"}, 2}, // one column: down walks the list
		{80, 100, []string{"right"}, 0},
	}
	for _, tc := range tests {
		m := newModel(grid(), tc.w, tc.h)
		for _, k := range tc.keys {
			m.Update(fixture.Key(k))
		}
		if have := m.focus; have != tc.want {
			t.Errorf("%d×%d %v: focus %d, want %d", tc.w, tc.h, tc.keys, have, tc.want)
		}
		if m.Focused() != m.panels[tc.want] {
			t.Errorf("%v: Focused is not tile %d", tc.keys, tc.want)
		}
	}
	// Help never lies: left and right only where there are columns to move to.
	one, three := newModel(grid(), 80, 100), newModel(grid(), 200, 33)
	if one.keys.Left.Enabled() || !three.keys.Left.Enabled() {
		t.Errorf("left enabled: one column %v, three columns %v", one.keys.Left.Enabled(), three.keys.Left.Enabled())
	}
	if v := newModel(nil, 80, 20); v.keys.Expand.Enabled() || v.keys.Up.Enabled() {
		t.Error("keys enabled without tiles")
	}
}

// TestExpand checks that e and enter ask the root for the focused tile's panel.
func TestExpand(t *testing.T) {
	t.Parallel()
	ps := checklist()
	m := newModel(ps, 200, 46)
	m.Update(fixture.Key("right"))
	for _, k := range []string{"e", "enter"} {
		cmd := m.Update(fixture.Key(k))
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		msg, ok := cmd().(ExpandMsg)
		if !ok || msg.Panel != m.Focused() || msg.Panel == ps[0] {
			t.Errorf("%s: %#v, want the focused panel %q", k, msg, m.Focused().Title())
		}
	}
	if got := m.Defs(); len(got) != 1 || got[0].Name != m.Focused().Title()+"-col" {
		t.Errorf("Defs are not the focused panel's: %v", got)
	}
}

// TestFocusMark checks that focus shows without colour.
func TestFocusMark(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 20}, {200, 46}} {
		m := newModel(checklist(), sz[0], sz[1])
		m.Update(fixture.Key("down"))
		v := m.View()
		if want, have := 1, strings.Count(v, focusMark); want != have {
			t.Errorf("%v: %d focus marks, want %d", sz, have, want)
		}
		if !strings.Contains(v, focusMark+"3 Run queue") && !strings.Contains(v, focusMark+" 3 Run queue") {
			t.Errorf("%v: the focus mark is not on Run queue:\n%s", sz, v)
		}
	}
}

// TestLayoutFillsAndBalances checks the planner on its own: places never overlap or leave the
// block, and wider screens do not give a tile fewer lines.
func TestLayoutFillsAndBalances(t *testing.T) {
	t.Parallel()
	ps := checklist()
	hf := func(i, _ int) (int, int) { return ps[i].TileHeight(0) }
	for _, sz := range [][2]int{{60, 10}, {80, 20}, {120, 36}, {200, 46}, {300, 70}} {
		w, h := sz[0], sz[1]
		p := layout(len(ps), w, h, 13, hf)
		used := map[[2]int]int{}
		for _, pl := range p.places {
			if pl.x < 0 || pl.y < 0 || pl.x+pl.w > w || pl.y+pl.h > h {
				t.Errorf("%d×%d: tile %d at %+v leaves the block", w, h, pl.tile, pl)
			}
			for y := pl.y; y < pl.y+pl.h; y++ {
				for x := pl.x; x < pl.x+pl.w; x++ {
					if o, ok := used[[2]int{x, y}]; ok {
						t.Fatalf("%d×%d: tiles %d and %d overlap at %d,%d", w, h, o, pl.tile, x, y)
					}
					used[[2]int{x, y}] = pl.tile
				}
			}
		}
		if want, have := len(ps), len(p.places)+len(p.hidden); want != have {
			t.Errorf("%d×%d: %d tiles placed or hidden, want %d", w, h, have, want)
		}
	}
}

// withCPU is the real CPU panel fed the fixture, then the checklist's other fakes.
func withCPU(t *testing.T) []views.Panel {
	cpu := cpupanel.New(fixture.ASCII(), time.Second)
	cpu.Update(views.FrameMsg{Frames: fixture.Frames16(t)})
	return append([]views.Panel{cpu}, checklist()[1:]...)
}

// TestRealCPUTile checks the real CPU panel as a tile: at 80×20 it shows the legend, "all"
// and the 16 CPUs as heat cells, at 200×46 every one of the 16 CPUs as a bar.
func TestRealCPUTile(t *testing.T) {
	t.Parallel()
	v := newModel(withCPU(t), 80, 20).View()
	if !strings.Contains(v, "all ") || !strings.Contains(v, "CPU busy now, one cell per CPU") || !strings.Contains(v, "  0 @.@.@... @@....@:") {
		t.Errorf("80×20: CPU tile lacks legend, all or a cell for each CPU:\n%s", v)
	}
	v = newModel(withCPU(t), 200, 46).View()
	if want, have := 17, strings.Count(v, " st "); want != have {
		t.Errorf("200×46: %d CPU rows, want %d (all + 16):\n%s", have, want, v)
	}
}

// TestGolden compares whole Overview screens with the ASCII profile, with test doubles and with
// the real CPU tile, at 80×20 and 200×46 (the bodies of 80×24 and 200×50), and with too few
// lines. go test ./views/overview -update rewrites them.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ps   func() []views.Panel
		w, h int
	}{
		{"fakes-80x20", checklist, 80, 20},
		{"fakes-200x46", checklist, 200, 46},
		{"cpu-80x20", func() []views.Panel { return withCPU(t) }, 80, 20},
		{"cpu-200x46", func() []views.Panel { return withCPU(t) }, 200, 46},
		{"fakes-60x8", checklist, 60, 8},
	} {
		have := newModel(tc.ps(), tc.w, tc.h).View()
		fixture.CheckBlock(t, have, tc.w, tc.h)
		fixture.Golden(t, tc.name, have)
	}
}

// TestComposeMeasuresOnce checks the composition that fits each piece once against the plain
// one it replaced (every tile line, grid cell and screen line fitted again), in colour, at
// sizes that give both title modes, truncated gutter titles and hidden tiles, with the focus
// on each tile in turn.
func TestComposeMeasuresOnce(t *testing.T) {
	t.Parallel()
	th := fixture.Theme(termenv.TrueColor)
	sizes := [][2]int{{30, 6}, {60, 8}, {80, 20}, {81, 24}, {120, 30}, {133, 41}, {200, 46}, {257, 60}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		m := New(th, checklist())
		m.SetSize(w, h)
		for f := range m.panels {
			m.focus = f
			p := m.plan
			tiles := m.renderTiles(p, nil)
			want, have := composeRef(m, p, tiles, w, h, f), m.compose(p, tiles, w, h, f)
			if want != have {
				t.Errorf("%dx%d focus %d: compose differs from fitting every line\nwant:\n%s\nhave:\n%s", w, h, f, want, have)
			}
		}
	}
}

// composeRef is the composition as it was before it measured each piece once.
func composeRef(m *Model, p plan, tiles []string, w, h, focus int) string {
	widths := make([]int, p.cols)
	xs := make([]int, p.cols)
	for _, pl := range p.places {
		widths[pl.col], xs[pl.col] = pl.w, pl.x
	}
	grid := make([][]string, p.cols)
	for c := range grid {
		grid[c] = make([]string, h)
	}
	for i, pl := range p.places {
		cw, ch := p.content(pl)
		lines := strings.Split(tiles[i], "\n")
		col := grid[pl.col]
		y := pl.y
		if p.mode == titleLine {
			col[y] = m.renderTitle(titleKey{pl.tile, pl.tile == focus, titleLine, pl.w, m.panels[pl.tile].Title()})
			y++
		}
		for j := range ch {
			if y+j >= h {
				break
			}
			line := ""
			if j < len(lines) {
				line = lines[j]
			}
			line = views.Fit(line, cw)
			if p.mode == gutter && p.gutterW > 0 {
				g := strings.Repeat(" ", p.gutterW)
				if j == 0 {
					g = views.Fit(m.renderTitle(titleKey{pl.tile, pl.tile == focus, gutter, p.gutterW - 1, m.panels[pl.tile].Title()}), p.gutterW)
				}
				line = g + line
			}
			col[y+j] = line
		}
	}
	out := make([]string, h)
	for y := range h {
		var b strings.Builder
		x := 0
		for c := range p.cols {
			b.WriteString(strings.Repeat(" ", max(xs[c]-x, 0)))
			b.WriteString(views.Fit(grid[c][y], widths[c]))
			x = xs[c] + widths[c]
		}
		out[y] = b.String()
	}
	if p.more && h > 0 {
		out[h-1] = m.hiddenLine(p.hidden, w)
	}
	return views.Block(out, w, h)
}

// TestPlanKeptWhileHeightsStay: the plan is made again only when the size or a tile's heights
// change, and the screen is then what a new Overview would draw: frames that change the
// heights (tiles growing, shrinking, hiding others) and frames that do not, at sizes of both
// title modes and of hidden tiles.
func TestPlanKeptWhileHeightsStay(t *testing.T) {
	t.Parallel()
	type step struct {
		tile, least, most int // a height change before the frame, or tile -1 for none
		replan            bool
	}
	steps := []step{
		{-1, 0, 0, false},
		{7, 2, 15, false}, // the same heights again
		{7, 2, 3, true},   // Processes shrinks
		{-1, 0, 0, false},
		{0, 4, 30, true}, // CPU wants more than there is
		{8, 1, 1, true},
		{-1, 0, 0, false},
	}
	for _, sz := range [][2]int{{60, 8}, {80, 20}, {200, 46}} {
		w, h := sz[0], sz[1]
		ps := checklist()
		m := newModel(ps, w, h)
		for i, s := range steps {
			if s.tile >= 0 {
				f := ps[s.tile].(*fake)
				f.least, f.most = s.least, s.most
				f.lines = lines(strings.ToLower(f.title), s.most)
			}
			before := m.planHeights
			m.Update(views.FrameMsg{})
			if want, have := s.replan, m.planHeights != before; want != have {
				t.Errorf("%dx%d step %d: planned again %v, want %v", w, h, i, have, want)
			}
			if want, have := newModel(ps, w, h).View(), m.View(); want != have {
				t.Errorf("%dx%d step %d: kept plan draws\n%s\nwant\n%s", w, h, i, have, want)
			}
		}
	}
}

// TestViewBytesLifetime: the screen the Overview keeps as bytes is written over by the next
// frame, so View's string must be a copy that no later frame changes, and the bytes must be
// the view of now.
func TestViewBytesLifetime(t *testing.T) {
	t.Parallel()
	a := &fake{title: "A", lines: lines("a", 10), least: 3, most: 10}
	m := New(fixture.ASCII(), []views.Panel{a})
	m.SetSize(40, 12)
	before := m.View()
	kept := strings.Clone(before)
	a.lines = lines("b", 10) // the next frame draws other lines over the same buffer
	m.Update(views.FrameMsg{})
	if before != kept {
		t.Errorf("a view taken before the frame changed:\nwant:\n%s\nhave:\n%s", kept, before)
	}
	if want, have := m.View(), string(m.ViewBytes()); want != have || want == kept {
		t.Errorf("ViewBytes is not the new view:\nview:\n%s\nbytes:\n%s", want, have)
	}
}
