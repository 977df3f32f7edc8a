package collect

import (
	"fmt"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &vmstatCollector{kernelFile: newKernelFile(fs.ProcPath("vmstat"), false)}
	})
}

type vmstatCollector struct {
	kernelFile
	buf   []byte
	names names
	keys  int // the previous pass's key count, to size the map
}

func (c *vmstatCollector) Name() string { return sources.SrcVMStat }

func (c *vmstatCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	v, err := parseVMStat(c.buf, &c.names, c.keys)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	c.keys = len(v.Values)
	v.At = at
	s.VMStat = v
	return nil
}

// ParseVMStat parses /proc/vmstat ("name value" lines) into a map holding every key: the key set
// changes with nearly every kernel release (per-zone pgscan_kswapd_normal before 4.8, allocstall
// per zone since 4.8, workingset_refault split in 5.9, pgsteal_anon/file in 5.8), so package
// derive picks keys by name. A key printed twice (a linux-next bug once did) keeps its last value.
func ParseVMStat(b []byte) (*sources.VMStat, error) { return parseVMStat(b, nil, 0) }

// parseVMStat is ParseVMStat with the keys interned in nm and the map sized for the previous
// pass's keys (200 before the first).
func parseVMStat(b []byte, nm *names, keys int) (*sources.VMStat, error) {
	if keys == 0 {
		keys = 200
	}
	v := &sources.VMStat{Values: make(map[string]uint64, keys)}
	var fa [4][]byte // "name value": fields stays on the stack
	var f [][]byte
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		f = fields(line, fa[:0])
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("malformed line %q", line)
		}
		n, err := parseUint(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f[0], err)
		}
		v.Values[nm.of(f[0])] = n
	}
	if len(v.Values) == 0 {
		return nil, fmt.Errorf("no values")
	}
	return v, nil
}
