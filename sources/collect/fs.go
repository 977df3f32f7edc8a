package collect

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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
// slice. procfs files report size 0 or 4096, so no stat; seq files are generated whole by the
// first read, so one large read() keeps a multi-record file consistent (metrics-spec §0.1).
func readFile(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	if cap(buf) < 64<<10 {
		buf = make([]byte, 0, 64<<10)
	}
	buf = buf[:0]
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			return buf, nil
		}
		if err != nil {
			return buf, err
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
