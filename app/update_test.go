package app

import (
	"errors"
	"io/fs"
	"maps"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views/cpupanel"
)

// specialKeys are the keys that are not runes, by the name key.Matches knows them by.
var specialKeys = map[string]tea.KeyType{
	"esc": tea.KeyEsc, "f1": tea.KeyF1, "ctrl+c": tea.KeyCtrlC, "enter": tea.KeyEnter,
	"tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, " ": tea.KeySpace,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
	"ctrl+d": tea.KeyCtrlD, "ctrl+u": tea.KeyCtrlU,
}

func keyMsg(s string) tea.KeyMsg {
	if t, ok := specialKeys[s]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends keys as Bubble Tea would, delivering the message of any command a key returns
// (an ExpandMsg from the Overview) back to the model; quitting stops the run.
func press(m Model, keys ...string) Model {
	for _, k := range keys {
		nm, cmd := m.Update(keyMsg(k))
		m = nm.(Model)
		if cmd == nil {
			continue
		}
		switch msg := cmd().(type) {
		case tea.QuitMsg:
			return m
		case nil:
		default:
			m = update(m, msg)
		}
	}
	return m
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestQuitKeys(t *testing.T) {
	t.Parallel()
	m := feed(t, fixture16(t), 80, 24)
	for _, k := range []string{"q", "ctrl+c"} {
		for _, help := range []bool{false, true} {
			mm := m
			if help {
				mm = update(mm, keyMsg("?"))
			}
			_, cmd := mm.Update(keyMsg(k))
			if !isQuit(cmd) {
				t.Errorf("%s (help open: %v) did not quit", k, help)
			}
		}
	}
	if _, cmd := m.Update(keyMsg("x")); isQuit(cmd) {
		t.Error("x quit")
	}
}

func TestHelpToggle(t *testing.T) {
	t.Parallel()
	m := feed(t, fixture16(t), 80, 24)
	tests := []struct {
		keys     []string
		wantHelp bool
	}{
		{nil, false},
		{[]string{"?"}, true},
		{[]string{"f1"}, true},
		{[]string{"?", "?"}, false},
		{[]string{"?", "esc"}, false},
		{[]string{"f1", "esc"}, false},
		{[]string{"esc"}, false},
		{[]string{"?", "j"}, true}, // view keys do not reach the CPU panel under the help screen
		{[]string{"h"}, true},      // as in htop and top, while vim keys are off
		{[]string{"h", "h"}, false},
		{[]string{"?", "D"}, false}, // D switches to the definitions
	}
	for _, tc := range tests {
		mm := m
		for _, k := range tc.keys {
			mm = update(mm, keyMsg(k))
		}
		v := mm.View()
		if want, have := tc.wantHelp, strings.Contains(v, "ktop keys"); want != have {
			t.Errorf("%v: help shown %v, want %v:\n%s", tc.keys, have, want, v)
		}
		// Help never lies: "esc close" is listed exactly when esc closes an overlay.
		if want, have := mm.overlay != noOverlay, strings.Contains(statusOf(v), "esc close"); want != have {
			t.Errorf("%v: esc hint shown %v, want %v", tc.keys, have, want)
		}
		checkFrame(t, v, 80, 24)
	}
}

// TestScrollKeys checks that scroll keys reach the focused CPU panel, move it only as far as
// there are rows, and are listed in help only when the rows overflow.
func TestScrollKeys(t *testing.T) {
	t.Parallel()
	frames := fixture16(t)
	// 16 CPUs in two columns, two lines of room (the panel bar takes one line of the 15).
	newSmall := func() Model { return update(feed(t, frames, 80, 15), keyMsg("2")) }
	small := newSmall()
	if !strings.Contains(small.View(), "↑↓ scroll CPUs") {
		t.Errorf("scroll hint missing while CPUs overflow:\n%s", small.View())
	}
	tests := []struct {
		keys []string
		want int
	}{
		{nil, 0},
		{[]string{"j"}, 1},
		{[]string{"down", "down"}, 2},
		{[]string{"j", "k"}, 0},
		{[]string{"k"}, 0},
		{[]string{"f"}, 2},
		{[]string{"f", "f", "f", "f"}, 6},
		{[]string{"end"}, 6},
		{[]string{"G", "j"}, 6},
		{[]string{"G", "g"}, 0},
	}
	for _, tc := range tests {
		mm := newSmall() // panels are pointers: a copied Model shares them
		for _, k := range tc.keys {
			mm = update(mm, keyMsg(k))
		}
		if have := cpuOffset(mm); have != tc.want {
			t.Errorf("%v: offset %d, want %d", tc.keys, have, tc.want)
		}
	}
	big := update(feed(t, fixture16(t), 120, 40), keyMsg("2")) // every CPU fits
	if strings.Contains(big.View(), "scroll CPUs") {
		t.Error("scroll hint shown though nothing scrolls")
	}
	if have := cpuOffset(update(big, keyMsg("j"))); have != 0 {
		t.Errorf("j scrolled a panel that fits: offset %d", have)
	}
	if v := update(big, keyMsg("?")).View(); strings.Contains(v, "scroll CPUs") {
		t.Errorf("help lists scroll keys that do nothing:\n%s", v)
	}
	if v := update(small, keyMsg("?")).View(); !strings.Contains(v, "scroll CPUs") {
		t.Errorf("help lacks the scroll keys while CPUs overflow:\n%s", v)
	}
}

// TestResize sends size changes into a running model: each frame fits exactly, and the layout
// follows (two columns of CPU rows at 80×24, one at 120×40).
func TestResize(t *testing.T) {
	t.Parallel()
	m := update(feed(t, fixture16(t), 120, 40), keyMsg("2"))
	for _, sz := range [][2]int{{80, 24}, {40, 12}, {200, 50}, {81, 24}, {120, 40}} {
		m = update(m, sizeMsg(sz[0], sz[1]))
		checkFrame(t, m.View(), sz[0], sz[1])
	}
	lines := strings.Split(update(m, sizeMsg(80, 24)).View(), "\n")
	if !strings.Contains(lines[5], "  0 ") || !strings.Contains(lines[5], "  8 ") { // header 2, panel bar, legend, all
		t.Errorf("80×24: want CPUs 0 and 8 side by side, have %q", lines[5])
	}
}

// TestSampleDelivery checks the data flow: a sample from the engine's channel reaches every
// view, and handling it re-arms the wait, so there is always exactly one pending wait.
func TestSampleDelivery(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	hist := engine.NewHistory(100)
	ch := make(chan *engine.Sample, 1)
	m := New(Options{Theme: asciiTheme(), History: hist, Updates: ch, Interval: time.Second})
	m = update(m, sizeMsg(80, 24))
	cmd := m.Init()
	if cmd == nil {
		t.Fatal("Init does not wait for samples")
	}
	for i, s := range ss[:5] {
		hist.Append(s)
		ch <- s
		msg := cmd()
		sm, ok := msg.(SampleMsg)
		if !ok || sm.Sample != s {
			t.Fatalf("sample %d: wait returned %#v", i, msg)
		}
		var nm tea.Model
		nm, cmd = m.Update(msg)
		m = nm.(Model)
		if cmd == nil {
			t.Fatalf("sample %d: the wait was not re-armed", i)
		}
		if want, have := s.Frame.Time.Format("15:04:05"), m.statusLine(); !strings.Contains(have, want) {
			t.Errorf("sample %d: status %q lacks %s", i, have, want)
		}
	}
	// Without a channel (replay, tests) nothing waits.
	if New(Options{Theme: asciiTheme()}).Init() != nil {
		t.Error("Init without Updates returned a command")
	}
}

// TestUnavailableSources renders frames whose sources failed: the panels must show the reason
// (or "—"), never zeros.
func TestUnavailableSources(t *testing.T) {
	t.Parallel()
	ss := fixture16(t)
	denied := sources.StatusOf(&fs.PathError{Op: "open", Path: "/proc/meminfo", Err: syscall.EACCES})
	gone := sources.StatusOf(&fs.PathError{Op: "open", Path: "/proc/stat", Err: syscall.ENOENT})
	broken := sources.StatusOf(errors.New("/proc/loadavg: malformed line"))
	prev, cur := *ss[0].Snap, *ss[1].Snap
	prev.Mem, cur.Mem = nil, nil
	prev.Stat, cur.Stat = nil, nil
	cur.Load = nil
	cur.Status = maps.Clone(cur.Status)
	cur.Status[sources.SrcMeminfo] = denied
	cur.Status[sources.SrcStat] = gone
	cur.Status[sources.SrcLoadavg] = broken
	f := derive.Derive(&prev, &cur)
	m := feed(t, []*engine.Sample{{Snap: &cur, Frame: f}}, 250, 40)
	v := m.View()
	for _, want := range []string{
		"mem n/a: open /proc/meminfo: permission denied",
		"all n/a: open /proc/stat: no such file or directory",
		"load n/a: /proc/loadavg: malformed line",
		"runq n/a: open /proc/stat",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "0/0") || strings.Contains(v, "0.00 0.00 0.00") {
		t.Errorf("unavailable values shown as zeros:\n%s", v)
	}
	checkFrame(t, v, 250, 40)
}

// cpuOffset is the CPU panel's scroll offset.
func cpuOffset(m Model) int { return m.panels[1].(*cpupanel.Model).Offset() }

// statusOf is the status line: the last line of a view.
func statusOf(v string) string { return v[strings.LastIndexByte(v, '\n')+1:] }
