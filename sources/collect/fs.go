package collect

import (
	"io/fs"
	"path/filepath"
	"syscall"
)

// FS is the pair of roots ktop reads: procfs and sysfs. Tests point them at fixture trees.
type FS struct {
	Proc string // default /proc
	Sys  string // default /sys
	Dev  string // default /dev (only /dev/kmsg is read)
}

// DefaultFS reads the running kernel.
func DefaultFS() FS { return FS{Proc: "/proc", Sys: "/sys", Dev: "/dev"} }

// ProcPath joins parts below the proc root.
func (fs FS) ProcPath(parts ...string) string {
	return filepath.Join(append([]string{fs.Proc}, parts...)...)
}

// SysPath joins parts below the sys root.
func (fs FS) SysPath(parts ...string) string {
	return filepath.Join(append([]string{fs.Sys}, parts...)...)
}

// readFile reads a whole proc or sys file into buf (grown as needed) and returns the filled
// slice. procfs files report size 0 or 4096, so no stat; it reads until a read returns 0
// (readAll, not whole: the file may be multi-record).
// Bare system calls: os.Open would also register the descriptor with the runtime's poller
// (an fcntl and an epoll_ctl per file), useless for files that never block.
func readFile(path string, buf []byte) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return buf[:0], &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	if buf, err = readAll(fd, buf, false); err != nil {
		return buf, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return buf, nil
}

// readAll reads file fd from offset 0 into buf (grown as needed; at least 8 KiB, which takes
// most kernel files whole in one read: a larger file costs a second read the first time, as
// the caller keeps the grown buffer). Each collector keeps a buffer for as long as ktop runs,
// so a larger floor only costs memory (64 KiB made 0.9 MiB of the heap). A multi-record seq file (vmstat, interrupts) hands out
// at most a page per read however large the buffer, so it is read until a read returns
// nothing. whole says the file is generated in one piece (single_open: stat, status,
// schedstat, meminfo, the pressure files; cmdline copies as much as asked), so a read that
// leaves room in the buffer got all of it: one pread for the file.
func readAll(fd int, buf []byte, whole bool) ([]byte, error) {
	if cap(buf) < 8<<10 {
		buf = make([]byte, 0, 8<<10)
	}
	buf = buf[:0]
	for {
		n, err := syscall.Pread(fd, buf[len(buf):cap(buf)], int64(len(buf)))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf[:0], err
		}
		buf = buf[:len(buf)+n]
		if n == 0 || (whole && len(buf) < cap(buf)) {
			return buf, nil
		}
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), 2*cap(buf))
			copy(nb, buf)
			buf = nb
		}
	}
}

// ReadFile reads a whole kernel file with a fresh buffer.
func ReadFile(path string) ([]byte, error) { return readFile(path, nil) }
