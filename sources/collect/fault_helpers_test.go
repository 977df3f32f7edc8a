package collect_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/collect/collecttest"
	"github.com/ktop-dev/ktop/sources/derive"
)

// Helpers shared by the fault_*_test.go files: damaged roots are always built in t.TempDir()
// from the real fixture trees, never stored.

func copyFile(tb testing.TB, src, dst string) {
	tb.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	writeFile(tb, dst, b)
}

func writeFile(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// fullRoot is the 16-CPU capture (snap "a" or "b") with every source present: Root16 plus the
// pieces that capture lacks, taken from other real trees — the development VM's hostname and
// kernel release, its saved /dev/kmsg ring and dmesg_restrict, and node_exporter's
// /proc/schedstat when withSchedstat (otherwise the scheduler source rebuilds its counters
// from the per-task files) — and without the process directories that hold only task files
// (pruneTaskOnly). The mix is no single machine; fault tests only need every parser
// to run on real bytes.
func fullRoot(tb testing.TB, snap string, withSchedstat bool) collect.FS {
	tb.Helper()
	root := collecttest.Root16(tb, snap)
	copyFile(tb, filepath.Join(collecttest.Testdata(), "host-2cpu", snap, "proc/sys/kernel/hostname"), filepath.Join(root.Proc, "sys/kernel/hostname"))
	copyFile(tb, filepath.Join(collecttest.Testdata(), "host-2cpu", snap, "proc/sys/kernel/osrelease"), filepath.Join(root.Proc, "sys/kernel/osrelease"))
	copyFile(tb, filepath.Join(collecttest.Testdata(), "i3b-kmsg/proc/sys/kernel/dmesg_restrict"), filepath.Join(root.Proc, "sys/kernel/dmesg_restrict"))
	copyFile(tb, filepath.Join(collecttest.Testdata(), "i3b-kmsg/dev/kmsg"), filepath.Join(root.Dev, "kmsg"))
	if withSchedstat {
		copyFile(tb, filepath.Join(collecttest.Testdata(), "i3a-public/node_exporter/proc/schedstat"), filepath.Join(root.Proc, "schedstat"))
	}
	pruneTaskOnly(tb, root)
	return root
}

// pruneTaskOnly removes the ~160 process directories of the capture that hold only task files
// (kept for the scheduler fallback's exact sums, see i3a-16cpu/README.md): the four whole
// processes still give the fallback threads to read, and every pass of a fault test gets
// cheaper.
func pruneTaskOnly(tb testing.TB, root collect.FS) {
	tb.Helper()
	dirs, err := os.ReadDir(root.Proc)
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(root.Proc, d.Name(), "stat")); d.IsDir() && isDigit(d.Name()[0]) && err != nil {
			if err := os.RemoveAll(filepath.Join(root.Proc, d.Name())); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// snapshotAt runs every collector once over root, with the sampling time the engine would
// stamp. It fails the test if the pass does not finish in time: no fault may hang a sample.
func snapshotAt(tb testing.TB, root collect.FS, at time.Time, what string) *sources.Snapshot {
	tb.Helper()
	type result struct {
		s     *sources.Snapshot
		panic any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			r.panic = recover()
			done <- r
		}()
		set := collect.NewSet(root)
		defer set.Close()
		s := &sources.Snapshot{Time: at}
		set.Collect(s)
		r.s = s
	}()
	select {
	case r := <-done:
		if r.panic != nil {
			tb.Fatalf("%s: collectors panicked: %v", what, r.panic)
		}
		return r.s
	case <-time.After(20 * time.Second):
		tb.Fatalf("%s: sampling pass did not finish in 20 s", what)
	}
	return nil
}

// deriveChecked derives a Frame, failing on a panic, and checks it with checkFrame.
func deriveChecked(tb testing.TB, prev, cur *sources.Snapshot, what string) *derive.Frame {
	tb.Helper()
	var f *derive.Frame
	func() {
		defer func() {
			if p := recover(); p != nil {
				tb.Fatalf("%s: derive panicked: %v", what, p)
			}
		}()
		f = derive.Derive(prev, cur)
	}()
	for _, p := range checkFrame(f) {
		tb.Errorf("%s: %s", what, p)
	}
	return f
}

// negativeOK lists the Frame fields (by the path checkFrame prints, indices removed) whose
// values may legitimately be below zero. None today: every rate and percentage is ≥ 0, runq
// is clamped at 0, and gauges are unsigned counts.
var negativeOK = map[string]bool{}

// checkFrame walks a Frame by reflection and lists every value a panel or the JSON export
// must never show: a present Val or float that is NaN, ±Inf or negative (outside negativeOK),
// and any string with a control character or invalid UTF-8 (what Sanitize would change),
// since every string of a Frame can reach the terminal.
func checkFrame(f *derive.Frame) []string {
	var probs []string
	var walk func(v reflect.Value, path string)
	valType := reflect.TypeFor[derive.Val]()
	timeType := reflect.TypeFor[time.Time]()
	checkNum := func(x float64, path string) {
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			probs = append(probs, fmt.Sprintf("%s = %v", path, x))
		case x < 0 && !negativeOK[stripIndex(path)]:
			probs = append(probs, fmt.Sprintf("%s = %v is negative", path, x))
		}
	}
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			switch v.Type() {
			case valType:
				if v.Field(1).Bool() {
					checkNum(v.Field(0).Float(), path)
				}
				return
			case timeType:
				return
			}
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				k := fmt.Sprint(it.Key())
				walk(it.Key(), path+"{key}")
				walk(it.Value(), path+"["+k+"]")
			}
		case reflect.String:
			if s := v.String(); unsafeText(s) {
				probs = append(probs, fmt.Sprintf("%s = %q has control characters", path, s))
			}
		case reflect.Float32, reflect.Float64:
			checkNum(v.Float(), path)
		}
	}
	walk(reflect.ValueOf(f), "Frame")
	return probs
}

// unsafeText reports whether s holds what must not reach a terminal: C0 and C1 control
// characters (ESC, CSI, BEL, CR, LF, TAB), DEL, Unicode line separators or invalid UTF-8. It is
// written apart from collect.Sanitize, so that a bug there cannot hide itself.
func unsafeText(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// stripIndex turns Frame.CPU[3].Usr into Frame.CPU[].Usr for the negativeOK lookup.
func stripIndex(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
			b.WriteString("[]")
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isRoot reports whether file permissions are not enforced on this process.
func isRoot() bool { return os.Geteuid() == 0 }
