package procs

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
)

const fixtures = "../../sources/collect/testdata/"

// t0 stamps the fixture frames, so goldens do not depend on when the test runs.
var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// snapOf collects one real fixture tree (procs-live, procs-16cpu) with the real collectors and
// pins everything that depends on the test's clock: the table is stamped at its own uptime,
// and read durations are fixed.
func snapOf(t testing.TB, root string) *sources.Snapshot {
	t.Helper()
	set := collect.NewSet(collect.FS{Proc: root, Sys: root + "/nonexistent", Dev: root + "/nonexistent"})
	defer set.Close()
	s := &sources.Snapshot{}
	set.Collect(s)
	if s.Procs == nil {
		t.Fatalf("%s: no process table: %+v", root, s.StatusFor(sources.SrcProcs))
	}
	tab := s.Procs
	tab.At = t0.Add(time.Duration(tab.Uptime * float64(time.Second)))
	tab.ScanTime, tab.SmapsTime = 1234*time.Microsecond, 0
	for i := range tab.Procs {
		p := &tab.Procs[i]
		p.AtUs = 0
		if p.Smaps != nil {
			c := *p.Smaps
			c.At, c.Dur = tab.At.Add(-3*time.Second), 870*time.Microsecond
			p.Smaps = &c
			tab.SmapsTime = c.Dur
		}
	}
	s.Time = tab.At
	return s
}

// frames derives the a/ then b/ samples of a fixture pair: the first without rates, the
// second with them.
func frames(t testing.TB, pair string) []*derive.Frame {
	t.Helper()
	a := snapOf(t, fixtures+pair+"/a/proc")
	b := snapOf(t, fixtures+pair+"/b/proc")
	fa, fb := derive.Derive(nil, a), derive.Derive(a, b)
	fa.Time, fb.Time = a.Time, b.Time
	return []*derive.Frame{fa, fb}
}

// panel builds a panel at w×h fed with frames (a window ending at the last).
func panel(t testing.TB, w, h int, fs ...*derive.Frame) *Model {
	t.Helper()
	m := New(fixture.ASCII(), time.Second)
	m.SetSize(w, h)
	for i := range fs {
		m.Update(views.FrameMsg{Frames: fs[:i+1]})
	}
	checkView(t, m.View(), w, h)
	return m
}

func checkView(t testing.TB, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if h > 0 && len(lines) != h {
		t.Errorf("%d×%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if ansi.StringWidth(l) != w && h > 0 {
			t.Errorf("%d×%d: line %d is %d wide: %q", w, h, i, ansi.StringWidth(l), l)
		}
	}
}

func keys(s ...string) []tea.KeyMsg {
	var out []tea.KeyMsg
	for _, k := range s {
		if msg := fixture.Key(k); msg.Type != tea.KeyRunes {
			out = append(out, msg)
			continue
		}
		for _, r := range k { // typed one rune at a time
			out = append(out, fixture.Key(string(r)))
		}
	}
	return out
}

// press sends keys and returns the last command.
func press(m *Model, s ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys(s...) {
		cmd = m.Update(k)
	}
	return cmd
}

// pids are the PIDs of the rows, threads as -TID.
func pids(m *Model) []int {
	var out []int
	for _, r := range m.rows {
		if r.t != nil {
			out = append(out, -r.t.TID)
		} else {
			out = append(out, r.p.PID)
		}
	}
	return out
}

// fakeActions records what the panel asked for.
type fakeActions struct {
	signals []string
	nices   []int
	ids     []sources.ProcID
	pinned  []int
	err     error
	threads *sources.ThreadTable
	detail  *sources.ProcDetail
}

func (f *fakeActions) Signal(id sources.ProcID, sig string) error {
	f.ids, f.signals = append(f.ids, id), append(f.signals, sig)
	return f.err
}

func (f *fakeActions) Renice(id sources.ProcID, nice int) error {
	f.ids, f.nices = append(f.ids, id), append(f.nices, nice)
	return f.err
}

func (f *fakeActions) ProcDetail(id sources.ProcID) (*sources.ProcDetail, error) {
	if f.detail == nil {
		return nil, sources.ErrProcGone
	}
	return f.detail, nil
}

func (f *fakeActions) Threads([]sources.ProcID) *sources.ThreadTable { return f.threads }
func (f *fakeActions) SetSmapsSelected(pids []int)                   { f.pinned = pids }

// perform runs cmd as the root would: batches are opened, ActionMsgs run with a, and every
// resulting message is fed back once. A command still running after 200 ms is the poll
// tick (a second away): it is left out, as one step of the chain is enough here.
func perform(m *Model, cmd tea.Cmd, a views.Actions) {
	var msgs []tea.Msg
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var res tea.Msg
		select {
		case res = <-done:
		case <-time.After(200 * time.Millisecond):
			return
		}
		switch msg := res.(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				run(c)
			}
		case views.ActionMsg:
			msgs = append(msgs, msg.Cmd(a)())
		case nil:
		default:
			msgs = append(msgs, msg)
		}
	}
	run(cmd)
	for _, msg := range msgs {
		if _, tick := msg.(pollMsg); tick {
			continue // one step of the chain is enough here
		}
		m.Update(msg)
	}
}

func TestGoldens(t *testing.T) {
	t.Parallel()
	for _, pair := range []string{"procs-live", "procs-16cpu"} {
		fs := frames(t, pair)
		for _, sz := range [][2]int{{80, 24}, {200, 50}} {
			m := panel(t, sz[0], sz[1], fs...)
			fixture.Golden(t, pair+"-"+strconv.Itoa(sz[0])+"x"+strconv.Itoa(sz[1]), m.View())
		}
	}
	// The first sample has no rates: "—", never 0.
	m := panel(t, 120, 14, frames(t, "procs-live")[0])
	fixture.Golden(t, "procs-live-first-120x14", m.View())
	// Tree view, at a middle width.
	m = panel(t, 120, 14, frames(t, "procs-live")...)
	press(m, "t")
	fixture.Golden(t, "procs-live-tree-120x14", m.View())
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	a := &fakeActions{detail: liveDetail(t)}
	for _, sz := range fixture.Sizes {
		w, h := sz[0], sz[1]
		for _, ks := range [][]string{nil, {"t"}, {"f6"}, {"u"}, {"/", "sl"}, {"k"}, {"k", "enter"}, {"enter"}} {
			m := panel(t, w, h, fs...)
			cmd := press(m, ks...)
			perform(m, cmd, a)
			checkView(t, m.View(), w, h)
			if t.Failed() {
				t.Fatalf("keys %q at %d×%d:\n%s", ks, w, h, m.View())
			}
		}
	}
}

// liveDetail is the detail read of the python process of procs-live/b over the fixture tree
// (which lacks task/*/stat, cgroup and fd: those parts carry notes).
func liveDetail(t testing.TB) *sources.ProcDetail {
	t.Helper()
	d, err := collect.ReadProcDetail(collect.FS{Proc: fixtures + "procs-live/b/proc"}, sources.ProcID{PID: 14189, Start: 53386})
	if err != nil {
		t.Fatal(err)
	}
	d.Took = 420 * time.Microsecond
	return d
}

func TestSort(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	tests := []struct {
		keys []string
		want []int
	}{
		// %CPU descending (the default): python 34.8, the loop 27.1, then the idle ones by PID.
		{nil, []int{14189, 14188, 2, 9, 14190, 14191, 14435}},
		{[]string{"I"}, []int{2, 9, 14190, 14191, 14435, 14188, 14189}},
		{[]string{"N"}, []int{2, 9, 14188, 14189, 14190, 14191, 14435}},
		{[]string{"N", "I"}, []int{14435, 14191, 14190, 14189, 14188, 9, 2}},
		// RSS descending: python 13.3M, then the sleeps and the loop; kernel threads (0) last.
		{[]string{"M"}, nil},
		// TIME+: the loop 1.88 s, python 1.86 s, the rest 0.
		{[]string{"T"}, []int{14188, 14189, 2, 9, 14190, 14191, 14435}},
		// F6 opens on the current column; USER is the second item: text sorts A→Z, PID
		// breaks ties.
		{[]string{"f6", "home", "down", "enter"}, []int{14191, 2, 9, 14188, 14189, 14190, 14435}},
		// < from %CPU goes to S (the column left of it at 80 columns): I, R, S.
		{[]string{"<"}, []int{9, 14188, 2, 14189, 14190, 14191, 14435}},
		{[]string{"<", ">"}, []int{14189, 14188, 2, 9, 14190, 14191, 14435}},
	}
	for _, tt := range tests {
		m := panel(t, 80, 24, fs...)
		press(m, tt.keys...)
		have := pids(m)
		if tt.want == nil {
			// M: check the order by the RSS values themselves.
			rss := func(pid int) float64 {
				for _, p := range fs[1].Procs {
					if p.PID == pid {
						return p.RSSKB.V
					}
				}
				return -1
			}
			if !slices.IsSortedFunc(have, func(a, b int) int { return int(rss(b) - rss(a)) }) || have[0] != 14189 {
				t.Errorf("M: not by RSS: %v", have)
			}
			continue
		}
		if !slices.Equal(have, tt.want) {
			t.Errorf("%q: want %v, have %v", tt.keys, tt.want, have)
		}
	}
}

func TestFilterAndSearch(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 80, 24, fs...)
	press(m, "/")
	if !m.Capturing() {
		t.Fatal("filter prompt does not capture keys")
	}
	press(m, "SLEEP")
	// Case-insensitive over command line and name: sleep 30, sleep 5 and "a b)c" (a copy of
	// sleep whose command line is /tmp/a b)c 30 — it does not match).
	if want, have := []int{14191, 14435}, pids(m); !slices.Equal(want, have) {
		t.Errorf("filter sleep: want %v, have %v", want, have)
	}
	if !strings.Contains(m.View(), "Filter: SLEEP_") {
		t.Errorf("prompt not shown:\n%s", m.View())
	}
	press(m, "enter")
	if m.Capturing() || m.v.filter != "SLEEP" || !strings.Contains(m.View(), `filter "SLEEP"`) {
		t.Errorf("enter must keep the filter: %q\n%s", m.v.filter, m.View())
	}
	press(m, "esc")
	if m.v.filter != "" || len(m.rows) != 7 {
		t.Errorf("esc in the list must clear the filter: %q, %d rows", m.v.filter, len(m.rows))
	}
	press(m, "/", "nobody", "esc")
	if m.v.filter != "" || len(m.rows) != 7 {
		t.Errorf("esc in the prompt must clear the filter")
	}
	press(m, "/", "zzz")
	if !strings.Contains(m.View(), "no process matches") {
		t.Errorf("empty result not explained:\n%s", m.View())
	}
	press(m, "backspace", "backspace", "backspace", "python", "enter")
	if want, have := []int{14189}, pids(m); !slices.Equal(want, have) {
		t.Errorf("filter python: %v", have)
	}
	press(m, "esc")

	// Search moves the cursor without hiding rows; n finds the next match.
	press(m, "f3", "sleep")
	if r := m.rows[m.cursor]; r.p.PID != 14191 {
		t.Errorf("search sleep: on %d", r.p.PID)
	}
	press(m, "enter", "n")
	if r := m.rows[m.cursor]; r.p.PID != 14435 {
		t.Errorf("n: on %d", r.p.PID)
	}
	press(m, "f3", "nosuch")
	if !m.missed || !strings.Contains(m.View(), "not found") {
		t.Errorf("a failed search must say so:\n%s", m.View())
	}
}

func TestTree(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 120, 20, fs...)
	press(m, "t")
	// Roots: kthreadd (its parent 0 is not listed) with kworker under it, then the test's
	// children of 14186 (not captured) as roots in %CPU order.
	if want, have := []int{14189, 14188, 2, 9, 14190, 14191, 14435}, pids(m); !slices.Equal(want, have) {
		t.Errorf("tree: want %v, have %v", want, have)
	}
	var kw *row
	for i := range m.rows {
		if m.rows[i].p.PID == 9 {
			kw = &m.rows[i]
		}
	}
	if kw == nil || kw.prefix != "└─ " {
		t.Fatalf("kworker not drawn under kthreadd: %+v", kw)
	}
	// Fold kthreadd: its child disappears and it shows "+".
	m.follow = true
	m.moveTo(slices.Index(pids(m), 2))
	press(m, "-")
	if slices.Contains(pids(m), 9) || !strings.Contains(m.View(), "+[kthreadd]") {
		t.Errorf("fold: %v\n%s", pids(m), m.View())
	}
	press(m, "+")
	if !slices.Contains(pids(m), 9) {
		t.Errorf("unfold: %v", pids(m))
	}
	press(m, "*")
	if slices.Contains(pids(m), 9) {
		t.Errorf("* must fold all: %v", pids(m))
	}
	press(m, "*", "t")
	if m.v.tree || kw == nil {
		t.Error("t must leave the tree")
	}
}

func TestUserFilterAndKernel(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 80, 24, fs...)
	press(m, "u")
	if m.mode != modeUser || m.choose.items[0] != "All users" {
		t.Fatalf("user chooser: %+v", m.choose)
	}
	// root has six processes, nobody one: root first.
	if want, have := []string{"All users", "root", "nobody"}, m.choose.items; !slices.Equal(want, have) {
		t.Errorf("users: want %v, have %v", want, have)
	}
	press(m, "down", "down", "enter")
	if want, have := []int{14191}, pids(m); !slices.Equal(want, have) {
		t.Errorf("user nobody: %v", have)
	}
	press(m, "u", "home", "enter", "K")
	if want, have := []int{14189, 14188, 14190, 14191, 14435}, pids(m); !slices.Equal(want, have) {
		t.Errorf("all users, kernel threads hidden: %v", have)
	}
}

// TestSelectionFollowsProcess: the cursor stays on a process by (PID, starttime) while the
// order changes between frames, and keeps its position when the process goes.
func TestSelectionFollowsProcess(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 80, 24, fs[0])
	// First sample: no %CPU, so PID order. Move to the python process (row 3).
	press(m, "down", "down", "down")
	if p := m.selected(); p == nil || p.PID != 14189 {
		t.Fatalf("selected %+v", p)
	}
	m.Update(views.FrameMsg{Frames: fs})
	if p := m.selected(); p == nil || p.PID != 14189 || m.cursor != 0 {
		t.Errorf("after the order changed: selected %d at row %d, want 14189 at 0", p.PID, m.cursor)
	}
	// The same PID with another starttime is another process: the cursor keeps its row.
	reused := *fs[1]
	reused.Procs = slices.Clone(fs[1].Procs)
	for i := range reused.Procs {
		if reused.Procs[i].PID == 14189 {
			reused.Procs[i].Start++
			reused.Procs[i].CPUPct = derive.Some(0)
		}
	}
	m.Update(views.FrameMsg{Frames: []*derive.Frame{&reused}})
	if p := m.selected(); m.cursor != 0 || p.PID != 14188 {
		t.Errorf("selection did not stay at row 0 when its process went: %d at %d", p.PID, m.cursor)
	}
	// Until the user moves, the cursor stays on the first row (the busiest).
	m = panel(t, 80, 24, fs[0])
	m.Update(views.FrameMsg{Frames: fs})
	if m.cursor != 0 || m.selected().PID != 14189 {
		t.Errorf("not following: row %d", m.cursor)
	}
}

func TestSignalFlow(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 80, 24, fs...)
	press(m, "N", "end") // the last row by PID: 14435 (sleep 5)
	target := sources.ProcID{PID: 14435, Start: m.selected().Start}

	press(m, "k")
	if m.mode != modeSignal || m.choose.items[m.choose.idx] != "SIGTERM" || !m.Capturing() {
		t.Fatalf("chooser: mode %d, %+v", m.mode, m.choose)
	}
	if !strings.Contains(m.View(), "Send signal") || !strings.Contains(m.View(), ">SIGTERM") {
		t.Errorf("chooser not drawn:\n%s", m.View())
	}
	// The frame moves on while the chooser is open: the target does not change.
	m.Update(views.FrameMsg{Frames: fs})
	if cmd := press(m, "enter"); cmd != nil || m.mode != modeConfirm {
		t.Fatalf("enter must ask first, mode %d", m.mode)
	}
	if !strings.Contains(m.View(), "Send SIGTERM to 14435 (sleep)? y/N") {
		t.Errorf("confirmation not shown:\n%s", m.View())
	}
	a := &fakeActions{}
	cmd := press(m, "y")
	perform(m, cmd, a)
	if want := []string{"SIGTERM"}; !slices.Equal(a.signals, want) || a.ids[0] != target {
		t.Errorf("sent %v to %v, want SIGTERM to %v", a.signals, a.ids, target)
	}
	if !strings.Contains(m.View(), "SIGTERM sent to 14435 (sleep)") {
		t.Errorf("result not shown:\n%s", m.View())
	}

	// Any other key than y cancels; esc in the chooser too.
	a = &fakeActions{}
	perform(m, press(m, "k", "down", "enter", "n"), a)
	perform(m, press(m, "f9", "esc"), a)
	if len(a.signals) != 0 || !strings.Contains(m.View(), "cancelled") {
		t.Errorf("cancel sent %v\n%s", a.signals, m.View())
	}

	// A refusal (PID reused, EPERM) is shown as the error, in the summary.
	a = &fakeActions{err: errors.New("14435: PID now belongs to another process")}
	press(m, "k", "k") // 'k' in the chooser jumps to SIGKILL
	if m.choose.items[m.choose.idx] != "SIGKILL" {
		t.Errorf("letter jump: on %s", m.choose.items[m.choose.idx])
	}
	perform(m, press(m, "enter", "y"), a)
	if !slices.Equal(a.signals, []string{"SIGKILL"}) || !strings.Contains(m.View(), "SIGKILL not sent to 14435 (sleep): 14435: PID now") {
		t.Errorf("refusal not shown: %v\n%s", a.signals, m.View())
	}
}

func TestReniceAndPin(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 80, 24, fs...)
	a := &fakeActions{}
	perform(m, press(m, "f8"), a)
	perform(m, press(m, "f7"), a)
	// The top row is python at nice 0: F8 asks for 1, F7 for -1 (from the frame's value).
	if want := []int{1, -1}; !slices.Equal(a.nices, want) || a.ids[0].PID != 14189 {
		t.Errorf("renice: %v on %v", a.nices, a.ids)
	}
	if !strings.Contains(m.View(), "nice of 14189 (python3): 0 → -1") {
		t.Errorf("renice result:\n%s", m.View())
	}
	perform(m, press(m, "p"), a)
	if want := []int{14189}; !slices.Equal(a.pinned, want) || !strings.Contains(m.View(), ">*") {
		t.Errorf("pin: %v\n%s", a.pinned, m.View())
	}
	perform(m, press(m, "p"), a)
	if len(a.pinned) != 0 {
		t.Errorf("unpin: %v", a.pinned)
	}
}

func TestThreads(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 80, 24, fs...)
	py := sources.ProcID{PID: 14189, Start: 53386}
	// Thread reads are structs here: the fixture has no task/TID/stat.
	read := func(at time.Time, u uint64) *sources.ThreadTable {
		return &sources.ThreadTable{At: at, Count: 2, Took: 300 * time.Microsecond, Procs: map[sources.ProcID]*sources.ThreadSet{
			py: {At: at, Threads: []sources.ThreadStat{
				{TID: 14189, Start: 53386, Comm: "python3", State: 'S', UTime: 10},
				{TID: 14193, Start: 53390, Comm: "spin", State: 'R', UTime: 10 + u},
			}},
		}}
	}
	a := &fakeActions{threads: read(t0, 0)}
	cmd := press(m, "H")
	perform(m, cmd, a)
	a.threads = read(t0.Add(time.Second), 80)
	perform(m, readThreads(m.threadIDs()), a)
	if want, have := []int{14189, -14193, -14189, 14188, 2, 9, 14190, 14191, 14435}, pids(m); !slices.Equal(want, have) {
		t.Errorf("thread rows: want %v, have %v", want, have)
	}
	if v := m.View(); !strings.Contains(v, "└ python3") || !strings.Contains(v, "├ spin") || !strings.Contains(v, " 80.0 ") ||
		!strings.Contains(v, "2 threads read in 0.3 ms") {
		t.Errorf("thread rows not drawn:\n%s", v)
	}
	press(m, "H")
	if len(m.rows) != 7 {
		t.Errorf("H off: %v", pids(m))
	}
}

func TestDetail(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	m := panel(t, 100, 30, fs...)
	a := &fakeActions{detail: liveDetail(t)}
	perform(m, press(m, "enter"), a)
	if m.detail == nil || m.detail.id.PID != 14189 {
		t.Fatal("enter did not open python's detail")
	}
	v := m.View()
	for _, want := range []string{"PID 14189 python3", "RSS 13M", "VmSize 232M", "open files —: no fd", "cgroup —: no cgroup",
		"threads —: no readable task/*/stat", "%CPU last", "RSS  now 13 MiB"} { // narrow charts drop the "PID N" subtitle: the detail header names the process
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	// Signals work from the detail view on its process.
	perform(m, press(m, "k", "enter", "y"), a)
	if len(a.ids) != 1 || a.ids[0].PID != 14189 {
		t.Errorf("signal from the detail view went to %v", a.ids)
	}
	press(m, "esc")
	if m.detail != nil {
		t.Error("esc did not close the detail view")
	}
	// A process that exited says so.
	a.detail = nil
	perform(m, press(m, "enter"), a)
	if v := m.View(); !strings.Contains(v, "process exited") {
		t.Errorf("gone process:\n%s", v)
	}
}

func TestDetailGoldens(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-live")
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		m := panel(t, sz[0], sz[1], fs...)
		perform(m, press(m, "enter"), &fakeActions{detail: liveDetail(t)})
		fixture.Golden(t, "procs-live-detail-"+strconv.Itoa(sz[0])+"x"+strconv.Itoa(sz[1]), m.View())
	}
}

// TestSanitise: a command name holding an escape sequence never reaches the terminal as one,
// whether it came through the collector (which sanitises) or straight into a frame.
func TestSanitise(t *testing.T) {
	t.Parallel()
	// Through the collector: a copy of a real stat with the comm replaced (hand-made).
	dir := t.TempDir()
	src := fixtures + "procs-live/b/proc/"
	for _, f := range []string{"uptime", "14190/stat", "14190/status", "14190/cmdline"} {
		b, err := os.ReadFile(src + f)
		if err != nil {
			t.Fatal(err)
		}
		if f == "14190/stat" {
			b = []byte(strings.Replace(string(b), "(a b)c)", "(\x1b[31mred\x1b]0;title\x07)", 1))
		}
		if f == "14190/cmdline" {
			b = []byte("evil\x1b[2J\x00arg\x00")
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := snapOf(t, dir)
	f := derive.Derive(nil, s)
	if len(f.Procs) != 1 || !strings.Contains(f.Procs[0].Comm, "red") {
		t.Fatalf("procs: %+v", f.Procs)
	}
	// Straight into a frame: the view's own guard.
	raw := *f
	raw.Procs = []derive.Proc{{PID: 7, Comm: "\x1b[31mred", Cmdline: "x\x1b[2J\u2028y\x9b1m\u009b2J", User: "u\x1b[0m"}}
	for _, fr := range []*derive.Frame{f, &raw} {
		m := panel(t, 120, 12, fr)
		perform(m, press(m, "enter"), &fakeActions{})
		for _, v := range []string{m.View(), m.Tile(60, 4)} {
			for _, bad := range []string{"\x1b", "\x07", "\x9b", "\u009b", "\u2028"} {
				if strings.Contains(v, bad) {
					t.Errorf("%q reached the screen: %q", bad, v)
				}
			}
		}
		press(m, "esc", "u")
		if strings.ContainsAny(m.View(), "\x1b\x07") {
			t.Errorf("user chooser: %q", m.View())
		}
	}
}

func TestKeysDisabled(t *testing.T) {
	t.Parallel()
	m := panel(t, 80, 24)
	if m.keys.Kill.Enabled() || m.keys.Detail.Enabled() || m.keys.Fold.Enabled() || !m.keys.Filter.Enabled() {
		t.Error("keys enabled without processes")
	}
	m = panel(t, 80, 24, frames(t, "procs-live")...)
	if !m.keys.Kill.Enabled() || m.keys.Fold.Enabled() || m.keys.Back.Enabled() || m.keys.SearchNext.Enabled() {
		t.Error("list keys wrong")
	}
	press(m, "t")
	if !m.keys.Fold.Enabled() {
		t.Error("fold disabled in tree view")
	}
	press(m, "/")
	if m.keys.Kill.Enabled() || !m.keys.Accept.Enabled() {
		t.Error("prompt keys wrong")
	}
	for _, b := range m.ShortHelp() {
		if b.Enabled() && b.Help().Key == "" {
			t.Errorf("binding without help: %v", b.Keys())
		}
	}
}

func TestTileAndDefs(t *testing.T) {
	t.Parallel()
	m := panel(t, 80, 24, frames(t, "procs-16cpu")...)
	tile := m.Tile(50, 4)
	checkView(t, tile, 50, 4)
	lines := strings.Split(tile, "\n")
	if !strings.Contains(lines[1], "411") && !strings.Contains(lines[1], "417") {
		t.Errorf("tile does not start with a busy loop:\n%s", tile)
	}
	if least, most := m.TileHeight(50); least != 2 || most != 5 {
		t.Errorf("TileHeight = %d, %d", least, most)
	}
	defs := m.Defs()
	if len(defs) != int(nCols) {
		t.Errorf("%d defs for %d columns", len(defs), nCols)
	}
	for _, d := range defs {
		if d.Name == "" || d.Meaning == "" || d.Formula == "" || d.Source == "" {
			t.Errorf("incomplete def %+v", d)
		}
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	for _, w := range []int{20, 60, 80, 120, 150, 200, 300} {
		shown, cmdW := layout(w)
		used := gutterW + cmdW
		for _, c := range shown[:len(shown)-1] {
			used += columns[c].width + 1
		}
		if used != w && w >= 20 {
			t.Errorf("%d: columns use %d", w, used)
		}
		if shown[0] != colPID || shown[len(shown)-1] != colCmd {
			t.Errorf("%d: %v", w, shown)
		}
	}
	if shown, _ := layout(200); len(shown) != int(nCols) {
		t.Errorf("200 columns should show every column: %d of %d", len(shown), nCols)
	}
	if shown, _ := layout(80); slices.Contains(shown, colSwapPss) || !slices.Contains(shown, colCPUPct) {
		t.Errorf("80 columns: %v", shown)
	}
}

func TestCPUTime(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s    float64
		want string
	}{{0, "0:00.00"}, {1.88, "0:01.88"}, {61.5, "1:01.50"}, {3599.99, "59:59.99"}, {3600, "1h00:00"}, {7384, "2h03:04"}, {360000, "100h"}} {
		if have := cpuTime(tt.s); have != tt.want {
			t.Errorf("cpuTime(%v) = %q, want %q", tt.s, have, tt.want)
		}
	}
}

// TestRunOfKeys: keys that arrive in one message (tmux send-keys, paste) act one by one, and
// what follows "/" is the filter's text.
func TestRunOfKeys(t *testing.T) {
	t.Parallel()
	m := panel(t, 80, 24, frames(t, "procs-live")...)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("N/sleep")})
	if m.v.sort != colPID || m.mode != modeFilter || m.v.filter != "sleep" {
		t.Errorf("sort %d, mode %d, filter %q", m.v.sort, m.mode, m.v.filter)
	}
}

// TestHiddenNote: as an unprivileged user the info line says in one line which columns are
// empty for other users' processes, each reason once, and never "or root" (root without
// CAP_SYS_PTRACE, in a container, is refused too): in full where there is room, pointing to
// the definitions (D) at 80 columns, and never cut.
func TestHiddenNote(t *testing.T) {
	t.Parallel()
	fs := frames(t, "procs-16cpu")
	for _, tc := range []struct {
		pss, io, w int
		want       string
	}{
		{3, 85, 200, "sort %CPU▼ · PSS of 3, I/O of 85 other users' processes hidden: PSS needs CAP_SYS_PTRACE, I/O CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"},
		{3, 85, 80, "sort %CPU▼ · PSS of 3, I/O of 85 other users' processes hidden (D: why)"},
		{3, 0, 80, "sort %CPU▼ · PSS of 3 other users' processes hidden: needs CAP_SYS_PTRACE"},
		{0, 85, 80, "sort %CPU▼ · I/O of 85 other users' processes hidden (D: why)"},
		{0, 85, 120, "sort %CPU▼ · I/O of 85 other users' processes hidden: needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"},
		{0, 0, 80, "sort %CPU▼"},
	} {
		last := *fs[1]
		sum := *last.ProcSummary
		sum.SmapsDenied, sum.IODenied = tc.pss, tc.io
		last.ProcSummary = &sum
		m := panel(t, tc.w, 24, fs[0], &last)
		line := strings.Split(m.View(), "\n")[1]
		if have := strings.TrimRight(line, " "); have != tc.want {
			t.Errorf("PSS %d, I/O %d at %d columns:\nhave %q\nwant %q", tc.pss, tc.io, tc.w, have, tc.want)
		}
		if v := m.View(); strings.Count(v, "CAP_DAC_READ_SEARCH") > 1 || strings.Contains(v, "or root") {
			t.Errorf("PSS %d, I/O %d at %d columns: a reason twice, or root:\n%s", tc.pss, tc.io, tc.w, v)
		}
	}
}

// TestTileTopIsSortedList: the tile keeps the busiest as it goes instead of sorting every
// process; its rows must be the first rows of the list sorted by %CPU (ties by PID), at
// every height.
func TestTileTopIsSortedList(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames16(t)
	m := fixture.Show(t, New(fixture.ASCII(), time.Second), fs, 120, 40)
	byCPU := view{sort: colCPUPct}
	rows := byCPU.build(fs[len(fs)-1].Procs)
	for _, h := range []int{1, 2, 5, 11, 40, len(rows) + 3} {
		lines := strings.Split(m.Tile(200, h), "\n")
		for i, line := range lines[1:] {
			if i >= len(rows) {
				if strings.TrimSpace(line) != "" {
					t.Errorf("h %d: line %d past the processes: %q", h, i+1, line)
				}
				continue
			}
			if want, have := strconv.Itoa(rows[i].p.PID), strings.Fields(line)[0]; want != have {
				t.Errorf("h %d: row %d is PID %s, want %s", h, i, have, want)
			}
		}
	}
}
