package engine

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/record"
)

// sizedWriter is a recording writer that reports its file's size, as cmd/ktop's is.
type sizedWriter struct {
	*record.Writer
	path string
}

func (w sizedWriter) Size() int64 {
	st, err := os.Stat(w.path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// TestRecorderStartStop starts and stops recording while the engine samples, as the
// dashboard's R key does: the state names the file and counts samples and bytes while it
// records; stopping closes the file, which then reads back every sample recorded.
func TestRecorderStartStop(t *testing.T) {
	t.Parallel()
	e := newEngine(t, time.Second, "host-2cpu", "a")
	e.Sample() // before recording: not in the file
	path := filepath.Join(t.TempDir(), "r.ktop")
	w, err := record.Create(path, record.Header{Interval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetRecorder(sizedWriter{w, path}, path); err != nil {
		t.Fatal(err)
	}
	start := e.Recording()
	for range 3 {
		e.Sample()
	}
	st := e.Recording()
	if st.Name != path || st.Samples != 3 || st.Err != nil || st.Bytes <= start.Bytes || start.Bytes == 0 {
		t.Errorf("recording: %+v (at start %d bytes)", st, start.Bytes)
	}
	if err := e.SetRecorder(nil, ""); err != nil {
		t.Fatal(err)
	}
	e.Sample() // after: not in the file
	if st := e.Recording(); st.Name != "" || st.Samples != 0 || st.Err != nil {
		t.Errorf("after stopping: %+v", st)
	}
	r, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if want, have := 3, r.Len(); want != have {
		t.Errorf("file holds %d samples, want %d", have, want)
	}
	if len(r.Warnings()) > 0 {
		t.Errorf("a cleanly stopped recording has warnings: %q", r.Warnings())
	}
}

// fullDisk is a recorder whose writes fail as on a full disk after n samples.
type fullDisk struct {
	n      int
	closed bool
}

func (f *fullDisk) Append(*sources.Snapshot) error {
	if f.n == 0 {
		return &os.PathError{Op: "write", Path: "r.ktop", Err: syscall.ENOSPC}
	}
	f.n--
	return nil
}

func (f *fullDisk) Close() error { f.closed = true; return nil }

// TestRecorderFails: a failed write stops recording, closes the recorder and keeps the
// error for the status line; sampling goes on.
func TestRecorderFails(t *testing.T) {
	t.Parallel()
	e := newEngine(t, time.Second, "host-2cpu", "a")
	f := &fullDisk{n: 2}
	if err := e.SetRecorder(f, "r.ktop"); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		e.Sample()
	}
	st := e.Recording()
	if st.Name != "r.ktop" || st.Samples != 2 || !errors.Is(st.Err, syscall.ENOSPC) || !f.closed {
		t.Errorf("after a full disk: %+v, closed %v", st, f.closed)
	}
	if want, have := 4, e.History().Len(); want != have {
		t.Errorf("history holds %d samples, want %d: sampling stopped", have, want)
	}
}
