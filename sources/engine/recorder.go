package engine

import (
	"github.com/ktop-dev/ktop/sources"
)

// Recorder keeps every sample somewhere else (a recording file). The engine calls Append from
// its sampling pass, so an Append must not block for long.
type Recorder interface {
	Append(*sources.Snapshot) error
	Close() error
}

// Sizer is a Recorder that can say how large its file is: the status line shows it.
type Sizer interface {
	Size() int64
}

// RecordState says what the engine's recorder is doing, for the status line.
type RecordState struct {
	Name    string // the file, "" when not recording
	Samples int    // samples appended since recording started
	Bytes   int64  // the file's size after the last sample, when the recorder is a Sizer
	Err     error  // why recording stopped (disk full, …); nil when it did not fail
}

// SetRecorder starts recording every following sample to r (named name for the status line),
// closing the recorder in use, if any, and returns that close's error. A nil r stops recording.
// It may be called from any goroutine; the old recorder is closed (its file synced) outside
// the sampling lock, so a slow disk does not hold up sampling.
func (e *Engine) SetRecorder(r Recorder, name string) error {
	st := RecordState{Name: name}
	if r == nil {
		st.Name = ""
	} else if sz, ok := r.(Sizer); ok {
		st.Bytes = sz.Size() // a continued file starts at its size
	}
	e.mu.Lock()
	old := e.rec
	e.rec = r
	e.recMu.Lock()
	e.recState = st
	e.recMu.Unlock()
	e.mu.Unlock()
	if old != nil {
		return old.Close()
	}
	return nil
}

// Recording reports the recorder's state. It does not wait for a sampling pass.
func (e *Engine) Recording() RecordState {
	e.recMu.Lock()
	defer e.recMu.Unlock()
	return e.recState
}

// record appends s; a failed append (disk full) stops recording and keeps the error, so the
// screen can say why while sampling goes on. Called with e.mu held.
func (e *Engine) record(s *sources.Snapshot) {
	if e.rec == nil {
		return
	}
	err := e.rec.Append(s)
	var size int64
	if sz, ok := e.rec.(Sizer); ok && err == nil {
		size = sz.Size()
	}
	if err != nil {
		_ = e.rec.Close() // the writer keeps the file readable up to its last good frame
		e.rec = nil
	}
	e.recMu.Lock()
	defer e.recMu.Unlock()
	if err != nil {
		e.recState.Err = err
		return
	}
	e.recState.Samples++
	if size > 0 {
		e.recState.Bytes = size
	}
}
