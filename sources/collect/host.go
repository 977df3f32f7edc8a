package collect

import (
	"bytes"
	"context"
	"path/filepath"

	"github.com/shirou/gopsutil/v4/common"
	"github.com/shirou/gopsutil/v4/host"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &hostCollector{
			hostname: fs.ProcPath("sys/kernel/hostname"),
			release:  fs.ProcPath("sys/kernel/osrelease"),
			live:     filepath.Clean(fs.Proc) == "/proc",
		}
	})
}

// hostCollector reads the host name and kernel release from procfs (not uname(2)), so that a
// fixture tree or a container's /proc describes itself. They rarely change, so the result is
// kept and re-read only every 60 samples.
type hostCollector struct {
	hostname, release string
	// live is true when reading the running system's /proc: only then does /etc describe
	// the same machine, so only then is the distribution looked up.
	live   bool
	os     string
	osDone bool
	cached *sources.Host
	age    int
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
	h.OS = c.platform()
	c.cached, c.age = h, 0
	s.Host = h
	return nil
}

// platform names the distribution once, through gopsutil, which knows the many os-release,
// lsb-release and vendor files. Its roots are passed explicitly (no environment variables).
func (c *hostCollector) platform() string {
	if !c.live || c.osDone {
		return c.os
	}
	c.osDone = true
	ctx := context.WithValue(context.Background(), common.EnvKey, common.EnvMap{
		common.HostProcEnvKey: "/proc", common.HostSysEnvKey: "/sys", common.HostEtcEnvKey: "/etc",
	})
	if p, _, v, err := host.PlatformInformationWithContext(ctx); err == nil && p != "" {
		c.os = Sanitize(p + " " + v)
	}
	return c.os
}
