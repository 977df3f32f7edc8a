package overview

import (
	"bytes"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// ExpandMsg asks the root to show Panel in full: e (or enter) on its tile.
type ExpandMsg struct{ Panel views.Panel }

// focusMark marks the focused tile's title, so focus shows without colour too.
const focusMark = "▸"

// Model is the Overview panel.
type Model struct {
	th     *theme.Theme
	keys   KeyMap
	panels []views.Panel

	width, height int
	focus         int // index into panels of the focused tile
	plan          plan
	// planFor and planHeights are what plan was made from: its size and title width, and
	// every height the planner asked of the panels. A frame seldom changes a tile's heights,
	// so the plan is made again only when one of them differs (refresh).
	planFor     planInput
	planHeights *heightCache
	// tiles are each place's tile, rendered in Update/SetSize into tileBuf (each frame's
	// written over the last's: they are the Overview's alone, and drawn into screen).
	tiles   [][]byte
	tileBuf []byte
	// screen is the composed view, written again in place each frame; view is a string of it,
	// made only when View is asked (the root copies screen into its own: ViewBytes).
	screen  []byte
	view    string
	titles  map[titleKey][]byte // rendered titles (see title)
	cells   [][]byte            // compose's grid, kept for the next frame
	gutters [][]byte            // each grid cell's gutter title or blanks, kept likewise
}

// planInput is what a plan depends on besides the tiles' heights.
type planInput struct{ n, w, h, titleW int }

// New returns the Overview over panels, the other panels in the order of their digit keys: the
// Overview is panel 1, so panels[0] is labelled 2, …, panels[8] is labelled 0. The root
// must hand it each frame after the other panels, since it draws their tiles.
func New(th *theme.Theme, panels []views.Panel) *Model {
	m := &Model{th: th, keys: DefaultKeyMap(), panels: panels}
	m.refresh()
	return m
}

// Title is the panel's name.
func (m *Model) Title() string { return "Overview" }

// SetSize lays the tiles out again.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.refresh()
}

// Update redraws the tiles on each frame (the panels have just taken it) and moves the focus
// on keys. Expanding returns a command that delivers an ExpandMsg to the root.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		if !msg.Hidden { // the app routes the window again when it is shown
			m.refresh()
		}
	case tea.KeyMsg:
		i := m.plan.index(m.focus)
		if i < 0 {
			return nil
		}
		cur, places := m.plan.places[i], m.plan.places
		switch {
		case key.Matches(msg, m.keys.Up):
			if i > 0 && places[i-1].col == cur.col {
				m.focus = places[i-1].tile
			}
		case key.Matches(msg, m.keys.Down):
			if i+1 < len(places) && places[i+1].col == cur.col {
				m.focus = places[i+1].tile
			}
		case key.Matches(msg, m.keys.Left):
			if t := m.plan.beside(cur, cur.col-1); t >= 0 {
				m.focus = t
			}
		case key.Matches(msg, m.keys.Right):
			if t := m.plan.beside(cur, cur.col+1); t >= 0 {
				m.focus = t
			}
		case key.Matches(msg, m.keys.First):
			m.focus = places[0].tile
		case key.Matches(msg, m.keys.Last):
			m.focus = places[len(places)-1].tile
		case key.Matches(msg, m.keys.Expand):
			p := m.panels[m.focus]
			return func() tea.Msg { return ExpandMsg{Panel: p} }
		default:
			return nil
		}
		m.draw()
	}
	return nil
}

// draw composes the screen in place; View makes its string when asked.
func (m *Model) draw() {
	m.screen, m.view = m.composeTo(m.screen[:0], m.plan, m.tiles, m.width, m.height, m.focus), ""
}

// View returns the rendering, made a string once per frame at most.
func (m *Model) View() string {
	if m.view == "" && len(m.screen) > 0 {
		m.view = string(m.screen)
	}
	return m.view
}

// ViewBytes is the rendering as the Overview keeps it (views.ViewBytes), good until the next
// SetSize or Update.
func (m *Model) ViewBytes() []byte { return m.screen }

// Focused is the panel whose tile has the focus, or nil without tiles; the root shows its
// definitions while the Overview is active.
func (m *Model) Focused() views.Panel {
	if m.plan.index(m.focus) < 0 {
		return nil
	}
	return m.panels[m.focus]
}

// refresh plans the grid for the current size and tile heights (unless the plan already is
// of them), keeps the focus on a visible tile, asks every visible panel for its tile and
// composes the screen.
func (m *Model) refresh() {
	in := planInput{n: len(m.panels), w: m.width, h: m.height, titleW: m.titleWidth()}
	if m.planHeights == nil || in != m.planFor || !m.planHeights.unchanged() {
		m.replan(in)
	}
	m.renderTilesTo(m.plan)
	m.draw()
}

// replan lays the tiles out for in and the panels' heights now, and keeps the focus on a
// visible tile.
func (m *Model) replan(in planInput) {
	hc := &heightCache{f: m.heights, n: in.n}
	m.plan = layoutWith(in.n, in.w, in.h, in.titleW, hc)
	m.planFor, m.planHeights = in, hc
	if ps := m.plan.places; len(ps) > 0 && m.plan.index(m.focus) < 0 {
		// The focused tile no longer fits: take the last visible one before it (places run in
		// tile order), else the first.
		f := ps[0].tile
		for _, pl := range ps {
			if pl.tile < m.focus {
				f = pl.tile
			}
		}
		m.focus = f
	}
	m.keys.setEnabled(len(m.plan.places), m.plan.deepest(), m.plan.cols)
}

func (m *Model) heights(i, w int) (least, most int) { return m.panels[i].TileHeight(w) }

// digit is the key of the panel at position i of the root's list; the Overview is 0.
func digit(i int) string {
	if i == 9 {
		return "0"
	}
	return string(rune('1' + i))
}

// tileKey is the digit that shows tile i's panel in full.
func tileKey(i int) string { return digit(i + 1) }

// titleWidth is the widest gutter title: mark, digit, space, title (measured apart: nothing
// joins across the space).
func (m *Model) titleWidth() int {
	w := 0
	for i, p := range m.panels {
		w = max(w, views.Width(focusMark)+len(tileKey(i))+1+views.Width(p.Title()))
	}
	return w
}

// renderTiles asks each visible panel for its tile at its place's content size, into out
// when it has the room (the strings of the frame before are done with).
func (m *Model) renderTiles(p plan, out []string) []string {
	if cap(out) < len(p.places) {
		out = make([]string, len(p.places))
	}
	out = out[:len(p.places)]
	for i, pl := range p.places {
		out[i] = ""
		if w, h := p.content(pl); w > 0 && h > 0 {
			out[i] = m.panels[pl.tile].Tile(w, h)
		}
	}
	return out
}

// renderTilesTo renders each visible panel's tile at its place's content size into m.tiles,
// all in m.tileBuf: a panel that can append its tile (views.TileAppender) makes no string of
// it.
func (m *Model) renderTilesTo(p plan) {
	buf, tiles := m.tileBuf[:0], m.tiles[:0]
	for _, pl := range p.places {
		start := len(buf)
		if w, h := p.content(pl); w > 0 && h > 0 {
			if ta, ok := m.panels[pl.tile].(views.TileAppender); ok {
				buf = ta.AppendTile(buf, w, h)
			} else {
				buf = append(buf, m.panels[pl.tile].Tile(w, h)...)
			}
		}
		// Full slice: a tile is never appended to. Tiles before a growth of buf stay in the
		// old array, which they keep alive.
		tiles = append(tiles, buf[start:len(buf):len(buf)])
	}
	m.tileBuf, m.tiles = buf, tiles
}

// title is tile i's title in exactly w cells (see render; a gutter title has the blank after
// it too), made once per tile, focus, mode, width and title: titles change only with the
// layout and the focus, not with each frame.
func (m *Model) title(i int, focused bool, md mode, w int) []byte {
	k := titleKey{tile: i, focused: focused, md: md, w: w, title: m.panels[i].Title()}
	if s, ok := m.titles[k]; ok {
		return s
	}
	if m.titles == nil || len(m.titles) > 4*len(m.panels)+16 {
		m.titles = make(map[titleKey][]byte) // the layout changed: older titles are done with
	}
	s := m.renderTitle(k)
	if k.md == gutter {
		s += " " // the gutter's last cell, kept with the title so a line joins no string
	}
	b := []byte(s)
	m.titles[k] = b
	return b
}

// titleKey is what a title's rendering depends on.
type titleKey struct {
	tile    int
	focused bool
	md      mode
	w       int
	title   string
}

// renderTitle renders tile k.tile's title in k.w cells: the focus mark and reverse video when
// focused, a rule to the edge in titleLine mode.
func (m *Model) renderTitle(k titleKey) string {
	th := m.th
	d, t, w := tileKey(k.tile), k.title, k.w
	var s string
	switch {
	case k.md == gutter && k.focused:
		s = focusMark + th.Ink.Live.Paint(d+" "+t)
	case k.md == gutter:
		s = " " + th.Ink.Label.Paint(d) + " " + th.Ink.Title.Paint(t)
	case k.focused:
		s = focusMark + th.Ink.Live.Paint(" "+d+" "+t+" ")
	default:
		s = " " + th.Ink.Label.Paint(" "+d) + " " + th.Ink.Title.Paint(t+" ")
	}
	if k.md == titleLine {
		if rest := w - views.Width(s) - 1; rest > 0 {
			s += " " + th.Ink.Dim.Paint(strings.Repeat("─", rest))
		}
	}
	return views.Fit(s, w)
}

// compose draws the plan: columns of tiles with their titles, side by side, and the line that
// names the tiles that did not fit.
//
// Each piece is made exactly as wide as its place once (a tile's lines by views.Fit, its
// title by the cache of titles), so the screen's lines are joined from pieces of known width
// and not measured again: measuring a line (ansi.StringWidth, grapheme by grapheme) was most of
// the Overview's cost a frame when every line was fitted three times over (docs/perf.md).
func (m *Model) compose(p plan, tiles []string, w, h, focus int) string {
	bs := make([][]byte, len(tiles))
	for i, t := range tiles {
		bs[i] = []byte(t)
	}
	return string(m.composeTo(nil, p, bs, w, h, focus))
}

// composeTo appends compose's screen of tiles to dst.
func (m *Model) composeTo(dst []byte, p plan, tiles [][]byte, w, h, focus int) []byte {
	if w <= 0 || h <= 0 {
		return append(dst, views.Block(nil, w, h)...)
	}
	if len(m.panels) == 0 {
		return append(dst, views.Block([]string{m.th.Ink.Dim.Paint("no panels to summarise")}, w, h)...)
	}
	cols := p.cols
	var widthsA, xsA [maxCols]int // a plan has at most maxCols columns
	widths, xs := widthsA[:cols], xsA[:cols]
	for _, pl := range p.places {
		widths[pl.col], xs[pl.col] = pl.w, pl.x
	}
	// grid[c*h+y] is exactly widths[c] cells wide, or empty where no tile is. Its cells are
	// kept for the next frame.
	if cap(m.cells) < cols*h {
		m.cells, m.gutters = make([][]byte, cols*h), make([][]byte, cols*h)
	}
	grid, gutters := m.cells[:cols*h], m.gutters[:cols*h]
	clear(grid)
	clear(gutters)
	var blankGutter []byte
	if p.mode == gutter && p.gutterW > 0 {
		blankGutter = blankBytes(p.gutterW)
	}
	for i, pl := range p.places {
		cw, ch := p.content(pl)
		rest := tiles[i] // its lines, cut off one by one
		col := grid[pl.col*h : (pl.col+1)*h]
		gut := gutters[pl.col*h : (pl.col+1)*h]
		y := pl.y
		if p.mode == titleLine {
			col[y] = m.title(pl.tile, pl.tile == focus, titleLine, pl.w)
			y++
		}
		for j := range ch {
			if y+j >= h {
				break
			}
			var line []byte
			line, rest, _ = bytes.Cut(rest, newline)
			if views.WidthBytes(line) != cw { // tiles come exactly as wide: this is seldom
				line = []byte(views.Fit(string(line), cw))
			}
			col[y+j] = line
			if blankGutter != nil { // written before the line by lineAt: no string of the two
				gut[y+j] = blankGutter
				if j == 0 {
					gut[y+j] = m.title(pl.tile, pl.tile == focus, gutter, p.gutterW-1)
				}
			}
		}
	}
	// Every screen line has the same gaps between its columns and the same blanks after the
	// last: the screen's size is known before it is written, and it is written once into one
	// string. Each line is put together in line (reused) first, and cut when the layout is
	// wider than the screen.
	gaps, x := 0, 0
	for c := range cols {
		gaps += max(xs[c]-x, 0)
		x = max(x, xs[c]) + widths[c]
	}
	tail := max(w-x, 0)
	rows := h
	last := ""
	if p.more {
		rows = h - 1
		last = views.Fit(m.hiddenLine(p.hidden, w), w)
	}
	n := rows*(gaps+tail) + h - 1 + len(last)
	for c := range cols {
		for y, cell := range grid[c*h : c*h+rows] {
			g := gutters[c*h+y]
			if len(cell) == 0 && len(g) == 0 {
				n += widths[c]
			}
			n += len(g) + len(cell)
		}
	}
	dst = slices.Grow(dst, n)
	for y := range rows {
		if y > 0 {
			dst = append(dst, '\n')
		}
		from := len(dst)
		dst = m.lineAt(dst, grid, gutters, y, h, widths, xs)
		if x > w {
			dst = append(dst[:from], views.Fit(string(dst[from:]), w)...) // as views.Block would
			continue
		}
		dst = append(dst, views.Blanks(tail)...)
	}
	if p.more {
		if rows > 0 {
			dst = append(dst, '\n')
		}
		dst = append(dst, last...)
	}
	return dst
}

// lineAt appends screen line y of grid (h lines a column) to line: each column's gutter and
// cell, or blanks where it has neither, after the gap before it.
func (m *Model) lineAt(line []byte, grid, gutters [][]byte, y, h int, widths, xs []int) []byte {
	x := 0
	for c := range widths {
		if pad := xs[c] - x; pad > 0 {
			line = append(line, views.Blanks(pad)...)
		}
		if cell, g := grid[c*h+y], gutters[c*h+y]; len(cell) > 0 || len(g) > 0 {
			line = append(line, g...)
			line = append(line, cell...)
		} else {
			line = append(line, views.Blanks(widths[c])...)
		}
		x = max(x, xs[c]) + widths[c]
	}
	return line
}

// newline cuts a tile into its lines.
var newline = []byte{'\n'}

// blankBytes is n blanks from a shared run, cut so that nothing can append into it.
func blankBytes(n int) []byte {
	if n <= len(blankRun) {
		return blankRun[:n:n]
	}
	return bytes.Repeat([]byte{' '}, n)
}

var blankRun = bytes.Repeat([]byte{' '}, 512)

// hiddenLine names the tiles that did not fit with their digits, or gives the digits alone
// when the names do not fit either.
func (m *Model) hiddenLine(hidden []int, w int) string {
	names := make([]string, len(hidden))
	keys := make([]string, len(hidden))
	for i, t := range hidden {
		keys[i] = m.th.Ink.Label.Paint(tileKey(t))
		names[i] = keys[i] + " " + m.panels[t].Title()
	}
	head := m.th.Ink.Dim.Paint("not shown: ")
	if s := head + strings.Join(names, ", "); views.Width(s) <= w {
		return s
	}
	return head + strings.Join(keys, " ")
}

// Tile draws the whole grid at w×h, without focus: the Overview is not itself a tile on the
// Overview, but it is a compact summary like any other.
func (m *Model) Tile(w, h int) string {
	p := layout(len(m.panels), w, h, m.titleWidth(), m.heights)
	return m.compose(p, m.renderTiles(p, nil), w, h, -1)
}

// TileHeight is every tile at its least, one column with gutter titles, up to every tile at its
// most under its title line.
func (m *Model) TileHeight(w int) (least, most int) {
	gw := m.titleWidth() + 1
	for _, p := range m.panels {
		l, _ := p.TileHeight(max(w-gw, 1))
		_, mo := p.TileHeight(w)
		least += max(l, 1)
		most += 1 + max(mo, l, 1)
	}
	return least, most
}

// ShortHelp lists the Overview's keys for the status line.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the Overview's keys for the help screen.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs are the focused tile's panel's definitions: the Overview shows no numbers of its own.
func (m *Model) Defs() []views.Def {
	if p := m.Focused(); p != nil {
		return p.Defs()
	}
	return nil
}
