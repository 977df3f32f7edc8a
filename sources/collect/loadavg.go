package collect

import (
	"bytes"
	"fmt"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &loadavgCollector{kernelFile: newKernelFile(fs.ProcPath("loadavg"), true)}
	})
}

type loadavgCollector struct {
	kernelFile
	buf []byte
}

func (c *loadavgCollector) Name() string { return sources.SrcLoadavg }

func (c *loadavgCollector) Collect(s *sources.Snapshot) error {
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	l, err := ParseLoadavg(c.buf)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	s.Load = l
	return nil
}

// ParseLoadavg parses "0.15 0.08 0.02 3/85 2134". procfs and gopsutil drop the R/T field,
// which is the only cheap source of the runnable and thread counts, hence this parser.
func ParseLoadavg(b []byte) (*sources.LoadAvg, error) {
	line, _ := nextLine(b)
	var fa [8][]byte // fields stays on the stack
	f := fields(line, fa[:0])
	if len(f) < 4 {
		return nil, fmt.Errorf("want 4 or 5 fields, got %d", len(f))
	}
	l := &sources.LoadAvg{}
	for i, dst := range []*float64{&l.Load1, &l.Load5, &l.Load15} {
		v, err := parseFloat(f[i])
		if err != nil {
			return nil, fmt.Errorf("load %d: bad value %q", [...]int{1, 5, 15}[i], f[i])
		}
		*dst = v
	}
	r, t, ok := bytes.Cut(f[3], []byte("/"))
	if !ok {
		return nil, fmt.Errorf("bad runnable/threads %q", f[3])
	}
	var err error
	if l.Runnable, err = parseUint(r); err != nil {
		return nil, fmt.Errorf("runnable: %w", err)
	}
	if l.Threads, err = parseUint(t); err != nil {
		return nil, fmt.Errorf("threads: %w", err)
	}
	if len(f) > 4 {
		if l.LastPID, err = parseUint(f[4]); err != nil {
			return nil, fmt.Errorf("last pid: %w", err)
		}
	}
	return l, nil
}
