package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &cpuOnlineCollector{
			online:   newKernelFile(fs.SysPath("devices/system/cpu/online"), true),
			possible: newKernelFile(fs.SysPath("devices/system/cpu/possible"), true),
		}
	})
}

// cpuOnlineCollector reads the CPU set. It is topology (metrics-spec §0.5): read again every
// topoTTL, or when /proc/stat's CPU lines (the online CPUs) changed since the last read, and
// otherwise the last set is kept. The stat collector runs later in a pass, so a CPU going
// offline or online is seen here one pass after /proc/stat shows it.
type cpuOnlineCollector struct {
	online, possible kernelFile
	buf              []byte // reused: the files are tiny

	stat    *statCollector // wired by connect; nil: re-read on topoTTL alone
	last    *sources.CPUSet
	lastAt  time.Time
	statGen uint64 // stat.cpusGen at the last read
}

func (c *cpuOnlineCollector) Name() string { return sources.SrcCPUOnline }

func (c *cpuOnlineCollector) Collect(s *sources.Snapshot) error {
	at := now()
	if c.last != nil && at.Sub(c.lastAt) < topoTTL && (c.stat == nil || c.stat.cpusGen == c.statGen) {
		s.Online = c.last // shared by the snapshots until it changes: never written to
		return nil
	}
	c.last = nil
	var err error
	if c.buf, err = c.online.read(c.buf); err != nil {
		return err
	}
	on, err := ParseCPUList(c.buf)
	if err != nil {
		return fmt.Errorf("%s: %w", c.online.path, err)
	}
	set := &sources.CPUSet{Online: on}
	// possible is optional: a missing file is no reason to drop the online set.
	if c.buf, err = c.possible.read(c.buf); err == nil {
		if set.Possible, err = ParseCPUList(c.buf); err != nil {
			return fmt.Errorf("%s: %w", c.possible.path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	s.Online = set
	c.last, c.lastAt = set, at
	if c.stat != nil {
		c.statGen = c.stat.cpusGen
	}
	return nil
}

const (
	maxCPUID = 1 << 20 // largest CPU id accepted
	maxCPUs  = 1 << 16 // most CPUs one list may name
)

// ParseCPUList parses the kernel's CPU list format: "0-3,8,10-11" (an empty line is no CPU).
func ParseCPUList(b []byte) ([]int, error) {
	line, _ := nextLine(b)
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil, nil
	}
	var out []int
	for _, part := range bytes.Split(line, []byte(",")) {
		lo, hi, isRange := bytes.Cut(part, []byte("-"))
		a, err := parseUint(lo)
		if err != nil {
			return nil, err
		}
		z := a
		if isRange {
			if z, err = parseUint(hi); err != nil {
				return nil, err
			}
		}
		// The kernel's NR_CPUS tops out at 8192 (x86 MAXSMP); the bounds leave room while
		// keeping a corrupt list such as "0-4000000000" or many long ranges from eating memory.
		if z < a || z > maxCPUID || len(out)+int(z-a) >= maxCPUs {
			return nil, fmt.Errorf("bad range %q", part)
		}
		for i := a; i <= z; i++ {
			out = append(out, int(i))
		}
	}
	return out, nil
}

// Close drops the kept descriptors.
func (c *cpuOnlineCollector) Close() { c.online.Close(); c.possible.Close() }
