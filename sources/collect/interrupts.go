package collect

import (
	"bytes"
	"fmt"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &interruptsCollector{kernelFile: newKernelFile(fs.ProcPath("interrupts"), false)}
	})
}

type interruptsCollector struct {
	kernelFile
	buf   []byte
	names names
	sc    irqScratch
}

func (c *interruptsCollector) Name() string { return sources.SrcInterrupts }

func (c *interruptsCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	c.sc.names = &c.names
	in, err := parseInterrupts(c.buf, &c.sc)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	in.At = at
	s.Interrupts = in
	return nil
}

// ParseInterrupts parses /proc/interrupts. The header lists the online CPUs only, so the
// column set changes with hotplug and ids come from the header. A row is "NAME:" followed by
// one count per header CPU and a description (chip, hwirq and trigger, action names; for arch
// rows such as LOC or TLB a sentence), except ERR and MIS (arm64: Err), which carry one
// system-wide number. arm64 prints "IPI0:2768808080" with no blank after the colon, hence the
// split at the first colon rather than at blanks. Blank lines, which some kernels print, are
// skipped.
func ParseInterrupts(b []byte) (*sources.Interrupts, error) {
	return parseInterrupts(b, &irqScratch{})
}

// irqScratch is what parseInterrupts keeps from pass to pass: the field list and the joined
// description it splits and joins into, the interned names and descriptions (the same ~40 rows
// come back every pass), the CPU ids, and the previous pass's row and count totals, so that a
// pass makes one allocation for its rows and one for their counts instead of one per row.
type irqScratch struct {
	f      [][]byte
	desc   []byte
	names  *names // nil: fresh strings
	cpus   headerCPUs
	counts countChunks
	rows   int
}

func parseInterrupts(b []byte, sc *irqScratch) (*sources.Interrupts, error) {
	in := &sources.Interrupts{}
	sc.counts.begin()
	var f [][]byte
	header := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		if !header {
			if sc.f = fields(line, sc.f); len(sc.f) == 0 {
				continue
			}
			ids, err := sc.cpus.parse(sc.f)
			if err != nil {
				return nil, err
			}
			in.CPUs = ids
			header = true
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			if len(bytes.TrimSpace(line)) != 0 {
				return nil, fmt.Errorf("malformed row %q", truncate(line))
			}
			continue
		}
		name := bytes.TrimSpace(line[:colon])
		if len(name) == 0 || bytes.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("malformed row %q", truncate(line))
		}
		sc.f = fields(line[colon+1:], sc.f)
		f = sc.f
		if in.Rows == nil { // sized by the previous pass: one allocation, not a doubling series
			in.Rows = make([]sources.IRQRow, 0, max(sc.rows, 16))
		}
		row := sources.IRQRow{Name: Sanitize(sc.names.of(name))}
		// A single number with nothing after it is a system-wide row (ERR, MIS). Checked first so
		// that a one-CPU machine still tells ERR apart from a per-CPU row, which always has a
		// description.
		if len(f) == 1 {
			v, err := parseUint(f[0])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			row.Total = v
			in.Rows = append(in.Rows, row)
			continue
		}
		if len(f) < len(in.CPUs) {
			return nil, fmt.Errorf("%s: %d columns for %d CPUs", name, len(f), len(in.CPUs))
		}
		row.Counts = sc.counts.take(len(in.CPUs))
		for i := range row.Counts {
			v, err := parseUint(f[i])
			if err != nil {
				return nil, fmt.Errorf("%s: CPU%d: %w", name, in.CPUs[i], err)
			}
			row.Counts[i] = v
			row.Total += v
		}
		sc.desc = appendJoined(sc.desc[:0], f[len(in.CPUs):])
		row.Desc = Sanitize(sc.names.of(sc.desc))
		in.Rows = append(in.Rows, row)
	}
	if !header {
		return nil, fmt.Errorf("no CPU header")
	}
	sc.rows = len(in.Rows)
	return in, nil
}
