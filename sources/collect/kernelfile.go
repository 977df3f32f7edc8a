package collect

import (
	"io/fs"
	"syscall"
	"unsafe"
)

// sysfsMagic is SYSFS_MAGIC, statfs's f_type of a sysfs mount (procfsMagic is procfs's).
const sysfsMagic = 0x62656572

// kernelFile is a system-wide kernel file read every pass (/proc/stat, meminfo, vmstat, the
// pressure files, /sys/devices/system/cpu/online...). On procfs and sysfs its descriptor is
// opened once and kept: the kernel generates such a file anew whenever it is read from offset
// 0, so one pread() replaces open, read, the read that finds the end, and close — about a
// sixth of a sampling pass's system calls at ~70 processes (docs/perf.md). On any other file
// system (test fixtures, which a test may replace by name) it is opened by name on every read,
// as readFile does.
// whole is readAll's: the kernel generates the file in one piece (stat, meminfo, loadavg, the
// pressure files, a sysfs attribute), unlike vmstat, interrupts, diskstats and net/dev.
type kernelFile struct {
	path  string
	whole bool
	fd    int  // the kept descriptor, when kept
	kept  bool // (the zero kernelFile keeps nothing: fd 0 is not a kept descriptor)
	plain bool // the file is not on procfs or sysfs: never kept

	// cpath is path NUL-terminated, made once: syscall.Open copies its string to the heap on
	// every call. openErr is the last failed open's error, handed out again while opening
	// fails the same way: a file the kernel does not have (/proc/pressure/irq,
	// /proc/schedstat) is tried every pass, and each try made a new error.
	cpath   []byte
	openErr *fs.PathError
}

func newKernelFile(path string, whole bool) kernelFile {
	return kernelFile{path: path, whole: whole}
}

// read returns the file's contents in buf (grown as needed).
func (f *kernelFile) read(buf []byte) ([]byte, error) {
	if f.plain {
		return readFile(f.path, buf)
	}
	if f.kept {
		b, err := f.pread(buf)
		if err == nil {
			return b, nil
		}
		// A kept descriptor that fails (a sysfs attribute whose device went away and came
		// back) is dropped, and the file opened again by name once.
		f.Close()
	}
	fd, err := f.open()
	if err != nil {
		if f.openErr == nil || f.openErr.Err != err {
			f.openErr = &fs.PathError{Op: "open", Path: f.path, Err: err}
		}
		return buf[:0], f.openErr
	}
	var st syscall.Statfs_t
	if syscall.Fstatfs(fd, &st) != nil || (st.Type != procfsMagic && st.Type != sysfsMagic) {
		syscall.Close(fd)
		f.plain = true
		return readFile(f.path, buf)
	}
	f.fd, f.kept = fd, true
	b, err := f.pread(buf)
	if err != nil {
		f.Close()
	}
	return b, err
}

// open opens the file by name, read-only.
func (f *kernelFile) open() (int, error) {
	if f.cpath == nil {
		f.cpath = append([]byte(f.path), 0)
	}
	// AT_FDCWD, so that a relative path resolves as open(2) does; a variable, as a negative
	// constant does not convert to uintptr.
	cwd := -100
	for {
		fd, _, errno := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(&f.cpath[0])),
			uintptr(syscall.O_RDONLY|syscall.O_CLOEXEC), 0, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return -1, errno
		}
		return int(fd), nil
	}
}

// pread reads the kept descriptor from offset 0.
func (f *kernelFile) pread(buf []byte) ([]byte, error) {
	buf, err := readAll(f.fd, buf, f.whole)
	if err != nil {
		return buf, &fs.PathError{Op: "read", Path: f.path, Err: err}
	}
	return buf, nil
}

// Close drops the kept descriptor, if any; the next read opens the file again.
func (f *kernelFile) Close() {
	if f.kept {
		syscall.Close(f.fd)
		f.kept = false
	}
}
