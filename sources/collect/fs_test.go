package collect

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadFileGrows(t *testing.T) {
	t.Parallel()
	// Larger than the 64 KiB first buffer, as /proc/stat is on machines with many IRQs.
	want := bytes.Repeat([]byte("0123456789abcdef"), 20000)
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	have, err := readFile(path, nil)
	if err != nil || !bytes.Equal(have, want) {
		t.Fatalf("read %d bytes, %v; want %d", len(have), err, len(want))
	}
	// Reusing the grown buffer for a small file returns only that file.
	small := filepath.Join(t.TempDir(), "small")
	if err := os.WriteFile(small, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := readFile(small, have)
	if err != nil || string(again) != "x\n" || cap(again) != cap(have) {
		t.Errorf("reuse: have %q (cap %d, want %d), %v", again, cap(again), cap(have), err)
	}
}

func TestReadFileMissing(t *testing.T) {
	t.Parallel()
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope"))
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) {
		t.Errorf("want a PathError wrapping ErrNotExist, have %v", err)
	}
}

func TestFSPaths(t *testing.T) {
	t.Parallel()
	fs := FS{Proc: "/x/proc", Sys: "/x/sys"}
	if have := fs.ProcPath("sys/kernel", "hostname"); have != "/x/proc/sys/kernel/hostname" {
		t.Errorf("ProcPath: %s", have)
	}
	if have := fs.SysPath("devices/system/cpu/online"); have != "/x/sys/devices/system/cpu/online" {
		t.Errorf("SysPath: %s", have)
	}
}
