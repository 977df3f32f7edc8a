package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/app"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/sources/record"
	"github.com/ktop-dev/ktop/views/theme"
)

// TestReplayArgs: what is wrong with the command line or the file is said before the screen
// would start, with exit status 2. Tests have no terminal, so a good recording gets as far as
// the terminal check.
func TestReplayArgs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := recordFixture(t, "200ms")
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a recording\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.ktop")
	w, err := record.Create(empty, record.Header{Interval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nosuch.ktop")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage: ktop replay FILE"},
		{[]string{"-h"}, 0, "Usage: ktop replay FILE"},
		{[]string{missing}, 2, "ktop replay: " + missing + ": no such file"},
		{[]string{dir}, 2, "ktop replay: " + dir + " is a directory, not a recording"},
		{[]string{text}, 2, "ktop replay: " + text + ": no readable header: not a ktop recording"},
		{[]string{empty}, 2, "ktop replay: " + empty + " holds no samples"},
		{[]string{good, good}, 2, `ktop replay: unexpected argument "` + good + `"`},
		{[]string{good, "--theme", "pink"}, 2, `ktop replay: --theme "pink": want dark, light or auto`},
		{[]string{"--panel", "nosuch", good}, 2, `ktop replay: --panel unknown panel "nosuch"`},
		{[]string{"--bogus", good}, 2, "flag provided but not defined: -bogus"},
		{[]string{good}, 2, "ktop replay: standard output is not a terminal"},
	} {
		var stdout, stderr bytes.Buffer
		// No user's config file: it goes after a leading file, before a leading flag (flags
		// parse up to the first other argument).
		args := []string{"replay"}
		switch {
		case len(tc.args) == 0:
		case strings.HasPrefix(tc.args[0], "-"):
			args = append(append(args, "--config", os.DevNull), tc.args...)
		default:
			args = append(append(args, tc.args...), "--config", os.DevNull)
		}
		code := run(args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", args, code, stderr.String(), tc.code, tc.want)
		}
	}
}

// replayKeys runs the real Bubble Tea program over a recording made by `ktop record`, without
// a terminal, at 100×30, sends it the keys and q, and returns the final model; the frames it
// drew go to out.
func replayKeys(t *testing.T, out io.Writer, keys ...tea.KeyMsg) app.Model {
	t.Helper()
	path := recordFixture(t, "300ms")
	r, err := openRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rend := lipgloss.NewRenderer(io.Discard)
	rend.SetColorProfile(termenv.Ascii)
	send := func(p *tea.Program) {
		go func() {
			p.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
			for _, k := range keys {
				p.Send(k)
			}
			p.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
		}()
	}
	done := make(chan tea.Model, 1)
	go func() {
		m, err := replayDashboard(context.Background(), r, path, app.Options{Theme: theme.New(rend), Panel: 1}, nil, send,
			tea.WithInput(nil), tea.WithOutput(out), tea.WithoutSignalHandler())
		if err != nil {
			t.Error(err)
		}
		done <- m
	}()
	select {
	case m := <-done:
		am, ok := m.(app.Model)
		if !ok {
			t.Fatalf("final model %T, want app.Model", m)
		}
		return am
	case <-time.After(20 * time.Second):
		t.Fatal("q did not end the replay")
	}
	return app.Model{}
}

// TestReplayEndToEnd: the replay opens paused at the start, x makes it ×10, End goes to the
// end and q ends it.
func TestReplayEndToEnd(t *testing.T) {
	t.Parallel()
	v := replayKeys(t, io.Discard, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}, tea.KeyMsg{Type: tea.KeyEnd}).View()
	status := v[strings.LastIndexByte(v, '\n')+1:]
	if !regexp.MustCompile(` REPLAY  r\.ktop  \d\d:\d\d:\d\d  paused ×10  0s of 0s`).MatchString(status) {
		t.Errorf("status line %q", status)
	}
	if !strings.Contains(v, " st ") {
		t.Errorf("the CPU panel is not drawn:\n%s", v)
	}
}

// TestReplayASCII: under a locale that is not UTF-8 the replay's frames reach the terminal in
// ASCII, as the live dashboard's do (its status line alone has "×" and "▶").
func TestReplayASCII(t *testing.T) {
	t.Setenv("LC_ALL", "C") // the locale is read from the environment: not parallel
	var out bytes.Buffer
	replayKeys(t, &out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	if out.Len() == 0 {
		t.Fatal("nothing drawn")
	}
	for i, b := range out.Bytes() {
		if b >= 0x80 {
			t.Fatalf("byte %#x at %d of the output: %q", b, i, out.Bytes()[max(i-40, 0):min(i+40, out.Len())])
		}
	}
}

// TestLiveRecorder drives the R key's recorder against real files while the engine samples a
// fixture: the default name, start, the size growing, stop with a clean file; and the errors
// the status line must show.
func TestLiveRecorder(t *testing.T) {
	t.Parallel()
	root := fixtureRoot("host-2cpu", "a")
	e := engine.New(engine.Options{FS: collect.FS{Proc: filepath.Join(root, "proc"), Sys: filepath.Join(root, "sys"), Dev: t.TempDir()},
		Interval: time.Second, History: time.Minute})
	defer e.Close()
	e.Sample()
	dir := t.TempDir()
	rec := liveRecorder{e: e, dir: dir}
	name := rec.DefaultName()
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(dir) + `/ktop-vm-\d{8}-\d{6}\.ktop$`).MatchString(name) {
		t.Errorf("default name %q", name)
	}
	if err := rec.Start(name); err != nil {
		t.Fatal(err)
	}
	e.Sample()
	e.Sample()
	if st := rec.State(); st.Name != name || st.Samples != 2 || st.Bytes == 0 || st.Err != nil {
		t.Errorf("recording: %+v", st)
	}
	// A second recorder on the same file is refused: the file is locked while it records.
	other := engine.New(engine.Options{Interval: time.Second})
	defer other.Close()
	if err := (liveRecorder{e: other}).Start(name); err == nil || !strings.Contains(err.Error(), "being written by another process") {
		t.Errorf("second recorder on %s: %v", name, err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	if st := rec.State(); st.Name != "" {
		t.Errorf("after stop: %+v", st)
	}
	r, err := record.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 2 || len(r.Warnings()) > 0 {
		t.Errorf("stopped recording: %d samples, warnings %q", r.Len(), r.Warnings())
	}
	r.Close()
	st, err := os.Stat(name)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("recording mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "nosuch", "r.ktop"), "no such file or directory"},
		{text, "not a ktop recording"}, // continuing it would be writing into the user's file
	} {
		if err := rec.Start(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("start %s: %v, want %q", tc.path, err, tc.want)
		}
	}
	if b, _ := os.ReadFile(text); string(b) != "mine\n" {
		t.Errorf("a failed start changed %s: %q", text, b)
	}
	if st := rec.State(); st.Name != "" {
		t.Errorf("after failed starts the state names %q", st.Name)
	}
}

// TestRecordDir: --record-dir and record_dir set where R offers to record; one that is not a
// directory is refused before the screen starts.
func TestRecordDir(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("record_dir = /var/tmp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := parseFlags([]string{"--config", cfg}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadConfig(o, os.Getenv, os.ReadFile, knownPanels); err != nil || o.recordDir != "/var/tmp" {
		t.Errorf("record_dir: %q, %v", o.recordDir, err)
	}
	if o, err := parseFlags([]string{"--config", cfg, "--record-dir", "/tmp"}, io.Discard); err != nil || loadConfig(o, os.Getenv, os.ReadFile, knownPanels) != nil || o.recordDir != "/tmp" {
		t.Errorf("the flag does not win over the file")
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--config", os.DevNull, "--record-dir", cfg}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "not a directory") {
		t.Errorf("--record-dir FILE: exit %d, stderr %q", code, stderr.String())
	}
}
