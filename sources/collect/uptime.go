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
	line, _ := nextLine(b)
	var fa [4][]byte // fields stays on the stack
	f := fields(line, fa[:0])
	if len(f) < 2 {
		return nil, fmt.Errorf("want 2 fields, got %d", len(f))
	}
	up, err := parseFloat(f[0])
	if err != nil {
		return nil, fmt.Errorf("bad uptime %q", f[0])
	}
	idle, err := parseFloat(f[1])
	if err != nil {
		return nil, fmt.Errorf("bad idle time %q", f[1])
	}
	return &sources.Uptime{Up: up, Idle: idle}, nil
}
