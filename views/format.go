package views

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// Missing is what a panel shows for a value that cannot be computed (first sample, source
// unavailable): never a zero.
const Missing = "—"

// Num formats v with prec decimals, or Missing.
func Num(v derive.Val, prec int) string {
	if !v.OK {
		return Missing
	}
	return strconv.FormatFloat(v.V, 'f', prec, 64)
}

// AppendNum appends Num(v, prec) to dst.
func AppendNum(dst []byte, v derive.Val, prec int) []byte {
	if !v.OK {
		return append(dst, Missing...)
	}
	return strconv.AppendFloat(dst, v.V, 'f', prec, 64)
}

// AppendLoad appends the three load averages as uptime prints them: "0.52 0.58 0.59".
func AppendLoad(dst []byte, l *derive.Load) []byte {
	dst = strconv.AppendFloat(dst, l.Avg1, 'f', 2, 64)
	dst = strconv.AppendFloat(append(dst, ' '), l.Avg5, 'f', 2, 64)
	return strconv.AppendFloat(append(dst, ' '), l.Avg15, 'f', 2, 64)
}

// KB formats a size given in kB with a binary suffix (K, M, G, T: powers of 1024, as free -h),
// one decimal below 10 and none above, so the width stays small.
func KB(kb uint64) string {
	var a [32]byte
	return string(AppendKB(a[:0], kb))
}

// kbUnits are KB's suffixes.
var kbUnits = [...]string{"K", "M", "G", "T", "P"}

// AppendKB appends KB(kb) to dst.
func AppendKB(dst []byte, kb uint64) []byte {
	v := float64(kb)
	i := 0
	for v >= 1024 && i < len(kbUnits)-1 {
		v /= 1024
		i++
	}
	if v < 10 && i > 0 {
		dst = strconv.AppendFloat(dst, v, 'f', 1, 64)
	} else {
		dst = strconv.AppendFloat(dst, v, 'f', 0, 64)
	}
	return append(dst, kbUnits[i]...)
}

// Short formats a rate or count compactly with a decimal suffix (k, M, G: powers of 1000):
// "0.5", "12", "340", "1.2k", "45k", "3.4M". Rates on the panels use it so columns stay narrow.
func Short(v float64) string {
	var a [32]byte
	return string(AppendShort(a[:0], v))
}

// shortUnits are Short's suffixes.
var shortUnits = [...]string{"", "k", "M", "G", "T"}

// AppendShort appends Short(v) to dst.
func AppendShort(dst []byte, v float64) []byte {
	neg := v < 0
	if neg {
		v = -v
	}
	i := 0
	for v >= 999.5 && i < len(shortUnits)-1 {
		v /= 1000
		i++
	}
	if neg {
		dst = append(dst, '-')
	}
	switch {
	case v == 0:
		dst = append(dst, '0')
	case v < 10 && (i > 0 || v != float64(int64(v))):
		dst = strconv.AppendFloat(dst, v, 'f', 1, 64)
	default:
		dst = strconv.AppendFloat(dst, v, 'f', 0, 64)
	}
	return append(dst, shortUnits[i]...)
}

// ShortVal is Short for a value that may be missing.
func ShortVal(v derive.Val) string {
	if !v.OK {
		return Missing
	}
	return Short(v.V)
}

// AppendShortVal appends ShortVal(v) to dst.
func AppendShortVal(dst []byte, v derive.Val) []byte {
	if !v.OK {
		return append(dst, Missing...)
	}
	return AppendShort(dst, v.V)
}

// Uptime formats seconds as uptime(1) does: "3d 04:12" or "04:12".
func Uptime(v derive.Val) string {
	if !v.OK || v.V < 0 {
		return Missing
	}
	s := int64(v.V)
	d, h, m := s/86400, s/3600%24, s/60%60
	if d > 0 {
		return fmt.Sprintf("%dd %02d:%02d", d, h, m)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}

// NotOK returns "n/a: reason" when the frame records a Status other than ok for src, and
// false when the source is fine or was never asked for.
func NotOK(f *derive.Frame, src string) (string, bool) {
	if f == nil {
		return "", false
	}
	st, ok := f.Status[src]
	if !ok || st.State == sources.OK {
		return "", false
	}
	if st.Reason == "" {
		return "n/a: " + st.State.String(), true
	}
	return "n/a: " + st.Reason, true
}

// Fit cuts s (which may hold ANSI styling) to w cells with an ellipsis, and pads it with
// spaces to exactly w cells.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = Width(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// Block makes lines exactly w cells wide and h lines tall (cut or padded) and joins them: every
// view returns its View() through it, so the root's layout adds up.
func Block(lines []string, w, h int) string {
	if h <= 0 {
		return ""
	}
	// Each line is measured once, and the block written into one buffer of its exact size:
	// lines cut to fit are made first, the padding is written from a shared run of blanks.
	lines = lines[:min(len(lines), h)]
	widths := make([]int, len(lines))
	size := h - 1 + (h-len(lines))*max(w, 0)
	cut := false // lines is then a copy: the caller's is never written to
	for i, l := range lines {
		lw := Width(l)
		if lw > w {
			if !cut {
				lines, cut = slices.Clone(lines), true
			}
			l = Fit(l, w)
			lines[i], lw = l, w
		}
		widths[i] = lw
		size += len(l) + max(w-lw, 0)
	}
	var b strings.Builder
	b.Grow(size)
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		lw := 0
		if i < len(lines) {
			b.WriteString(lines[i])
			lw = widths[i]
		}
		b.WriteString(Blanks(w - lw))
	}
	return b.String()
}

// Blanks is n spaces (none for n ≤ 0), cut from a shared run for the widths of a screen, so
// that padding a line makes no new string.
func Blanks(n int) string {
	switch {
	case n <= 0:
		return ""
	case n <= len(blankRun):
		return blankRun[:n]
	}
	return strings.Repeat(" ", n)
}

var blankRun = strings.Repeat(" ", 512)

// Flow packs items (which may hold ANSI styling) into lines of at most w cells, two spaces
// apart, in order: an item that does not fit on the current line starts the next, and one
// wider than w is cut. Panels use it for "label value" summaries that wrap on narrow screens.
func Flow(items []string, w int) []string {
	var lines []string
	var b strings.Builder
	used := 0
	for _, it := range items {
		iw := Width(it)
		if used > 0 && used+2+iw > w {
			lines = append(lines, b.String())
			b.Reset()
			used = 0
		}
		if used > 0 {
			b.WriteString("  ")
			used += 2
		}
		if iw > w-used {
			it = ansi.Truncate(it, max(w-used, 0), "…")
			iw = Width(it)
		}
		b.WriteString(it)
		used += iw
	}
	if used > 0 {
		lines = append(lines, b.String())
	}
	return lines
}
