package theme

import (
	"github.com/charmbracelet/lipgloss"
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

// segColors are ANSI colour numbers, so the terminal's own palette (light or dark) decides the
// shade.
var segColors = [NSeg]string{"2", "4", "1", "5", "3", "13", "6", "8"}

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

// Theme is every style of the screen.
type Theme struct {
	// Color is false when the renderer has no colour (ASCII profile): bars then use letters.
	Color bool

	Title, Label, Value, Dim, Warn, Bad lipgloss.Style
	Live                                lipgloss.Style
	Selected                            lipgloss.Style // the cursor row of a list
	HelpKey, HelpDesc, HelpSep          lipgloss.Style
	Axis, AxisLabel, Line               lipgloss.Style // chart

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
}

// The memory bar's parts before the free space.
const (
	MemUsed  = iota // neither free nor buff/cache
	MemCache        // buff/cache
	NMem
)

// New builds the theme for renderer r (lipgloss.NewRenderer(os.Stdout) in ktop; a renderer with
// the ASCII profile in tests).
func New(r *lipgloss.Renderer) *Theme {
	t := &Theme{Color: r.ColorProfile() != termenv.Ascii}
	s := r.NewStyle
	t.Title = s().Bold(true)
	t.Label = s().Foreground(lipgloss.Color("8"))
	t.Value = s()
	t.Dim = s().Foreground(lipgloss.Color("8"))
	t.Warn = s().Foreground(lipgloss.Color("3")).Bold(true)
	t.Bad = s().Foreground(lipgloss.Color("1")).Bold(true)
	t.Live = s().Foreground(lipgloss.Color("2")).Reverse(true).Bold(true)
	t.Selected = s().Reverse(true)
	t.HelpKey = s().Bold(true)
	t.HelpDesc = s().Foreground(lipgloss.Color("8"))
	t.HelpSep = s().Foreground(lipgloss.Color("8"))
	t.Axis = s().Foreground(lipgloss.Color("8"))
	t.AxisLabel = s().Foreground(lipgloss.Color("8"))
	t.Line = s().Foreground(lipgloss.Color("2"))
	t.Track = s().Foreground(lipgloss.Color("8"))
	for i := range NSeg {
		t.Seg[i] = s().Foreground(lipgloss.Color(segColors[i]))
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
	return t
}
