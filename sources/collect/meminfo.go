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
	var fa [4][]byte // "value kB": fields stays on the stack
	var f [][]byte
	seenTotal := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		key, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		p := meminfoField(m, key)
		if p == nil {
			continue
		}
		f = fields(rest, fa[:0])
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

// meminfoField is where key's value goes, nil for a key not kept. A switch rather than a map
// of pointers into m: that map was built afresh for every parse (20 entries, a few
// allocations a pass).
func meminfoField(m *sources.MemInfo, key []byte) *uint64 {
	switch string(key) {
	case "MemTotal":
		return &m.MemTotal
	case "MemFree":
		return &m.MemFree
	case "MemAvailable":
		return &m.MemAvailable
	case "Buffers":
		return &m.Buffers
	case "Cached":
		return &m.Cached
	case "SReclaimable":
		return &m.SReclaimable
	case "Shmem":
		return &m.Shmem
	case "SwapTotal":
		return &m.SwapTotal
	case "SwapFree":
		return &m.SwapFree
	case "SwapCached":
		return &m.SwapCached
	case "Dirty":
		return &m.Dirty
	case "Writeback":
		return &m.Writeback
	case "AnonPages":
		return &m.AnonPages
	case "Mapped":
		return &m.Mapped
	case "Slab":
		return &m.Slab
	case "SUnreclaim":
		return &m.SUnreclaim
	case "KernelStack":
		return &m.KernelStack
	case "PageTables":
		return &m.PageTables
	case "HugePages_Total":
		return &m.HugePagesTotal
	case "Hugepagesize":
		return &m.Hugepagesize
	}
	return nil
}
