package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

var update = flag.Bool("update", false, "record this format version's testdata recording anew from this machine and rewrite its golden")

// Recordings made by each format version are kept under testdata/, with the JSON of what they
// decoded to when they were made. Every later version must read them to the same result: a
// compatibility promise kept by a test rather than by care.
//
// The comparison goes through the current Snapshot type on both sides (golden JSON → Snapshot
// → JSON), so fields added to Snapshot later compare as zero on both sides and fields removed
// compare as absent on both.
//
// -update rewrites only the recording of the version this package writes, and only until a
// later version exists: older recordings are never made again.
func TestCompat(t *testing.T) {
	t.Parallel()
	for _, ver := range versions {
		t.Run(vname(ver), func(t *testing.T) {
			t.Parallel()
			path := fmt.Sprintf("testdata/v%d-host.ktop", ver)
			golden := fmt.Sprintf("testdata/v%d-host.golden.jsonl", ver)
			if *update && ver == FormatVersion {
				recordHost(t, path, golden, ver)
			}
			checkCompat(t, path, golden, ver)
		})
	}
}

func checkCompat(t *testing.T, path, golden string, ver int) {
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, w := range r.Warnings() {
		if !strings.HasPrefix(w, "schema: ") { // schema notes are expected as Snapshot grows
			t.Errorf("warning: %s", w)
		}
	}
	lines := goldenLines(t, golden)
	if want, have := len(lines), r.Len(); want != have {
		t.Fatalf("want %d samples, have %d", want, have)
	}
	for i, line := range lines {
		var g sources.Snapshot
		if err := json.Unmarshal(line, &g); err != nil {
			t.Fatalf("golden line %d: %v", i+1, err)
		}
		s, err := r.At(i)
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if want, have := snapshotJSON(t, &g), snapshotJSON(t, s); want != have {
			t.Errorf("sample %d:\nwant %s\nhave %s", i, want, have)
		}
	}
	if h := r.Header(); h.Version != ver || h.Hostname == "" || h.Created.IsZero() {
		t.Errorf("header: %+v", h)
	}
}

func snapshotJSON(t *testing.T, s *sources.Snapshot) string {
	t.Helper()
	c := deepCopy(s)
	normalize(c)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func goldenLines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// recordHost records eight samples of this machine, 250 ms apart, in blocks of four (so the
// file has two blocks, key and delta frames, an index and a trailer, and from version 2 a
// dictionary), and writes the golden.
func recordHost(t *testing.T, path, golden string, ver int) {
	snaps := liveSnapshots(t, 8, 250*time.Millisecond)
	for i, s := range snaps {
		snaps[i] = withoutEnvProcs(s)
	}
	// A shared machine may run hundreds of processes: a share of them (a fixed one, churn
	// included) keeps the golden to a few hundred kilobytes.
	if k := int(avgProcs(snaps)/60) + 1; k > 1 {
		snaps = shareOfProcs(snaps, k)
	}
	h := Header{Interval: 250 * time.Millisecond, Writer: "ktop record_test -update"}
	if s := snaps[0].Host; s != nil {
		h.Hostname, h.Kernel = s.Hostname, s.Kernel
	}
	os.Remove(path)
	w, err := createVersion(path, h, snapshotType, ver)
	if err != nil {
		t.Fatal(err)
	}
	w.blockSamples = 4
	var js bytes.Buffer
	for _, s := range snaps {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
		js.WriteString(snapshotJSON(t, s))
		js.WriteByte('\n')
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Clean(golden), js.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// withoutEnvProcs leaves out the processes whose command line passes an environment (--env):
// it may hold secrets, which a committed recording must not.
func withoutEnvProcs(s *sources.Snapshot) *sources.Snapshot {
	if s.Procs == nil {
		return s
	}
	var keep []sources.Proc
	for _, p := range s.Procs.Procs {
		if !strings.Contains(p.Cmdline, "--env") {
			keep = append(keep, p)
		}
	}
	return procsOf(s, keep)
}
