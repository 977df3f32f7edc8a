package theme

import (
	"fmt"
	"math"

	"github.com/charmbracelet/lipgloss"
	"github.com/ktop-dev/ktop/views"
	"github.com/muesli/termenv"
)

// Seg names one part of the stacked CPU bar, in the order the bar draws them.
type Seg int

// The CPU bar segments, mpstat's columns; guest holds %guest + %gnice.
const (
	SegUsr Seg = iota
	SegNice
	SegSys
	SegIRQ
	SegSoft
	SegSteal
	SegGuest
	SegIowait
	NSeg
)

// SegNames are the legend labels, mpstat's column names.
var SegNames = [NSeg]string{"usr", "nice", "sys", "irq", "soft", "steal", "guest", "iowait"}

// segLetters tell the segments apart without colour; upper case S (soft) and t (steal) avoid the
// clash with s (sys).
var segLetters = [NSeg]rune{'u', 'n', 's', 'i', 'S', 't', 'g', 'w'}

// NHeat is the number of shades of a heat cell: shade 0 is a zero value, shades 1 to NHeat-1
// rise with the value (package heat decides the scale).
const NHeat = 10

// heatBG are 256-colour backgrounds from cold to hot, dark enough for light text up to
// shade 6 and light enough for dark text above it.
var heatBG = [NHeat]string{"", "236", "23", "24", "30", "36", "71", "142", "178", "160"}

// heatRunes shade cells without colour, lightest to darkest.
var heatRunes = [NHeat]rune{' ', '.', ':', '-', '=', '+', '*', '#', '%', '@'}

// Variant is the terminal background the colours are chosen for.
type Variant int

const (
	// Dark is for light text on a dark background (the default: most terminals).
	Dark Variant = iota
	// Light is for dark text on a light background.
	Light
)

func (v Variant) String() string {
	if v == Light {
		return "light"
	}
	return "dark"
}

// ParseVariant reads "dark" or "light". "auto" is not a variant: the caller resolves it by
// asking the terminal before the program starts (see doc.go).
func ParseVariant(s string) (Variant, error) {
	switch s {
	case "dark":
		return Dark, nil
	case "light":
		return Light, nil
	}
	return Dark, fmt.Errorf("%q: want dark or light", s)
}

// color is one role's colour for each profile. The 16-colour entry is an ANSI index, so the
// terminal's own palette picks the shade there; 256-colour and true-colour entries are fixed
// shades, lighter on dark backgrounds and darker on light ones, and never degraded
// automatically (lipgloss.CompleteColor).
type color struct{ tc, c256, c16 string }

func (c color) lg() lipgloss.CompleteColor {
	return lipgloss.CompleteColor{TrueColor: c.tc, ANSI256: c.c256, ANSI: c.c16}
}

// palette is every colour role of one variant.
type palette struct {
	label, dim, warn, bad, ok, live, line color
	seg                                   [NSeg]color
}

var palettes = [...]palette{
	Dark: {
		label: color{"#8a8a8a", "245", "8"},
		dim:   color{"#626262", "241", "8"},
		warn:  color{"#ffaf00", "214", "3"},
		bad:   color{"#ff5f5f", "203", "1"},
		ok:    color{"#87d787", "114", "2"},
		live:  color{"#5fd75f", "77", "2"},
		line:  color{"#5fafd7", "74", "6"},
		seg: [NSeg]color{
			SegUsr:    {"#5fd75f", "77", "2"},
			SegNice:   {"#5f87ff", "69", "4"},
			SegSys:    {"#ff5f5f", "203", "1"},
			SegIRQ:    {"#d75fd7", "170", "5"},
			SegSoft:   {"#d7af00", "178", "3"},
			SegSteal:  {"#ff87d7", "212", "13"},
			SegGuest:  {"#5fd7d7", "80", "6"},
			SegIowait: {"#808080", "244", "8"},
		},
	},
	Light: {
		label: color{"#5f5f5f", "241", "8"},
		dim:   color{"#9e9e9e", "247", "8"},
		warn:  color{"#af5f00", "130", "3"},
		bad:   color{"#d70000", "160", "1"},
		ok:    color{"#008700", "28", "2"},
		live:  color{"#008700", "28", "2"},
		line:  color{"#005faf", "25", "4"},
		seg: [NSeg]color{
			SegUsr:    {"#008700", "28", "2"},
			SegNice:   {"#005fd7", "26", "4"},
			SegSys:    {"#d70000", "160", "1"},
			SegIRQ:    {"#8700af", "91", "5"},
			SegSoft:   {"#af8700", "136", "3"},
			SegSteal:  {"#d7005f", "161", "13"},
			SegGuest:  {"#008787", "30", "6"},
			SegIowait: {"#8a8a8a", "245", "8"},
		},
	},
}

// Theme is every style of the screen.
type Theme struct {
	// Color is false when the renderer has no colour (ASCII profile): bars then use letters.
	Color bool
	// Variant is the background the colours were chosen for.
	Variant Variant
	// OK marks a figure the checklist reads as healthy; Warn and Bad the others, and
	// Threshold picks among them.
	OK lipgloss.Style

	Title, Label, Value, Dim, Warn, Bad lipgloss.Style
	Live                                lipgloss.Style
	Selected                            lipgloss.Style // the cursor row of a list
	HelpKey, HelpDesc, HelpSep          lipgloss.Style
	Axis, AxisLabel, Line               lipgloss.Style // chart
	// Paused labels the status line while the cursor is not live; Cursor marks the cursor's
	// column on the charts. Both in the warning colour: what is shown is not now.
	Paused, Cursor lipgloss.Style

	Seg       [NSeg]lipgloss.Style
	SegGlyph  [NSeg]rune
	Track     lipgloss.Style // the idle part of a bar
	TrackRune rune

	// Heat shades a cell of a heat map (softirqs, interrupts, CPU strips); with colour the
	// shade is the background and HeatGlyph a blank, without it HeatGlyph is the shade.
	Heat      [NHeat]lipgloss.Style
	HeatGlyph [NHeat]rune
	// Sel is the selected row's name (the disk or interface the charts follow).
	Sel lipgloss.Style
	// Mem and MemGlyph draw the memory bar's used and buff/cache parts; free is Track.
	Mem      [NMem]lipgloss.Style
	MemGlyph [NMem]rune

	// Ink is each style above reduced once to its escape sequences: drawing with it costs a
	// concatenation where lipgloss's Render works the style out anew on every call (at 200×50
	// a thousand calls a sample were half the UI's work).
	Ink Inks
}

// Inks are the theme's styles as views.Ink, field for field; Paint draws exactly what the
// style's Render does.
type Inks struct {
	OK, Title, Label, Value, Dim, Warn, Bad, Live views.Ink
	Selected, HelpKey, HelpDesc, HelpSep          views.Ink
	Axis, AxisLabel, Line, Paused, Cursor         views.Ink
	Seg                                           [NSeg]views.Ink
	Track                                         views.Ink
	Heat                                          [NHeat]views.Ink
	Sel                                           views.Ink
	Mem                                           [NMem]views.Ink
}

// The memory bar's parts before the free space.
const (
	MemUsed  = iota // neither free nor buff/cache
	MemCache        // buff/cache
	NMem
)

// New builds the dark theme for renderer r (lipgloss.NewRenderer(os.Stdout) in ktop; a renderer
// with the ASCII profile in tests).
func New(r *lipgloss.Renderer) *Theme { return NewVariant(r, Dark) }

// NewVariant builds the theme of variant v for renderer r. The renderer's colour profile
// (ASCII, 16, 256 or true colour) decides which of each colour's entries is drawn.
func NewVariant(r *lipgloss.Renderer, v Variant) *Theme {
	if v != Light {
		v = Dark
	}
	p := palettes[v]
	t := &Theme{Color: r.ColorProfile() != termenv.Ascii, Variant: v}
	s := r.NewStyle
	fg := func(c color) lipgloss.Style { return s().Foreground(c.lg()) }
	t.Title = s().Bold(true)
	t.Label = fg(p.label)
	t.Value = s()
	t.Dim = fg(p.dim)
	t.OK = fg(p.ok)
	t.Warn = fg(p.warn).Bold(true)
	t.Bad = fg(p.bad).Bold(true)
	t.Live = fg(p.live).Reverse(true).Bold(true)
	t.Paused = fg(p.warn).Reverse(true).Bold(true)
	t.Cursor = fg(p.warn)
	t.Selected = s().Reverse(true)
	t.HelpKey = s().Bold(true)
	t.HelpDesc = fg(p.label)
	t.HelpSep = fg(p.dim)
	t.Axis = fg(p.dim)
	t.AxisLabel = fg(p.label)
	t.Line = fg(p.line)
	t.Track = fg(p.dim)
	for i := range NSeg {
		t.Seg[i] = fg(p.seg[i])
		if t.Color {
			t.SegGlyph[i] = '█'
		} else {
			t.SegGlyph[i] = segLetters[i]
		}
	}
	t.TrackRune = '.'
	if t.Color {
		t.TrackRune = '░'
	}
	for i := range NHeat {
		t.HeatGlyph[i] = heatRunes[i]
		switch {
		case !t.Color:
			t.Heat[i] = s()
		case i == 0:
			// A zero cell stays unshaded but visible, so the grid reads as a grid.
			t.Heat[i] = t.Dim
			t.HeatGlyph[i] = '·'
		default:
			fg := "15"
			if i > 6 {
				fg = "0"
			}
			t.Heat[i] = s().Background(lipgloss.Color(heatBG[i])).Foreground(lipgloss.Color(fg))
			t.HeatGlyph[i] = ' '
		}
	}
	t.Sel = s().Reverse(true).Bold(true)
	t.Mem[MemUsed] = s().Foreground(lipgloss.Color("2"))
	t.Mem[MemCache] = s().Foreground(lipgloss.Color("4"))
	t.MemGlyph = [NMem]rune{'u', 'c'}
	if t.Color {
		t.MemGlyph = [NMem]rune{'█', '█'}
	}
	t.Ink = t.inks()
	return t
}

// inks reduces every style of the theme to a views.Ink.
func (t *Theme) inks() Inks {
	k := views.NewInk
	in := Inks{
		OK: k(t.OK), Title: k(t.Title), Label: k(t.Label), Value: k(t.Value), Dim: k(t.Dim),
		Warn: k(t.Warn), Bad: k(t.Bad), Live: k(t.Live), Selected: k(t.Selected),
		HelpKey: k(t.HelpKey), HelpDesc: k(t.HelpDesc), HelpSep: k(t.HelpSep), Axis: k(t.Axis),
		AxisLabel: k(t.AxisLabel), Line: k(t.Line), Paused: k(t.Paused), Cursor: k(t.Cursor),
		Track: k(t.Track), Sel: k(t.Sel),
	}
	for i, st := range t.Seg {
		in.Seg[i] = k(st)
	}
	for i, st := range t.Heat {
		in.Heat[i] = k(st)
	}
	for i, st := range t.Mem {
		in.Mem[i] = k(st)
	}
	return in
}

// Threshold is the style for a figure v with a warning limit and a bad limit: Bad beyond bad,
// Warn beyond warn, Value otherwise — plain rather than OK, so that the few figures that need
// attention stand out. When warn > bad, lower is worse (available memory, vmeff). "Beyond" is
// strict, so Threshold(retrans, 0, x) warns on any retransmit and never on none. NaN is plain.
func (t *Theme) Threshold(v, warn, bad float64) lipgloss.Style {
	switch t.level(v, warn, bad) {
	case levelBad:
		return t.Bad
	case levelWarn:
		return t.Warn
	}
	return t.Value
}

// ThresholdInk is Threshold's style as its Ink.
func (t *Theme) ThresholdInk(v, warn, bad float64) views.Ink {
	switch t.level(v, warn, bad) {
	case levelBad:
		return t.Ink.Bad
	case levelWarn:
		return t.Ink.Warn
	}
	return t.Ink.Value
}

// Levels of a figure against its limits (Threshold).
const (
	levelValue = iota
	levelWarn
	levelBad
)

func (t *Theme) level(v, warn, bad float64) int {
	if math.IsNaN(v) {
		return levelValue
	}
	beyond := func(lim float64) bool { return v > lim }
	if warn > bad {
		beyond = func(lim float64) bool { return v < lim }
	}
	switch {
	case beyond(bad):
		return levelBad
	case beyond(warn):
		return levelWarn
	}
	return levelValue
}
