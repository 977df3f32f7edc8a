package engine

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// failingRecorder accepts ok samples, then fails every Append with err, as a file on a full
// disk does.
type failingRecorder struct {
	ok       int
	err      error
	appended int
	closes   int
}

func (r *failingRecorder) Append(*sources.Snapshot) error {
	if r.appended >= r.ok {
		return r.err
	}
	r.appended++
	return nil
}

func (r *failingRecorder) Close() error { r.closes++; return nil }

// TestRecorderFails: when an Append fails (ENOSPC, or EFBIG under a file size limit),
// recording stops with the error kept for the screen, the recorder is closed once (so its
// file ends at the last good frame), and sampling goes on.
func TestRecorderFails(t *testing.T) {
	t.Parallel()
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EFBIG} {
		e := newEngine(t, time.Second, "host-2cpu", "a")
		r := &failingRecorder{ok: 3, err: errno}
		if err := e.SetRecorder(r, "r.ktop"); err != nil {
			t.Fatal(err)
		}
		for range 6 {
			e.Sample()
		}
		st := e.Recording()
		if !errors.Is(st.Err, errno) || st.Samples != 3 || st.Name != "r.ktop" || r.closes != 1 {
			t.Errorf("%v: state %+v, closes %d; want the error, 3 samples, the name, one close", errno, st, r.closes)
		}
		if have := e.History().Len(); have != 6 {
			t.Errorf("%v: %d samples in history after the failure, want 6: sampling must go on", errno, have)
		}
		if err := e.Close(); err != nil || r.closes != 1 {
			t.Errorf("%v: Close after the failure: %v, recorder closed %d times", errno, err, r.closes)
		}
	}
}
