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

// osReleaseFiles are where os-release(5) says the distribution describes itself, in order.
var osReleaseFiles = []string{"/etc/os-release", "/usr/lib/os-release"}

// platform names the distribution once: from os-release(5), which every current distribution
// ships, else through gopsutil, which knows the older lsb-release and vendor files. gopsutil
// is not asked first because on Debian it runs lsb_release, a shell script that took 0.6 s of
// the first sample on the development VM. Its roots are passed explicitly (no environment).
func (c *hostCollector) platform() string {
	if !c.live || c.osDone {
		return c.os
	}
	c.osDone = true
	for _, f := range osReleaseFiles {
		if b, err := ReadFile(f); err == nil {
			if name := ParseOSRelease(b); name != "" {
				c.os = Sanitize(name)
				return c.os
			}
		}
	}
	ctx := context.WithValue(context.Background(), common.EnvKey, common.EnvMap{
		common.HostProcEnvKey: "/proc", common.HostSysEnvKey: "/sys", common.HostEtcEnvKey: "/etc",
	})
	if p, _, v, err := host.PlatformInformationWithContext(ctx); err == nil && p != "" {
		c.os = Sanitize(p + " " + v)
	}
	return c.os
}

// ParseOSRelease returns the distribution's name from an os-release(5) file: PRETTY_NAME, or
// NAME and VERSION_ID when it has none. Values may be quoted with " or ' and use backslash
// escapes, as the shell would read them.
func ParseOSRelease(b []byte) string {
	var pretty, name, version string
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		k, v, ok := bytes.Cut(bytes.TrimSpace(line), []byte("="))
		if !ok {
			continue
		}
		switch string(k) {
		case "PRETTY_NAME":
			pretty = unquoteShell(v)
		case "NAME":
			name = unquoteShell(v)
		case "VERSION_ID":
			version = unquoteShell(v)
		}
	}
	if pretty != "" {
		return pretty
	}
	if version != "" && name != "" {
		return name + " " + version
	}
	return name
}

// unquoteShell undoes os-release's shell quoting of one value: a quote character pair
// around it, and backslash before ", $, `, \ inside double quotes.
func unquoteShell(v []byte) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		q := v[0]
		v = v[1 : len(v)-1]
		if q == '"' {
			out := make([]byte, 0, len(v))
			for i := 0; i < len(v); i++ {
				if v[i] == '\\' && i+1 < len(v) {
					i++
				}
				out = append(out, v[i])
			}
			return string(out)
		}
	}
	return string(v)
}
