package app

import (
	"maps"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views/overview"
)

// TestPanelKeys switches panels with digits, Tab and Shift-Tab, expands the Overview's tile
// with e and enter, and comes back with Esc.
func TestPanelKeys(t *testing.T) {
	t.Parallel()
	ss := fixture16(t)
	n := len(feed(t, ss, 80, 24).panels)
	tests := []struct {
		keys []string
		want int
	}{
		{nil, 0}, // the Overview first
		{[]string{"2"}, 1},
		{[]string{"2", "1"}, 0},
		{[]string{"tab"}, 1 % n},
		{[]string{"shift+tab"}, n - 1},
		{[]string{"tab", "shift+tab"}, 0},
		{[]string{"2", "esc"}, 0},
		{[]string{"esc"}, 0},
		{[]string{"e"}, 1}, // the focused tile is the first: CPU
		{[]string{"enter"}, 1},
		{[]string{"e", "esc"}, 0},
		{[]string{"2", "e"}, 1},        // e means nothing on the CPU panel
		{[]string{"2", "?", "esc"}, 1}, // esc closes help first
		{[]string{"2", "?", "esc", "esc"}, 0},
		{[]string{"2", "D", "1"}, 0}, // a digit under an overlay switches and closes it
		{[]string{"x"}, 0},
	}
	for _, tc := range tests {
		m := press(feed(t, ss, 80, 24), tc.keys...)
		if m.active != tc.want {
			t.Errorf("%v: panel %d (%s), want %d", tc.keys, m.active, m.panels[m.active].Title(), tc.want)
		}
		checkFrame(t, m.View(), 80, 24)
	}
	// Every digit of an existing panel selects it, and the active title is highlighted in the bar.
	for i := range n {
		m := press(feed(t, ss, 120, 40), panelKey(i))
		if m.active != i {
			t.Errorf("digit %s: panel %d, want %d", panelKey(i), m.active, i)
		}
		if !strings.Contains(m.bar, " "+panelKey(i)+" "+m.panels[i].Title()+" ") {
			t.Errorf("digit %s: bar %q lacks the active title", panelKey(i), m.bar)
		}
	}
	// Help never lies: esc is listed as "back" only away from the Overview.
	if s := statusOf(feed(t, ss, 120, 40).View()); strings.Contains(s, "esc") {
		t.Errorf("Overview status offers esc: %q", s)
	}
	if s := statusOf(press(feed(t, ss, 120, 40), "2").View()); !strings.Contains(s, "esc back") {
		t.Errorf("CPU status lacks esc back: %q", s)
	}
}

// TestExpandMsg checks the root's side of e: the message names a panel and the root shows it.
func TestExpandMsg(t *testing.T) {
	t.Parallel()
	m := feed(t, fixture16(t), 80, 24)
	for i, p := range m.panels {
		if have := update(m, overview.ExpandMsg{Panel: p}).active; have != i {
			t.Errorf("expand %s: panel %d, want %d", p.Title(), have, i)
		}
	}
}

// TestDefaultPanel starts on the panel the options name.
func TestDefaultPanel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ panel, want int }{{0, 0}, {1, 1}, {-1, 0}, {99, 0}} {
		m := New(Options{Theme: asciiTheme(), Panel: tc.panel})
		if m.active != tc.want {
			t.Errorf("Panel %d: active %d, want %d", tc.panel, m.active, tc.want)
		}
		if want, have := tc.want != 0, m.keys.Back.Enabled(); want != have {
			t.Errorf("Panel %d: esc back enabled %v, want %v", tc.panel, have, want)
		}
	}
}

// TestVimKeys checks both settings: with vim keys off h is help and j/k are the CPU panel's own
// scroll keys; with them on h/j/k/l, g/G and ctrl+d/ctrl+u stand for the arrows, home/end and
// pages everywhere, and h is no longer help.
func TestVimKeys(t *testing.T) {
	t.Parallel()
	frames := fixture16(t)
	small := func(vim bool) Model {
		m := feed(t, frames, 80, 15)
		m.keys.setVim(vim)
		return press(m, "2")
	}
	for _, tc := range []struct {
		vim        bool
		keys       []string
		wantOffset int
		wantHelp   bool
	}{
		{false, []string{"h"}, 0, true},
		{true, []string{"h"}, 0, false},
		{false, []string{"j"}, 1, false}, // the CPU panel binds j itself
		{true, []string{"j", "j", "k"}, 1, false},
		{true, []string{"G"}, 6, false},
		{true, []string{"G", "g"}, 0, false},
		{true, []string{"ctrl+d"}, 2, false},
		{true, []string{"ctrl+d", "ctrl+u"}, 0, false},
		{false, []string{"ctrl+d"}, 0, false}, // not a key without vim
		{true, []string{"?"}, 0, true},
		{true, []string{"f1"}, 0, true},
	} {
		m := press(small(tc.vim), tc.keys...)
		if have := cpuOffset(m); have != tc.wantOffset {
			t.Errorf("vim %v %v: offset %d, want %d", tc.vim, tc.keys, have, tc.wantOffset)
		}
		if have := m.overlay == helpOverlay; have != tc.wantHelp {
			t.Errorf("vim %v %v: help %v, want %v", tc.vim, tc.keys, have, tc.wantHelp)
		}
	}
	// Help lists the vim keys exactly when they are on, and h as help exactly when they are off.
	for _, vim := range []bool{false, true} {
		m := feed(t, frames, 120, 40)
		m.keys.setVim(vim)
		v := press(m, "?").View()
		if have := strings.Contains(v, "h/j/k/l"); have != vim {
			t.Errorf("vim %v: help lists h/j/k/l: %v", vim, have)
		}
		if have := strings.Contains(v, "?/h/F1"); have == vim {
			t.Errorf("vim %v: help lists h as help: %v", vim, have)
		}
	}
	// On the Overview, l moves the focus like → once there is a second column (vim on only).
	m := New(Options{Theme: asciiTheme(), VimKeys: true})
	if !m.keys.VimMove.Enabled() {
		t.Error("Options.VimKeys did not turn the vim keys on")
	}
}

// TestDefsOverlay opens the definitions of the CPU panel and of the Overview's focused tile,
// scrolls them, and checks that the sources that are not available are listed with reasons.
func TestDefsOverlay(t *testing.T) {
	t.Parallel()
	ss := fixture16(t)
	m := press(feed(t, ss, 80, 24), "2", "D")
	v := m.View()
	for _, want := range []string{"What the numbers mean: CPU", "usr", "(Δuser − Δguest) / Δtot × 100", "from /proc/stat", "esc close"} {
		if !strings.Contains(v, want) {
			t.Errorf("CPU definitions lack %q:\n%s", want, v)
		}
	}
	if !strings.Contains(statusOf(v), "scroll") {
		t.Errorf("definitions overflow 80×24 but the status line offers no scrolling: %q", statusOf(v))
	}
	// Scrolling: down moves one line, end shows the sources, home the top again; D closes.
	if have := press(m, "down").pager.off; have != 1 {
		t.Errorf("down: offset %d, want 1", have)
	}
	end := press(m, "end")
	if v := end.View(); !strings.Contains(v, "Sources") || !strings.Contains(v, "unavailable host: open testdata/proc-16cpu/b/proc/sys/kernel/hostname") {
		t.Errorf("end of the definitions lacks the unavailable host source:\n%s", v)
	}
	if have := press(end, "home").pager.off; have != 0 {
		t.Errorf("home: offset %d, want 0", have)
	}
	if have := press(m, "D").overlay; have != noOverlay {
		t.Errorf("D did not close the definitions")
	}
	// Keys under the overlay do not reach the panel.
	if have := cpuOffset(press(m, "j")); have != 0 {
		t.Errorf("j under the definitions scrolled the CPU panel to %d", have)
	}
	// On the Overview, D explains the focused tile's panel.
	if v := press(feed(t, ss, 120, 40), "D").View(); !strings.Contains(v, "What the numbers mean: CPU") {
		t.Errorf("Overview definitions are not the focused tile's:\n%s", v)
	}
	// A tall screen needs no scrolling, and then help does not offer it.
	tall := press(feed(t, ss, 120, 60), "2", "D")
	if strings.Contains(statusOf(tall.View()), "scroll") || tall.keys.Down.Enabled() {
		t.Errorf("scroll offered though everything fits:\n%s", tall.View())
	}
}

// TestDefsSources checks the Sources section against a frame with a failed and a noted source.
func TestDefsSources(t *testing.T) {
	t.Parallel()
	ss := fixture16(t)
	cur := *ss[1].Snap
	f := *ss[1].Frame
	f.Status = maps.Clone(f.Status)
	f.Status[sources.SrcKmsg] = sources.Status{State: sources.Unavailable, Reason: "open /dev/kmsg: permission denied"}
	f.Status[sources.SrcSchedstat] = sources.Status{State: sources.OK, Reason: "per-task fallback"}
	m := feed(t, []*engine.Sample{{Snap: &cur, Frame: &f}}, 200, 60)
	v := press(m, "D").View()
	for _, want := range []string{"unavailable kmsg: open /dev/kmsg: permission denied", "note        schedstat: per-task fallback", "6 of 8 sources read fine"} {
		if !strings.Contains(v, want) {
			t.Errorf("sources lack %q:\n%s", want, v)
		}
	}
	if !strings.Contains(m.View(), "2 n/a (D)") {
		t.Errorf("header does not count the two sources n/a:\n%s", m.View())
	}
}
