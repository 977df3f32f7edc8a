package header

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

func asciiTheme() *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

func view(t *testing.T, f *derive.Frame, w int) string {
	t.Helper()
	m := New(asciiTheme())
	m.SetSize(w, Height)
	if f != nil {
		m, _ = m.Update(views.FrameMsg{Frames: []*derive.Frame{f}})
	}
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != Height {
		t.Errorf("width %d: %d lines", w, len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != w {
			t.Errorf("width %d: line %q is %d wide", w, l, ansi.StringWidth(l))
		}
	}
	return v
}

func fullFrame() *derive.Frame {
	return &derive.Frame{
		Host: "db-7", Kernel: "6.18.44", UptimeS: derive.Some(3*86400 + 4*3600 + 12*60), NCPU: 2,
		Load: &derive.Load{Avg1: 3.5, Avg5: 2.25, Avg15: 1, Runnable: 4, Threads: 312},
		Runq: derive.Some(3), Blocked: derive.Some(1),
		Mem:  &derive.Mem{TotalKB: 8 << 20, UsedKB: 3 << 20, AvailableKB: 5 << 20},
		Self: derive.Self{CPUPct: derive.Some(0.4), TickMs: 1.25},
	}
}

func TestHeaderFull(t *testing.T) {
	t.Parallel()
	v := view(t, fullFrame(), 80)
	for _, want := range []string{"db-7", "6.18.44", "up 3d 04:12", "load 3.50 2.25 1.00",
		"runq 3/2cpu", "blk 1", "tasks 4/312", "mem 3.0G/8.0G avail 5.0G", "ktop 0.4% tick 1.2ms"} {
		if !strings.Contains(v, want) {
			t.Errorf("header lacks %q:\n%s", want, v)
		}
	}
}

func TestHeaderMissing(t *testing.T) {
	t.Parallel()
	v := view(t, nil, 80)
	for _, want := range []string{"up —", "load —", "runq —/—cpu", "tasks —", "mem —", "ktop — tick —"} {
		if !strings.Contains(v, want) {
			t.Errorf("empty header lacks %q:\n%s", want, v)
		}
	}
	f := fullFrame()
	f.Mem, f.Load, f.Host, f.Kernel = nil, nil, "", ""
	f.Status = map[string]sources.Status{
		sources.SrcMeminfo: {State: sources.Unavailable, Reason: "open /proc/meminfo: permission denied"},
		sources.SrcLoadavg: {State: sources.Failed, Reason: "loadavg: bad line"},
		sources.SrcHost:    {State: sources.Unavailable, Reason: "no hostname"},
	}
	v = view(t, f, 200)
	for _, want := range []string{"mem n/a: open /proc/meminfo: permission denied", "load n/a: loadavg: bad line",
		"tasks n/a: loadavg: bad line", "host n/a: no hostname"} {
		if !strings.Contains(v, want) {
			t.Errorf("header lacks %q:\n%s", want, v)
		}
	}
	// The host's reason goes last, so uptime still leads the line.
	if !strings.HasPrefix(v, "up 3d") {
		t.Errorf("line 1 should start with the uptime:\n%s", v)
	}
}

func TestHeaderNarrow(t *testing.T) {
	t.Parallel()
	for _, w := range []int{1, 8, 20, 40, 59, 60, 79, 80, 250} {
		v := view(t, fullFrame(), w)
		// Segments are kept in order: a later one never shows without the earlier ones.
		if strings.Contains(v, "load") && !strings.Contains(v, "up ") {
			t.Errorf("width %d: load shown without uptime:\n%s", w, v)
		}
	}
	if v := view(t, fullFrame(), 60); !strings.Contains(v, "mem") {
		t.Errorf("60 columns should still show memory:\n%s", v)
	}
}

// TestHeaderPSIAndSources checks the pressure figures (some avg10, coloured past 10 % and 25 %)
// and the count of sources that are not available, at 80 and 200 columns.
func TestHeaderPSIAndSources(t *testing.T) {
	t.Parallel()
	f := fullFrame()
	line := func(a float64) *derive.PSIResource { return &derive.PSIResource{Some: &derive.PSILine{Avg10: a}} }
	f.PSI = &derive.PSI{CPU: line(27.36), Memory: line(0), IO: line(12.5)}
	f.Status = map[string]sources.Status{
		sources.SrcStat: {State: sources.OK},
		sources.SrcKmsg: {State: sources.Unavailable, Reason: "open /dev/kmsg: permission denied"},
		sources.SrcPSI:  {State: sources.OK},
		sources.SrcSNMP: {State: sources.Failed, Reason: "bad"},
	}
	v := view(t, f, 200)
	for _, want := range []string{"psi cpu 27 mem 0.0 io 12", "2 n/a (D)", "load 3.50"} {
		if !strings.Contains(v, want) {
			t.Errorf("200 columns: header lacks %q:\n%s", want, v)
		}
	}
	// At 80 columns the load comes first and the header stays two lines.
	if v := view(t, f, 80); !strings.Contains(v, "load 3.50 2.25 1.00  psi cpu 27") {
		t.Errorf("80 columns: want load then psi:\n%s", v)
	}
	// Without PSI (kernel without it) the header says nothing about it: the reason is behind D.
	f.PSI = nil
	if v := view(t, f, 200); strings.Contains(v, "psi") {
		t.Errorf("psi shown without PSI:\n%s", v)
	}
	// Colour: 27 % is bad, 12.5 % a warning, 0 plain.
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	th := theme.New(r)
	m := New(th)
	m.SetSize(200, Height)
	f.PSI = &derive.PSI{CPU: line(27.36), Memory: line(0), IO: line(12.5)}
	m, _ = m.Update(views.FrameMsg{Frames: []*derive.Frame{f}})
	for _, want := range []string{th.Bad.Render("27"), th.Warn.Render("12"), th.Value.Render("0.0")} {
		if !strings.Contains(m.View(), want) {
			t.Errorf("coloured header lacks %q:\n%q", want, m.View())
		}
	}
}
