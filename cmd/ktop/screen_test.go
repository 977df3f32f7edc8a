package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/sys/unix"
)

// vt is the little of a terminal the painter's output needs: printing with xterm's deferred
// wrap at the right margin, CR, LF, cursor position (CUP), erase in line and in display, and
// mode and style sequences, which it skips. It counts scrolls, which a painter must never
// cause on the alternate screen.
type vt struct {
	w, h     int
	cells    [][]rune
	row, col int  // 0-based
	wrap     bool // the last column was written: the next character goes to the next line
	scrolls  int
}

func newVT(w, h int) *vt {
	t := &vt{w: w, h: h}
	t.resize(w, h)
	return t
}

// resize is the terminal's new size; like a terminal on the alternate screen it keeps what
// fits.
func (t *vt) resize(w, h int) {
	cells := make([][]rune, h)
	for r := range cells {
		cells[r] = []rune(strings.Repeat(" ", w))
		if r < len(t.cells) {
			copy(cells[r], t.cells[r])
		}
	}
	t.w, t.h, t.cells = w, h, cells
	t.row, t.col = min(t.row, h-1), min(t.col, w-1)
}

func (t *vt) lineFeed() {
	if t.row == t.h-1 {
		t.scrolls++
		copy(t.cells, t.cells[1:])
		t.cells[t.h-1] = []rune(strings.Repeat(" ", t.w))
		return
	}
	t.row++
}

func (t *vt) write(s string) {
	for len(s) > 0 {
		switch s[0] {
		case '\r':
			t.col, t.wrap, s = 0, false, s[1:]
			continue
		case '\n':
			t.lineFeed()
			t.wrap, s = false, s[1:]
			continue
		case '\x1b':
			// ESC [ params final
			i := 2
			for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
				i++
			}
			params, final := s[2:i], s[i]
			s = s[i+1:]
			t.csi(params, final)
			continue
		}
		r, size := []rune(s[:min(len(s), 4)])[0], 1
		if r >= 0x80 {
			size = len(string(r))
		}
		s = s[size:]
		if t.wrap {
			t.col, t.wrap = 0, false
			t.lineFeed()
		}
		t.cells[t.row][t.col] = r
		if t.col == t.w-1 {
			t.wrap = true
		} else {
			t.col++
		}
	}
}

func (t *vt) csi(params string, final byte) {
	num := func(i, def int) int {
		f := strings.Split(params, ";")
		if i < len(f) {
			if n, err := strconv.Atoi(f[i]); err == nil && n > 0 {
				return n
			}
		}
		return def
	}
	switch {
	case strings.HasPrefix(params, "?"), final == 'm':
	case final == 'H':
		t.row, t.col, t.wrap = min(num(0, 1), t.h)-1, min(num(1, 1), t.w)-1, false
	case final == 'K':
		for c := t.col; c < t.w; c++ {
			t.cells[t.row][c] = ' '
		}
	case final == 'J' && params == "2":
		for r := range t.cells {
			t.cells[r] = []rune(strings.Repeat(" ", t.w))
		}
	case final == 'J':
		for c := t.col; c < t.w; c++ {
			t.cells[t.row][c] = ' '
		}
		for r := t.row + 1; r < t.h; r++ {
			t.cells[r] = []rune(strings.Repeat(" ", t.w))
		}
	default:
		panic(fmt.Sprintf("vt: unknown sequence %q %c", params, final))
	}
}

// screen is what the terminal shows, a line per row, trailing blanks kept.
func (t *vt) screen() string {
	rows := make([]string, t.h)
	for r, cells := range t.cells {
		rows[r] = string(cells)
	}
	return strings.Join(rows, "\n")
}

// fit is frame as a w×h terminal shows it: each line cut or padded to w, h lines.
func fit(frame string, w, h int) string {
	lines := strings.Split(frame, "\n")
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = ansi.Strip(ansi.Truncate(lines[i], w, ""))
		}
		out[i] = l + strings.Repeat(" ", w-ansi.StringWidth(l))
	}
	return strings.Join(out, "\n")
}

// frame is h lines, line i the letter c repeated to width w with i's digit at its start.
func frame(c string, w, h int) string {
	lines := make([]string, h)
	for i := range lines {
		lines[i] = strconv.Itoa(i % 10)
		lines[i] += strings.Repeat(c, w-1)
	}
	return strings.Join(lines, "\n")
}

// TestPainterScreen paints frames and resizes in turn on an emulated terminal: after each
// step the terminal shows the last frame, cut or padded to its size, and has never scrolled.
func TestPainterScreen(t *testing.T) {
	t.Parallel()
	type step struct {
		frame string // painted when resize is zero
		w, h  int    // a resize to w×h
	}
	changed := strings.Replace(frame("a", 20, 5), "2aaaa", "2b─b─", 1)
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"first frame", []step{{w: 20, h: 5}, {frame: frame("a", 20, 5)}}},
		{"one line changes", []step{{w: 20, h: 5}, {frame: frame("a", 20, 5)}, {frame: changed}, {frame: frame("a", 20, 5)}}},
		{"shorter lines are erased to the margin", []step{{w: 20, h: 5}, {frame: frame("a", 20, 5)}, {frame: "x\ny\nz\nw\nv"}}},
		{"fewer lines: the rest is erased", []step{{w: 20, h: 5}, {frame: frame("a", 20, 5)}, {frame: "x\ny"}}},
		{"more lines than the screen", []step{{w: 20, h: 5}, {frame: frame("a", 20, 8)}, {frame: frame("c", 20, 9)}}},
		{"wider than the screen", []step{{w: 20, h: 5}, {frame: frame("a", 30, 5)}, {frame: "\x1b[1mé" + strings.Repeat("─", 40) + "\x1b[0m"}}},
		{"styled lines", []step{{w: 20, h: 3}, {frame: "\x1b[31mred\x1b[0m x\n\x1b[7m" + strings.Repeat("█", 20) + "\x1b[0m\nend"}}},
		{"full last line", []step{{w: 20, h: 5}, {frame: frame("a", 20, 5)}, {frame: changed}}},
		{"grows", []step{{w: 20, h: 5}, {frame: frame("a", 20, 5)}, {w: 30, h: 8}, {frame: frame("a", 20, 5)}, {frame: frame("d", 30, 8)}}},
		{"shrinks", []step{{w: 30, h: 8}, {frame: frame("a", 30, 8)}, {w: 20, h: 5}, {frame: frame("a", 30, 8)}, {frame: frame("d", 20, 5)}}},
		{"empty frame", []step{{w: 20, h: 5}, {frame: frame("a", 20, 5)}, {frame: ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			term := newVT(1, 1)
			var out bytes.Buffer
			p := &painter{out: &out}
			last := ""
			for i, s := range tc.steps {
				if s.w != 0 {
					term.resize(s.w, s.h)
					p.resize(s.w, s.h)
					continue
				}
				out.Reset()
				p.paint(s.frame)
				term.write(out.String())
				last = s.frame
				if want, have := fit(last, term.w, term.h), term.screen(); want != have {
					t.Fatalf("step %d: the terminal shows\n%s\nwant\n%s\n(written %q)", i, have, want, out.String())
				}
				if term.scrolls != 0 {
					t.Fatalf("step %d: the screen scrolled %d times", i, term.scrolls)
				}
			}
		})
	}
}

// TestPainterWritesChanges: a frame is written as the lines that differ from the screen's,
// nothing else; the same frame again writes nothing; a resize clears and writes every line.
func TestPainterWritesChanges(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := &painter{out: &out}
	p.resize(20, 5)
	a := frame("a", 20, 5)
	p.paint(a)
	if want, have := 5, strings.Count(out.String(), ";1H"); !strings.HasPrefix(out.String(), seqClearScreen) || want != have {
		t.Errorf("first frame: %d lines written, want %d after a clear: %q", have, want, out.String())
	}
	for _, tc := range []struct {
		name, frame, want string
	}{
		{"same", a, ""},
		{"line 3", strings.Replace(a, "2aaa", "2bbb", 1), "\x1b[3;1H2bbb" + strings.Repeat("a", 16)},
		{"lines 1 and 5 shorter", strings.Replace(strings.Replace(a, "0"+strings.Repeat("a", 19), "0x", 1), "4"+strings.Repeat("a", 19), "4", 1),
			"\x1b[1;1H0x" + seqEraseLineEnd + "\x1b[3;1H2" + strings.Repeat("a", 19) + "\x1b[5;1H4" + seqEraseLineEnd},
		{"two lines", "0x\n1" + strings.Repeat("a", 19), "\x1b[3;1H" + seqEraseBelow},
	} {
		out.Reset()
		p.paint(tc.frame)
		if have := out.String(); have != tc.want {
			t.Errorf("%s: wrote %q, want %q", tc.name, have, tc.want)
		}
	}
	p.resize(20, 5)
	out.Reset()
	p.paint("0x\n1" + strings.Repeat("a", 19))
	if want, have := seqClearScreen+"\x1b[1;1H0x"+seqEraseLineEnd+"\x1b[2;1H1"+strings.Repeat("a", 19), out.String(); want != have {
		t.Errorf("after a resize: wrote %q, want %q", have, want)
	}
}

// viewModel is a model whose view is what the last message said (a string); anything else
// leaves it as it was. It counts its updates.
type viewModel struct {
	view    string
	updates int
}

func (v *viewModel) Init() tea.Cmd { return nil }
func (v *viewModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	v.updates++
	switch msg := msg.(type) {
	case string:
		v.view = msg
	case tea.WindowSizeMsg:
		v.view = fmt.Sprintf("%dx%d", msg.Width, msg.Height)
	case error:
		panic(msg)
	}
	return v, nil
}
func (v *viewModel) View() string { return v.view }

// TestPaintModel sends a model messages at chosen times: a change is written at once when the
// last write is paintGap old; within paintGap of it, one paintMsg is armed for the rest of
// the gap and brings the burst's last frame; a message that changes nothing writes nothing
// and arms nothing; a new size repaints the screen whole; the paintModel's own message never
// reaches the model.
func TestPaintModel(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	inner := &viewModel{}
	m := newPaintModel(inner, &out, func() {})
	t0 := time.Unix(1e9, 0)
	now := t0
	m.now = func() time.Time { return now }
	var armed []time.Duration
	m.after = func(d time.Duration) tea.Cmd {
		armed = append(armed, d)
		return func() tea.Msg { return paintMsg{} }
	}
	ms := time.Millisecond
	for i, s := range []struct {
		at      time.Duration
		msg     tea.Msg
		written string // what the screen shows after the message; "" when nothing is written
		arms    time.Duration
	}{
		{0, tea.WindowSizeMsg{Width: 10, Height: 2}, "10x2", 0},
		{1 * ms, "one", "", 15 * ms},
		{2 * ms, "two", "", 0},
		{3 * ms, "three", "", 0}, // armed already
		{16 * ms, paintMsg{}, "three", 0},
		{17 * ms, 42, "", 0}, // no change
		{40 * ms, "four", "four", 0},
		{41 * ms, "four", "", 0},
		{45 * ms, "five", "", 11 * ms},
		{50 * ms, "four", "", 0}, // back to what the screen shows: the paintMsg writes nothing
		{56 * ms, paintMsg{}, "", 0},
		{60 * ms, "six", "", 12 * ms}, // 56 wrote nothing, but counts as a write
		{72 * ms, paintMsg{}, "six", 0},
		{100 * ms, tea.WindowSizeMsg{Width: 10, Height: 2}, "10x2", 0},
		{200 * ms, tea.WindowSizeMsg{Width: 10, Height: 2}, "10x2", 0}, // same size, same view: repainted whole
	} {
		now = t0.Add(s.at)
		out.Reset()
		armed = armed[:0]
		updates := inner.updates
		_, cmd := m.Update(s.msg)
		if _, own := s.msg.(paintMsg); own && inner.updates != updates {
			t.Errorf("step %d: the model got the paintMsg", i)
		}
		var want []time.Duration
		if s.arms != 0 {
			want = append(want, s.arms)
		}
		if fmt.Sprint(want) != fmt.Sprint(armed) || (cmd != nil) != (s.arms != 0) {
			t.Errorf("step %d (%v): armed %v (cmd %v), want %v", i, s.msg, armed, cmd != nil, want)
		}
		have := out.String()
		switch {
		case s.written == "" && have != "":
			t.Errorf("step %d (%v): wrote %q, want nothing", i, s.msg, have)
		case s.written != "" && !strings.Contains(have, s.written):
			t.Errorf("step %d (%v): wrote %q, want %q", i, s.msg, have, s.written)
		}
		if m.View() != inner.View() {
			t.Errorf("step %d: View %q, the model's %q", i, m.View(), inner.View())
		}
	}
}

// TestPaintModelPanic: a panic in the model restores the terminal first, then goes on.
func TestPaintModelPanic(t *testing.T) {
	t.Parallel()
	restored := 0
	m := newPaintModel(&viewModel{}, &bytes.Buffer{}, func() { restored++ })
	boom := errors.New("boom")
	func() {
		defer func() {
			if r := recover(); r != boom {
				t.Errorf("recovered %v, want %v", r, boom)
			}
		}()
		m.Update(boom)
	}()
	if restored != 1 {
		t.Errorf("terminal restored %d times, want 1", restored)
	}
}

// openPTY opens a w×h pseudo-terminal. The master is non-blocking so that Go's poller serves
// it: Close then ends a Read in progress.
func openPTY(t *testing.T, w, h int) (master, slave *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(h), Col: uint16(w)}); err != nil {
		t.Fatal(err)
	}
	return master, slave
}

// keyModel shows the terminal's size and the keys typed; q quits, p panics.
type keyModel struct{ size, keys string }

func (k *keyModel) Init() tea.Cmd { return nil }
func (k *keyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		k.size = fmt.Sprintf("size %dx%d", msg.Width, msg.Height)
	case tea.KeyMsg:
		switch msg.String() {
		case "q":
			return k, tea.Quit
		case "p":
			panic("p pressed")
		}
		k.keys += msg.String()
	}
	return k, nil
}
func (k *keyModel) View() string { return k.size + "\nkeys " + k.keys }

// TestScreenRestore runs a program on a screen over a pseudo-terminal and ends it every way:
// q, a signal (ktop's context), a panic in the model, the terminal gone. The terminal must be
// set up (raw mode, alternate screen, hidden cursor, mouse) and given back each time: its
// mode as before, and the last thing written the sequences that undo the setup. On the way the
// size arrives, a key is echoed, and a resize (SIGWINCH) repaints.
func TestScreenRestore(t *testing.T) {
	// Not parallel: it sends this process SIGWINCH, which every screen running would get.
	for _, end := range []string{"q", "signal", "panic", "gone"} {
		t.Run(end, func(t *testing.T) {
			if end == "panic" && raceDetector {
				// Bubble Tea v1.3.10 recovers a panic with shutdown(kill): it closes its
				// cancelable reader without waiting for the read loop, whose goroutine is
				// still reading the reader's descriptors (cancelreader's wait calls Fd on
				// them), so the race detector flags the library, now and then, on this path
				// alone. The terminal's restore is what this case checks; it runs without -race.
				t.Skip("Bubble Tea's panic recovery races its own input reader")
			}
			master, slave := openPTY(t, 40, 10)
			before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var written bytes.Buffer
			go func() {
				buf := make([]byte, 4096)
				for {
					n, err := master.Read(buf)
					mu.Lock()
					written.Write(buf[:n])
					mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
			waitFor := func(s string) {
				t.Helper()
				deadline := time.Now().Add(20 * time.Second)
				for {
					mu.Lock()
					ok := strings.Contains(written.String(), s)
					mu.Unlock()
					if ok {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("the terminal never showed %q; it got %q", s, written.String())
					}
					time.Sleep(10 * time.Millisecond)
				}
			}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			scr := &screen{in: slave, out: slave}
			type result struct {
				m   tea.Model
				err error
			}
			res := make(chan result, 1)
			if end == "panic" {
				// Bubble Tea's recovery prints the panic and a stack on standard output and
				// error: they go to a file for the test to read. No other test runs meanwhile.
				log, err := os.Create(t.TempDir() + "/out")
				if err != nil {
					t.Fatal(err)
				}
				stdout, stderr := os.Stdout, os.Stderr
				os.Stdout, os.Stderr = log, log
				defer func() {
					os.Stdout, os.Stderr = stdout, stderr
					b, _ := os.ReadFile(log.Name())
					if !strings.Contains(string(b), "Caught panic:\n\np pressed") {
						t.Errorf("Bubble Tea printed %q, not the panic", b)
					}
				}()
			}
			go func() {
				m, err := runScreen(ctx, &keyModel{}, scr, nil)
				res <- result{m, err}
			}()
			waitFor(seqScreenSetup)
			waitFor("size 40x10")
			during, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if during.Lflag&(unix.ICANON|unix.ECHO) != 0 {
				t.Errorf("the terminal is not in raw mode: lflag %#x", during.Lflag)
			}
			if _, err := master.WriteString("x"); err != nil {
				t.Fatal(err)
			}
			waitFor("keys x")
			if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 12, Col: 50}); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Kill(os.Getpid(), syscall.SIGWINCH); err != nil {
				t.Fatal(err)
			}
			waitFor(seqClearScreen + "\x1b[1;1Hsize 50x12")

			switch end {
			case "q", "panic":
				_, err = master.WriteString(end[:1])
			case "signal":
				cancel()
			case "gone":
				err = master.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			var r result
			select {
			case r = <-res:
			case <-time.After(20 * time.Second):
				t.Fatal("the program did not end")
			}
			switch {
			case end == "panic" && !errors.Is(r.err, tea.ErrProgramPanic):
				t.Errorf("ended with %v, want a panic", r.err)
			case end == "gone" && !endedCleanly(ctx, r.err):
				t.Errorf("ended with %v, want the terminal gone", r.err)
			case (end == "q" || end == "signal") && r.err != nil:
				t.Errorf("ended with %v", r.err)
			}
			if k, ok := r.m.(*keyModel); end != "panic" && (!ok || k.keys != "x") {
				t.Errorf("final model %#v, want the keyModel that saw x", r.m)
			}
			if end == "gone" {
				return // nothing to read the terminal's state through
			}
			after, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if *after != *before {
				t.Errorf("terminal mode after %+v, before %+v", *after, *before)
			}
			waitFor(seqScreenRestore)
			mu.Lock()
			have := written.String()
			mu.Unlock()
			if !strings.HasSuffix(have, seqScreenRestore) {
				t.Errorf("the terminal's last bytes are %q, want the restore %q", have[max(0, len(have)-80):], seqScreenRestore)
			}
		})
	}
}

// BenchmarkPaint writes a 200×50 frame of styled lines of which 12 changed since the last, as
// after a sample on a chart panel.
func BenchmarkPaint(b *testing.B) {
	line := func(i, n int) string {
		return fmt.Sprintf("\x1b[38;5;%dm%4d\x1b[0m ", i%200, n) + strings.Repeat("⣿⡀ ", 64) + "\x1b[1mend\x1b[0m"
	}
	frames := make([]string, 2)
	for f := range frames {
		lines := make([]string, 50)
		for i := range lines {
			lines[i] = line(i, 0)
			if i%4 == 0 {
				lines[i] = line(i, f)
			}
		}
		frames[f] = strings.Join(lines, "\n")
	}
	var out bytes.Buffer
	p := &painter{out: &out}
	p.resize(200, 50)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		out.Reset()
		p.paint(frames[i%2])
	}
	b.ReportMetric(float64(out.Len()), "bytes/op")
}
