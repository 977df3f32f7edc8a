package sources

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"syscall"
)

// State says whether a source produced data this sample.
type State uint8

const (
	// OK means the source was read and parsed.
	OK State = iota
	// Unavailable means the kernel does not offer the source here (file missing, access
	// denied): a normal condition that a panel shows as a reason, never as zeros.
	Unavailable
	// Failed means the source exists but could not be read or parsed: a bug or a kernel
	// format ktop does not know.
	Failed
)

func (s State) String() string {
	switch s {
	case OK:
		return "ok"
	case Unavailable:
		return "unavailable"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// MarshalText writes the state's name, so that JSON consumers read "unavailable", not 1.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalJSON reads the name, and also the bare number that JSON written before the state
// had a name used ({"state": 1}), so older exports and the recording goldens stay readable.
func (s *State) UnmarshalJSON(b []byte) error {
	if n, err := strconv.ParseUint(string(b), 10, 8); err == nil {
		if n > uint64(Failed) {
			return fmt.Errorf("unknown source state %d", n)
		}
		*s = State(n)
		return nil
	}
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("source state: %w", err)
	}
	return s.UnmarshalText([]byte(name))
}

// UnmarshalText reads what MarshalText wrote.
func (s *State) UnmarshalText(b []byte) error {
	for _, v := range []State{OK, Unavailable, Failed} {
		if string(b) == v.String() {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("unknown source state %q", b)
}

// Status is the outcome of reading one source for one sample.
type Status struct {
	State  State  `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// HintError carries a human hint for a missing or denied source, such as
// "PSI disabled: boot with psi=1".
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() + " (" + e.Hint + ")" }
func (e *HintError) Unwrap() error { return e.Err }

// WithHint wraps err with a hint shown to the user when the source is unavailable.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, Hint: hint}
}

// StatusOf classifies a collector's error: missing and denied files are Unavailable, anything
// else is Failed.
func StatusOf(err error) Status {
	if err == nil {
		return Status{State: OK}
	}
	reason := err.Error()
	var he *HintError
	if errors.As(err, &he) {
		reason = he.Hint
		var pe *fs.PathError
		if errors.As(he.Err, &pe) {
			reason = pe.Path + ": " + he.Hint
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Status{State: Unavailable, Reason: reason}
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EPERM):
		return Status{State: Unavailable, Reason: reason}
	}
	return Status{State: Failed, Reason: reason}
}
