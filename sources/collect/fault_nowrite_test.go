package collect_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources/collect/collecttest"
)

// ktop only reads the kernel: it never writes to /proc or /sys, so it never changes a sysctl
// or any other kernel setting (docs/security.md). The tests below hold every non-test file of
// sources/ to that, except sources/record, the recording writer, whose files are the user's,
// and test helper packages such as collecttest.
// A file can only be written through a descriptor opened for writing, so it is enough that no
// open asks for write access and no call creates, removes or changes files.

// writeCalls are functions that change the file system whatever their arguments.
var writeCalls = map[string]bool{
	"os.WriteFile": true, "os.Create": true, "os.CreateTemp": true, "os.Mkdir": true,
	"os.MkdirAll": true, "os.MkdirTemp": true, "os.Remove": true, "os.RemoveAll": true,
	"os.Rename": true, "os.Chmod": true, "os.Chown": true, "os.Lchown": true, "os.Chtimes": true,
	"os.Truncate": true, "os.Symlink": true, "os.Link": true, "os.CopyFS": true,
	"ioutil.WriteFile": true, "ioutil.TempFile": true, "ioutil.TempDir": true,
	"syscall.Write": true, "syscall.Pwrite": true, "syscall.Unlink": true, "syscall.Unlinkat": true,
	"syscall.Mkdir": true, "syscall.Mkdirat": true, "syscall.Rename": true, "syscall.Renameat": true,
	"syscall.Creat": true, "syscall.Truncate": true, "syscall.Ftruncate": true, "syscall.Chmod": true,
	"syscall.Fchmod": true, "syscall.Mount": true, "syscall.Sysctl": true,
	"unix.Write": true, "unix.Pwrite": true, "unix.Unlinkat": true, "unix.Mkdirat": true,
	"unix.Renameat": true, "unix.Renameat2": true, "unix.Creat": true, "unix.Ftruncate": true,
	"unix.Mount": true, "unix.Fchmodat": true,
}

// writeFlags are open flags that ask for write access or change the file.
var writeFlags = map[string]bool{
	"O_WRONLY": true, "O_RDWR": true, "O_APPEND": true, "O_CREAT": true, "O_CREATE": true,
	"O_TRUNC": true, "O_TMPFILE": true,
}

// rawSyscalls are the system call numbers a raw syscall may use: opening (its flags are held
// to writeFlags like any other) and reading.
var rawSyscalls = map[string]bool{
	"SYS_OPENAT": true, "SYS_OPEN": true, "SYS_READ": true, "SYS_PREAD64": true,
	"SYS_GETDENTS64": true, "SYS_CLOSE": true,
}

// writeUses lists the calls and names in src that can change a file.
func writeUses(filename string, src any) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	report := func(n ast.Node, what string) {
		out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), what))
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			pkg, ok := n.X.(*ast.Ident)
			if !ok {
				return true
			}
			name := pkg.Name + "." + n.Sel.Name
			switch {
			case writeCalls[name]:
				report(n, name)
			case writeFlags[n.Sel.Name]:
				report(n, name+" (open for writing)")
			case strings.HasPrefix(n.Sel.Name, "SYS_") && !rawSyscalls[n.Sel.Name]:
				report(n, name+" (raw system call outside the read-only list)")
			}
		case *ast.CallExpr:
			// os.OpenFile's flag must be written out, so that this test can read it.
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && len(n.Args) >= 2 {
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "os" && sel.Sel.Name == "OpenFile" && !constFlags(n.Args[1]) {
					report(n, "os.OpenFile with a flag this test cannot check")
				}
			}
		}
		return true
	})
	return out, nil
}

// constFlags reports whether e is made only of package-qualified O_ constants (O_RDONLY,
// O_CLOEXEC, ...) joined by |; writeFlags are caught on their own.
func constFlags(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		return e.Op == token.OR && constFlags(e.X) && constFlags(e.Y)
	case *ast.ParenExpr:
		return constFlags(e.X)
	case *ast.SelectorExpr:
		_, ok := e.X.(*ast.Ident)
		return ok && strings.HasPrefix(e.Sel.Name, "O_")
	}
	return false
}

func TestWriteUsesFinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		bad  bool
	}{
		{`os.ReadFile(p)`, false},
		{`os.Open(p)`, false},
		{`os.OpenFile(p, os.O_RDONLY, 0)`, false},
		{`os.OpenFile(p, os.O_RDONLY|syscall.O_CLOEXEC, 0)`, false},
		{`syscall.Open(p, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)`, false},
		{`syscall.Syscall6(syscall.SYS_OPENAT, 0, 0, syscall.O_RDONLY, 0, 0, 0)`, false},
		{`os.WriteFile("/proc/sys/vm/drop_caches", b, 0)`, true},
		{`os.OpenFile(p, os.O_RDWR, 0)`, true},
		{`os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)`, true},
		{`os.OpenFile(p, flag, 0)`, true},
		{`syscall.Open(p, syscall.O_WRONLY, 0)`, true},
		{`unix.Openat(fd, p, unix.O_RDWR, 0)`, true},
		{`syscall.Syscall(syscall.SYS_WRITE, fd, 0, 0)`, true},
		{`os.Remove(p)`, true},
		{`syscall.Sysctl("kernel.dmesg_restrict")`, true},
	}
	for _, tc := range tests {
		src := "package p\nfunc f() {\n" + tc.code + "\n}\n"
		uses, err := writeUses("p.go", src)
		if err != nil {
			t.Fatal(err)
		}
		if have := len(uses) > 0; have != tc.bad {
			t.Errorf("%s: found %v, want found %v", tc.code, uses, tc.bad)
		}
	}
}

// TestSourcesNeverWrite scans every non-test Go file under sources/, except the recording
// writer sources/record and test helper packages.
func TestSourcesNeverWrite(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(collecttest.Testdata(), "..", "..")
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && (rel == "record" || d.Name() == "testdata"):
			return filepath.SkipDir
		case d.IsDir() && strings.HasSuffix(d.Name(), "test"):
			// Test helper packages (collecttest builds fixture roots), as httptest: only
			// tests import them, so they are not part of ktop.
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		files++
		uses, err := writeUses(path, nil)
		if err != nil {
			return err
		}
		for _, u := range uses {
			t.Errorf("sources/%s", strings.TrimPrefix(u, dir+"/"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("scanned %d files under %s: wrong directory?", files, dir)
	}
	t.Logf("%d files scanned", files)
}
