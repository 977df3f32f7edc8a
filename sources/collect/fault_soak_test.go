package collect_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/engine"
)

// TestSoakHeapFlat is scripts/soak.sh in miniature and without a noisy machine: the engine
// samples a /proc in which 20 processes exit and 20 new ones start between every two samples
// (new PIDs each time, as a fork-heavy machine does), and once the history ring is full the
// live heap and the goroutine count must stop growing. Caches keyed by PID (process entries,
// per-thread scheduler counters, smaps state) that forgot to drop exited processes would grow
// here by a few hundred bytes per process, about 25 kB per sample.
func TestSoakHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("samples 1,200 times")
	}
	// Not parallel: the heap is measured, and a sequential test runs while the parallel ones
	// wait.
	root := fullRoot(t, "b", false)
	const live, churn = 100, 20
	real := []string{"409", "411", "417", "170"}
	next := 200_000
	var pids []int
	spawn := func() {
		if err := os.Symlink(real[next%len(real)], filepath.Join(root.Proc, strconv.Itoa(next))); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, next)
		next++
	}
	for range live {
		spawn()
	}
	e := engine.New(engine.Options{FS: root, Interval: 10 * time.Millisecond, History: time.Second})
	sample := func() {
		for _, pid := range pids[:churn] {
			if err := os.Remove(filepath.Join(root.Proc, strconv.Itoa(pid))); err != nil {
				t.Fatal(err)
			}
		}
		pids = pids[churn:]
		for range churn {
			spawn()
		}
		s := e.Sample()
		if st := s.Snap.StatusFor(sources.SrcProcs); st.State != sources.OK {
			t.Fatalf("procs: %v", st)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// The ring holds 101 samples; 300 fill it three times over.
	for range 300 {
		sample()
	}
	h0, g0 := heap(), runtime.NumGoroutine()
	const n = 900
	for range n {
		sample()
	}
	h1, g1 := heap(), runtime.NumGoroutine()
	runtime.KeepAlive(e) // its History is what is measured
	t.Logf("live heap %d kB → %d kB over %d samples (%d processes started); goroutines %d → %d",
		h0>>10, h1>>10, n, n*churn, g0, g1)
	if h1 > h0+h0/10+1<<20 {
		t.Errorf("live heap grew from %d kB to %d kB: %d bytes per sample", h0>>10, h1>>10, (h1-h0)/n)
	}
	if g1 > g0 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
}
