package header

import (
	"strconv"

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
	bufs   *bufs
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

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	if m.bufs == nil {
		m.bufs = new(bufs)
	}
	b := m.bufs
	b.segs.Reset()
	n1 := m.segments(&b.segs)
	b.lines.Reset()
	m.flow(&b.lines, &b.segs, 0, n1)
	m.flow(&b.lines, &b.segs, n1, b.segs.Len())
	m.view = b.lines.Block(m.width, m.height)
}

// bufs are the buffers a header draws in, kept from frame to frame and shared by the model's
// copies (Update takes and returns the model by value).
type bufs struct {
	segs  views.Lines // the items of both lines
	lines views.Lines // the two lines
}

// flow writes segments [from, to) of segs as one line of out, two spaces apart, while they
// fit; the first one that does not fit is cut with an ellipsis when at least a few cells
// remain, and the rest are left out, so the order (most important first) is kept.
func (m *Model) flow(out, segs *views.Lines, from, to int) {
	used := 0
	for i := from; i < to; i++ {
		s := segs.Line(i)
		gap := 0
		if i > from {
			gap = 2
		}
		w := views.WidthBytes(s)
		if used+gap+w <= m.width {
			out.Str(views.Blanks(gap))
			out.B = append(out.B, s...)
			used += gap + w
			continue
		}
		if room := m.width - used - gap; room >= 8 {
			out.Str(views.Blanks(gap))
			out.Str(ansi.Truncate(string(s), room, "…"))
		}
		break
	}
	out.End()
}

// segments writes both lines' items to segs, and returns how many the first has: identity
// and load first, then saturation, memory and ktop's own cost. A source whose Status is not
// ok shows its reason in place of its values.
func (m *Model) segments(segs *views.Lines) int {
	f, th := m.frame, m.th
	val, title := th.Ink.Value, th.Ink.Title
	label := func(s string) { segs.Paint(th.Ink.Label, s); segs.Str(" ") }
	if f == nil {
		f = &derive.Frame{}
	}
	var a [64]byte
	// An unreadable host name moves to the end of the line with its reason, so that a long
	// path in the reason cannot push uptime and load off the screen.
	hostReason, hostBad := views.NotOK(f, sources.SrcHost)
	hostBad = hostBad && f.Host == ""
	switch {
	case hostBad:
	case f.Host == "":
		segs.Paint(title, views.Missing)
		segs.End()
	default:
		segs.Paint(title, f.Host)
		segs.End()
		if f.Kernel != "" {
			segs.Paint(val, f.Kernel)
			segs.End()
		}
	}
	if f.UptimeS.OK {
		segs.Item(th.Ink.Label, "up", val, views.Uptime(f.UptimeS))
	} else {
		m.unsourced(segs, f, sources.SrcUptime, "up")
	}
	if f.Load != nil {
		b := views.AppendLoad(a[:0], f.Load)
		label("load")
		segs.PaintBytes(val, b)
		segs.End()
	} else {
		m.unsourced(segs, f, sources.SrcLoadavg, "load")
	}
	m.psi(segs, f)
	if n := unavailable(f); n > 0 {
		segs.PaintBytes(th.Ink.Warn, append(strconv.AppendInt(a[:0], int64(n), 10), " n/a"...))
		segs.Paint(th.Ink.Label, " (D)")
		segs.End()
	}
	if hostBad {
		segs.Item(th.Ink.Label, "host", val, hostReason)
	}
	n1 := segs.Len()

	// runq beside the CPU count, so saturation (runq > ncpu) reads at a glance.
	if r, bad := views.NotOK(f, sources.SrcStat); bad && !f.Runq.OK {
		segs.Item(th.Ink.Label, "runq", val, r)
	} else {
		rs := val
		if f.Runq.OK && f.NCPU > 0 && f.Runq.V > float64(f.NCPU) {
			rs = th.Ink.Warn
		}
		bs := val
		if f.Blocked.OK && f.Blocked.V > 0 {
			bs = th.Ink.Warn
		}
		label("runq")
		segs.PaintNum(rs, f.Runq, 0)
		b := append(a[:0], '/')
		if f.NCPU > 0 {
			b = strconv.AppendInt(b, int64(f.NCPU), 10)
		} else {
			b = append(b, views.Missing...)
		}
		segs.PaintBytes(val, append(b, "cpu"...))
		segs.Str(" ")
		label("blk")
		segs.PaintNum(bs, f.Blocked, 0)
		segs.End()
	}
	if f.Load != nil {
		b := strconv.AppendInt(a[:0], int64(f.Load.Runnable), 10)
		b = strconv.AppendInt(append(b, '/'), int64(f.Load.Threads), 10)
		label("tasks")
		segs.PaintBytes(val, b)
		segs.End()
	} else {
		m.unsourced(segs, f, sources.SrcLoadavg, "tasks")
	}
	if r, bad := views.NotOK(f, sources.SrcMeminfo); bad && f.Mem == nil {
		segs.Item(th.Ink.Label, "mem", val, r)
	} else if mm := f.Mem; mm != nil {
		label("mem")
		b := views.AppendKB(a[:0], mm.UsedKB)
		segs.PaintBytes(val, views.AppendKB(append(b, '/'), mm.TotalKB))
		segs.Str(" ")
		label("avail")
		segs.PaintBytes(val, views.AppendKB(a[:0], mm.AvailableKB))
		segs.End()
	} else {
		segs.Item(th.Ink.Label, "mem", val, views.Missing)
	}
	label("ktop")
	if f.Self.CPUPct.OK {
		segs.PaintBytes(val, append(views.AppendNum(a[:0], f.Self.CPUPct, 1), '%'))
	} else {
		segs.Paint(val, views.Missing)
	}
	segs.Str(" ")
	label("tick")
	if f.Self.TickMs > 0 { // a measured pass never takes 0 ms; 0 means not measured
		segs.PaintBytes(val, append(strconv.AppendFloat(a[:0], f.Self.TickMs, 'f', 1, 64), "ms"...))
	} else {
		segs.Paint(val, views.Missing)
	}
	segs.End()
	return n1
}

// PSI limits for some avg10, % of time stalled: a tenth of the time is worth a look, a quarter
// is a resource holding the machine back.
const (
	psiWarn = 10
	psiBad  = 25
)

// psi writes "psi cpu 1.2 mem 0.0 io 31" to segs: the some avg10 of each resource, coloured
// by threshold, or nothing when PSI is absent (the reason is in the Memory panel and behind D).
func (m *Model) psi(segs *views.Lines, f *derive.Frame) {
	if f.PSI == nil {
		return
	}
	mark := len(segs.B)
	segs.Paint(m.th.Ink.Label, "psi")
	seen := false
	for _, r := range [...]struct {
		name string
		res  *derive.PSIResource
	}{{"cpu", f.PSI.CPU}, {"mem", f.PSI.Memory}, {"io", f.PSI.IO}} {
		segs.Str(" ")
		segs.Paint(m.th.Ink.Label, r.name)
		segs.Str(" ")
		if r.res == nil || r.res.Some == nil {
			segs.Paint(m.th.Ink.Value, views.Missing)
			continue
		}
		a := r.res.Some.Avg10
		prec := 1
		if a >= 10 {
			prec = 0
		}
		var b [32]byte
		segs.PaintBytes(m.th.ThresholdInk(a, psiWarn, psiBad), strconv.AppendFloat(b[:0], a, 'f', prec, 64))
		seen = true
	}
	if !seen {
		segs.B = segs.B[:mark]
		return
	}
	segs.End()
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

// unsourced writes the item of a value that is not there: the source's "n/a: reason" when
// its Status is not ok, and "—" otherwise.
func (m *Model) unsourced(segs *views.Lines, f *derive.Frame, src, label string) {
	v := views.Missing
	if r, bad := views.NotOK(f, src); bad {
		v = r
	}
	segs.Item(m.th.Ink.Label, label, m.th.Ink.Value, v)
}
