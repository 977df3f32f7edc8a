package record

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func recordSnapshots(t *testing.T, path string, snaps []*sources.Snapshot) {
	t.Helper()
	w, err := Create(path, Header{Hostname: "fixture", Interval: time.Second, Writer: "record_test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func checkSnapshots(t *testing.T, path string, want []*sources.Snapshot) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if w := r.Warnings(); len(w) > 0 {
		t.Errorf("warnings: %q", w)
	}
	if r.Len() != len(want) {
		t.Fatalf("want %d samples, have %d", len(want), r.Len())
	}
	for i, s := range want {
		have, err := r.At(i)
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if !equalNormalized(s, have) {
			t.Errorf("sample %d differs after a round trip:\nwant %+v\nhave %+v", i, s, have)
		}
		ht, err := r.Time(i)
		if err != nil || !ht.Equal(s.Time) {
			t.Errorf("sample %d: Time %v, %v; want %v", i, ht, err, s.Time)
		}
	}
}

func TestRoundTripFixture(t *testing.T) {
	t.Parallel()
	snaps := fixtureSnapshots(t)
	path := filepath.Join(t.TempDir(), "fixture.ktop")
	recordSnapshots(t, path, snaps)
	checkSnapshots(t, path, snaps)
}

func TestRoundTripLive(t *testing.T) {
	t.Parallel()
	snaps := liveSnapshots(t, 5, 20*time.Millisecond)
	path := filepath.Join(t.TempDir(), "live.ktop")
	recordSnapshots(t, path, snaps)
	checkSnapshots(t, path, snaps)
}

func TestMemBlockRoundTrip(t *testing.T) {
	t.Parallel()
	snaps := append(fixtureSnapshots(t), liveSnapshots(t, 3, 10*time.Millisecond)...)
	b, err := EncodeBlock([]byte("prefix"), snaps)
	if err != nil {
		t.Fatal(err)
	}
	have, err := DecodeBlock(b[len("prefix"):])
	if err != nil {
		t.Fatal(err)
	}
	if len(have) != len(snaps) {
		t.Fatalf("want %d snapshots, have %d", len(snaps), len(have))
	}
	for i := range snaps {
		if !equalNormalized(snaps[i], have[i]) {
			t.Errorf("snapshot %d differs", i)
		}
	}
	for _, bad := range [][]byte{nil, []byte("KTB\x01"), b[len("prefix") : len(b)-3], []byte("junk")} {
		if _, err := DecodeBlock(bad); err == nil {
			t.Errorf("DecodeBlock(% x...): want an error", bad[:min(len(bad), 8)])
		}
	}
}

func TestCreateModeAndExclusive(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.ktop")
	w, err := Create(path, Header{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if want, have := fs.FileMode(0o600), st.Mode().Perm(); want != have {
		t.Errorf("mode: want %v, have %v", want, have)
	}
	if _, err := Create(path, Header{}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Create: want ErrExist, have %v", err)
	}
	if _, err := OpenAppend(path); err == nil {
		t.Error("OpenAppend while a writer holds the file: want an error")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w2, err := OpenAppend(path)
	if err != nil {
		t.Fatalf("OpenAppend after Close: %v", err)
	}
	w2.Close()
	if err := w.Append(&sources.Snapshot{}); err == nil {
		t.Error("Append after Close: want an error")
	}
}

// Every source filled and a process table, live from this machine, the table made to churn
// (exits and a newcomer): a round trip through a file must be exact.
func TestRoundTripLiveFull(t *testing.T) {
	t.Parallel()
	var vals []*sources.Snapshot
	for i, s := range liveSnapshots(t, 12, 30*time.Millisecond) {
		if s.Procs == nil {
			t.Fatalf("no process table: %v", s.Status[sources.SrcProcs])
		}
		if procs := s.Procs.Procs; i%3 == 1 && len(procs) > 4 {
			procs = append(procs[:1:1], procs[3:]...)
			procs = append(procs, sources.Proc{PID: 1 << 30, StartTime: uint64(i), Comm: "new"})
			s = procsOf(s, procs)
		}
		vals = append(vals, s)
	}
	for _, ver := range versions {
		path := filepath.Join(t.TempDir(), "full.ktop")
		writeFileVersion(t, path, vals, 5, ver)
		have, warns, err := readAll[sources.Snapshot](t, mustRead(t, path))
		if err != nil || len(warns) > 0 {
			t.Fatalf("v%d: read: %v, %q", ver, err, warns)
		}
		for i, want := range vals {
			if !equalNormalized(want, have[i]) {
				t.Errorf("v%d: sample %d differs after a round trip", ver, i)
			}
		}
	}
}

// The UI reads a recording from more than one goroutine (the view and a prefetch).
func TestReaderConcurrent(t *testing.T) {
	t.Parallel()
	path, snaps := realFile(t)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 50 {
				i := (g*37 + k*53) % r.Len()
				s, err := r.At(i)
				if err != nil || s.Seq != snaps[i].Seq {
					t.Errorf("At(%d): %v", i, err)
					return
				}
				r.TimeIndex(snaps[i].Time)
			}
		}()
	}
	wg.Wait()
}

// Stepping back across a block boundary finds the block before already decoded: a cursor near
// the start of a block has it read ahead in the background. Every sample reads back right
// whatever the order of steps and read-aheads.
func TestReadAhead(t *testing.T) {
	t.Parallel()
	vals := smallSeries(50)
	path := filepath.Join(t.TempDir(), "ra.ktop")
	writeFile(t, path, vals, 20) // blocks of 20, 20, 10
	r, err := openReaderAt(bytes.NewReader(mustRead(t, path)), int64(len(mustRead(t, path))), reflect.TypeFor[small]())
	if err != nil {
		t.Fatal(err)
	}
	check := func(i int) {
		t.Helper()
		p, err := r.at(i)
		if err != nil || !equalNormalized(vals[i], (*small)(p)) {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	check(45) // block 2, 5 from its start: block 1 is read ahead
	waitReadAhead(r)
	st := cachedBlock(r, 1)
	if st == nil || len(st.out) != 20 {
		t.Fatalf("block 1 not read ahead: %+v", st)
	}
	check(39) // from the read-ahead: nothing more to decode
	if have := cachedBlock(r, 1); have != st {
		t.Error("block 1 was decoded again")
	}
	for i := 38; i >= 0; i-- { // steps back, read-aheads racing with them
		check(i)
	}
	for i := 0; i < 50; i += 7 {
		check(i)
	}
	r.stopReadAhead()
	check(25) // still reads, without reading ahead
	if r.pre != nil {
		t.Error("a read-ahead started after stopReadAhead")
	}
}

func waitReadAhead(r *fileReader) {
	r.mu.Lock()
	p := r.pre
	r.mu.Unlock()
	if p != nil {
		<-p.done
	}
}

func cachedBlock(r *fileReader, bi int) *blockState {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range r.cache {
		if st != nil && st.bi == bi {
			return st
		}
	}
	return nil
}
