package header

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// Height is the number of lines the header always takes, so the layout does not jump when a
// value grows.
const Height = 2

// Model is the header component.
type Model struct {
	th     *theme.Theme
	frame  *derive.Frame
	width  int
	height int
	view   string
}

// New returns a header with no frame yet (every value shows "—").
func New(th *theme.Theme) Model {
	m := Model{th: th}
	m.render()
	return m
}

// SetSize sets the block the header draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.render()
}

// Update takes a new frame window; the header has no keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if fm, ok := msg.(views.FrameMsg); ok {
		m.frame = fm.Current()
		m.render()
	}
	return m, nil
}

// View returns the cached rendering.
func (m Model) View() string { return m.view }

// ShortHelp is empty: the header has no keys.
func (m Model) ShortHelp() []key.Binding { return nil }

// FullHelp is empty: the header has no keys.
func (m Model) FullHelp() [][]key.Binding { return nil }

// seg is one "label value" item of a header line.
type seg struct{ s string }

func (m *Model) label(s string) string { return m.th.Ink.Label.Paint(s) }

// item renders "label value" with the value in style v.
func (m *Model) item(label string, v string, vs func(string) string) seg {
	if label == "" {
		return seg{vs(v)}
	}
	return seg{m.label(label) + " " + vs(v)}
}

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	l1, l2 := m.segments()
	m.view = views.Block([]string{m.flow(l1), m.flow(l2)}, m.width, m.height)
}

// flow joins segments with two spaces while they fit; the first one that does not fit is cut
// with an ellipsis when at least a few cells remain, and the rest are left out, so the order
// (most important first) is kept.
func (m *Model) flow(segs []seg) string {
	var b strings.Builder
	used := 0
	for i, s := range segs {
		gap := 0
		if i > 0 {
			gap = 2
		}
		w := views.Width(s.s)
		if used+gap+w <= m.width {
			b.WriteString(strings.Repeat(" ", gap))
			b.WriteString(s.s)
			used += gap + w
			continue
		}
		if room := m.width - used - gap; room >= 8 {
			b.WriteString(strings.Repeat(" ", gap))
			b.WriteString(ansi.Truncate(s.s, room, "…"))
		}
		break
	}
	return b.String()
}

// segments builds both lines: identity and load first, then saturation, memory and ktop's own
// cost. A source whose Status is not ok shows its reason in place of its values.
func (m *Model) segments() (l1, l2 []seg) {
	f, th := m.frame, m.th
	val, title := th.Ink.Value.Paint, th.Ink.Title.Paint
	if f == nil {
		f = &derive.Frame{}
	}
	// An unreadable host name moves to the end of the line with its reason, so that a long
	// path in the reason cannot push uptime and load off the screen.
	hostReason, hostBad := views.NotOK(f, sources.SrcHost)
	hostBad = hostBad && f.Host == ""
	switch {
	case hostBad:
	case f.Host == "":
		l1 = append(l1, m.item("", views.Missing, title))
	default:
		l1 = append(l1, m.item("", f.Host, title))
		if f.Kernel != "" {
			l1 = append(l1, m.item("", f.Kernel, val))
		}
	}
	l1 = append(l1, m.sourced(f, sources.SrcUptime, "up", f.UptimeS.OK, func() string { return views.Uptime(f.UptimeS) }))
	l1 = append(l1, m.sourced(f, sources.SrcLoadavg, "load", f.Load != nil, func() string {
		return fmt.Sprintf("%.2f %.2f %.2f", f.Load.Avg1, f.Load.Avg5, f.Load.Avg15)
	}))
	if p := m.psi(f); p.s != "" {
		l1 = append(l1, p)
	}
	if n := unavailable(f); n > 0 {
		l1 = append(l1, seg{th.Ink.Warn.Paint(fmt.Sprintf("%d n/a", n)) + m.label(" (D)")})
	}
	if hostBad {
		l1 = append(l1, m.item("host", hostReason, val))
	}

	// runq beside the CPU count, so saturation (runq > ncpu) reads at a glance.
	if r, bad := views.NotOK(f, sources.SrcStat); bad && !f.Runq.OK {
		l2 = append(l2, m.item("runq", r, val))
	} else {
		ncpu := views.Missing
		if f.NCPU > 0 {
			ncpu = fmt.Sprint(f.NCPU)
		}
		rs := val
		if f.Runq.OK && f.NCPU > 0 && f.Runq.V > float64(f.NCPU) {
			rs = th.Ink.Warn.Paint
		}
		bs := val
		if f.Blocked.OK && f.Blocked.V > 0 {
			bs = th.Ink.Warn.Paint
		}
		l2 = append(l2, seg{m.label("runq") + " " + rs(views.Num(f.Runq, 0)) + val("/"+ncpu+"cpu") +
			" " + m.label("blk") + " " + bs(views.Num(f.Blocked, 0))})
	}
	l2 = append(l2, m.sourced(f, sources.SrcLoadavg, "tasks", f.Load != nil, func() string {
		return fmt.Sprintf("%d/%d", f.Load.Runnable, f.Load.Threads)
	}))
	if r, bad := views.NotOK(f, sources.SrcMeminfo); bad && f.Mem == nil {
		l2 = append(l2, m.item("mem", r, val))
	} else if mm := f.Mem; mm != nil {
		l2 = append(l2, seg{m.label("mem") + " " + val(views.KB(mm.UsedKB)+"/"+views.KB(mm.TotalKB)) +
			" " + m.label("avail") + " " + val(views.KB(mm.AvailableKB))})
	} else {
		l2 = append(l2, m.item("mem", views.Missing, val))
	}
	tick := views.Missing
	if f.Self.TickMs > 0 { // a measured pass never takes 0 ms; 0 means not measured
		tick = fmt.Sprintf("%.1fms", f.Self.TickMs)
	}
	self := views.Missing
	if f.Self.CPUPct.OK {
		self = views.Num(f.Self.CPUPct, 1) + "%"
	}
	l2 = append(l2, seg{m.label("ktop") + " " + val(self) + " " + m.label("tick") + " " + val(tick)})
	return l1, l2
}

// PSI limits for some avg10, % of time stalled: a tenth of the time is worth a look, a quarter
// is a resource holding the machine back.
const (
	psiWarn = 10
	psiBad  = 25
)

// psi is "psi cpu 1.2 mem 0.0 io 31": the some avg10 of each resource, coloured by threshold,
// or nothing when PSI is absent (the reason is in the Memory panel and behind D).
func (m *Model) psi(f *derive.Frame) seg {
	if f.PSI == nil {
		return seg{}
	}
	var b strings.Builder
	b.WriteString(m.label("psi"))
	seen := false
	for _, r := range []struct {
		name string
		res  *derive.PSIResource
	}{{"cpu", f.PSI.CPU}, {"mem", f.PSI.Memory}, {"io", f.PSI.IO}} {
		v := views.Missing
		st := m.th.Ink.Value
		if r.res != nil && r.res.Some != nil {
			a := r.res.Some.Avg10
			v = fmt.Sprintf("%.1f", a)
			if a >= 10 {
				v = fmt.Sprintf("%.0f", a)
			}
			st = m.th.ThresholdInk(a, psiWarn, psiBad)
			seen = true
		}
		b.WriteString(" " + m.label(r.name) + " " + st.Paint(v))
	}
	if !seen {
		return seg{}
	}
	return seg{b.String()}
}

// unavailable counts the sources whose Status is not ok in this frame.
func unavailable(f *derive.Frame) int {
	n := 0
	for _, st := range f.Status {
		if st.State != sources.OK {
			n++
		}
	}
	return n
}

// sourced renders label + value when present, the source's "n/a: reason" when its Status is
// not ok, and "—" otherwise.
func (m *Model) sourced(f *derive.Frame, src, label string, ok bool, value func() string) seg {
	if ok {
		return m.item(label, value(), m.th.Ink.Value.Paint)
	}
	if r, bad := views.NotOK(f, src); bad {
		return m.item(label, r, m.th.Ink.Value.Paint)
	}
	return m.item(label, views.Missing, m.th.Ink.Value.Paint)
}
