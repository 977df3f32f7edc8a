package app

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ktop-dev/ktop"

// importViolation says why package dir (slash-separated, relative to the module root) may not
// import path, or "" when it may. test is true for _test.go files.
func importViolation(dir, path string, test bool) string {
	under := func(root string) bool { return dir == root || strings.HasPrefix(dir, root+"/") }
	isPkg := func(p string) bool { return path == p || strings.HasPrefix(path, p+"/") }
	switch {
	case under("sources"):
		if strings.HasPrefix(path, "github.com/charmbracelet/") || strings.HasPrefix(path, "github.com/NimbleMarkets/") {
			return "sources must not depend on a UI library"
		}
	case under("views"):
		switch {
		case test && (path == "os" || isPkg(module+"/sources/collect")):
			// Panel tests build frames from real fixture trees and write goldens.
			return ""
		case path == "os" || path == "io/fs" || path == "syscall":
			return "views must not touch files or the system"
		case isPkg(module+"/sources/collect") || isPkg(module+"/sources/engine"):
			return "views get frames from the app, never from collectors or the engine"
		}
	case under("app") && !test:
		switch {
		case path == "os":
			return "app leaves the terminal and environment to cmd/ktop"
		case isPkg(module + "/sources/collect"):
			return "app reads no kernel files (tests may, to build fixture frames)"
		}
	}
	return ""
}

func TestImportViolationRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dir, path string
		test, bad bool
	}{
		{"sources", "github.com/charmbracelet/lipgloss", false, true},
		{"sources/engine", "github.com/charmbracelet/bubbletea", true, true},
		{"sources/derive", "github.com/NimbleMarkets/ntcharts/canvas", false, true},
		{"sources/collect", "os", false, false},
		{"views", "os", false, true},
		{"views/cpu", "os", true, false},
		{"views/cpu", "syscall", true, true},
		{"views/cpu", module + "/sources/collect", true, false},
		{"views/cpu", module + "/sources/engine", true, true},
		{"views/cpuchart", "io/fs", false, true},
		{"views/header", "syscall", false, true},
		{"views/cpu", module + "/sources/collect", false, true},
		{"views/cpu", module + "/sources/engine", false, true},
		{"views/cpu", module + "/sources/derive", false, false},
		{"views/cpu", "github.com/charmbracelet/lipgloss", false, false},
		{"viewsx", "os", false, false},
		{"app", "os", false, true},
		{"app", "os", true, false},
		{"app", module + "/sources/collect", false, true},
		{"app", module + "/sources/engine", false, false},
		{"cmd/ktop", "os", false, false},
	}
	for _, tc := range tests {
		if have := importViolation(tc.dir, tc.path, tc.test) != ""; have != tc.bad {
			t.Errorf("%s (test %v) importing %s: violation %v, want %v", tc.dir, tc.test, tc.path, have, tc.bad)
		}
	}
}

// TestImportRules parses the imports of every .go file in the module and enforces the
// direction of dependencies: sources knows no UI, views know no files, collectors or engine.
func TestImportRules(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	files := 0
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || strings.HasPrefix(n, ".") || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if why := importViolation(rel, p, strings.HasSuffix(path, "_test.go")); why != "" {
				t.Errorf("%s imports %q: %s", fset.Position(imp.Pos()), p, why)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Errorf("only %d .go files found under %s: the walk is broken", files, root)
	}
}
