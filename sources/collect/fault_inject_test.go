package collect_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/collect/collecttest"
)

// A fault damages one file of a root. Content faults rewrite the real bytes; missing and
// denied replace the file itself.
type fault struct {
	name   string
	mutate func(b []byte) []byte // nil for missing/denied
}

const (
	faultMissing = "missing"
	faultDenied  = "denied"
)

var faults = []fault{
	{name: faultMissing},
	{name: faultDenied},
	{"empty", func([]byte) []byte { return nil }},
	{"first-line-only", func(b []byte) []byte {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[:i+1]
		}
		return b
	}},
	{"cut-mid-line", func(b []byte) []byte {
		i := len(b) / 2
		for i > 0 && i < len(b) && (b[i-1] == '\n' || b[i] == '\n') {
			i++
		}
		return b[:min(i, len(b))]
	}},
	{"cut-mid-number", cutMidNumber},
	{"no-final-newline", func(b []byte) []byte { return bytes.TrimRight(b, "\n") }},
	{"garbage", func(b []byte) []byte {
		r := rand.New(rand.NewPCG(uint64(len(b)), 1))
		g := make([]byte, max(len(b), 64))
		for i := range g {
			g[i] = byte(r.UintN(256))
		}
		return g
	}},
	{"escapes-in-words", func(b []byte) []byte {
		// After the first letter of every word: names (interfaces, disks, IRQ actions, comm)
		// then carry terminal escapes, and keys stop matching.
		var out []byte
		for i, c := range b {
			out = append(out, c)
			if isLetter(c) && (i == 0 || !isLetter(b[i-1]) && !isDigit(b[i-1])) {
				out = append(out, "\x1b[31m\x1b]0;t\x07\x9b\r"...)
			}
		}
		return out
	}},
	{"max-uint64", replaceNumbers("18446744073709551615")},
	{"overflow-20-digits", replaceNumbers("99999999999999999999")},
	{"negative", replaceNumbers("-1")},
	{"extra-columns", func(b []byte) []byte {
		return bytes.ReplaceAll(bytes.TrimRight(b, "\n"), []byte("\n"), []byte(" 1 2 3\n"))
	}},
	{"missing-column", func(b []byte) []byte {
		var out []byte
		for line := range bytes.Lines(b) {
			l := bytes.TrimRight(line, " \n")
			if i := bytes.LastIndexAny(l, " \t"); i > 0 {
				l = l[:i]
			}
			out = append(append(out, l...), '\n')
		}
		return out
	}},
	{"crlf", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }},
	{"repeated", func(b []byte) []byte { return bytes.Repeat(b, 3) }},
}

// shortFaults are the faults -short runs (CI's race pass): one of each kind.
var shortFaults = map[string]bool{
	faultMissing: true, faultDenied: true, "cut-mid-number": true, "garbage": true,
	"escapes-in-words": true, "max-uint64": true, "extra-columns": true,
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// cutMidNumber cuts inside the first number of two or more digits in the second half of the
// file (or anywhere), as a read racing a writer could.
func cutMidNumber(b []byte) []byte {
	for _, from := range []int{len(b) / 2, 0} {
		for i := from; i+1 < len(b); i++ {
			if isDigit(b[i]) && isDigit(b[i+1]) {
				return b[:i+1]
			}
		}
	}
	return b[:len(b)/2]
}

// replaceNumbers replaces every run of digits that stands alone (not inside a name such as
// cpu3 or eth0) with v.
func replaceNumbers(v string) func([]byte) []byte {
	return func(b []byte) []byte {
		var out []byte
		for i := 0; i < len(b); {
			if isDigit(b[i]) && (i == 0 || !isLetter(b[i-1])) {
				j := i
				for j < len(b) && (isDigit(b[j]) || b[j] == '.') {
					j++
				}
				out = append(out, v...)
				i = j
				continue
			}
			out = append(out, b[i])
			i++
		}
		return out
	}
}

// readersOf names the sources that read a file of the full root (relative path). A fault in
// the file may change only those sources' Status.
func readersOf(tb testing.TB, rel string) []string {
	tb.Helper()
	parts := strings.Split(rel, "/")
	switch {
	case len(parts) > 2 && parts[0] == "proc" && isDigit(parts[1][0]):
		// stat and task files also feed the scheduler's per-task fallback.
		return []string{sources.SrcProcs, sources.SrcSmaps, sources.SrcSchedstat}
	case rel == "proc/uptime":
		return []string{sources.SrcUptime, sources.SrcProcs, sources.SrcSmaps}
	case rel == "proc/sys/kernel/hostname", rel == "proc/sys/kernel/osrelease":
		return []string{sources.SrcHost}
	case rel == "proc/sys/kernel/dmesg_restrict", rel == "dev/kmsg":
		return []string{sources.SrcKmsg}
	case rel == "proc/net/snmp", rel == "proc/net/netstat":
		return []string{sources.SrcSNMP}
	case rel == "proc/net/dev", strings.HasPrefix(rel, "sys/class/net/"):
		return []string{sources.SrcNetDev}
	case rel == "proc/diskstats", strings.HasPrefix(rel, "sys/block/"):
		return []string{sources.SrcDiskstats}
	case strings.HasPrefix(rel, "proc/pressure/"):
		return []string{sources.SrcPSI}
	case strings.HasPrefix(rel, "sys/devices/system/cpu/"):
		return []string{sources.SrcCPUOnline}
	}
	src := map[string]string{
		"proc/stat": sources.SrcStat, "proc/loadavg": sources.SrcLoadavg, "proc/meminfo": sources.SrcMeminfo,
		"proc/softirqs": sources.SrcSoftirqs, "proc/interrupts": sources.SrcInterrupts,
		"proc/schedstat": sources.SrcSchedstat, "proc/vmstat": sources.SrcVMStat,
	}[rel]
	if src == "" {
		tb.Fatalf("readersOf: no source known to read %s; add it", rel)
	}
	return []string{src}
}

// listFiles returns the files under root (relative, slash-separated) that keep(rel) accepts.
func listFiles(tb testing.TB, base string, keep func(rel string) bool) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(base, path)
		if rel = filepath.ToSlash(rel); keep(rel) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestFaultEachFile damages every file of the full 16-CPU root in every way of faults, one at a
// time, and checks that the sampling pass neither panics nor hangs, that only the sources
// reading the file change Status, that a source which stops being OK names the file (or the
// process) in its reason, that a missing or denied file is Unavailable rather than Failed, and
// that Frames derived against a healthy sample before and after hold no NaN, Inf, negative
// value or control character.
func TestFaultEachFile(t *testing.T) {
	t.Parallel()
	root := fullRoot(t, "b", true)
	base := filepath.Dir(root.Proc)
	files := listFiles(t, base, func(rel string) bool {
		parts := strings.Split(rel, "/")
		// Of the process directories, every fault on one single- and one multi-threaded
		// process; the others only stay as neighbours that must keep being read.
		return len(parts) < 3 || parts[0] != "proc" || !isDigit(parts[1][0]) || parts[1] == "409" || parts[1] == "170"
	})
	runFaultMatrix(t, root, files)
}

// TestFaultProcFallback repeats the per-process faults without /proc/schedstat, where the
// scheduler source reads every thread's stat and schedstat itself.
func TestFaultProcFallback(t *testing.T) {
	t.Parallel()
	root := fullRoot(t, "b", false)
	base := filepath.Dir(root.Proc)
	files := listFiles(t, base, func(rel string) bool {
		parts := strings.Split(rel, "/")
		return len(parts) > 2 && parts[0] == "proc" && (parts[1] == "411" || parts[1] == "417")
	})
	runFaultMatrix(t, root, files)
}

func runFaultMatrix(t *testing.T, root collect.FS, files []string) {
	base := filepath.Dir(root.Proc)
	t0 := time.Unix(1_700_000_000, 0)
	prev := snapshotAt(t, fullRoot(t, "a", true), t0, "healthy a")
	want := snapshotAt(t, root, t0.Add(time.Second), "healthy b")
	for name, st := range want.Status {
		// Unavailable here would hide faults: every source of the full root must read.
		if st.State != sources.OK {
			t.Fatalf("healthy root: %s is %s: %s", name, st.State, st.Reason)
		}
	}
	deriveChecked(t, prev, want, "healthy")
	cases := 0
	outcome := map[string]*[3]int{} // fault → cases where the file's first reader was ok, unavailable, failed
	for _, rel := range files {
		path := filepath.Join(base, filepath.FromSlash(rel))
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		readers := readersOf(t, rel)
		for _, f := range faults {
			if testing.Short() && !shortFaults[f.name] {
				continue
			}
			what := rel + " " + f.name
			if f.mutate != nil && bytes.Equal(f.mutate(orig), orig) {
				continue // the fault does not change this file (no digits, one line, ...)
			}
			denied := applyFault(t, path, orig, f)
			cur := snapshotAt(t, root, t0.Add(time.Second), what)
			restore(t, path, orig)
			cases++

			if outcome[f.name] == nil {
				outcome[f.name] = new([3]int)
			}
			outcome[f.name][cur.StatusFor(readers[0]).State]++
			for name, w := range want.Status {
				have := cur.StatusFor(name)
				if !slices.Contains(readers, name) {
					if have != w {
						t.Errorf("%s: %s changed from %v to %v; it does not read the file", what, name, w, have)
					}
					continue
				}
				if have.State == sources.OK {
					continue
				}
				if name == readers[0] && !namesFile(have.Reason, rel) {
					t.Errorf("%s: %s is %s with reason %q, which does not name the file", what, name, have.State, have.Reason)
				}
				if (f.name == faultMissing || f.name == faultDenied && denied) && have.State == sources.Failed {
					t.Errorf("%s: %s is failed (%s); a missing or denied file is unavailable", what, name, have.Reason)
				}
			}
			deriveChecked(t, nil, cur, what+" (first sample)")
			deriveChecked(t, prev, cur, what+" (after healthy)")
			deriveChecked(t, cur, want, what+" (before healthy)")
		}
	}
	t.Logf("%d files, %d fault cases; the file's source was ok / unavailable / failed:", len(files), cases)
	for _, f := range faults {
		if o := outcome[f.name]; o != nil {
			t.Logf("  %-20s %3d %3d %3d", f.name, o[0], o[1], o[2])
		}
	}
}

// applyFault damages path. It reports whether a denied fault really denies reading (false as
// root, where a directory takes the file's place instead: reading it fails with EISDIR).
func applyFault(t *testing.T, path string, orig []byte, f fault) bool {
	t.Helper()
	switch f.name {
	case faultMissing:
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	case faultDenied:
		if isRoot() {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
			return false
		}
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		return true
	default:
		if err := os.WriteFile(path, f.mutate(slices.Clone(orig)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return false
}

func restore(t *testing.T, path string, orig []byte) {
	t.Helper()
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	} else if err == nil {
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
}

// namesFile reports whether a status reason points at the damaged file: its last two path
// elements ("proc/stat", "409/stat", "pressure/cpu").
func namesFile(reason, rel string) bool {
	parts := strings.Split(rel, "/")
	tail := strings.Join(parts[max(0, len(parts)-2):], "/")
	return strings.Contains(reason, tail)
}

// TestFaultVanishingProcesses removes and recreates process directories and files while the
// collectors run, as processes exiting between readdir and open do: no pass may fail, panic
// or hang, and the process source stays OK.
func TestFaultVanishingProcesses(t *testing.T) {
	t.Parallel()
	root := fullRoot(t, "b", false)
	pids := []string{"170", "409", "411", "417"}
	saved := t.TempDir()
	for _, p := range pids {
		collecttest.CopyTree(t, filepath.Join(root.Proc, p), filepath.Join(saved, p))
	}
	stop := make(chan struct{})
	churned := make(chan int)
	go func() {
		n := 0
		defer func() { churned <- n }()
		for {
			for _, p := range pids {
				select {
				case <-stop:
					return
				default:
				}
				dir := filepath.Join(root.Proc, p)
				switch n % 3 {
				case 0: // the whole process exits
					os.RemoveAll(dir)
				case 1: // a file at a time, as procfs entries of a dying task fail one by one
					for _, f := range []string{"stat", "status", "io", "schedstat", "cmdline"} {
						os.Remove(filepath.Join(dir, f))
					}
				default:
					// The process comes back whole: procfs never shows a half-written file,
					// so the copy is staged beside proc and renamed into place.
					stage := filepath.Join(filepath.Dir(root.Proc), "stage-"+p)
					os.RemoveAll(stage)
					os.RemoveAll(dir)
					if os.CopyFS(stage, os.DirFS(filepath.Join(saved, p))) == nil {
						os.Rename(stage, dir)
					}
				}
				n++
			}
		}
	}()
	set := collect.NewSet(root)
	defer set.Close()
	var prev *sources.Snapshot
	at := time.Unix(1_700_000_000, 0)
	deadline := time.Now().Add(2 * time.Second)
	passes := 0
	for time.Now().Before(deadline) {
		at = at.Add(time.Second)
		cur := &sources.Snapshot{Time: at}
		set.Collect(cur)
		for _, src := range []string{sources.SrcProcs, sources.SrcSchedstat} {
			if st := cur.StatusFor(src); st.State == sources.Failed {
				t.Errorf("pass %d: %s failed: %s", passes, src, st.Reason)
			}
		}
		deriveChecked(t, prev, cur, "churn")
		prev = cur
		passes++
	}
	close(stop)
	n := <-churned
	t.Logf("%d passes while %d process changes", passes, n)
}

// TestFaultDyingTask gives one thread the empty stat or schedstat a dying task reads as
// (procs.go treats it as exited), or a garbage one: one thread among many must not fail a
// whole source. Both ways the scheduler fallback gets its threads are checked: fed by the
// procs walk (NewSet) and walking /proc itself (the collectors unwired, as when a procs pass
// fails).
func TestFaultDyingTask(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"proc/411/task/411/stat", "proc/411/task/411/schedstat", "proc/411/stat"} {
		for _, content := range []string{"", "garbage\n"} {
			root := fullRoot(t, "b", false)
			writeFile(t, filepath.Join(filepath.Dir(root.Proc), file), []byte(content))
			what := fmt.Sprintf("%s = %q", file, content)
			wired := snapshotAt(t, root, time.Unix(1_700_000_000, 0), what)
			for _, src := range []string{sources.SrcProcs, sources.SrcSchedstat} {
				if st := wired.StatusFor(src); st.State != sources.OK {
					t.Errorf("%s: %s is %s (%s), want ok", what, src, st.State, st.Reason)
				}
			}
			s := &sources.Snapshot{Time: time.Unix(1_700_000_000, 0)}
			for _, c := range collect.Collectors(root) {
				if c.Name() != sources.SrcSchedstat {
					continue
				}
				if st := sources.StatusOf(c.Collect(s)); st.State != sources.OK {
					t.Errorf("%s, own walk: schedstat is %s (%s), want ok", what, st.State, st.Reason)
				}
			}
			// The damaged thread is skipped, the others still counted.
			if s.Schedstat == nil || len(s.Schedstat.CPUs) == 0 {
				t.Errorf("%s, own walk: no CPUs", what)
			}
		}
	}
}

// TestFaultDeniedAsUser checks real EACCES (chmod 000), which only a process without
// CAP_DAC_OVERRIDE sees: every denied file is Unavailable, never Failed, with its path named.
func TestFaultDeniedAsUser(t *testing.T) {
	if isRoot() {
		t.Skip("running as root: chmod 000 does not deny reads; TestFaultEachFile puts a directory in the file's place instead; run the suite as an unprivileged user for real EACCES (docs/security.md)")
	}
	t.Parallel()
	root := fullRoot(t, "b", true)
	base := filepath.Dir(root.Proc)
	for _, rel := range listFiles(t, base, func(string) bool { return true }) {
		path := filepath.Join(base, rel)
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := os.ReadFile(path); !errors.Is(err, syscall.EACCES) {
			t.Fatalf("chmod 000 %s: read gives %v, want EACCES", rel, err)
		}
		s := snapshotAt(t, root, time.Unix(1_700_000_000, 0), rel)
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		src := readersOf(t, rel)[0]
		st := s.StatusFor(src)
		if st.State == sources.Failed {
			t.Errorf("%s denied: %s failed (%s), want unavailable", rel, src, st.Reason)
		}
		if st.State != sources.OK && !namesFile(st.Reason, rel) {
			t.Errorf("%s denied: %s reason %q does not name the file", rel, src, st.Reason)
		}
	}
}
