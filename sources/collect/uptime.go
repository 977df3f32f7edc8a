package collect

import (
	"fmt"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector { return &uptimeCollector{kernelFile: newKernelFile(fs.ProcPath("uptime"), true)} })
}

type uptimeCollector struct {
	kernelFile
	buf []byte
}

func (c *uptimeCollector) Name() string { return sources.SrcUptime }

func (c *uptimeCollector) Collect(s *sources.Snapshot) error {
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	u, err := ParseUptime(c.buf)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	s.Uptime = u
	return nil
}

// ParseUptime parses "12345.67 23456.78": seconds up, and idle seconds summed over CPUs.
func ParseUptime(b []byte) (*sources.Uptime, error) {
	up, idle, err := parseUptime(b)
	if err != nil {
		return nil, err
	}
	return &sources.Uptime{Up: up, Idle: idle}, nil
}

// parseUptime is ParseUptime without the Uptime: the procs collector needs the number only.
func parseUptime(b []byte) (up, idle float64, err error) {
	line, _ := nextLine(b)
	var fa [4][]byte // fields stays on the stack
	f := fields(line, fa[:0])
	if len(f) < 2 {
		return 0, 0, fmt.Errorf("want 2 fields, got %d", len(f))
	}
	if up, err = parseFloat(f[0]); err != nil {
		return 0, 0, fmt.Errorf("bad uptime %q", f[0])
	}
	if idle, err = parseFloat(f[1]); err != nil {
		return 0, 0, fmt.Errorf("bad idle time %q", f[1])
	}
	return up, idle, nil
}
