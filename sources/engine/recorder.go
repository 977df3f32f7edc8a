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
// closing the recorder in use, if any. A nil r stops recording.
func (e *Engine) SetRecorder(r Recorder, name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if e.rec != nil {
		err = e.rec.Close()
	}
	e.rec = r
	e.recState = RecordState{Name: name}
	if r == nil {
		e.recState.Name = ""
	} else if sz, ok := r.(Sizer); ok {
		e.recState.Bytes = sz.Size() // a continued file starts at its size
	}
	return err
}

// Recording reports the recorder's state.
func (e *Engine) Recording() RecordState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.recState
}

// record appends s; a failed append (disk full) stops recording and keeps the error, so the
// screen can say why while sampling goes on. Called with e.mu held.
func (e *Engine) record(s *sources.Snapshot) {
	if e.rec == nil {
		return
	}
	if err := e.rec.Append(s); err != nil {
		e.recState.Err = err
		_ = e.rec.Close() // the writer keeps the file readable up to its last good frame
		e.rec = nil
		return
	}
	e.recState.Samples++
	if sz, ok := e.rec.(Sizer); ok {
		e.recState.Bytes = sz.Size()
	}
}
