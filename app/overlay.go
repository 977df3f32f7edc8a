package app

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// overlay is a screen drawn over the panel bar and the panel: help or definitions.
type overlay int

const (
	noOverlay overlay = iota
	helpOverlay
	defsOverlay
)

// pager is an overlay's text and how far it is scrolled. Lines are rebuilt on every change
// that could alter them (resize, frame, panel switch), and the offset is kept in range.
type pager struct {
	lines []string
	off   int
}

// maxOff is the last offset that still fills h lines.
func (p *pager) maxOff(h int) int { return max(len(p.lines)-h, 0) }

func (p *pager) clamp(h int) { p.off = min(max(p.off, 0), p.maxOff(h)) }

// view is h lines of w cells from the offset, with a position note on the first line when the
// text is longer than the screen.
func (p *pager) view(th *theme.Theme, w, h int) string {
	if h <= 0 {
		return ""
	}
	p.clamp(h)
	end := min(p.off+h, len(p.lines))
	vis := slices.Clone(p.lines[p.off:end])
	if len(p.lines) > h && len(vis) > 0 {
		ind := th.Ink.Dim.Paint(fmt.Sprintf("↕ lines %d-%d of %d", p.off+1, end, len(p.lines)))
		vis[0] = views.Fit(vis[0], max(w-views.Width(ind)-1, 0)) + " " + ind
	}
	return views.Block(vis, w, h)
}

// helpLines is the help screen: every key, generated from the key maps (globals first), then
// how to read the screen.
func (m *Model) helpLines() []string {
	th := m.th
	groups := append(m.keys.FullHelp(), m.panels[m.active].FullHelp()...)
	lines := []string{th.Ink.Title.Paint("ktop keys") + th.Ink.Label.Paint("  ("+m.panels[m.active].Title()+" panel)"), ""}
	lines = append(lines, m.helpColumns(groups)...)
	lines = append(lines, "",
		th.Ink.Title.Paint("Reading the screen"),
		"Overview (1): each panel's summary tile; arrows move the focus, e opens it.",
		"LIVE/PAUSED: space pauses every panel at one sample (sampling goes on); paused,",
		"←→ step, shift+←→ a minute, home the oldest, end back to live; g goes to a time.",
		"Charts end at that sample (marked │ when paused); + and - zoom them; a click on",
		"a chart moves there.",
		"REPLAY (ktop replay FILE): the same over a recording; space plays and pauses,",
		"x/X change the speed (×1 ×10 ×60), home/end are its ends. REC: R is recording.",
		"CPU bars stack "+strings.Join(theme.SegNames[:], ", ")+" (mpstat %).",
		"busy = 100 - %idle (iowait counts as busy); st = %steal, always shown.",
		"runq N/Ccpu: runnable tasks (sar -q runq-sz) by online CPUs; blk: vmstat b.",
		"psi: some avg10 of /proc/pressure cpu, mem and io (% of time stalled).",
		views.Missing+" means not known yet (rates need two samples); n/a: says why a source",
		"cannot be read. D lists every column's formula and file, and the sources n/a.")
	return lines
}

// helpColumns lays the key groups out side by side as help.FullHelpView does, but starts a new
// row of groups where the width runs out instead of cutting them off, so no key goes missing.
func (m *Model) helpColumns(groups [][]key.Binding) []string {
	const sep = 4
	var out, row []string
	rowW := 0
	flush := func() {
		out = append(out, row...)
		row, rowW = nil, 0
	}
	for _, g := range groups {
		v := m.help.FullHelpView([][]key.Binding{g})
		if v == "" {
			continue // every binding of the group is disabled
		}
		col := strings.Split(v, "\n")
		cw := 0
		for _, l := range col {
			cw = max(cw, views.Width(l))
		}
		if rowW > 0 && rowW+sep+cw > m.width {
			flush()
		}
		for len(row) < len(col) {
			row = append(row, strings.Repeat(" ", rowW))
		}
		for i := range row {
			l := ""
			if i < len(col) {
				l = col[i]
			}
			if rowW > 0 {
				row[i] = views.Fit(row[i], rowW) + strings.Repeat(" ", sep)
			}
			row[i] += l
		}
		if rowW > 0 {
			rowW += sep
		}
		rowW += cw
	}
	flush()
	return out
}

// defsPanel is the panel whose definitions D shows: the active one, or on the Overview the
// panel of the focused tile.
func (m *Model) defsPanel() views.Panel {
	p := m.panels[m.active]
	if f, ok := p.(interface{ Focused() views.Panel }); ok && f.Focused() != nil {
		return f.Focused()
	}
	return p
}

// defsLines is the definitions screen: for each number of the panel, its meaning, formula and
// source file, then the sources that are not fully available, with their reasons.
func (m *Model) defsLines() []string {
	th := m.th
	p := m.defsPanel()
	lines := []string{th.Ink.Title.Paint("What the numbers mean: " + p.Title()), ""}
	defs := p.Defs()
	if len(defs) == 0 {
		lines = append(lines, th.Ink.Label.Paint(p.Title()+" shows no numbers of its own."))
	}
	nw := 0
	for _, d := range defs {
		nw = max(nw, views.Width(d.Name))
	}
	nw = min(nw, 14)
	pad := strings.Repeat(" ", nw+2)
	for _, d := range defs {
		lines = append(lines, m.hang(views.Fit(th.Ink.Title.Paint(d.Name), nw)+"  ", d.Meaning, th.Value)...)
		if d.Formula != "" {
			lines = append(lines, m.hang(pad, "= "+d.Formula, th.Value)...)
		}
		if d.Source != "" {
			lines = append(lines, m.hang(pad, "from "+d.Source, th.Label)...)
		}
	}
	lines = append(lines, "", th.Ink.Title.Paint("Sources"))
	lines = append(lines, m.sourceLines()...)
	return lines
}

// sourceLines lists the sources of the current frame that are unavailable, failed or carry a
// note (a fallback in use), and how many are fine.
func (m *Model) sourceLines() []string {
	f := m.frame
	if f == nil || len(f.Status) == 0 {
		return []string{m.th.Ink.Label.Paint("no sample yet")}
	}
	var out []string
	ok := 0
	for _, name := range slices.Sorted(maps.Keys(f.Status)) {
		st := f.Status[name]
		switch {
		case st.State != sources.OK:
			out = append(out, m.hang(m.th.Ink.Warn.Paint(fmt.Sprintf("%-11s", st.State)+" "), name+": "+st.Reason, m.th.Value)...)
		case st.Reason != "":
			out = append(out, m.hang(m.th.Ink.Label.Paint(fmt.Sprintf("%-11s", "note")+" "), name+": "+st.Reason, m.th.Value)...)
			ok++
		default:
			ok++
		}
	}
	return append(out, m.th.Ink.Label.Paint(fmt.Sprintf("%d of %d sources read fine", ok, len(f.Status))))
}

// hang wraps plain text s to the screen's width after head, continuation lines indented under
// s, and styles each line on its own so that no colour runs past a line's end.
func (m *Model) hang(head, s string, style lipgloss.Style) []string {
	hw := views.Width(head)
	ls := strings.Split(ansi.Wrap(s, max(m.width-hw, 10), " "), "\n")
	for i := range ls {
		pre := head
		if i > 0 {
			pre = strings.Repeat(" ", hw)
		}
		ls[i] = pre + style.Render(ls[i])
	}
	return ls
}
