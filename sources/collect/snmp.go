package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &snmpCollector{snmp: newKernelFile(fs.ProcPath("net", "snmp"), true),
			netstat: newKernelFile(fs.ProcPath("net", "netstat"), true)}
	})
}

type snmpCollector struct {
	snmp, netstat kernelFile
	buf           []byte
	names         names
	scratch       snmpScratch
}

func (c *snmpCollector) Name() string { return sources.SrcSNMP }

// Collect reads the Tcp: pair of /proc/net/snmp and the TcpExt: pair of /proc/net/netstat. The
// two files are read one after the other, so their counters are a few microseconds apart; the
// stamp is taken before the first read (metrics-spec §0.1).
func (c *snmpCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.snmp.read(c.buf); err != nil {
		return err
	}
	tcp, err := parseSNMP(c.buf, "Tcp", &c.names, &c.scratch)
	if err != nil {
		return fmt.Errorf("%s: %w", c.snmp.path, err)
	}
	if tcp == nil {
		return fmt.Errorf("%s: no Tcp: lines", c.snmp.path)
	}
	out := &sources.SNMP{At: at, Tcp: tcp}
	// /proc/net/netstat has existed since 2.6, but a sandboxed /proc may lack it: the sar -n
	// TCP,ETCP columns still stand without the TcpExt extras, which derive then shows as missing.
	c.buf, err = c.netstat.read(c.buf)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		if out.TcpExt, err = parseSNMP(c.buf, "TcpExt", &c.names, &c.scratch); err != nil {
			return fmt.Errorf("%s: %w", c.netstat.path, err)
		}
	}
	s.SNMP = out
	return nil
}

// ParseSNMP returns the counters of one protocol from /proc/net/snmp or /proc/net/netstat,
// where each protocol is a pair of lines "Proto: Name1 Name2 …" / "Proto: v1 v2 …". Values are
// matched to their header by name, never by position: kernels add columns (InCsumErrors in
// 3.10, TcpExt keys in most releases). It returns nil, nil when the protocol is absent.
//
// The counters are unsigned long in the kernel, except MaxConn, which is signed and reads -1;
// both fit int64. A counter above 2^63 (not seen in practice) is stored with its bit pattern,
// so that uint64(v) gives the kernel's value back.
func ParseSNMP(b []byte, proto string) (map[string]int64, error) {
	return parseSNMP(b, proto, nil, &snmpScratch{})
}

// snmpScratch is parseSNMP's field lists, reused from pass to pass (TcpExt has ~120 names).
type snmpScratch struct{ names, vals [][]byte }

// parseSNMP is ParseSNMP with the names interned in nm and the field lists in sc.
func parseSNMP(b []byte, proto string, nm *names, sc *snmpScratch) (map[string]int64, error) {
	prefix := []byte(proto + ":")
	var names, vals [][]byte
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		rest, ok := bytes.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		// The first line of the pair is the header, the next line with the prefix the values.
		if names == nil {
			sc.names = fields(rest, sc.names[:0])
			if names = sc.names; len(names) == 0 {
				return nil, fmt.Errorf("%s: empty header", proto)
			}
			continue
		}
		sc.vals = fields(rest, sc.vals[:0])
		vals = sc.vals
		break
	}
	if names == nil {
		return nil, nil
	}
	if len(vals) != len(names) {
		return nil, fmt.Errorf("%s: %d names but %d values", proto, len(names), len(vals))
	}
	m := make(map[string]int64, len(names))
	for i, n := range names {
		v, err := parseInt64(vals[i])
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", proto, n, err)
		}
		m[nm.of(n)] = v
	}
	return m, nil
}

// parseInt64 parses a decimal that is either negative (MaxConn's -1) or an unsigned long.
func parseInt64(b []byte) (int64, error) {
	if len(b) > 0 && b[0] == '-' {
		u, err := parseUint(b[1:])
		if err != nil || u > 1<<63 {
			return 0, fmt.Errorf("invalid number %q", b)
		}
		return -int64(u), nil
	}
	u, err := parseUint(b)
	return int64(u), err
}

// Close drops the kept descriptors.
func (c *snmpCollector) Close() { c.snmp.Close(); c.netstat.Close() }
