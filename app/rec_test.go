package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/engine"
)

// stubRecorder stands for cmd/ktop's recorder (tested there against real files): it keeps the
// state as the engine would, and fails to start with the error the test gives.
type stubRecorder struct {
	st       engine.RecordState
	startErr error
	started  []string
	stops    int
}

func (r *stubRecorder) DefaultName() string { return "ktop-vm-20250602-100029.ktop" }

func (r *stubRecorder) Start(path string) error {
	if r.startErr != nil {
		return r.startErr
	}
	r.started = append(r.started, path)
	r.st = engine.RecordState{Name: path}
	return nil
}

func (r *stubRecorder) Stop() error {
	r.stops++
	r.st = engine.RecordState{}
	return nil
}

func (r *stubRecorder) State() engine.RecordState { return r.st }

// recordModel is fixture2 live at w×h with rec for R, 20 samples in; next samples the 21st.
func recordModel(tb testing.TB, rec Recorder, w, h int) (m Model, next func(Model) Model) {
	tb.Helper()
	ss := fixture2(tb)
	hist := engine.NewHistory(3600)
	m = New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second, Recorder: rec})
	m = update(m, sizeMsg(w, h))
	for _, s := range ss[:20] {
		hist.Append(s)
	}
	next = func(m Model) Model {
		hist.Append(ss[20])
		return update(m, SampleMsg{Sample: ss[20]})
	}
	return update(m, SampleMsg{Sample: ss[19]}), next
}

// TestRecordKey: R asks for a file (the default name offered, editable), enter starts
// recording and the status line shows REC with the file and its size as it grows; R stops it
// and says what was recorded; esc or an empty name records nothing.
func TestRecordKey(t *testing.T) {
	t.Parallel()
	rec := &stubRecorder{}
	m, next := recordModel(t, rec, 120, 40)
	if s := statusOf(m.View()); strings.Contains(s, "REC") || !strings.Contains(s, "R rec") {
		t.Errorf("before R: status %q", s)
	}
	m = press(m, "R")
	if s := statusOf(m.View()); m.prompt == nil || !strings.Contains(s, " RECORD  to file: ktop-vm-20250602-100029.ktop") || !strings.Contains(s, "enter start") {
		t.Fatalf("R: status %q", s)
	}
	m = press(m, "enter")
	if want := []string{"ktop-vm-20250602-100029.ktop"}; len(rec.started) != 1 || rec.started[0] != want[0] {
		t.Fatalf("started %q, want %q", rec.started, want)
	}
	if s := statusOf(m.View()); !strings.Contains(s, " LIVE  10:00:19  REC ktop-vm-20250602-100029.ktop") {
		t.Errorf("recording: status %q", s)
	}
	// A sample later the file has grown; the status line reads the state after each sample.
	rec.st.Samples, rec.st.Bytes = 1, 23<<10
	m = next(m)
	if s := statusOf(m.View()); !strings.Contains(s, "REC ktop-vm-20250602-100029.ktop 23K") {
		t.Errorf("after a sample: status %q", s)
	}
	// Paused, it still records and says so.
	if s := statusOf(press(m, " ").View()); !strings.Contains(s, " PAUSED  10:00:20  REC ktop-vm") {
		t.Errorf("paused while recording: status %q", s)
	}
	m = press(m, "R")
	if s := statusOf(m.View()); rec.stops != 1 || strings.Contains(s, "REC ") || !strings.Contains(s, "recorded 1 samples to ktop-vm-20250602-100029.ktop (23K)") {
		t.Errorf("R again: %d stops, status %q", rec.stops, s)
	}
	// Another name, typed over the default; then esc, and an emptied name, record nothing.
	m = press(m, "R", "ctrl+u", "/", "t", "m", "p", "/", "a", ".", "k", "t", "o", "p", "enter")
	if len(rec.started) != 2 || rec.started[1] != "/tmp/a.ktop" {
		t.Errorf("typed name: started %q", rec.started)
	}
	m = press(m, "R") // stop
	m = press(m, "R", "esc")
	m = press(m, "R", "ctrl+u", "enter")
	if s := statusOf(m.View()); len(rec.started) != 2 || !strings.Contains(s, "no file named: not recording") {
		t.Errorf("esc and empty name: started %q, status %q", rec.started, s)
	}
	// Under help, R is not acted on (keys other than scrolling are ignored there).
	if m = press(m, "?", "R"); m.prompt != nil {
		t.Error("R under the help screen opened the prompt")
	}
}

// TestRecordErrors: a recording that cannot start says why on the status line (the file is
// in the prompt the user just typed), and one stopped by a full disk shows that in place of
// the file, until R starts another; the dashboard goes on either way.
func TestRecordErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("record /root/x.ktop: %w", &fs.PathError{Op: "open", Path: "/root/x.ktop", Err: syscall.EACCES}), "not recording: permission denied"},
		{errors.New("record x.ktop: record: x.ktop is being written by another process"), "not recording: x.ktop is being written by another process"},
		{fmt.Errorf("record x.ktop: %w", &fs.PathError{Op: "open", Path: "x.ktop", Err: syscall.ENOENT}), "not recording: no such file or directory"},
	} {
		rec := &stubRecorder{startErr: tc.err}
		m, next := recordModel(t, rec, 120, 40)
		m = press(m, "R", "enter")
		if s := statusOf(m.View()); !strings.Contains(s, tc.want) || strings.Contains(s, "REC") {
			t.Errorf("%v: status %q, want %q", tc.err, s, tc.want)
		}
		if m = next(m); m.frame.Seq != 21 {
			t.Errorf("%v: the dashboard stopped following samples", tc.err)
		}
	}
}

// TestRecordFullDisk: a recording stopped by a full disk says so on the status line at the
// next sample, as fully as the width allows (why, the file kept, how much it holds), and keeps
// saying it; the dashboard goes on following samples, and R offers another recording.
func TestRecordFullDisk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w    int
		want string
	}{
		{200, " LIVE  10:00:20  REC stopped: no space left on device — ktop-vm-20250602-100029.ktop kept, 17 samples recorded, readable "},
		{120, " LIVE  10:00:20  REC stopped: no space left on device — ktop-vm-20250602-100029.ktop kept "},
		{80, " LIVE  10:00:20  REC stopped: no space left on device"},
	} {
		rec := &stubRecorder{}
		m, next := recordModel(t, rec, tc.w, 24)
		m = press(m, "R", "enter")
		rec.st.Samples = 17
		rec.st.Err = fmt.Errorf("record: %w", &os.PathError{Op: "write", Path: rec.st.Name, Err: syscall.ENOSPC})
		m = next(m)
		s := statusOf(m.View())
		if !strings.Contains(s, tc.want) {
			t.Errorf("%d columns: status %q, want %q", tc.w, s, tc.want)
		}
		if m.frame.Seq != 21 {
			t.Errorf("%d columns: the dashboard stopped following samples", tc.w)
		}
		checkFrame(t, m.View(), tc.w, 24)
		if m = press(m, "R"); m.prompt == nil {
			t.Errorf("%d columns: R after a failed recording did not offer to start another", tc.w)
		}
	}
}

// TestRecordStatusNarrow: at 80 columns the REC part keeps its place; the interval and the
// history's reach give way to the key hints.
func TestRecordStatusNarrow(t *testing.T) {
	t.Parallel()
	rec := &stubRecorder{}
	m, _ := recordModel(t, rec, 80, 24)
	m = press(m, "R", "enter")
	s := statusOf(m.View())
	if !strings.Contains(s, " LIVE  10:00:19  REC ktop-vm-2…00029.ktop") || !strings.Contains(s, "? help") {
		t.Errorf("80 columns: status %q", s)
	}
	checkFrame(t, m.View(), 80, 24)
}
