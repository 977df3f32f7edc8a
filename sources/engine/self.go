package engine

import (
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// selfMeter measures ktop's own cost. CPU time comes from getrusage(RUSAGE_SELF), the same
// utime+stime accounting /proc/self/stat prints (in finer units); RSS from /proc/self/statm,
// because ru_maxrss is the peak, not the current size.
type selfMeter struct {
	buf  [128]byte // statm is one short line
	fd   int       // /proc/self/statm, kept open: procfs makes it anew on each read from 0
	open bool
}

func (m *selfMeter) measure(tick time.Duration) sources.SelfCost {
	var ru syscall.Rusage
	c := sources.SelfCost{TickTime: tick, Goroutine: runtime.NumGoroutine()}
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.CPUNs = uint64(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if pages, ok := m.residentPages(); ok {
		c.RSSKB = pages * uint64(os.Getpagesize()) / 1024
	}
	return c
}

// residentPages is the second field of /proc/self/statm, read with one bare pread into a
// fixed buffer from a descriptor kept open: this runs every tick.
func (m *selfMeter) residentPages() (uint64, bool) {
	if !m.open {
		fd, err := syscall.Open("/proc/self/statm", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return 0, false
		}
		m.fd, m.open = fd, true
	}
	n, err := syscall.Pread(m.fd, m.buf[:], 0)
	if err != nil || n <= 0 {
		m.close()
		return 0, false
	}
	b := m.buf[:n]
	i := 0
	for i < len(b) && b[i] != ' ' { // size
		i++
	}
	i++
	var v uint64
	digits := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + uint64(b[i]-'0')
		digits++
	}
	return v, digits > 0
}

// close drops the kept descriptor.
func (m *selfMeter) close() {
	if m.open {
		syscall.Close(m.fd)
		m.open = false
	}
}
