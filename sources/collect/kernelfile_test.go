package collect

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// On procfs the descriptor is kept and each read is the file generated anew.
func TestKernelFileKeptOnProcfs(t *testing.T) {
	f := newKernelFile("/proc/uptime", true)
	defer f.Close()
	first, err := f.read(nil)
	if err != nil {
		t.Skipf("no /proc/uptime: %v", err)
	}
	if !f.kept {
		t.Fatal("descriptor of /proc/uptime not kept")
	}
	fd := f.fd
	first = bytes.Clone(first)
	var have []byte
	for range 50 { // uptime moves every 10 ms
		time.Sleep(15 * time.Millisecond)
		if have, err = f.read(nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, first) {
			break
		}
	}
	if bytes.Equal(have, first) {
		t.Errorf("read through the kept descriptor did not change in 750 ms: %q", have)
	}
	if f.fd != fd {
		t.Errorf("descriptor changed from %d to %d", fd, f.fd)
	}
}

// A multi-record seq file hands out a page per read: the kept descriptor must read it all.
func TestKernelFileMultiRecord(t *testing.T) {
	// zoneinfo is one record per zone, several pages on any machine (5 kB with two zones).
	want, err := ReadFile("/proc/zoneinfo")
	if err != nil {
		t.Skipf("no /proc/zoneinfo: %v", err)
	}
	if len(want) <= 4096 {
		t.Skipf("/proc/zoneinfo is %d bytes, one page", len(want))
	}
	f := newKernelFile("/proc/zoneinfo", false)
	defer f.Close()
	for range 2 {
		have, err := f.read(nil)
		if err != nil {
			t.Fatal(err)
		}
		// Counters move between the reads; the lines and their names do not.
		if wl, hl := bytes.Count(want, []byte("\n")), bytes.Count(have, []byte("\n")); wl != hl {
			t.Errorf("want %d lines (%d bytes), have %d (%d bytes)", wl, len(want), hl, len(have))
		}
	}
	if !f.kept {
		t.Error("descriptor of /proc/zoneinfo not kept")
	}
}

// A kept descriptor that fails is dropped and the file opened again.
func TestKernelFileReopens(t *testing.T) {
	f := newKernelFile("/proc/loadavg", true)
	defer f.Close()
	if _, err := f.read(nil); err != nil || !f.kept {
		t.Skipf("/proc/loadavg not kept: %v", err)
	}
	syscall.Close(f.fd) // the kept descriptor now fails with EBADF
	have, err := f.read(nil)
	if err != nil || len(have) == 0 {
		t.Fatalf("read after the descriptor failed: %q, %v", have, err)
	}
	if !f.kept {
		t.Error("not kept again after reopening")
	}
}

// A file outside procfs and sysfs is opened by name every time, so replacing it is seen.
func TestKernelFilePlain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loadavg")
	write := func(s string) {
		tmp := path + ".new"
		if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	f := newKernelFile(path, true)
	defer f.Close()
	for _, want := range []string{"0.10 0.20 0.30 1/80 100\n", "0.40 0.50 0.60 2/81 101\n"} {
		write(want)
		have, err := f.read(nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(have) != want {
			t.Errorf("want %q, have %q", want, have)
		}
		if f.kept {
			t.Error("descriptor of a plain file kept")
		}
	}
	os.Remove(path)
	if _, err := f.read(nil); !os.IsNotExist(err) {
		t.Errorf("removed file: want not-exist, have %v", err)
	}
}

// A file the kernel does not have is tried every pass: the same error comes back (not a new
// one each time), it still says not-exist with its path, and a file that appears later, or a
// relative path, is read.
func TestKernelFileMissing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "irq")
	f := newKernelFile(path, true)
	defer f.Close()
	_, err1 := f.read(nil)
	_, err2 := f.read(nil)
	if !os.IsNotExist(err1) || err1 != err2 {
		t.Fatalf("want one not-exist error twice, have %v and %v", err1, err2)
	}
	if want, have := "open "+path+": no such file or directory", err1.Error(); want != have {
		t.Errorf("want %q, have %q", want, have)
	}
	if err := os.WriteFile(path, []byte("full avg10=0.00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if have, err := f.read(nil); err != nil || string(have) != "full avg10=0.00\n" {
		t.Errorf("after the file appeared: %q, %v", have, err)
	}
	rel := newKernelFile(filepath.Join("testdata", "16cpu", "b", "proc", "loadavg"), true)
	defer rel.Close()
	if have, err := rel.read(nil); err != nil || len(have) == 0 {
		t.Errorf("relative path: %q, %v", have, err)
	}
}
