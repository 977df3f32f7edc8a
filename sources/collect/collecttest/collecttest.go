// Package collecttest gives other packages' tests and benchmarks the real fixture trees of
// package collect, so that they build Snapshots the way the collectors do, from files copied
// from real machines. Only tests import it.
package collecttest

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// Testdata is the absolute path of package collect's testdata directory.
func Testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Root16 merges the trimmed trees of the shared 16-CPU capture (snap "a" or "b"; each parser
// test kept only the files it reads) back into one proc/sys root in a temporary directory, so
// that every collector runs over the same real machine.
func Root16(tb testing.TB, snap string) collect.FS {
	tb.Helper()
	dst := tb.TempDir()
	for _, tree := range []string{"16cpu", "i3a-16cpu", "i3b-16cpu", "procs16-pid", "procs-16cpu"} {
		CopyTree(tb, filepath.Join(Testdata(), tree, snap), dst)
	}
	return collect.FS{Proc: filepath.Join(dst, "proc"), Sys: filepath.Join(dst, "sys"), Dev: filepath.Join(dst, "dev")}
}

// Snapshot runs every collector once over root.
func Snapshot(root collect.FS) *sources.Snapshot {
	set := collect.NewSet(root)
	defer set.Close()
	s := &sources.Snapshot{}
	set.Collect(s)
	return s
}

// CopyTree copies the regular files and directories under src into dst, merging with what
// dst holds.
func CopyTree(tb testing.TB, src, dst string) {
	tb.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}
