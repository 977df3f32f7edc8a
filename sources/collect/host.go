package collect

import (
	"bytes"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &hostCollector{
			hostname: fs.ProcPath("sys/kernel/hostname"),
			release:  fs.ProcPath("sys/kernel/osrelease"),
		}
	})
}

// hostCollector reads the host name and kernel release from procfs (not uname(2)), so that a
// fixture tree or a container's /proc describes itself. They rarely change, so the result is
// kept and re-read only every 60 samples.
type hostCollector struct {
	hostname, release string
	cached            *sources.Host
	age               int
}

func (c *hostCollector) Name() string { return sources.SrcHost }

func (c *hostCollector) Collect(s *sources.Snapshot) error {
	if c.cached != nil && c.age < 60 {
		c.age++
		s.Host = c.cached
		return nil
	}
	h := &sources.Host{}
	b, err := ReadFile(c.hostname)
	if err != nil {
		return err
	}
	h.Hostname = Sanitize(string(bytes.TrimSpace(b)))
	if b, err = ReadFile(c.release); err != nil {
		return err
	}
	h.Kernel = Sanitize(string(bytes.TrimSpace(b)))
	c.cached, c.age = h, 0
	s.Host = h
	return nil
}
