package collect

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &softirqsCollector{kernelFile: newKernelFile(fs.ProcPath("softirqs"), true)}
	})
}

type softirqsCollector struct {
	kernelFile
	buf   []byte
	names names
	sc    softirqScratch
}

func (c *softirqsCollector) Name() string { return sources.SrcSoftirqs }

func (c *softirqsCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return sources.WithHint(err, "/proc/softirqs needs Linux 2.6.31 or later")
	}
	c.sc.names = &c.names
	si, err := parseSoftirqs(c.buf, &c.sc)
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
	return parseSoftirqs(b, &softirqScratch{})
}

// softirqScratch is what parseSoftirqs keeps from pass to pass (see irqScratch): the field
// list, the interned type names, the CPU ids, and the previous pass's totals.
type softirqScratch struct {
	f      [][]byte
	names  *names // nil: fresh strings
	cpus   headerCPUs
	counts countChunks
	rows   int
}

func parseSoftirqs(b []byte, sc *softirqScratch) (*sources.Softirqs, error) {
	si := &sources.Softirqs{}
	sc.counts.begin()
	var f [][]byte
	header := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		sc.f = fields(line, sc.f)
		if f = sc.f; len(f) == 0 {
			continue
		}
		if !header {
			ids, err := sc.cpus.parse(f)
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
		counts := sc.counts.take(len(si.CPUs))
		for i := range counts {
			v, err := parseUint(f[i+1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			counts[i] = v
		}
		if si.Types == nil { // sized by the previous pass: one allocation, not a doubling series
			si.Types = make([]string, 0, max(sc.rows, 10))
			si.Counts = make([][]uint64, 0, max(sc.rows, 10))
		}
		si.Types = append(si.Types, Sanitize(sc.names.of(name)))
		si.Counts = append(si.Counts, counts)
	}
	if !header {
		return nil, fmt.Errorf("no CPU header")
	}
	sc.rows = len(si.Types)
	return si, nil
}

// headerCPUs keeps the CPU ids of a header line (softirqs, interrupts) from pass to pass: the
// header changes only with hotplug, so the ids of the last pass are shared by the snapshots
// until it does (never written to: package derive clones them), and parsed into scratch.
type headerCPUs struct {
	scratch []int
	last    []int
}

func (c *headerCPUs) parse(f [][]byte) ([]int, error) {
	ids, err := parseCPUHeader(f, c.scratch[:0])
	if err != nil {
		return nil, err
	}
	c.scratch = ids
	if !slices.Equal(ids, c.last) {
		c.last = slices.Clone(ids)
	}
	return c.last, nil
}

// parseCPUHeader reads the CPU ids of a "CPU0 CPU1 …" header line (softirqs, interrupts). Ids
// must be distinct: a column is identified by its id, never by its position.
// The kernel lists them in ascending order, which proves them distinct; only a header out of
// order is checked with a set.
func parseCPUHeader(f [][]byte, ids []int) ([]int, error) {
	var seen map[int]bool
	for _, tok := range f {
		num, ok := bytes.CutPrefix(tok, []byte("CPU"))
		if !ok {
			return nil, fmt.Errorf("bad CPU header token %q", truncate(tok))
		}
		id, err := parseUint(num)
		if err != nil || id > 1<<20 {
			return nil, fmt.Errorf("bad CPU header token %q", truncate(tok))
		}
		if seen == nil && len(ids) > 0 && int(id) <= ids[len(ids)-1] {
			seen = make(map[int]bool, len(f))
			for _, x := range ids {
				seen[x] = true
			}
		}
		if seen != nil {
			if seen[int(id)] {
				return nil, fmt.Errorf("CPU%d listed twice in header", id)
			}
			seen[int(id)] = true
		}
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
