package collect

import (
	"bytes"
	"fmt"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &meminfoCollector{kernelFile: newKernelFile(fs.ProcPath("meminfo"), true)}
	})
}

type meminfoCollector struct {
	kernelFile
	buf []byte
}

func (c *meminfoCollector) Name() string { return sources.SrcMeminfo }

func (c *meminfoCollector) Collect(s *sources.Snapshot) error {
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	m, err := ParseMeminfo(c.buf)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	s.Mem = m
	return nil
}

// ParseMeminfo parses /proc/meminfo by key ("Key:   value kB"); unknown keys are ignored and
// keys vary by architecture and config. Values stay in kB (HugePages_* are counts).
func ParseMeminfo(b []byte) (*sources.MemInfo, error) {
	m := &sources.MemInfo{}
	dst := map[string]*uint64{
		"MemTotal": &m.MemTotal, "MemFree": &m.MemFree, "MemAvailable": &m.MemAvailable,
		"Buffers": &m.Buffers, "Cached": &m.Cached, "SReclaimable": &m.SReclaimable,
		"Shmem": &m.Shmem, "SwapTotal": &m.SwapTotal, "SwapFree": &m.SwapFree,
		"SwapCached": &m.SwapCached, "Dirty": &m.Dirty, "Writeback": &m.Writeback,
		"AnonPages": &m.AnonPages, "Mapped": &m.Mapped, "Slab": &m.Slab,
		"SUnreclaim": &m.SUnreclaim, "KernelStack": &m.KernelStack, "PageTables": &m.PageTables,
		"HugePages_Total": &m.HugePagesTotal, "Hugepagesize": &m.Hugepagesize,
	}
	var f [][]byte
	seenTotal := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		key, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		p, known := dst[string(key)]
		if !known {
			continue
		}
		f = fields(rest, f)
		if len(f) == 0 {
			return nil, fmt.Errorf("%s: no value", key)
		}
		v, err := parseUint(f[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		*p = v
		switch string(key) {
		case "MemAvailable":
			m.HasAvailable = true
		case "MemTotal":
			seenTotal = true
		}
	}
	if !seenTotal {
		return nil, fmt.Errorf("no MemTotal")
	}
	return m, nil
}
