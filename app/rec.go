package app

import (
	"path/filepath"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

// Recorder records the live session to a file for the R key; cmd/ktop's wraps the engine's
// recorder hook and sources/record. Start and Stop touch the disk, so the dashboard calls them
// from a command, never from Update.
type Recorder interface {
	// DefaultName is the file R offers: ktop-HOST-DATE-TIME.ktop in the recording directory.
	DefaultName() string
	// Start records every following sample to path (continuing it when it is a recording).
	Start(path string) error
	// Stop stops recording and closes the file cleanly (index written, synced).
	Stop() error
	// State is what the recorder is doing; it does not wait for a sampling pass.
	State() engine.RecordState
}

// recordDone is the result of starting or stopping a recording.
type recordDone struct {
	start bool
	path  string
	st    engine.RecordState // what was recorded, when stopping
	err   error
}

// recording reports whether samples are being recorded now.
func (m *Model) recording() bool { return m.recSt.Name != "" && m.recSt.Err == nil }

// recordKey is R: stop the recording under way, or ask for a file to record to.
func (m *Model) recordKey() tea.Cmd {
	if m.recording() {
		rec, st := m.rec, m.recSt
		return func() tea.Msg { return recordDone{path: st.Name, st: rec.State(), err: rec.Stop()} }
	}
	m.prompt = &prompt{kind: recordPrompt, text: m.rec.DefaultName()}
	return nil
}

// startRecording is the record prompt's enter.
func (m *Model) startRecording(path string) tea.Cmd {
	path = strings.TrimSpace(path)
	if path == "" {
		m.note = "no file named: not recording"
		return nil
	}
	rec := m.rec
	return func() tea.Msg { return recordDone{start: true, path: path, err: rec.Start(path)} }
}

// recorded takes the result of a start or a stop: the status line says what happened.
func (m *Model) recorded(msg recordDone) {
	m.recSt = m.rec.State()
	switch {
	case msg.err != nil && msg.start:
		m.note = "not recording: " + shortErr(msg.err)
	case msg.err != nil:
		m.note = "recording to " + filepath.Base(msg.path) + " ended badly: " + shortErr(msg.err)
	case !msg.start:
		m.note = "recorded " + strconv.Itoa(msg.st.Samples) + " samples to " + msg.path
		if msg.st.Bytes > 0 {
			m.note += " (" + views.KB(uint64(msg.st.Bytes)/1024) + ")"
		}
	}
	m.keys.Record.SetHelp("R", m.recordHelp())
}

// recordHelp words R for the state of the recorder.
func (m *Model) recordHelp() string {
	if m.recording() {
		return "stop recording"
	}
	return "record to a file"
}

// recordStatus is the status line's REC part: the file being written and its size, or why
// recording stopped; "" when not recording.
func (m *Model) recordStatus() string {
	st, th := m.recSt, m.th
	switch {
	case st.Name == "":
		return ""
	case st.Err != nil:
		return m.recordStopped()
	}
	out := th.Ink.Bad.Paint("REC") + " " + th.Ink.Value.Paint(shorten(filepath.Base(st.Name), max(m.width/4, 16)))
	if st.Bytes > 0 {
		out += " " + th.Ink.Label.Paint(views.KB(uint64(st.Bytes)/1024))
	}
	return out
}

// recordStopped is the REC part once a write failed (disk full): why, and that the file is
// kept and reads back up to the last sample written, said as fully as the line has room for,
// since it stays until R starts another recording. The writer appends one whole frame per
// sample and a reader skips a torn last frame, so every sample counted is readable.
func (m *Model) recordStopped() string {
	st, th := m.recSt, m.th
	head := th.Ink.Bad.Paint("REC") + " " + th.Ink.Warn.Paint("stopped: "+shortErr(st.Err))
	file := filepath.Base(st.Name)
	room := m.width - hintRoom - 17 // the mode's label and the clock come first
	for _, tail := range []string{
		" — " + file + " kept, " + strconv.Itoa(st.Samples) + " samples recorded, readable",
		" — " + file + " kept",
	} {
		if out := head + th.Ink.Label.Paint(tail); views.Width(out) <= room {
			return out
		}
	}
	return head
}

// shortErr is the end of an error's chain of contexts ("record x: open x: permission
// denied" says "permission denied"), which is what fits on the status line; the file is named
// beside it. An error whose last part is a path or a number keeps more.
func shortErr(err error) string {
	s := err.Error()
	parts := strings.Split(s, ": ")
	out := parts[len(parts)-1]
	if len(parts) > 1 && len(out) < 8 {
		out = parts[len(parts)-2] + ": " + out
	}
	return out
}
