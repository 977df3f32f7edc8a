package record

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func bytesReaderAt(b []byte) *bytes.Reader { return bytes.NewReader(b) }

type small struct {
	Seq  uint64
	Time time.Time
	Name string
	V    []uint64
	M    map[string]uint64
}

func smallSeries(n int) []*small {
	t0 := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	var out []*small
	for i := range n {
		out = append(out, &small{Seq: uint64(i), Time: t0.Add(time.Duration(i) * time.Second),
			Name: []string{"a", "bb", "a"}[i%3], V: []uint64{uint64(i * i), 7, uint64(i)},
			M: map[string]uint64{"x": uint64(i), "y": 2}})
	}
	return out
}

// Every single corrupted byte loses at most the block that holds it: all samples of the
// other blocks read back intact, and reading never panics.
func TestEveryFlippedByte(t *testing.T) {
	t.Parallel()
	for _, ver := range versions {
		t.Run(vname(ver), func(t *testing.T) {
			t.Parallel()
			testEveryFlippedByte(t, ver)
		})
	}
}

func testEveryFlippedByte(t *testing.T, ver int) {
	vals := smallSeries(12)
	path := filepath.Join(t.TempDir(), "s.ktop")
	writeFileVersion(t, path, vals, 4, ver)
	data := mustRead(t, path)
	fr, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[small]())
	if err != nil {
		t.Fatal(err)
	}
	if fr.indexOff == 0 || len(fr.blocks) != 3 {
		t.Fatalf("clean file: index at %d, %d blocks", fr.indexOff, len(fr.blocks))
	}
	blockOf := func(off int) int {
		for i, b := range fr.blocks {
			if int64(off) >= b.off && int64(off) < b.end {
				return i
			}
		}
		return -1
	}
	bad := make([]byte, len(data))
	stride := 1
	if testing.Short() { // -race -short in CI: every third byte still hits every frame part
		stride = 3
	}
	for off := 0; off < len(data); off += stride {
		copy(bad, data)
		bad[off] ^= 0x5a
		have, warns, err := readAll[small](t, bad)
		if err != nil {
			t.Fatalf("byte %d: open: %v", off, err)
		}
		lost := len(have) < len(vals)
		for _, s := range have {
			lost = lost || s == nil
		}
		// Damage that costs nothing may go unnoticed (the second header copy is only read
		// when the first is bad); damage that costs samples must be reported.
		if lost && len(warns) == 0 {
			t.Errorf("byte %d: lost samples without a warning", off)
		}
		got := map[uint64]bool{}
		for _, s := range have {
			if s == nil {
				continue
			}
			if s.Seq >= uint64(len(vals)) || !equalNormalized(vals[s.Seq], s) {
				t.Fatalf("byte %d: sample %d read back wrong: %+v", off, s.Seq, s)
			}
			got[s.Seq] = true
		}
		hit := blockOf(off)
		for bi, b := range fr.blocks {
			for k := range b.n {
				if seq := uint64(b.start + k); bi != hit && !got[seq] {
					t.Errorf("byte %d (block %d): sample %d of intact block %d lost", off, hit, seq, bi)
				}
			}
		}
	}
}

func realFile(t *testing.T) (string, []*sources.Snapshot) {
	t.Helper()
	snaps := fixtureSnapshots(t)
	for i := 0; len(snaps) < 150; i++ { // three blocks of the 16-CPU fixture, times advancing
		s := *snaps[i%2]
		s.Seq, s.Time = uint64(len(snaps)+1), snaps[0].Time.Add(time.Duration(len(snaps))*time.Second)
		snaps = append(snaps, &s)
	}
	path := filepath.Join(t.TempDir(), "real.ktop")
	recordSnapshots(t, path, snaps)
	return path, snaps
}

func TestDamagedTails(t *testing.T) {
	t.Parallel()
	path, snaps := realFile(t)
	data := mustRead(t, path)
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 5000)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	// A frame in the middle block, and how many samples lie before it.
	var offs []int64
	s := newScanner(bytes.NewReader(data), int64(len(data)), func(string) {})
	for fr, ok := s.next(); ok; fr, ok = s.next() {
		if fr.typ == frameKey || fr.typ == frameDelta {
			offs = append(offs, fr.off)
		}
	}
	before := len(offs) / 2
	mid := offs[before]
	tests := []struct {
		name     string
		data     []byte
		min      int  // samples that must read back
		past     bool // the last block's samples must read back
		wantWarn string
	}{
		{"garbage appended", append(append([]byte(nil), data...), garbage...), 150, true, "no valid frame header"},
		{"zero-filled tail", append(append([]byte(nil), data...), make([]byte, 4096)...), 150, true, "no valid frame header"},
		{"cut inside a frame", data[:mid+25], before, false, "cut short"},
		{"cut inside a frame header", data[:mid+7], before, false, "no valid frame header"},
		{"garbage in the middle", splice(data, int(mid), garbage[:300]), before, true, "no valid frame header"},
		{"zeros over the middle", overwrite(data, int(mid), make([]byte, 300)), before, true, "no valid frame header"},
	}
	for _, tt := range tests {
		have, warns, err := readAll[sources.Snapshot](t, tt.data)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		n, last := 0, false
		for _, s := range have {
			if s == nil {
				continue
			}
			n++
			if !equalNormalized(snaps[s.Seq-1], s) {
				t.Errorf("%s: sample %d reads back wrong", tt.name, s.Seq)
			}
			last = last || s.Seq == 150
		}
		if n < tt.min {
			t.Errorf("%s: %d samples read, want at least %d", tt.name, n, tt.min)
		}
		if tt.past && !last {
			t.Errorf("%s: the samples after the damage were not read", tt.name)
		}
		if !anyContains(warns, tt.wantWarn) {
			t.Errorf("%s: want a warning with %q, have %q", tt.name, tt.wantWarn, warns)
		}
	}
}

func splice(b []byte, at int, ins []byte) []byte {
	out := append([]byte(nil), b[:at]...)
	out = append(out, ins...)
	return append(out, b[at:]...)
}

func overwrite(b []byte, at int, with []byte) []byte {
	out := append([]byte(nil), b...)
	copy(out[at:], with)
	return out
}

func anyContains(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// A recorder killed without Close leaves no index: the reader rebuilds it by scanning, and
// OpenAppend cuts the torn tail, then continues; the result reads back whole, with an index.
func TestCrashThenAppend(t *testing.T) {
	t.Parallel()
	snaps := fixtureSnapshots(t)
	for len(snaps) < 100 {
		s := *snaps[len(snaps)%2]
		s.Seq, s.Time = uint64(len(snaps)+1), snaps[0].Time.Add(time.Duration(len(snaps))*time.Second)
		snaps = append(snaps, &s)
	}
	path := filepath.Join(t.TempDir(), "crash.ktop")
	w, err := Create(path, Header{Hostname: "h"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps[:70] {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	// kill -9 in the middle of a write: the file ends in half a frame.
	w.f.Close()
	half := appendFrame(nil, frameDelta, bytes.Repeat([]byte{1}, 200))[:120]
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(half)
	f.Close()

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 70 || !anyContains(r.Warnings(), "cut short") {
		t.Errorf("crashed file: %d samples, warnings %q; want 70 and a cut-short warning", r.Len(), r.Warnings())
	}
	r.Close()

	w, err = OpenAppend(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps[70:] {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkSnapshots(t, path, snaps)
	fr, err := openFile(mustOpen(t, path), snapshotType)
	if err != nil || fr.indexOff == 0 {
		t.Errorf("after append and Close: want an index, have %v, %v", fr, err)
	}
}

// Appending to a cleanly closed file replaces its index.
func TestAppendToClosed(t *testing.T) {
	t.Parallel()
	snaps := liveSnapshots(t, 6, 10*time.Millisecond)
	path := filepath.Join(t.TempDir(), "two.ktop")
	recordSnapshots(t, path, snaps[:3])
	w, err := OpenAppend(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps[3:] {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkSnapshots(t, path, snaps)
	data := mustRead(t, path)
	if n := bytes.Count(data, []byte(frameMagic+string(rune(frameIndex)))); n != 1 {
		t.Errorf("want one index frame, have %d", n)
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
