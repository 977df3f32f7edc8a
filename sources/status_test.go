package sources

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestStatusOf(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "pressure", "cpu")
	_, errMissing := os.Open(missing)
	denied := &fs.PathError{Op: "open", Path: "/dev/kmsg", Err: syscall.EACCES}
	for _, tc := range []struct {
		name       string
		err        error
		want       State
		wantReason string
	}{
		{"ok", nil, OK, ""},
		{"missing file", errMissing, Unavailable, errMissing.Error()},
		{"wrapped missing", fmt.Errorf("psi: %w", errMissing), Unavailable, "psi: " + errMissing.Error()},
		{"denied", denied, Unavailable, "open /dev/kmsg: permission denied"},
		{"EPERM", syscall.EPERM, Unavailable, "operation not permitted"},
		{"hint on a missing file", WithHint(errMissing, "PSI disabled: boot with psi=1"), Unavailable, missing + ": PSI disabled: boot with psi=1"},
		{"hint without a path", WithHint(fs.ErrNotExist, "no schedstat"), Unavailable, "no schedstat"},
		{"parse error", errors.New("/proc/stat: cpu1 column 1: invalid number"), Failed, "/proc/stat: cpu1 column 1: invalid number"},
		{"hint on a parse error", WithHint(errors.New("bad"), "report this"), Failed, "report this"},
	} {
		have := StatusOf(tc.err)
		if have.State != tc.want || have.Reason != tc.wantReason {
			t.Errorf("%s: want %v %q, have %v %q", tc.name, tc.want, tc.wantReason, have.State, have.Reason)
		}
	}
	if WithHint(nil, "x") != nil {
		t.Error("WithHint(nil) must stay nil")
	}
	if err := WithHint(errMissing, "h"); !errors.Is(err, fs.ErrNotExist) || err.Error() != errMissing.Error()+" (h)" {
		t.Errorf("hint error: %v", err)
	}
}

func TestStatusJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(map[string]Status{"psi": {State: Unavailable, Reason: "r"}, "stat": {State: OK}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"psi":{"state":"unavailable","reason":"r"},"stat":{"state":"ok"}}`; string(b) != want {
		t.Errorf("want %s, have %s", want, b)
	}
	var back map[string]Status
	if err := json.Unmarshal(b, &back); err != nil || back["psi"].State != Unavailable || back["stat"].State != OK {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	var s State
	if err := s.UnmarshalText([]byte("bogus")); err == nil {
		t.Error("want an error for an unknown state")
	}
	if Failed.String() != "failed" || State(9).String() != "State(9)" {
		t.Errorf("String: %s %s", Failed, State(9))
	}
}

func TestSnapshotStatus(t *testing.T) {
	t.Parallel()
	var s Snapshot
	if st := s.StatusFor(SrcPSI); st.State != Unavailable || st.Reason != "not collected" {
		t.Errorf("never asked: %+v", st)
	}
	s.SetStatus(SrcPSI, Status{State: OK})
	if st := s.StatusFor(SrcPSI); st.State != OK {
		t.Errorf("after SetStatus: %+v", st)
	}
}

// TestStateJSONNumber reads the state as JSON wrote it before it had a name.
func TestStateJSONNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]State{`1`: Unavailable, `"failed"`: Failed, `0`: OK} {
		var have State
		if err := json.Unmarshal([]byte(in), &have); err != nil || have != want {
			t.Errorf("%s: have %v (%v), want %v", in, have, err, want)
		}
	}
	var s State
	if err := json.Unmarshal([]byte(`7`), &s); err == nil {
		t.Error("state 7 accepted")
	}
}
