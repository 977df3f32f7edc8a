package mempanel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/columns"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

// Thresholds: little memory left to reclaim (free's available) is the checklist's warning;
// direct reclaim, allocation stalls and swapping mean tasks wait for memory; an OOM kill is
// always bad. PSI: the share of time some task stalled, warn from 10 % (avg10 and the
// interval's stall %).
const (
	availWarn, availBad = 10.0, 5.0 // % of total, below which available is coloured
	psiWarn             = 10.0
	anyWarn             = -1 // warn above zero
)

const (
	chartMin = 7
	labelW   = 8 // "Swapping"
)

// Model is the Memory panel.
type Model struct {
	th   *theme.Theme
	keys KeyMap

	frame *derive.Frame
	io    bool // the pressure chart shows io instead of memory

	used, psi tschart.Model
	charts    tschart.Pair // the two charts' layout

	width, height int
	top           []string // the figures above the charts, for the current width
	view          string
	tile          views.Lines // the tile's lines, kept for the next frame
}

// New returns the Memory panel; interval labels the charts' time axes.
func New(th *theme.Theme, interval time.Duration) *Model {
	m := &Model{th: th, keys: DefaultKeyMap()}
	m.used = tschart.New(th, interval, tschart.Spec{
		Title: "Mem used", Subtitle: "total − available", Unit: "%", Max: 100,
		Series: []tschart.Series{{Name: "used", Value: usedPct}},
	})
	m.psi = tschart.New(th, interval, m.psiSpec())
	return m
}

func usedPct(f *derive.Frame) (float64, bool) {
	if f.Mem == nil || f.Mem.TotalKB == 0 {
		return 0, false
	}
	return 100 * float64(f.Mem.UsedKB) / float64(f.Mem.TotalKB), true
}

// psiSpec charts the interval stall % of the some line (full with a second line), on an
// automatic range: pressure worth seeing is often a few %.
func (m *Model) psiSpec() tschart.Spec {
	res, pick := "memory", func(p *derive.PSI) *derive.PSIResource { return p.Memory }
	if m.io {
		res, pick = "io", func(p *derive.PSI) *derive.PSIResource { return p.IO }
	}
	line := func(full bool) func(*derive.Frame) (float64, bool) {
		return func(f *derive.Frame) (float64, bool) {
			if f.PSI == nil {
				return 0, false
			}
			r := pick(f.PSI)
			if r == nil {
				return 0, false
			}
			l := r.Some
			if full {
				l = r.Full
			}
			if l == nil || !l.Stall.OK {
				return 0, false
			}
			return l.Stall.V, true
		}
	}
	return tschart.Spec{
		Title: "PSI " + res + " some", Subtitle: "(full: red)", Unit: "%",
		Series: []tschart.Series{{Name: "some", Value: line(false)}, {Name: "full", Value: line(true), Style: m.th.Bad}},
	}
}

// Title is the panel's name.
func (m *Model) Title() string { return "Memory" }

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
	m.render()
}

// layout renders the figures for the width, then gives the charts what is left.
func (m *Model) layout() {
	w, h := m.width, m.height
	m.top = m.figures(w)
	ch := h - len(m.top)
	if ch < chartMin-1 {
		ch = 0
	}
	m.charts.Size(&m.used, &m.psi, w, ch, chartMin)
	if m.io {
		m.keys.Pressure.SetHelp("i", "chart memory pressure")
	} else {
		m.keys.Pressure.SetHelp("i", "chart io pressure")
	}
	m.keys.Pressure.SetEnabled(m.charts.Shown(1))
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frame = msg.Current()
		// Hidden, the figures are not drawn (Tile draws its own lines) and the charts keep
		// only the window: laying out waits for the window the app routes as it is shown.
		if !msg.Hidden {
			m.layout()
		}
		m.used, _ = m.used.Update(msg)
		m.psi, _ = m.psi.Update(msg)
		if !msg.Hidden { // the app routes the window again when it is shown
			m.render()
		}
	case tea.KeyMsg:
		if !key.Matches(msg, m.keys.Pressure) {
			return nil
		}
		m.io = !m.io
		m.psi.SetSpec(m.psiSpec())
		m.layout()
		m.render()
	}
	return nil
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	top := views.Block(m.top, m.width, min(len(m.top), m.height))
	if !m.charts.Shown(0) {
		m.view = views.Block(strings.Split(top, "\n"), m.width, m.height)
		return
	}
	m.view = m.charts.Below(top, &m.used, &m.psi)
}

// figures are the lines above the charts at width w: the bar with its legend and numbers,
// swap, paging, swapping and the pressure table (folded when the height is short).
func (m *Model) figures(w int) []string {
	th := m.th
	f := m.frame
	lines := []string{th.Ink.Title.Paint("Memory") + th.Ink.Label.Paint(" free -k, sar -B -W, PSI") + "  " + m.legend()}
	if r, bad := views.NotOK(f, sources.SrcMeminfo); bad {
		lines = append(lines, th.Ink.Title.Paint("Mem")+"      "+th.Ink.Bad.Paint(r))
	} else if f != nil && f.Mem != nil {
		lines = append(lines, m.memLines(f.Mem, w)...)
	} else {
		lines = append(lines, th.Ink.Title.Paint("Mem")+"      "+th.Ink.Dim.Paint("waiting for the first sample"))
	}
	lines = append(lines, m.pagingLines(w)...)
	// The pressure table folds to a line per resource when that lets the charts fit.
	psi := m.psiLines(w, false)
	if len(lines)+len(psi)+chartMin-1 > m.height {
		psi = m.psiLines(w, true)
	}
	return append(lines, psi...)
}

// legend says what the bar's glyphs are; without colour they are letters.
func (m *Model) legend() string {
	th := m.th
	g := func(i int, name string) string {
		return th.Ink.Mem[i].Paint(string(th.MemGlyph[i])) + th.Ink.Label.Paint(" "+name)
	}
	return g(theme.MemUsed, "used") + " " + g(theme.MemCache, "buff/cache") + " " +
		th.Ink.Track.Paint(string(th.TrackRune)) + th.Ink.Label.Paint(" free") + " " +
		th.Ink.Title.Paint(availMark) + th.Ink.Label.Paint(" available from here")
}

// availMark shows on the bar where available memory starts: free(1)'s used is what lies left
// of it.
const availMark = "|"

func (m *Model) memLines(mem *derive.Mem, w int) []string {
	th := m.th
	total := mem.TotalKB
	lines := []string{m.memBar(mem, w)}
	availStyle := th.Ink.Value
	if total > 0 {
		switch ap := 100 * float64(mem.AvailableKB) / float64(total); {
		case ap < availBad:
			availStyle = th.Ink.Bad
		case ap < availWarn:
			availStyle = th.Ink.Warn
		}
	}
	kb := func(v uint64) columns.Cell { return columns.Cell{Text: views.KB(v), Style: th.Ink.Value} }
	lines = append(lines, columns.Pairs(th, "", labelW, []columns.Pair{
		{Name: "total", Cell: kb(total)}, {Name: "used", Cell: kb(mem.UsedKB)},
		{Name: "buff/cache", Cell: kb(mem.BuffCacheKB)}, {Name: "free", Cell: kb(mem.FreeKB)},
		{Name: "available", Cell: columns.Cell{Text: views.KB(mem.AvailableKB), Style: availStyle}},
		{Name: "shared", Cell: kb(mem.SharedKB)}, {Name: "dirty", Cell: kb(mem.DirtyKB)},
		{Name: "writeback", Cell: kb(mem.WritebackKB)},
	}, w)...)
	if mem.SwapTotalKB == 0 {
		return append(lines, th.Ink.Title.Paint(fmt.Sprintf("%-*s", labelW, "Swap"))+" "+th.Ink.Dim.Paint("none configured"))
	}
	spct := 100 * float64(mem.SwapUsedKB) / float64(mem.SwapTotalKB)
	stail := fmt.Sprintf(" %s of %s (%.0f%%)", views.KB(mem.SwapUsedKB), views.KB(mem.SwapTotalKB), spct)
	sbw := max(w-labelW-1-len(stail), 0)
	return append(lines, th.Ink.Title.Paint(fmt.Sprintf("%-*s", labelW, "Swap"))+" "+
		m.bar(sbw, mem.SwapTotalKB, []uint64{mem.SwapUsedKB}, 0, false)+th.Ink.Value.Paint(stail))
}

// memBar is the Mem line: the bar and used of total.
func (m *Model) memBar(mem *derive.Mem, w int) string {
	return string(m.appendMemBar(nil, mem, w))
}

// appendMemBar appends memBar(mem, w) to dst.
func (m *Model) appendMemBar(dst []byte, mem *derive.Mem, w int) []byte {
	th := m.th
	total := mem.TotalKB
	// The bar is free's total split as htop does, in parts that add up: memory neither free
	// nor cache, buff/cache, free. free ≥ 4.0.1's used (total − available) is not one of them:
	// the part of buff/cache that cannot be reclaimed counts as used, so the available mark
	// falls inside buff/cache.
	plain := uint64(0)
	if total > mem.FreeKB+mem.BuffCacheKB {
		plain = total - mem.FreeKB - mem.BuffCacheKB
	}
	cache := min(mem.BuffCacheKB, total-min(plain, total))
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(mem.UsedKB) / float64(total)
	}
	var a [64]byte
	tail := views.AppendKB(append(a[:0], ' '), mem.UsedKB) // " %s of %s (%.0f%%)"
	tail = views.AppendKB(append(tail, " of "...), total)
	tail = strconv.AppendFloat(append(tail, " ("...), pct, 'f', 0, 64)
	tail = append(tail, "%)"...)
	bw := max(w-labelW-1-len(tail), 0)
	dst = th.Ink.Title.Append(dst, "Mem"+views.Blanks(labelW-len("Mem"))) // %-*s
	dst = append(dst, ' ')
	parts := [2]uint64{plain, cache}
	dst = m.appendBar(dst, bw, total, parts[:], total-mem.AvailableKB, true)
	return th.Ink.Value.AppendBytes(dst, tail)
}

// bar draws parts of total (in the theme's memory styles) over free track, w cells wide,
// with the available mark at mark when withMark. Boundaries are rounded from running sums,
// so the parts add up to the bar.
func (m *Model) bar(w int, total uint64, parts []uint64, mark uint64, withMark bool) string {
	return string(m.appendBar(make([]byte, 0, 4*w), w, total, parts, mark, withMark))
}

// appendBar appends bar(w, total, parts, mark, withMark) to dst.
func (m *Model) appendBar(dst []byte, w int, total uint64, parts []uint64, mark uint64, withMark bool) []byte {
	if w <= 0 {
		return dst
	}
	th := m.th
	// The part each cell is in, or -1 for free: from the parts' rounded ends, which only grow.
	partAt := func(i int) int {
		if total == 0 {
			return -1
		}
		cum, prev := 0.0, 0
		for p, v := range parts {
			cum += float64(v)
			end := min(int(math.Round(cum*float64(w)/float64(total))), w)
			if i >= prev && i < end {
				return p
			}
			prev = max(prev, end)
		}
		return -1
	}
	markAt := -1
	if withMark && total > 0 {
		markAt = min(int(math.Round(float64(mark)*float64(w)/float64(total))), w-1)
	}
	for i := 0; i < w; {
		if i == markAt {
			dst = th.Ink.Title.Append(dst, availMark)
			i++
			continue
		}
		p := partAt(i)
		j := i
		for j < w && partAt(j) == p && j != markAt {
			j++
		}
		if p >= 0 {
			dst = th.Ink.Mem[min(p, theme.NMem-1)].AppendRepeat(dst, th.MemGlyph[min(p, theme.NMem-1)], j-i)
		} else {
			dst = th.Ink.Track.AppendRepeat(dst, th.TrackRune, j-i)
		}
		i = j
	}
	return dst
}

// pagingLines are sar -B's paging and reclaim figures, OOM kills, and swapping.
func (m *Model) pagingLines(w int) []string {
	th := m.th
	f := m.frame
	if r, bad := views.NotOK(f, sources.SrcVMStat); bad {
		return []string{th.Ink.Title.Paint(fmt.Sprintf("%-*s", labelW, "Paging")) + " " + th.Ink.Bad.Paint(r)}
	}
	p, s := &derive.Paging{}, &derive.Swap{}
	if f != nil && f.Paging != nil {
		p = f.Paging
	}
	if f != nil && f.Swap != nil {
		s = f.Swap
	}
	rate := func(v derive.Val, warn float64) columns.Cell { return columns.Rate(th, v, warn, 0) }
	oom := columns.Cell{Text: views.Num(p.OOMKills, 0), Style: th.Ink.Value}
	if p.OOMKills.OK && p.OOMKills.V > 0 {
		oom.Style = th.Ink.Bad
	}
	var lines []string
	lines = append(lines, columns.Pairs(th, "Paging", labelW, []columns.Pair{
		{Name: "pgpgin/s", Cell: rate(p.PgpginS, 0)}, {Name: "pgpgout/s", Cell: rate(p.PgpgoutS, 0)},
		{Name: "fault/s", Cell: rate(p.FaultS, 0)}, {Name: "majflt/s", Cell: rate(p.MajfltS, 0)},
		{Name: "pgfree/s", Cell: rate(p.PgfreeS, 0)}, {Name: "refault/s", Cell: rate(p.RefaultS, 0)},
	}, w)...)
	lines = append(lines, columns.Pairs(th, "Reclaim", labelW, []columns.Pair{
		{Name: "pgscank/s", Cell: rate(p.PgscankS, 0)}, {Name: "pgscand/s", Cell: rate(p.PgscandS, anyWarn)},
		{Name: "pgsteal/s", Cell: rate(p.PgstealS, 0)}, {Name: "%vmeff", Cell: columns.Fixed(th, p.Vmeff, 1, 0, 0)},
		{Name: "allocstall/s", Cell: rate(p.AllocstallS, anyWarn)}, {Name: "oom_kill", Cell: oom},
	}, w)...)
	return append(lines, columns.Pairs(th, "Swapping", labelW, []columns.Pair{
		{Name: "si kB/s", Cell: rate(s.SiKBS, anyWarn)}, {Name: "so kB/s", Cell: rate(s.SoKBS, anyWarn)},
		{Name: "pswpin/s", Cell: rate(s.PswpinS, anyWarn)}, {Name: "pswpout/s", Cell: rate(s.PswpoutS, anyWarn)},
	}, w)...)
}

// psiLines is the pressure table: the interval's stall % and the kernel's averages of the
// some and full lines of memory and io, a line each, or, compact, both lines of a resource on
// one.
func (m *Model) psiLines(w int, compact bool) []string {
	th := m.th
	f := m.frame
	if r, bad := views.NotOK(f, sources.SrcPSI); bad {
		return []string{th.Ink.Title.Paint(fmt.Sprintf("%-*s", labelW, "PSI")) + " " + th.Ink.Bad.Paint(r)}
	}
	heads := []string{"stall%", "avg10", "avg60", "avg300"}
	if compact {
		heads = []string{"some%", "avg10", "avg60", "avg300", "full%", "avg10", "avg60", "avg300"}
	}
	cols := []columns.Column{{Head: "PSI", Width: labelW + 5, Left: true}}
	head := []columns.Cell{{Text: "PSI", Style: th.Ink.Title}}
	for _, h := range heads {
		cols = append(cols, columns.Column{Head: h, Width: 6})
		head = append(head, columns.Cell{Text: h, Style: th.Ink.Label})
	}
	pick := columns.Fit(cols, w)
	lines := []string{columns.Line(cols, pick, head)}
	for _, r := range []struct {
		name string
		pick func(*derive.PSI) *derive.PSIResource
	}{
		{"memory", func(p *derive.PSI) *derive.PSIResource { return p.Memory }},
		{"io", func(p *derive.PSI) *derive.PSIResource { return p.IO }},
	} {
		var res *derive.PSIResource
		if f != nil && f.PSI != nil {
			res = r.pick(f.PSI)
			if res == nil {
				lines = append(lines, th.Ink.Value.Paint(fmt.Sprintf("%-*s", labelW+5, r.name))+" "+
					th.Ink.Dim.Paint("n/a: no /proc/pressure/"+r.name))
				continue
			}
		}
		figs := func(l *derive.PSILine) []columns.Cell {
			if l == nil {
				return []columns.Cell{{Text: views.Missing}, {Text: views.Missing}, {Text: views.Missing}, {Text: views.Missing}}
			}
			avg := func(v float64) columns.Cell { return columns.Fixed(th, derive.Some(v), 2, psiWarn, 0) }
			return []columns.Cell{columns.Fixed(th, l.Stall, 2, psiWarn, 0), avg(l.Avg10), avg(l.Avg60), avg(l.Avg300)}
		}
		var some, full *derive.PSILine
		if res != nil {
			some, full = res.Some, res.Full
		}
		if compact {
			cells := append([]columns.Cell{{Text: r.name, Style: th.Ink.Value}}, figs(some)...)
			lines = append(lines, columns.Line(cols, pick, append(cells, figs(full)...)))
			continue
		}
		lines = append(lines,
			columns.Line(cols, pick, append([]columns.Cell{{Text: r.name + " some", Style: th.Ink.Value}}, figs(some)...)),
			columns.Line(cols, pick, append([]columns.Cell{{Text: r.name + " full", Style: th.Ink.Value}}, figs(full)...)))
	}
	return lines
}

// Tile is free's used and available with a bar, swap, and memory and io pressure.
func (m *Model) Tile(w, h int) string { return m.tileLines(w, h).Block(w, h) }

// AppendTile appends Tile(w, h) to dst (views.TileAppender).
func (m *Model) AppendTile(dst []byte, w, h int) []byte {
	return m.tileLines(w, h).AppendBlock(dst, w, h)
}

// tileLines are the tile's lines at w×h.
func (m *Model) tileLines(w, h int) *views.Lines {
	th := m.th
	f := m.frame
	l := &m.tile
	l.Reset()
	if r, bad := views.NotOK(f, sources.SrcMeminfo); bad {
		l.Paint(th.Ink.Title, "Mem")
		l.Str(" ")
		l.Paint(th.Ink.Bad, r)
		l.End()
	} else if f != nil && f.Mem != nil {
		mem := f.Mem
		l.B = m.appendMemBar(l.B, mem, w)
		l.End()
		if h >= 3 { // with less room, pressure comes before the available line
			var a [64]byte
			l.Str(views.Blanks(labelW + 1))
			l.Paint(th.Ink.Label, "available ")
			l.PaintBytes(th.Ink.Value, views.AppendKB(a[:0], mem.AvailableKB))
			l.Str("  ")
			swap := append(a[:0], "swap none"...)
			if mem.SwapTotalKB > 0 {
				swap = views.AppendKB(append(a[:0], "swap "...), mem.SwapUsedKB)
				swap = views.AppendKB(append(swap, " of "...), mem.SwapTotalKB)
			}
			l.PaintBytes(th.Ink.Label, swap)
			l.End()
		}
	} else {
		l.Paint(th.Ink.Title, "Mem")
		l.Str(" ")
		l.Paint(th.Ink.Dim, "waiting for the first sample")
		l.End()
	}
	m.appendPSITileLine(l)
	l.End()
	return l
}

// appendPSITileLine writes the tile's pressure line to l, without ending it.
func (m *Model) appendPSITileLine(l *views.Lines) {
	th := m.th
	f := m.frame
	if r, bad := views.NotOK(f, sources.SrcPSI); bad {
		l.Paint(th.Ink.Title, "PSI")
		l.Str(" ")
		l.Paint(th.Ink.Bad, r)
		return
	}
	l.Paint(th.Ink.Title, "PSI"+views.Blanks(labelW-len("PSI"))) // %-*s
	l.Paint(th.Ink.Label, " avg10")
	for _, r := range [...]struct {
		name string
		res  func(*derive.PSI) *derive.PSIResource
	}{
		{"memory", func(p *derive.PSI) *derive.PSIResource { return p.Memory }},
		{"io", func(p *derive.PSI) *derive.PSIResource { return p.IO }},
	} {
		some, full := derive.None, derive.None
		if f != nil && f.PSI != nil {
			if res := r.res(f.PSI); res != nil {
				if res.Some != nil {
					some = derive.Some(res.Some.Avg10)
				}
				if res.Full != nil {
					full = derive.Some(res.Full.Avg10)
				}
			}
		}
		l.Str("  ")
		l.Paint(th.Ink.Label, r.name+" some ")
		l.PaintNum(columns.Level(th, some, psiWarn, 0), some, 2) // columns.Fixed's cell
		l.Paint(th.Ink.Label, " full ")
		l.PaintNum(columns.Level(th, full, psiWarn, 0), full, 2)
	}
}

// TileHeight: the bar and pressure at least, the available line too when there is room.
func (m *Model) TileHeight(int) (least, most int) { return 2, 3 }

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs explains the figures (docs/metrics.md, Memory, Paging and swap, Pressure).
func (m *Model) Defs() []views.Def {
	mi, vm := "/proc/meminfo", "/proc/vmstat"
	return []views.Def{
		{Name: "total", Meaning: "usable RAM", Formula: "MemTotal", Source: mi},
		{Name: "used", Meaning: "free ≥ 4.0.1's used: what cannot be had back without swapping or killing; the bar's mark sits there", Formula: "MemTotal − available (MemTotal − MemFree if negative)", Source: mi},
		{Name: "buff/cache", Meaning: "page cache, buffers and reclaimable slab; part of it (shmem, dirty, mapped) is not reclaimable, which is why the available mark falls inside it", Formula: "Buffers + Cached + SReclaimable", Source: mi},
		{Name: "free", Meaning: "memory holding nothing", Formula: "MemFree", Source: mi},
		{Name: "available", Meaning: "the kernel's estimate of what can be allocated without swapping; warn below 10 % of total, bad below 5 %", Formula: "MemAvailable (MemFree before 3.14, or when 0 or above MemTotal)", Source: mi},
		{Name: "bar", Meaning: "total split in parts that add up, as htop draws it: neither free nor cache (u), buff/cache (c), free; | marks where available starts, so used is everything left of it", Formula: "MemTotal − MemFree − buff/cache, buff/cache, MemFree", Source: mi},
		{Name: "shared, dirty, writeback", Meaning: "tmpfs and shared memory; pages waiting to be written; pages being written", Formula: "Shmem, Dirty, Writeback", Source: mi},
		{Name: "Swap", Meaning: "swap in use of configured swap", Formula: "SwapTotal − SwapFree of SwapTotal", Source: mi},
		{Name: "pgpgin/s, pgpgout/s", Meaning: "kB read from and written to block devices (vmstat bi, bo)", Formula: "Δpgpgin/Δt, Δpgpgout/Δt", Source: vm},
		{Name: "fault/s, majflt/s", Meaning: "page faults, and those that needed I/O", Formula: "Δpgfault/Δt, Δpgmajfault/Δt", Source: vm},
		{Name: "pgfree/s, refault/s", Meaning: "pages freed; evicted pages faulted back in soon (thrashing)", Formula: "Δpgfree/Δt, Δworkingset_refault(_anon+_file)/Δt", Source: vm},
		{Name: "pgscank/s, pgscand/s", Meaning: "pages scanned by kswapd, and directly by allocating tasks (they wait: highlighted when not zero)", Formula: "Δpgscan_kswapd/Δt, Δpgscan_direct/Δt", Source: vm},
		{Name: "pgsteal/s, %vmeff", Meaning: "pages reclaimed; reclaimed per scanned (— without scanning; can exceed 100)", Formula: "Δ(pgsteal_anon+pgsteal_file)/Δt; Δpgsteal/(Δpgscank+Δpgscand)×100", Source: vm},
		{Name: "allocstall/s", Meaning: "allocations that entered direct reclaim, highlighted when not zero", Formula: "Δallocstall(_<zone>)/Δt", Source: vm},
		{Name: "oom_kill", Meaning: "processes killed by the OOM killer in the interval (a count, not a rate); bad when not zero", Formula: "Δoom_kill", Source: vm + " (4.13+)"},
		{Name: "si kB/s, so kB/s, pswpin/s, pswpout/s", Meaning: "swapped in and out, in kB (vmstat si, so) and pages (sar -W); highlighted when not zero", Formula: "Δpswpin/Δt × page kB, Δpswpin/Δt, …", Source: vm},
		{Name: "PSI stall%", Meaning: "share of the interval in which some (or all non-idle: full) tasks stalled on memory or io; warn from 10", Formula: "Δtotal µs / (Δt × 10⁶) × 100", Source: "/proc/pressure/{memory,io}"},
		{Name: "PSI avg10, avg60, avg300", Meaning: "the kernel's running averages of the same share over 10 s, 1 min, 5 min; warn from 10", Formula: "as read", Source: "/proc/pressure/{memory,io}"},
		{Name: "charts", Meaning: "used % of total; the interval stall % of memory (or io, key i) some, full in red", Formula: "as the figures", Source: mi + ", /proc/pressure"},
	}
}
