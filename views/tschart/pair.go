package tschart

import (
	"time"

	"github.com/ktop-dev/ktop/views/columns"
)

// Pair lays out two charts under a panel's text, as the Disk, Network and Memory panels show
// them: side by side from PairSideBySide columns, stacked when the room holds two of minH
// lines, else the first alone. It keeps the sizes it gave, so the charts are resized only when
// they change, and places clicks and the view from the same layout.
type Pair struct {
	w, h  [2]int // the charts' sizes; h[0] == 0: no charts
	width int
}

// PairSideBySide is the narrowest panel that draws a pair's charts next to each other, and
// pairGap the columns between them then.
const (
	PairSideBySide = 64
	pairGap        = 2
)

// Size gives charts a and b the room of width w and height ch (0: none), resizing them when
// their share changed. minH is the least height of one chart.
func (p *Pair) Size(a, b *Model, w, ch, minH int) {
	var cw, chh [2]int
	switch {
	case ch == 0:
	case w >= PairSideBySide:
		cw = [2]int{(w - pairGap) / 2, w - pairGap - (w-pairGap)/2}
		chh = [2]int{ch, ch}
	case ch >= 2*(minH-1):
		cw = [2]int{w, w}
		chh = [2]int{ch / 2, ch - ch/2}
	default:
		cw, chh = [2]int{w, 0}, [2]int{ch, 0}
	}
	p.width = w
	if cw != p.w || chh != p.h {
		p.w, p.h = cw, chh
		a.SetSize(cw[0], chh[0])
		b.SetSize(cw[1], chh[1])
	}
}

// Shown reports whether chart i (0: the first, 1: the second) has room in the layout.
func (p *Pair) Shown(i int) bool { return p.h[i] > 0 }

// Below is top with the charts' views under it, as laid out; top alone without charts.
func (p *Pair) Below(top string, a, b *Model) string {
	switch {
	case p.h[0] == 0:
		return top
	case p.h[1] == 0:
		return top + "\n" + a.View()
	case p.w[0] == p.width:
		return top + "\n" + a.View() + "\n" + b.View()
	}
	return top + "\n" + columns.Beside(pairGap, a.View(), b.View())
}

// TimeAt is the time under a click at (x, y) of a view of height lines whose bottom the
// charts fill (views.TimeLocator).
func (p *Pair) TimeAt(x, y, height int, a, b *Model) (time.Time, bool) {
	h0, h1 := p.h[0], p.h[1]
	switch {
	case h0 == 0:
		return time.Time{}, false
	case h1 == 0:
		return TimeIn(x, y, Placed{Chart: a, Y: height - h0})
	case p.w[0] == p.width:
		return TimeIn(x, y, Placed{Chart: a, Y: height - h0 - h1}, Placed{Chart: b, Y: height - h1})
	}
	return TimeIn(x, y, Placed{Chart: a, Y: height - h0}, Placed{Chart: b, X: p.w[0] + pairGap, Y: height - h0})
}
