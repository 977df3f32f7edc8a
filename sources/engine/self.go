package engine

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// selfMeter measures ktop's own cost. CPU time comes from getrusage(RUSAGE_SELF), the same
// utime+stime accounting /proc/self/stat prints (in finer units); RSS from /proc/self/statm,
// because ru_maxrss is the peak, not the current size.
type selfMeter struct{}

func (m *selfMeter) measure(tick time.Duration) sources.SelfCost {
	var ru syscall.Rusage
	c := sources.SelfCost{TickTime: tick, Goroutine: runtime.NumGoroutine()}
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.CPUNs = uint64(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				c.RSSKB = pages * uint64(os.Getpagesize()) / 1024
			}
		}
	}
	return c
}
