package collect

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return &netdevCollector{
			kernelFile: newKernelFile(fs.ProcPath("net", "dev"), false),
			class:      fs.SysPath("class", "net"),
			link:       make(map[string]linkInfo),
		}
	})
}

type netdevCollector struct {
	kernelFile
	class string // /sys/class/net
	buf   []byte
	// linkBuf is readLink's: netdev's own buf holds /proc/net/dev while the links are read.
	linkBuf []byte
	link    map[string]linkInfo
	live    map[string]bool // scratch of Collect: the interfaces listed this pass
	names   names
	sc      netdevScratch
}

// linkInfo is an interface's speed and duplex, re-read every topoTTL: they change only on
// link renegotiation, and reading them costs two files per interface.
type linkInfo struct {
	speed int64
	full  bool
	at    time.Time
}

func (c *netdevCollector) Name() string { return sources.SrcNetDev }

func (c *netdevCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	c.sc.names = &c.names
	nd, err := parseNetDev(c.buf, &c.sc)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	nd.At = at
	if c.live == nil {
		c.live = make(map[string]bool, len(nd.Ifaces))
	}
	live := c.live
	clear(live)
	for i := range nd.Ifaces {
		ifc := &nd.Ifaces[i]
		live[ifc.Name] = true
		l, ok := c.link[ifc.Name]
		if !ok || at.Sub(l.at) > topoTTL {
			l = c.readLink(ifc.Name, at)
			c.link[ifc.Name] = l
		}
		ifc.SpeedMbps, ifc.FullDuplex = l.speed, l.full
	}
	for k := range c.link {
		if !live[k] {
			delete(c.link, k)
		}
	}
	s.Net = nd
	return nil
}

// readLink reads /sys/class/net/IF/{speed,duplex}. Virtual devices (lo, virtio-net, bridges)
// report -1 or fail the read with EINVAL; either way the speed is unknown (-1) and %ifutil
// cannot be computed.
func (c *netdevCollector) readLink(name string, at time.Time) linkInfo {
	l := linkInfo{speed: -1, at: at}
	var err error
	// Into the collector's buffer: a fresh one is 64 KiB for a few bytes, per interface
	// every topoTTL (5 % of the dashboard's allocations at ~70 processes, pprof allocs).
	if c.linkBuf, err = readFile(filepath.Join(c.class, name, "speed"), c.linkBuf); err == nil {
		if v, err := strconv.ParseInt(string(bytes.TrimSpace(c.linkBuf)), 10, 64); err == nil && v > 0 {
			l.speed = v
		}
	}
	if c.linkBuf, err = readFile(filepath.Join(c.class, name, "duplex"), c.linkBuf); err == nil {
		l.full = string(bytes.TrimSpace(c.linkBuf)) == "full"
	}
	return l
}

// ParseNetDev parses /proc/net/dev: two header lines (they hold '|'), then "name:" and 16
// counters, receive bytes packets errs drop fifo frame compressed multicast, then transmit
// bytes packets errs drop fifo colls carrier compressed. A large first counter can touch the
// colon ("eth0:68210035552"), and old kernels allowed alias names with colons ("ibr10:30"),
// so the name ends at the last colon.
func ParseNetDev(b []byte) (*sources.NetDev, error) {
	return parseNetDev(b, &netdevScratch{})
}

// netdevScratch is what parseNetDev keeps from pass to pass: the field list, the interned
// interface names, and the previous pass's interface count.
type netdevScratch struct {
	f      [][]byte
	names  *names // nil: fresh strings
	ifaces int
}

func parseNetDev(b []byte, sc *netdevScratch) (*sources.NetDev, error) {
	nd := &sources.NetDev{}
	var f [][]byte
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		if bytes.IndexByte(line, '|') >= 0 || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		colon := bytes.LastIndexByte(line, ':')
		if colon < 0 {
			return nil, fmt.Errorf("malformed line %q", truncate(line))
		}
		name := bytes.TrimSpace(line[:colon])
		if len(name) == 0 {
			return nil, fmt.Errorf("malformed line %q", truncate(line))
		}
		sc.f = fields(line[colon+1:], sc.f)
		if f = sc.f; len(f) < 16 {
			return nil, fmt.Errorf("%s: %d counters, want 16", name, len(f))
		}
		var v [16]uint64
		for i := range v {
			x, err := parseUint(f[i])
			if err != nil {
				return nil, fmt.Errorf("%s counter %d: %w", name, i+1, err)
			}
			v[i] = x
		}
		// Assigned by name rather than through pointers into ifc, which made ifc escape: one
		// allocation per interface and pass.
		ifc := sources.Iface{Name: Sanitize(sc.names.of(name)), SpeedMbps: -1,
			RxBytes: v[0], RxPackets: v[1], RxErrs: v[2], RxDrop: v[3], RxFifo: v[4], RxFrame: v[5], RxCompressed: v[6], RxMulticast: v[7],
			TxBytes: v[8], TxPackets: v[9], TxErrs: v[10], TxDrop: v[11], TxFifo: v[12], TxColls: v[13], TxCarrier: v[14], TxCompressed: v[15],
		}
		if nd.Ifaces == nil { // sized by the previous pass: one allocation, not a doubling series
			nd.Ifaces = make([]sources.Iface, 0, max(sc.ifaces, 4))
		}
		nd.Ifaces = append(nd.Ifaces, ifc)
	}
	sc.ifaces = len(nd.Ifaces)
	slices.SortStableFunc(nd.Ifaces, func(a, b sources.Iface) int { return strings.Compare(a.Name, b.Name) })
	return nd, nil
}
