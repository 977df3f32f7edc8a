package collect

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func init() {
	register(func(fs FS) Collector {
		return newDiskstatsCollector(fs.ProcPath("diskstats"), fs.SysPath("block"))
	})
}

// topoTTL is how long the devices' whole-disk flags and dm names are trusted: they are
// topology (metrics-spec §0.5), re-read every topoTTL or when a device appears, not each tick.
const topoTTL = 10 * time.Second

type diskstatsCollector struct {
	kernelFile
	block   string // /sys/block
	buf     []byte
	topo    map[diskKey]diskTopo // of the devices listed at topoAt
	topoAt  time.Time            // when topo was read; zero before the first read
	sysfsOK bool                 // block was there at topoAt
	note    string
	names   names
	sc      diskScratch
}

// diskKey names a device: a major:minor number reused by another device is another key.
type diskKey struct {
	major, minor uint32
	name         string
}

type diskTopo struct {
	whole   bool
	display string
}

func newDiskstatsCollector(diskstats, block string) *diskstatsCollector {
	return &diskstatsCollector{kernelFile: newKernelFile(diskstats, false), block: block, topo: make(map[diskKey]diskTopo)}
}

func (c *diskstatsCollector) Name() string { return sources.SrcDiskstats }

// Note says when partitions cannot be told from whole disks.
func (c *diskstatsCollector) Note() string { return c.note }

func (c *diskstatsCollector) Collect(s *sources.Snapshot) error {
	at := now()
	var err error
	if c.buf, err = c.read(c.buf); err != nil {
		return err
	}
	c.sc.names = &c.names
	ds, err := parseDiskstats(c.buf, &c.sc)
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	ds.At = at
	if c.topoAt.IsZero() || at.Sub(c.topoAt) >= topoTTL || c.sysfsOK && c.unknown(ds.Disks) {
		c.readTopology(ds.Disks, at)
	}
	for i := range ds.Disks {
		d := &ds.Disks[i]
		if !c.sysfsOK {
			// Without sysfs every line counts as a disk: partitions then show up too, which is
			// visible, rather than disks vanishing.
			d.Whole = true
			continue
		}
		t := c.topo[diskKey{d.Major, d.Minor, d.Name}]
		d.Whole, d.Display = t.whole, t.display
	}
	s.Disks = ds
	return nil
}

// unknown reports whether a device is missing from the topology read last.
func (c *diskstatsCollector) unknown(disks []sources.Disk) bool {
	for i := range disks {
		d := &disks[i]
		if _, ok := c.topo[diskKey{d.Major, d.Minor, d.Name}]; !ok {
			return true
		}
	}
	return false
}

// readTopology reads the topology of disks afresh, forgetting devices no longer listed.
func (c *diskstatsCollector) readTopology(disks []sources.Disk, at time.Time) {
	clear(c.topo)
	c.topoAt = at
	_, err := os.Stat(c.block)
	c.sysfsOK = err == nil
	c.note = ""
	if !c.sysfsOK {
		c.note = c.block + " unreadable: partitions are not told apart from disks"
		return
	}
	for i := range disks {
		d := &disks[i]
		c.topo[diskKey{d.Major, d.Minor, d.Name}] = c.readTopo(d.Name)
	}
}

// readTopo applies iostat's rule: NAME is a whole device when /sys/block/NAME exists
// (partitions live below their disk), with '/' in kernel names written '!' in sysfs
// (cciss/c0d0). Device-mapper devices are shown by their dm name.
func (c *diskstatsCollector) readTopo(name string) diskTopo {
	sysName := strings.ReplaceAll(name, "/", "!")
	t := diskTopo{display: name}
	if _, err := os.Stat(filepath.Join(c.block, sysName)); err == nil {
		t.whole = true
	}
	if strings.HasPrefix(name, "dm-") {
		if b, err := ReadFile(filepath.Join(c.block, sysName, "dm", "name")); err == nil {
			if n := string(bytes.TrimSpace(b)); n != "" {
				t.display = Sanitize(n)
			}
		}
	}
	return t
}

// ParseDiskstats parses /proc/diskstats: "major minor name" then 11 (before 4.18), 15
// (discards, 4.18+) or 17 (flushes, 5.5+) counters; longer lines from newer kernels are read
// up to the 17 known fields. Kernels before 2.6.25 printed partitions with 4 counters (reads,
// sectors read, writes, sectors written), kept as such with Fields = 4.
func ParseDiskstats(b []byte) (*sources.Diskstats, error) {
	return parseDiskstats(b, &diskScratch{})
}

// diskScratch is what parseDiskstats keeps from pass to pass: the field list, the interned
// device names, and the previous pass's device count.
type diskScratch struct {
	f     [][]byte
	names *names // nil: fresh strings
	disks int
}

func parseDiskstats(b []byte, sc *diskScratch) (*sources.Diskstats, error) {
	ds := &sources.Diskstats{}
	var f [][]byte
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		sc.f = fields(line, sc.f)
		if f = sc.f; len(f) == 0 {
			continue
		}
		n := len(f) - 3
		var want int
		switch {
		case n == 4:
			want = 4
		case n >= 17:
			want = 17
		case n >= 15:
			want = 15
		case n >= 11:
			want = 11
		default:
			return nil, fmt.Errorf("line %q: %d fields, want 11, 15 or 17", truncate(line), max(n, 0))
		}
		maj, err1 := parseUint(f[0])
		mnr, err2 := parseUint(f[1])
		if err1 != nil || err2 != nil || maj > 1<<32-1 || mnr > 1<<32-1 {
			return nil, fmt.Errorf("line %q: bad device number", truncate(line))
		}
		d := sources.Disk{Major: uint32(maj), Minor: uint32(mnr), Name: Sanitize(sc.names.of(f[2])), Fields: want}
		d.Display = d.Name
		var v [17]uint64
		for i := 0; i < want; i++ {
			x, err := parseUint(f[3+i])
			if err != nil {
				return nil, fmt.Errorf("%s field %d: %w", d.Name, i+1, err)
			}
			v[i] = x
		}
		if want == 4 {
			d.ReadIOs, d.ReadSectors, d.WriteIOs, d.WriteSectors = v[0], v[1], v[2], v[3]
		} else {
			d.ReadIOs, d.ReadMerges, d.ReadSectors, d.ReadTicks = v[0], v[1], v[2], v[3]
			d.WriteIOs, d.WriteMerges, d.WriteSectors, d.WriteTicks = v[4], v[5], v[6], v[7]
			d.InFlight, d.IOTicks, d.TimeInQueue = v[8], v[9], v[10]
			d.DiscardIOs, d.DiscardMerges, d.DiscardSectors, d.DiscardTicks = v[11], v[12], v[13], v[14]
			d.FlushIOs, d.FlushTicks = v[15], v[16]
		}
		if ds.Disks == nil { // sized by the previous pass: one allocation, not a doubling series
			ds.Disks = make([]sources.Disk, 0, max(sc.disks, 8))
		}
		ds.Disks = append(ds.Disks, d)
	}
	sc.disks = len(ds.Disks)
	slices.SortStableFunc(ds.Disks, func(a, b sources.Disk) int { return strings.Compare(a.Name, b.Name) })
	return ds, nil
}
