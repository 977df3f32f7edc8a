package views

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Panel is what the root needs of every full-screen panel (Overview, CPU, Disk, …). Panels are
// concrete types with pointer receivers; the root keeps them in a list so that switching is
// data (digits, Tab) rather than a switch statement, as soft-serve's components do.
//
// The root calls SetSize once per resize, Update with every FrameMsg (whether the panel is
// shown or not, so a switch shows current data at once) and with key messages only while the
// panel is focused. View returns exactly the size last set, from a string cached in Update.
type Panel interface {
	// Title is the name shown in the panel bar ("Disk"); tests and users rely on it.
	Title() string
	SetSize(width, height int)
	Update(msg tea.Msg) tea.Cmd
	View() string
	// Tile renders a compact summary of the same data for the Overview in exactly w×h, the
	// busiest items first. It is called from the Overview's Update, never from View.
	Tile(w, h int) string
	// TileHeight is the height the tile wants at width w: the fewest lines worth showing and
	// the most it can use.
	TileHeight(w int) (least, most int)
	// ShortHelp and FullHelp list the panel's own keys (help.KeyMap); disabled ones are hidden.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Defs says what each number on the panel means: formula and source file. The root shows
	// them on request, because numbers that look like iostat's but are not confuse people.
	Defs() []Def
}

// ViewBytes is a panel that keeps its view in a buffer of its own: the root copies the bytes
// into its screen instead of asking View for a string of them, so a frame of the panel makes
// one screen-sized string, the root's, not two. The bytes are the panel's and are good until
// its next SetSize or Update: the root reads them in its View and keeps nothing of them.
type ViewBytes interface {
	ViewBytes() []byte
}

// TileAppender is a panel that can append its tile to a buffer: the Overview keeps every
// tile of a frame in one buffer of its own instead of a string for each. AppendTile(dst, w,
// h) appends exactly Tile(w, h).
type TileAppender interface {
	AppendTile(dst []byte, w, h int) []byte
}

// Def defines one column or figure of a panel.
type Def struct {
	Name    string // as on screen: "w_await"
	Meaning string // "mean ms per completed write, queue + service (iostat -x)"
	Formula string // "Δwrite_ticks / Δwrites"
	Source  string // "/proc/diskstats fields 5, 8"
}
