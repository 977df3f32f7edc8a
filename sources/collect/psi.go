package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/ktop-dev/ktop/sources"
)

// psiHint is the reason shown when /proc/pressure is absent: PSI is compiled out, or compiled in
// with CONFIG_PSI_DEFAULT_DISABLED and not enabled at boot, or the kernel predates it.
const psiHint = "PSI disabled or unsupported: boot with psi=1 (kernel ≥ 4.20, CONFIG_PSI)"

func init() {
	register(func(fs FS) Collector { return &psiCollector{dir: fs.ProcPath("pressure")} })
}

// psiResources are the pressure files, in the order of psiCollector.files.
var psiResources = [...]string{"cpu", "memory", "io", "irq"}

type psiCollector struct {
	dir      string
	files    [len(psiResources)]kernelFile
	filesDir string // the dir files were made for
	buf      []byte
}

// Close drops the kept descriptors.
func (c *psiCollector) Close() {
	for i := range c.files {
		c.files[i].Close()
	}
}

func (c *psiCollector) Name() string { return sources.SrcPSI }

// Collect reads the four pressure files. cpu, memory and io appear together (4.20+); irq only
// with CONFIG_IRQ_TIME_ACCOUNTING (6.1+), so its absence is normal and leaves PSI.IRQ nil. A
// resource file that is missing while others exist (a sandboxed /proc) stays nil as well; when
// none of cpu, memory and io exists, the source is unavailable with psiHint.
func (c *psiCollector) Collect(s *sources.Snapshot) error {
	if c.filesDir != c.dir { // the first pass (or a test moved the root)
		c.Close()
		for i, r := range psiResources {
			c.files[i] = newKernelFile(filepath.Join(c.dir, r), true)
		}
		c.filesDir = c.dir
	}
	blk := &psiBlock{}
	p := &blk.psi
	p.At = now()
	var firstMissing error
	for i, dst := range [len(psiResources)]**sources.PSIResource{&p.CPU, &p.Memory, &p.IO, &p.IRQ} {
		f := &c.files[i]
		var err error
		c.buf, err = f.read(c.buf)
		if errors.Is(err, fs.ErrNotExist) {
			if firstMissing == nil {
				firstMissing = err
			}
			continue
		}
		// Opening irq for reading needs no privilege, but a hardened kernel may still refuse
		// it; irq is an extra, so that must not cost the three main resources.
		if psiResources[i] == "irq" && errors.Is(err, fs.ErrPermission) {
			continue
		}
		if err != nil {
			return err
		}
		res := &blk.res[i]
		if err := parsePSI(c.buf, res, (*[2]sources.PSILine)(blk.lines[2*i:])); err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
		*dst = res
	}
	if p.CPU == nil && p.Memory == nil && p.IO == nil {
		if firstMissing == nil {
			firstMissing = &fs.PathError{Op: "open", Path: c.dir, Err: fs.ErrNotExist}
		}
		return sources.WithHint(firstMissing, psiHint)
	}
	s.PSI = p
	return nil
}

// ParsePSI parses one pressure file:
//
//	some avg10=0.00 avg60=0.00 avg300=0.00 total=0
//	full avg10=0.00 avg60=0.00 avg300=0.00 total=0
//
// Keys are matched by name, so their order does not matter and unknown keys are ignored. Either
// line may be absent (irq has only full; cpu has full only since 5.13); a file with neither is an
// error.
func ParsePSI(b []byte) (*sources.PSIResource, error) {
	r := &sources.PSIResource{}
	if err := parsePSI(b, r, &[2]sources.PSILine{}); err != nil {
		return nil, err
	}
	return r, nil
}

// psiBlock is a pass's PSI in one allocation instead of up to thirteen (the PSI, four
// resources, two lines each): they are kept, and die, together.
type psiBlock struct {
	psi   sources.PSI
	res   [len(psiResources)]sources.PSIResource
	lines [2 * len(psiResources)]sources.PSILine
}

// parsePSI is ParsePSI into r, with its some and full lines in lines.
func parsePSI(b []byte, r *sources.PSIResource, lines *[2]sources.PSILine) error {
	var fa [8][]byte // "some avg10=… avg60=… avg300=… total=…": fields stays on the stack
	var f [][]byte
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		f = fields(line, fa[:0])
		if len(f) == 0 {
			continue
		}
		var dst **sources.PSILine
		var l *sources.PSILine
		switch string(f[0]) {
		case "some":
			dst, l = &r.Some, &lines[0]
		case "full":
			dst, l = &r.Full, &lines[1]
		default:
			continue
		}
		if err := parsePSILine(f[1:], l); err != nil {
			return fmt.Errorf("%s: %w", f[0], err)
		}
		*dst = l
	}
	if r.Some == nil && r.Full == nil {
		return fmt.Errorf("no some or full line")
	}
	return nil
}

// parsePSILine parses one line's key=value fields into l (zeroed first: a line printed twice
// keeps its last values, as when each line had its own PSILine).
func parsePSILine(kvs [][]byte, l *sources.PSILine) error {
	*l = sources.PSILine{}
	var seen uint8
	for _, kv := range kvs {
		k, v, ok := bytes.Cut(kv, []byte("="))
		if !ok {
			return fmt.Errorf("malformed field %q", kv)
		}
		var err error
		switch string(k) {
		case "avg10":
			l.Avg10, err = parsePct(v)
			seen |= 1
		case "avg60":
			l.Avg60, err = parsePct(v)
			seen |= 2
		case "avg300":
			l.Avg300, err = parsePct(v)
			seen |= 4
		case "total":
			l.Total, err = parseUint(v)
			seen |= 8
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	if seen != 15 {
		return fmt.Errorf("want avg10, avg60, avg300 and total")
	}
	return nil
}

// parsePct parses an average printed as "%lu.%02lu": plain decimal digits only, so that "NaN",
// "Inf" or exponents that strconv would accept cannot reach the display.
func parsePct(b []byte) (float64, error) {
	for _, c := range b {
		if (c < '0' || c > '9') && c != '.' {
			return 0, fmt.Errorf("invalid percentage %q", b)
		}
	}
	return parseFloat(b)
}
