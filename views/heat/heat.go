package heat

import (
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// LogShade is the shade of a rate on the log scale: 0 for zero, 1 below 1/s, then one shade
// per decade (1–10/s is 2, 10–100/s is 3, …), the last shade for 10^7/s and more. Rates span
// six decades between a quiet and a flooded CPU, so a linear scale would show one hot cell and
// blanks.
func LogShade(v float64) int {
	if !(v > 0) { // NaN too
		return 0
	}
	if v < 1 {
		return 1
	}
	return min(2+int(math.Floor(math.Log10(v))), theme.NHeat-1)
}

// PctShade is the shade of a percentage on a linear scale: 0 for zero, then nine equal steps
// up to 100.
func PctShade(p float64) int {
	if !(p > 0) {
		return 0
	}
	return min(1+int(p*float64(theme.NHeat-1)/100), theme.NHeat-1)
}

// logBounds are the lower bounds of LogShade's shades, for the legend.
var logBounds = [theme.NHeat]string{"0", "<1", "1", "10", "100", "1k", "10k", "100k", "1M", "10M+"}

// LogLegend names every shade of the log scale by its lower bound: "· 0  <1  1  10 …".
func LogLegend(th *theme.Theme) string {
	var b strings.Builder
	for i := range theme.NHeat {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Swatch(th, i))
		b.WriteString(th.Ink.Label.Paint(logBounds[i]))
	}
	return b.String()
}

// PctLegend names the shades of the linear scale at a few steps.
func PctLegend(th *theme.Theme) string {
	var b strings.Builder
	for i, p := range []float64{0, 5, 25, 50, 75, 95} {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Swatch(th, PctShade(p)))
		b.WriteString(th.Ink.Label.Paint(strconv.FormatFloat(p, 'f', 0, 64)))
	}
	b.WriteString(th.Ink.Label.Paint("%"))
	return b.String()
}

// Swatch is one cell of shade s.
func Swatch(th *theme.Theme, s int) string {
	return th.Ink.Heat[s].Paint(string(th.HeatGlyph[s]))
}

// numWidth is the narrowest cell that holds a number: views.Short is at most four cells
// ("1.2k", "340", "45k"), plus the shade character when there is no colour.
func numWidth(th *theme.Theme) int {
	if th.Color {
		return 4
	}
	return 5
}

// Cell renders v in exactly w cells with shade s: the number when it fits (on the shade's
// background, or after its character without colour), else the shade alone; "—" when v is
// missing.
func Cell(th *theme.Theme, v derive.Val, s, w int) string {
	if w <= 0 {
		return ""
	}
	if !v.OK {
		return th.Ink.Dim.Paint(views.Fit(views.Missing, w))
	}
	g := string(th.HeatGlyph[s])
	if w < numWidth(th) {
		return th.Ink.Heat[s].Paint(strings.Repeat(g, w))
	}
	txt := views.Short(v.V)
	if th.Color {
		return th.Ink.Heat[s].Paint(padLeft(txt, w))
	}
	return g + padLeft(txt, w-1)
}

func padLeft(s string, w int) string {
	if n := views.Width(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return ansi.Truncate(s, w, "")
}
