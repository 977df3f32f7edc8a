package collect

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector { return &statCollector{kernelFile: newKernelFile(fs.ProcPath("stat"), true)} })
}

type statCollector struct {
	kernelFile
	buf []byte

	cpus    []int  // the CPU ids of the last read: the online CPUs
	cpusGen uint64 // counts the changes of cpus, for the CPU set's re-read (cpuOnlineCollector)
}

func (c *statCollector) Name() string { return sources.SrcStat }

func (c *statCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	c.buf, err = c.read(c.buf)
	if err != nil {
		return err
	}
	st, err := parseStat(c.buf, len(c.cpus))
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	st.At = at
	s.Stat = st
	if !slices.EqualFunc(c.cpus, st.CPUs, func(id int, t sources.CPUTimes) bool { return id == t.ID }) {
		c.cpus = c.cpus[:0]
		for _, t := range st.CPUs {
			c.cpus = append(c.cpus, t.ID)
		}
		c.cpusGen++
	}
	return nil
}

// ParseStat parses /proc/stat. CPU lines may carry 4 to 10 (or more) columns depending on the
// kernel's age; missing trailing columns are 0. CPUs are keyed by the id in "cpuN".
func ParseStat(b []byte) (*sources.Stat, error) { return parseStat(b, 0) }

// parseStat is ParseStat with room made for the ncpu CPU lines of the previous pass: one
// allocation rather than a doubling series.
func parseStat(b []byte, ncpu int) (*sources.Stat, error) {
	st := &sources.Stat{Total: sources.CPUTimes{ID: -1}}
	// A cpu line has 11 fields, the intr line cut at 64 bytes at most 30: fields stays on the
	// stack.
	var fa [32][]byte
	var f [][]byte
	seenTotal := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		// The intr line has one number per IRQ; only its first (the total) is needed, so
		// avoid splitting the whole line.
		if bytes.HasPrefix(line, []byte("intr ")) {
			f = fields(line[:min(len(line), 64)], fa[:0])
			if len(f) < 2 {
				return nil, fmt.Errorf("malformed intr line")
			}
			v, err := parseUint(f[1])
			if err != nil {
				return nil, fmt.Errorf("intr: %w", err)
			}
			st.Intr = v
			continue
		}
		f = fields(line, fa[:0])
		if len(f) == 0 {
			continue
		}
		key := f[0]
		switch {
		case bytes.HasPrefix(key, []byte("cpu")):
			t, err := parseCPULine(f)
			if err != nil {
				return nil, err
			}
			if t.ID < 0 {
				st.Total = t
				seenTotal = true
			} else {
				if st.CPUs == nil {
					st.CPUs = make([]sources.CPUTimes, 0, max(ncpu, 4))
				}
				st.CPUs = append(st.CPUs, t)
			}
		case string(key) == "ctxt":
			if err := parseInto(&st.Ctxt, f); err != nil {
				return nil, err
			}
		case string(key) == "processes":
			if err := parseInto(&st.Processes, f); err != nil {
				return nil, err
			}
		case string(key) == "procs_running":
			if err := parseInto(&st.ProcsRunning, f); err != nil {
				return nil, err
			}
		case string(key) == "procs_blocked":
			if err := parseInto(&st.ProcsBlocked, f); err != nil {
				return nil, err
			}
		case string(key) == "btime":
			if err := parseInto(&st.BootTime, f); err != nil {
				return nil, err
			}
		}
	}
	if !seenTotal {
		return nil, fmt.Errorf("no cpu line")
	}
	slices.SortFunc(st.CPUs, func(a, b sources.CPUTimes) int { return a.ID - b.ID })
	return st, nil
}

func parseInto(dst *uint64, f [][]byte) error {
	if len(f) < 2 {
		return fmt.Errorf("%s: no value", f[0])
	}
	v, err := parseUint(f[1])
	if err != nil {
		return fmt.Errorf("%s: %w", f[0], err)
	}
	*dst = v
	return nil
}

func parseCPULine(f [][]byte) (sources.CPUTimes, error) {
	t := sources.CPUTimes{ID: -1}
	name := f[0]
	if len(name) > 3 {
		id, err := parseUint(name[3:])
		if err != nil || id > 1<<20 {
			return t, fmt.Errorf("bad cpu name %q", name)
		}
		t.ID = int(id)
	}
	if len(f) < 5 {
		return t, fmt.Errorf("%s: %d columns, want at least 4", name, len(f)-1)
	}
	dst := [...]*uint64{&t.User, &t.Nice, &t.System, &t.Idle, &t.Iowait, &t.IRQ, &t.SoftIRQ, &t.Steal, &t.Guest, &t.GuestNice}
	for i := 1; i < len(f) && i <= len(dst); i++ {
		v, err := parseUint(f[i])
		if err != nil {
			return t, fmt.Errorf("%s column %d: %w", name, i, err)
		}
		*dst[i-1] = v
	}
	return t, nil
}
