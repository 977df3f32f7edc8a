package collect

import (
	"bytes"
	"fmt"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &softirqsCollector{kernelFile: newKernelFile(fs.ProcPath("softirqs"), true)}
	})
}

type softirqsCollector struct {
	kernelFile
	buf []byte
}

func (c *softirqsCollector) Name() string { return sources.SrcSoftirqs }

func (c *softirqsCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return sources.WithHint(err, "/proc/softirqs needs Linux 2.6.31 or later")
	}
	si, err := ParseSoftirqs(c.buf)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	si.At = at
	s.Softirqs = si
	return nil
}

// ParseSoftirqs parses /proc/softirqs. The header names every possible CPU ("CPU0 CPU1 …"),
// offline ones included, so ids come from it and each row must carry one count per header
// column. Row names are kept as the kernel prints them (IRQ_POLL was BLOCK_IOPOLL before 4.5).
func ParseSoftirqs(b []byte) (*sources.Softirqs, error) {
	si := &sources.Softirqs{}
	var f [][]byte
	header := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		f = fields(line, f)
		if len(f) == 0 {
			continue
		}
		if !header {
			ids, err := parseCPUHeader(f)
			if err != nil {
				return nil, err
			}
			si.CPUs = ids
			header = true
			continue
		}
		name, ok := bytes.CutSuffix(f[0], []byte(":"))
		if !ok || len(name) == 0 {
			return nil, fmt.Errorf("malformed row %q", truncate(line))
		}
		if len(f)-1 != len(si.CPUs) {
			return nil, fmt.Errorf("%s: %d counts for %d CPUs", name, len(f)-1, len(si.CPUs))
		}
		counts := make([]uint64, len(si.CPUs))
		for i := range counts {
			v, err := parseUint(f[i+1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			counts[i] = v
		}
		si.Types = append(si.Types, Sanitize(string(name)))
		si.Counts = append(si.Counts, counts)
	}
	if !header {
		return nil, fmt.Errorf("no CPU header")
	}
	return si, nil
}

// parseCPUHeader reads the CPU ids of a "CPU0 CPU1 …" header line (softirqs, interrupts). Ids
// must be distinct: a column is identified by its id, never by its position.
func parseCPUHeader(f [][]byte) ([]int, error) {
	ids := make([]int, 0, len(f))
	seen := make(map[int]bool, len(f))
	for _, tok := range f {
		num, ok := bytes.CutPrefix(tok, []byte("CPU"))
		if !ok {
			return nil, fmt.Errorf("bad CPU header token %q", truncate(tok))
		}
		id, err := parseUint(num)
		if err != nil || id > 1<<20 {
			return nil, fmt.Errorf("bad CPU header token %q", truncate(tok))
		}
		if seen[int(id)] {
			return nil, fmt.Errorf("CPU%d listed twice in header", id)
		}
		seen[int(id)] = true
		ids = append(ids, int(id))
	}
	return ids, nil
}

// truncate bounds kernel text quoted in an error message.
func truncate(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}
