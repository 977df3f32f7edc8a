package collect

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &interruptsCollector{kernelFile: newKernelFile(fs.ProcPath("interrupts"), false)}
	})
}

type interruptsCollector struct {
	kernelFile
	buf []byte
}

func (c *interruptsCollector) Name() string { return sources.SrcInterrupts }

func (c *interruptsCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	in, err := ParseInterrupts(c.buf)
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
	in := &sources.Interrupts{}
	var f [][]byte
	header := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		if !header {
			if f = fields(line, f); len(f) == 0 {
				continue
			}
			ids, err := parseCPUHeader(f)
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
		f = fields(line[colon+1:], f)
		row := sources.IRQRow{Name: Sanitize(string(name))}
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
		row.Counts = make([]uint64, len(in.CPUs))
		for i := range row.Counts {
			v, err := parseUint(f[i])
			if err != nil {
				return nil, fmt.Errorf("%s: CPU%d: %w", name, in.CPUs[i], err)
			}
			row.Counts[i] = v
			row.Total += v
		}
		row.Desc = Sanitize(joinFields(f[len(in.CPUs):]))
		in.Rows = append(in.Rows, row)
	}
	if !header {
		return nil, fmt.Errorf("no CPU header")
	}
	return in, nil
}

// joinFields joins tokens with single spaces: the kernel pads the description into columns,
// and the padding carries no meaning.
func joinFields(f [][]byte) string {
	var sb strings.Builder
	for i, t := range f {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.Write(t)
	}
	return sb.String()
}
