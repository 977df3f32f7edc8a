package overview

import (
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
	tiles         []string // each place's Tile(), rendered in Update/SetSize
	view          string
	titles        map[titleKey]string // rendered titles (see title)
}

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
		m.view = m.compose(m.plan, m.tiles, m.width, m.height, m.focus)
	}
	return nil
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Focused is the panel whose tile has the focus, or nil without tiles; the root shows its
// definitions while the Overview is active.
func (m *Model) Focused() views.Panel {
	if m.plan.index(m.focus) < 0 {
		return nil
	}
	return m.panels[m.focus]
}

// refresh plans the grid for the current size and tile heights, keeps the focus on a visible
// tile, asks every visible panel for its tile and composes the screen.
func (m *Model) refresh() {
	m.plan = layout(len(m.panels), m.width, m.height, m.titleWidth(), m.heights)
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
	m.tiles = m.renderTiles(m.plan)
	m.view = m.compose(m.plan, m.tiles, m.width, m.height, m.focus)
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

// titleWidth is the widest gutter title: mark, digit, space, title.
func (m *Model) titleWidth() int {
	w := 0
	for i, p := range m.panels {
		w = max(w, views.Width(focusMark+tileKey(i)+" "+p.Title()))
	}
	return w
}

// renderTiles asks each visible panel for its tile at its place's content size.
func (m *Model) renderTiles(p plan) []string {
	out := make([]string, len(p.places))
	for i, pl := range p.places {
		w, h := p.content(pl)
		if w > 0 && h > 0 {
			out[i] = m.panels[pl.tile].Tile(w, h)
		}
	}
	return out
}

// title is tile i's title in exactly w cells (see render), made once per tile, focus, mode,
// width and title: titles change only with the layout and the focus, not with each frame.
func (m *Model) title(i int, focused bool, md mode, w int) string {
	k := titleKey{tile: i, focused: focused, md: md, w: w, title: m.panels[i].Title()}
	if s, ok := m.titles[k]; ok {
		return s
	}
	if m.titles == nil || len(m.titles) > 4*len(m.panels)+16 {
		m.titles = make(map[titleKey]string) // the layout changed: older titles are done with
	}
	s := m.renderTitle(k)
	m.titles[k] = s
	return s
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
	if w <= 0 || h <= 0 {
		return views.Block(nil, w, h)
	}
	if len(m.panels) == 0 {
		return views.Block([]string{m.th.Ink.Dim.Paint("no panels to summarise")}, w, h)
	}
	cols := p.cols
	widths := make([]int, cols)
	xs := make([]int, cols)
	for _, pl := range p.places {
		widths[pl.col], xs[pl.col] = pl.w, pl.x
	}
	// grid[c][y] is exactly widths[c] cells wide, or empty where no tile is.
	grid := make([][]string, cols)
	for c := range grid {
		grid[c] = make([]string, h)
	}
	var blankGutter string
	if p.mode == gutter && p.gutterW > 0 {
		blankGutter = strings.Repeat(" ", p.gutterW)
	}
	for i, pl := range p.places {
		cw, ch := p.content(pl)
		lines := strings.Split(tiles[i], "\n")
		col := grid[pl.col]
		y := pl.y
		if p.mode == titleLine {
			col[y] = m.title(pl.tile, pl.tile == focus, titleLine, pl.w)
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
			if blankGutter != "" {
				g := blankGutter
				if j == 0 {
					g = m.title(pl.tile, pl.tile == focus, gutter, p.gutterW-1) + " "
				}
				line = g + line
			}
			col[y+j] = line
		}
	}
	// The lines go straight into one string: each is put together in line (reused), which
	// is cut only when the layout is wider than the screen.
	n := 0
	for c := range grid {
		for _, cell := range grid[c] {
			n += len(cell)
		}
	}
	var b strings.Builder
	b.Grow(n + h*(w+1))
	line := make([]byte, 0, 4*w)
	for y := range h {
		if y > 0 {
			b.WriteByte('\n')
		}
		if p.more && y == h-1 {
			b.WriteString(views.Fit(m.hiddenLine(p.hidden, w), w))
			break
		}
		line = line[:0]
		x := 0
		for c := range cols {
			if pad := xs[c] - x; pad > 0 {
				line = append(line, views.Blanks(pad)...)
			}
			if cell := grid[c][y]; cell != "" {
				line = append(line, cell...)
			} else {
				line = append(line, views.Blanks(widths[c])...)
			}
			x = max(x, xs[c]) + widths[c]
		}
		switch {
		case x <= w:
			b.Write(line)
			b.WriteString(views.Blanks(w - x))
		default: // a layout wider than the screen: cut it as views.Block would
			b.WriteString(views.Fit(string(line), w))
		}
	}
	return b.String()
}

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
	return m.compose(p, m.renderTiles(p), w, h, -1)
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
