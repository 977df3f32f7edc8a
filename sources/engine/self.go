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
	buf [128]byte // statm is one short line
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

// residentPages is the second field of /proc/self/statm, read with bare system calls into a
// fixed buffer: this runs every tick.
func (m *selfMeter) residentPages() (uint64, bool) {
	fd, err := syscall.Open("/proc/self/statm", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	defer syscall.Close(fd)
	n, err := syscall.Read(fd, m.buf[:])
	if err != nil || n <= 0 {
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
