package views

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Lines.Block and FlowTo must draw what Block and Flow draw from the same lines, byte for byte,
// whatever the lines' widths against the block's.
func TestLinesBlockFlow(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI256)
	bold := NewInk(r.NewStyle().Bold(true).Foreground(lipgloss.Color("77")))
	items := []string{
		"", "a", bold.Paint("runq") + " 2/2cpu", "load 3.70 1.67 1.14", "█▇▆▅ ▲ ·",
		bold.Paint("a much longer item than the narrow blocks are wide"), "x", "", "yy",
	}
	sizes := []struct{ w, h int }{{0, 0}, {1, 1}, {5, 3}, {12, 2}, {20, 9}, {80, 4}, {3, 0}}
	for n := 0; n <= len(items); n++ {
		for _, sz := range sizes {
			var l, out Lines
			for _, it := range items[:n] {
				l.B = append(l.B, it...)
				l.End()
			}
			if want, have := Block(items[:n], sz.w, sz.h), l.Block(sz.w, sz.h); want != have {
				t.Errorf("Block(%d items, %d, %d):\nwant %q\nhave %q", n, sz.w, sz.h, want, have)
			}
			if want, have := "head"+Block(items[:n], sz.w, sz.h), string(l.AppendBlock([]byte("head"), sz.w, sz.h)); want != have {
				t.Errorf("AppendBlock(%d items, %d, %d):\nwant %q\nhave %q", n, sz.w, sz.h, want, have)
			}
			l.FlowTo(&out, sz.w)
			if want, have := Block(Flow(items[:n], sz.w), sz.w, sz.h), out.Block(sz.w, sz.h); want != have {
				t.Errorf("Flow(%d items, %d) in %d lines:\nwant %q\nhave %q", n, sz.w, sz.h, want, have)
			}
			l.Reset()
			if l.Len() != 0 || len(l.B) != 0 {
				t.Errorf("Reset left %d lines, %d bytes", l.Len(), len(l.B))
			}
		}
	}
}

// The Append functions write what their string twins return.
func TestAppendTwins(t *testing.T) {
	t.Parallel()
	for _, v := range []float64{0, 0.04, 0.5, 9.96, 12, 340, 999.4, 999.5, 1234, 45e3, 3.4e6, 7e12, 9e15, -0.5, -1234} {
		if want, have := Short(v), string(AppendShort([]byte("x"), v)[1:]); want != have {
			t.Errorf("AppendShort(%v): want %q, have %q", v, want, have)
		}
	}
	for _, kb := range []uint64{0, 9, 1023, 1024, 10239, 10240, 5 << 20, 1 << 40, 1 << 62} {
		if want, have := KB(kb), string(AppendKB(nil, kb)); want != have {
			t.Errorf("AppendKB(%d): want %q, have %q", kb, want, have)
		}
	}
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI256)
	for _, st := range []lipgloss.Style{{}, r.NewStyle().Bold(true), r.NewStyle().Padding(0, 1)} {
		k := NewInk(st)
		for _, s := range []string{"", "x", "a b", "tab\there"} {
			if want, have := k.Paint(s), string(k.Append(nil, s)); want != have {
				t.Errorf("Append(%q): want %q, have %q", s, want, have)
			}
			if s != "tab\there" {
				if want, have := k.Paint(s), string(k.AppendBytes(nil, []byte(s))); want != have {
					t.Errorf("AppendBytes(%q): want %q, have %q", s, want, have)
				}
			}
		}
	}
}

// AppendFit fits what follows from as Fit fits it, and leaves what is before alone.
func TestAppendFit(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "abc", "█▇▆▅ ▲ ·", "\x1b[1mbold\x1b[0m text", "a much longer line",
		"  32633   1.0  1.1M line_io_tools/binary_backend --uid 0 --env {\"A\": \"/etc/ssl/certs\"}",
		"│ box ─ drawn ┴ line · with Latin-1 éàü and more", "wide 世界 runes in a long line", "tab\there and more",
		"combining e\u0301 in a long line", "ctrl \x01 in a long line", "plain then \x1b[1mstyled\x1b[0m at the end"} {
		for _, w := range []int{-1, 0, 1, 2, 3, 8, 13, 30} {
			if want, have := "head"+Fit(s, w), string(AppendFit([]byte("head"+s), 4, w)); want != have {
				t.Errorf("AppendFit(%q, %d): want %q, have %q", s, w, want, have)
			}
		}
	}
}
