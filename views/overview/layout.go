package overview

const (
	// gap separates columns of tiles.
	gap = 2
	// prefColW is the column width the grid aims for: a column is added for every prefColW
	// cells, so 80 columns get one, 200 get three.
	prefColW = 64
	// minColW is the narrowest column tried when the tiles do not fit in fewer columns.
	minColW = 30
	// maxCols caps the columns however wide the terminal: tiles narrower than a quarter of a
	// very wide screen read better taller.
	maxCols = 4
	// minContentW is the narrowest tile worth drawing beside a gutter title.
	minContentW = 24
)

// mode is where a tile's title goes.
type mode int

const (
	// titleLine puts the title on a line of its own above the tile: roomy screens.
	titleLine mode = iota
	// gutter puts the title to the left of the tile's first line: short screens, where a
	// line per tile is dearer than a dozen columns.
	gutter
)

// place is where one visible tile goes: the block x, y, w, h includes its title (a line in
// titleLine mode, the first gutterW cells in gutter mode).
type place struct {
	tile       int // index into the Overview's panels
	col        int
	x, y, w, h int
}

// plan is one layout of the tiles.
type plan struct {
	mode    mode
	cols    int
	gutterW int
	places  []place // visible tiles, column by column, top to bottom
	hidden  []int   // tiles that did not fit even at their least height
	more    bool    // the last line lists the hidden tiles
	score   int     // tile cells filled with lines the tiles want
	tallest int     // lines used by the fullest column: lower is better balanced
	full    bool    // every tile got the most lines it can use
}

// content is the tile's own block within its place.
func (p *plan) content(pl place) (w, h int) {
	if p.mode == gutter {
		return pl.w - p.gutterW, pl.h
	}
	return pl.w, pl.h - 1
}

// heightFunc is a panel's TileHeight by tile index.
type heightFunc func(tile, w int) (least, most int)

// heightCache asks each panel for its heights once per content width.
type heightCache struct {
	f   heightFunc
	n   int
	byW map[int][][2]int
}

func (c *heightCache) get(tile, w int) (least, most int) {
	if c.byW == nil {
		c.byW = map[int][][2]int{}
	}
	hs, ok := c.byW[w]
	if !ok {
		hs = make([][2]int, c.n)
		for i := range c.n {
			hs[i] = c.ask(i, w)
		}
		c.byW[w] = hs
	}
	return hs[tile][0], hs[tile][1]
}

// ask is tile's heights at w as the planner takes them: every tile shows at least one line
// and never wants fewer lines than it needs.
func (c *heightCache) ask(tile, w int) [2]int {
	l, m := c.f(tile, w)
	l = max(l, 1)
	return [2]int{l, max(m, l)}
}

// unchanged reports whether every panel still gives the heights c holds, at every width the
// planner asked about: a plan made from c is then the plan layout would make again.
func (c *heightCache) unchanged() bool {
	for w, hs := range c.byW {
		for i, h := range hs {
			if c.ask(i, w) != h {
				return false
			}
		}
	}
	return true
}

// colWidths splits w into cols widths with gaps between them; the first columns take the
// remainder.
func colWidths(w, cols int) []int {
	avail := w - gap*(cols-1)
	ws := make([]int, cols)
	for i := range ws {
		ws[i] = avail / cols
		if i < avail%cols {
			ws[i]++
		}
	}
	return ws
}

// layout plans n tiles in a w×h block. The column count follows the width (one per prefColW
// cells), but fewer, wider columns are used when every tile still gets all the lines it can
// use, and more, narrower ones are tried only when the tiles do not fit. For each column count
// both title modes and every split of the tiles into consecutive runs (reading order goes down
// a column, then to the next) are scored by the tile cells they fill with lines the tiles
// want; the best plan where every tile gets at least its least height wins, and of equal ones
// the best balanced (the shortest fullest column), so columns end near the same line. When none
// fits, tiles go in order at their least height and the ones left over are named on the last
// line.
func layout(n, w, h, titleW int, heights heightFunc) plan {
	return layoutWith(n, w, h, titleW, &heightCache{f: heights, n: n})
}

// layoutWith is layout asking the heights through hc, which then holds every height the plan
// depends on (see heightCache.unchanged).
func layoutWith(n, w, h, titleW int, hc *heightCache) plan {
	if n == 0 || w <= 0 || h <= 0 {
		return plan{}
	}
	c0 := min(max((w+gap)/(prefColW+gap), 1), maxCols, n)
	cmax := max(min((w+gap)/(minColW+gap), maxCols, n), c0)
	gw := titleW + 1
	for c := 1; c < c0; c++ {
		if p, ok := bestPlan(n, w, h, gw, c, hc); ok && p.full {
			return p
		}
	}
	for c := c0; c <= cmax; c++ {
		if p, ok := bestPlan(n, w, h, gw, c, hc); ok {
			return p
		}
	}
	return fallback(n, w, h, gw, c0, hc)
}

// bestPlan is the best plan in c columns, of both title modes and every split; ok is false when
// no plan gives every tile its least height.
func bestPlan(n, w, h, gw, c int, hc *heightCache) (best plan, ok bool) {
	ws := colWidths(w, c)
	for _, md := range []mode{titleLine, gutter} {
		if md == gutter && ws[len(ws)-1]-gw < minContentW {
			continue
		}
		forSplits(n, c, func(starts []int) {
			p, fits := place1(md, ws, gw, h, starts, n, hc)
			if fits && (!ok || p.score > best.score || p.score == best.score && p.tallest < best.tallest) {
				best, ok = p, true
			}
		})
	}
	return best, ok
}

// forSplits calls f with the first tile of each of c consecutive, non-empty runs of n tiles.
func forSplits(n, c int, f func(starts []int)) {
	starts := make([]int, c)
	var rec func(k, from int)
	rec = func(k, from int) {
		if k == c {
			f(starts)
			return
		}
		// Leave at least one tile for each later column.
		for s := from; s <= n-(c-k); s++ {
			starts[k] = s
			rec(k+1, s+1)
		}
	}
	starts[0] = 0
	if c == 1 {
		f(starts)
		return
	}
	rec(1, 1)
}

// place1 lays out one split: each tile gets its least height (plus its title line), then the
// lines left in the column go one at a time, top to bottom, to the tiles still short of their
// most. ok is false when a column cannot hold its tiles at their least.
func place1(md mode, ws []int, gw, h int, starts []int, n int, hc *heightCache) (plan, bool) {
	tc := 0 // the title's lines in each place
	if md == titleLine {
		tc, gw = 1, 0
	}
	p := plan{mode: md, cols: len(ws), gutterW: gw, full: true}
	x := 0
	for c, cw := range ws {
		from, to := starts[c], n
		if c+1 < len(starts) {
			to = starts[c+1]
		}
		cont := cw - gw
		alloc := make([]int, to-from)
		need := 0
		for i := range alloc {
			l, _ := hc.get(from+i, cont)
			alloc[i] = l
			need += tc + l
		}
		if need > h {
			return p, false
		}
		for extra := h - need; extra > 0; {
			gave := false
			for i := range alloc {
				if _, m := hc.get(from+i, cont); alloc[i] < m && extra > 0 {
					alloc[i]++
					extra--
					gave = true
				}
			}
			if !gave {
				break
			}
		}
		y := 0
		for i, a := range alloc {
			_, m := hc.get(from+i, cont)
			p.full = p.full && a >= m
			// Lines count at the narrowest column's width, so that a column one cell wider
			// does not attract tiles.
			p.score += min(a, m) * (ws[len(ws)-1] - gw)
			p.places = append(p.places, place{tile: from + i, col: c, x: x, y: y, w: cw, h: a + tc})
			y += a + tc
		}
		p.tallest = max(p.tallest, y)
		x += cw + gap
	}
	return p, true
}

// fallback is the plan for a screen too small for every tile: gutter titles, c columns, tiles
// in order at their least height while they fit, one line kept for naming the rest.
func fallback(n, w, h, gw, cols int, hc *heightCache) plan {
	ws := colWidths(w, cols)
	if ws[len(ws)-1]-gw < minContentW {
		ws = []int{w}
	}
	p := plan{mode: gutter, cols: len(ws), gutterW: gw, more: true}
	if ws[0]-gw < 1 {
		p.gutterW = 0
	}
	room := h - 1
	tile, x := 0, 0
	for c, cw := range ws {
		y := 0
		for tile < n {
			l, _ := hc.get(tile, cw-p.gutterW)
			if y+l > room {
				break
			}
			p.places = append(p.places, place{tile: tile, col: c, x: x, y: y, w: cw, h: l})
			y += l
			tile++
		}
		x += cw + gap
	}
	for ; tile < n; tile++ {
		p.hidden = append(p.hidden, tile)
	}
	if len(p.hidden) == 0 {
		p.more = false
	}
	p.cols = 0
	for _, pl := range p.places {
		p.cols = max(p.cols, pl.col+1)
	}
	return p
}

// deepest is the most tiles any column holds.
func (p *plan) deepest() int {
	per := map[int]int{}
	most := 0
	for _, pl := range p.places {
		per[pl.col]++
		most = max(most, per[pl.col])
	}
	return most
}

// index is the position of tile in places, or -1 when it is hidden.
func (p *plan) index(tile int) int {
	for i, pl := range p.places {
		if pl.tile == tile {
			return i
		}
	}
	return -1
}

// beside is the tile in column col nearest to the vertical middle of place from: the one whose
// lines contain it, else the closest; -1 when col holds no tile.
func (p *plan) beside(from place, col int) int {
	mid2 := 2*from.y + from.h // twice the middle, to stay in integers
	best, bestD := -1, 0
	for _, pl := range p.places {
		if pl.col != col {
			continue
		}
		if 2*pl.y <= mid2 && mid2 < 2*(pl.y+pl.h) {
			return pl.tile
		}
		d := min(abs(2*pl.y-mid2), abs(2*(pl.y+pl.h)-mid2))
		if best < 0 || d < bestD {
			best, bestD = pl.tile, d
		}
	}
	return best
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
