package record

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// checkAlone decodes every sample of the recording in data alone, as a step back across a
// block edge does (decodeLast: version 2 in place), and compares it with the same sample
// decoded whole (fileReader.at); the samples decoded whole must be untouched by it, and two
// samples decoded alone must share no memory that a later decoding changes.
func checkAlone[T any](t *testing.T, name string, data []byte) {
	t.Helper()
	fr, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[T]())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	whole := make([]*T, fr.total)
	kept := make([]*T, fr.total) // copies, made with reflect
	for i := range fr.total {
		p, err := fr.at(i)
		if err != nil {
			t.Fatalf("%s: sample %d: %v", name, i, err)
		}
		whole[i], kept[i] = (*T)(p), deepCopy((*T)(p))
	}
	alone := make([]*T, 0, fr.total)
	before := make([]*T, 0, fr.total) // the sample before each, decoded with it
	for bi, b := range fr.blocks {
		raw, err := inflate(fr.readBlock(bi, func(string) {}).z, fr.zdec)
		if err != nil {
			t.Fatalf("%s: block %d: %v", name, bi, err)
		}
		for k := range b.n {
			prev, p, err := decodeLast(fr.rp, raw, k)
			if err != nil {
				t.Fatalf("%s: block %d, sample %d alone: %v", name, bi, k, err)
			}
			if (prev == nil) != (k == 0) {
				t.Fatalf("%s: block %d, sample %d alone: the one before is %v", name, bi, k, prev)
			}
			alone, before = append(alone, (*T)(p)), append(before, (*T)(prev))
		}
	}
	for i := range fr.total {
		if !equalNormalized(kept[i], alone[i]) {
			t.Errorf("%s: sample %d decoded alone:\nwant %+v\nhave %+v", name, i, kept[i], alone[i])
		}
		if before[i] != nil && !equalNormalized(kept[i-1], before[i]) {
			t.Errorf("%s: sample %d decoded alone, the one before:\nwant %+v\nhave %+v", name, i, kept[i-1], before[i])
		}
	}
	for i := range fr.total {
		if !equalNormalized(kept[i], whole[i]) {
			t.Errorf("%s: sample %d decoded whole changed after the samples decoded alone", name, i)
		}
	}
}

// A sample decoded alone, its block's samples before it decoded in place, is the sample the
// whole block's decoding gives: on real recordings of both versions, a recording of this
// machine, and series in which every kind of change happens (elements that come, go and move,
// pointers, slices and maps that appear and vanish).
func TestDecodeAlone(t *testing.T) {
	t.Parallel()
	for _, ver := range versions {
		path := filepath.Join("testdata", vname(ver)+"-host.ktop")
		checkAlone[sources.Snapshot](t, path, mustRead(t, path))
	}
	if _, err := os.Stat("/proc/stat"); err == nil {
		path := filepath.Join(t.TempDir(), "live.ktop")
		writeFile(t, path, liveSnapshots(t, 12, 20*time.Millisecond), 5)
		checkAlone[sources.Snapshot](t, "live", mustRead(t, path))
	}
	for seed := range uint64(6) {
		vals := rndSeries(rand.New(rand.NewPCG(seed, 11)), 120)
		for _, ver := range versions {
			for _, blockSamples := range []int{7, 60} {
				path := filepath.Join(t.TempDir(), "r.ktop")
				writeFileVersion(t, path, vals, blockSamples, ver)
				checkAlone[rnd](t, "random "+vname(ver), mustRead(t, path))
			}
		}
	}
	path := filepath.Join(t.TempDir(), "big.ktop")
	writeFile(t, path, bigSeries(rand.New(rand.NewPCG(5, 6)), 80), 30)
	checkAlone[big](t, "sparse", mustRead(t, path))
}

// The reader decodes a sample alone when a read-ahead of its block has only begun (a step
// back across a block edge), and waits for the read-ahead when it is further along.
func TestAloneSooner(t *testing.T) {
	t.Parallel()
	r := &fileReader{blocks: []block{{n: 60}}, rp: &readPlan{ver: FormatVersion}}
	for _, c := range []struct {
		k, done int
		want    bool
	}{
		{59, 0, true},   // the step across the edge, the read-ahead just begun
		{59, 10, true},  // a sixth of the way
		{59, 40, false}, // most of the way: its rest is sooner than the sample alone
		{0, 0, true},    // the block's first sample: one sample's work
		{0, 59, false},  // one sample left to the read-ahead
	} {
		if have := r.aloneSooner(0, c.k, c.done); have != c.want {
			t.Errorf("sample %d, %d decoded: want %v, have %v", c.k, c.done, c.want, have)
		}
	}
	r.rp.ver = version1 // nothing in place: the block's last sample alone costs the block
	if r.aloneSooner(0, 59, 0) {
		t.Error("version 1: the last sample alone chosen over the read-ahead")
	}
}

// A step back across a block edge while the block before is being read ahead returns the
// right sample, decoded alone or not, and the read-ahead still brings the whole block.
func TestStepBackDuringReadAhead(t *testing.T) {
	t.Parallel()
	vals := smallSeries(60)
	path := filepath.Join(t.TempDir(), "sb.ktop")
	writeFile(t, path, vals, 20)
	data := mustRead(t, path)
	r, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[small]())
	if err != nil {
		t.Fatal(err)
	}
	// Decoded alone, whatever the read-ahead is doing: a read-ahead that has not inflated yet.
	r.mu.Lock()
	prev, p, ok := r.decodeAlone(&prefetching{bi: 1, inflated: make(chan struct{})}, 19)
	r.mu.Unlock()
	if !ok || !equalNormalized(vals[39], (*small)(p)) || !equalNormalized(vals[38], (*small)(prev)) {
		t.Fatalf("sample 39 alone: %v", ok)
	}
	for i := 59; i >= 0; i-- { // every step back, read-aheads racing with them
		p, err := r.at(i)
		if err != nil || !equalNormalized(vals[i], (*small)(p)) {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	waitReadAhead(r)
	if st := cachedBlock(r, 0); st == nil || len(st.out) != 20 {
		t.Errorf("block 0 not read whole: %+v", st)
	}
}

// A read-ahead of a block the cursor has left is stopped for the block before the cursor's,
// and keeps nothing: a step back right after a jump must not find the reader busy elsewhere.
func TestReadAheadStopsWhenCursorLeaves(t *testing.T) {
	t.Parallel()
	vals := smallSeries(100)
	path := filepath.Join(t.TempDir(), "st.ktop")
	writeFile(t, path, vals, 20) // blocks 0-4
	data := mustRead(t, path)
	r, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[small]())
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.maybeReadAhead(4) // the cursor in block 4: block 3 read ahead
	stale := r.pre
	r.maybeReadAhead(2) // it jumped to block 2: block 1, and block 3 no longer
	fresh := r.pre
	r.mu.Unlock()
	if stale == nil || fresh == nil || stale.bi != 3 || fresh.bi != 1 {
		t.Fatalf("read-aheads: %+v, %+v", stale, fresh)
	}
	if !stale.stop.Load() {
		t.Error("the read-ahead of block 3 was not stopped")
	}
	<-stale.done
	<-fresh.done
	if cachedBlock(r, 3) != nil {
		t.Error("the stopped read-ahead kept block 3")
	}
	if st := cachedBlock(r, 1); st == nil || len(st.out) != 20 {
		t.Errorf("block 1 not read ahead: %+v", st)
	}
	for i := 99; i >= 0; i -= 3 {
		p, err := r.at(i)
		if err != nil || !equalNormalized(vals[i], (*small)(p)) {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	r.stopReadAhead()
}

// A step that decodes a sample alone brings the one before with it: the cursor's frame is
// derived from both, and the second comes without decoding anything.
func TestAloneBringsTheOneBefore(t *testing.T) {
	t.Parallel()
	vals := smallSeries(120)
	path := filepath.Join(t.TempDir(), "ab.ktop")
	writeFile(t, path, vals, 60) // blocks 0 and 1: the last of block 1 alone is sooner
	data := mustRead(t, path)
	r, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[small]())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := inflate(r.readBlock(1, func(string) {}).z, r.zdec)
	if err != nil {
		t.Fatal(err)
	}
	// A read-ahead of block 1 that has inflated it and decoded nothing yet, and never will.
	p := &prefetching{bi: 1, done: make(chan struct{}), inflated: make(chan struct{}), raw: raw}
	close(p.inflated)
	r.mu.Lock()
	r.pre = p
	r.mu.Unlock()
	// Were a step to wait for this read-ahead instead, it would wait for ever: end it then.
	var once sync.Once
	end := func() {
		once.Do(func() {
			r.mu.Lock()
			r.pre = nil
			r.mu.Unlock()
			close(p.done)
		})
	}
	defer time.AfterFunc(10*time.Second, end).Stop()
	for _, i := range []int{119, 118} {
		s, err := r.at(i)
		if err != nil || !equalNormalized(vals[i], (*small)(s)) {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	if want, have := [2]int{120, 119}, [2]int{r.alone[0].i, r.alone[1].i}; want != have {
		t.Errorf("samples decoded alone (index+1): want %v, have %v", want, have)
	}
	end()
}
