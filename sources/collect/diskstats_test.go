package collect

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseDiskstats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		names int
		want  []sources.Disk
	}{
		// Linux 6.18: 20 tokens, 17 fields.
		{"i3a-local/a/proc/diskstats", 10, []sources.Disk{{
			Major: 254, Minor: 0, Name: "vda", Display: "vda", Fields: 17,
			ReadIOs: 66426, ReadMerges: 7693, ReadSectors: 2948778, ReadTicks: 17192,
			WriteIOs: 111875, WriteMerges: 39794, WriteSectors: 14493024, WriteTicks: 20913,
			InFlight: 0, IOTicks: 22492, TimeInQueue: 39705,
			DiscardIOs: 6742, DiscardMerges: 16, DiscardSectors: 1219056, DiscardTicks: 1069,
			FlushIOs: 700, FlushTicks: 530,
		}}},
		{"i3a-16cpu/b/proc/diskstats", 11, []sources.Disk{{
			Major: 254, Minor: 16, Name: "vdb", Display: "vdb", Fields: 17,
			ReadIOs: 2305, ReadMerges: 6, ReadSectors: 249904, ReadTicks: 518, IOTicks: 160, TimeInQueue: 518,
		}}},
		// node_exporter's fixture mixes the three layouts: 14 tokens (before 4.18), 18 (discards,
		// 4.18+) and 20 (flushes, 5.5+).
		{"i3a-public/node_exporter/proc/diskstats", 51, []sources.Disk{
			{Major: 8, Minor: 0, Name: "sda", Display: "sda", Fields: 11,
				ReadIOs: 25354637, ReadMerges: 34367663, ReadSectors: 1003346126, ReadTicks: 18492372,
				WriteIOs: 28444756, WriteMerges: 11134226, WriteSectors: 505697032, WriteTicks: 63877960,
				IOTicks: 9653880, TimeInQueue: 82621804},
			{Major: 8, Minor: 0, Name: "sdb", Display: "sdb", Fields: 15,
				ReadIOs: 326552, ReadMerges: 841, ReadSectors: 9657779, ReadTicks: 84,
				WriteIOs: 41822, WriteMerges: 2895, WriteSectors: 1972905, WriteTicks: 5007,
				IOTicks: 60730, TimeInQueue: 67070,
				DiscardIOs: 68851, DiscardSectors: 1925173784, DiscardTicks: 11130},
			{Major: 8, Minor: 0, Name: "sdc", Display: "sdc", Fields: 17,
				ReadIOs: 126552, ReadMerges: 141, ReadSectors: 1657779, ReadTicks: 14,
				WriteIOs: 11822, WriteMerges: 1895, WriteSectors: 172905, WriteTicks: 1007,
				IOTicks: 10730, TimeInQueue: 17070,
				DiscardIOs: 18851, DiscardSectors: 125173784, DiscardTicks: 11130, FlushIOs: 1555, FlushTicks: 1944},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			have, err := ParseDiskstats(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(have.Disks) != tt.names {
				t.Errorf("want %d devices, have %d", tt.names, len(have.Disks))
			}
			if !slices.IsSortedFunc(have.Disks, func(a, b sources.Disk) int { return strings.Compare(a.Name, b.Name) }) {
				t.Error("devices not sorted by name")
			}
			for _, w := range tt.want {
				i := slices.IndexFunc(have.Disks, func(d sources.Disk) bool { return d.Name == w.Name })
				if i < 0 {
					t.Errorf("no %s", w.Name)
					continue
				}
				if have.Disks[i] != w {
					t.Errorf("%s:\nwant %+v\nhave %+v", w.Name, w, have.Disks[i])
				}
			}
		})
	}
}

func TestParseDiskstatsOldPartition(t *testing.T) {
	t.Parallel()
	// Kernels before 2.6.25 printed partitions with 4 counters: reads, sectors read, writes,
	// sectors written. Line as quoted in a 2015 post on iostat ("理解iostats"), beside a full
	// 11-field disk line from the same machine.
	in := "8    0 sda 33167 3812 1124805 428735 28338 77604 850432 3304811 0 384521 3733854\n" +
		"8    1 sda1 35713 1122730 106304 850432\n"
	have, err := ParseDiskstats([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := sources.Disk{Major: 8, Minor: 1, Name: "sda1", Display: "sda1", Fields: 4,
		ReadIOs: 35713, ReadSectors: 1122730, WriteIOs: 106304, WriteSectors: 850432}
	if len(have.Disks) != 2 || have.Disks[1] != want || have.Disks[0].Fields != 11 {
		t.Errorf("want sda (11 fields) and %+v, have %+v", want, have.Disks)
	}
}

func TestParseDiskstatsErrors(t *testing.T) {
	t.Parallel()
	// Hand-damaged variants of the real vda line.
	tests := map[string]string{
		"10 fields":  " 254       0 vda 66426 7693 2948778 17192 111875 39794 14493024 20913 0 22492\n",
		"5 fields":   " 254       0 vda 66426 7693 2948778 17192 111875\n",
		"name only":  " 254       0 vda\n",
		"bad major":  " x       0 vda 66426 7693 2948778 17192 111875 39794 14493024 20913 0 22492 39705\n",
		"huge minor": " 254       99999999999 vda 66426 7693 2948778 17192 111875 39794 14493024 20913 0 22492 39705\n",
		"bad field":  " 254       0 vda 66426 7693 2948778 17192 111875 39794 14493024 -1 0 22492 39705\n",
	}
	for name, in := range tests {
		if _, err := ParseDiskstats([]byte(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestDiskstatsCollector(t *testing.T) {
	t.Parallel()
	// The public fixture has no sysfs tree: build /sys/block as iostat reads it, with a
	// directory per whole disk and dm-0's name copied from procfs' fixture.
	sys := t.TempDir()
	for _, d := range []string{"sda", "sdb", "sdc", "mmcblk0", "nvme0n1", "vda", "dm-0/dm", "dm-1"} {
		if err := os.MkdirAll(filepath.Join(sys, "block", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dmName, err := os.ReadFile("testdata/i3a-public/procfs/sys/block/dm-0/dm/name")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sys, "block/dm-0/dm/name"), dmName, 0o644); err != nil {
		t.Fatal(err)
	}
	c := newDiskstatsCollector("testdata/i3a-public/node_exporter/proc/diskstats", filepath.Join(sys, "block"))
	s := &sources.Snapshot{}
	if err := c.Collect(s); err != nil {
		t.Fatal(err)
	}
	if c.Note() != "" {
		t.Errorf("unexpected note %q", c.Note())
	}
	tests := []struct {
		name, display string
		whole         bool
	}{
		{"sda", "sda", true},
		{"sda1", "sda1", false},
		{"mmcblk0p2", "mmcblk0p2", false},
		{"nvme0n1", "nvme0n1", true},
		{"dm-0", "vg0--lv_root", true},
		{"dm-1", "dm-1", true}, // no dm/name file: kernel name
		{"ram0", "ram0", false},
	}
	for _, tt := range tests {
		i := slices.IndexFunc(s.Disks.Disks, func(d sources.Disk) bool { return d.Name == tt.name })
		if i < 0 {
			t.Errorf("no %s", tt.name)
			continue
		}
		if d := s.Disks.Disks[i]; d.Display != tt.display || d.Whole != tt.whole {
			t.Errorf("%s: want display %s whole %v, have %s %v", tt.name, tt.display, tt.whole, d.Display, d.Whole)
		}
	}
	if s.Disks.At.IsZero() {
		t.Error("no timestamp")
	}

	// The captured 2-CPU tree: every line is a whole disk.
	c = newDiskstatsCollector("testdata/i3a-local/a/proc/diskstats", "testdata/i3a-local/a/sys/block")
	s = &sources.Snapshot{}
	if err := c.Collect(s); err != nil {
		t.Fatal(err)
	}
	for _, d := range s.Disks.Disks {
		if !d.Whole {
			t.Errorf("%s: want whole", d.Name)
		}
	}

	// Without sysfs: partitions cannot be told apart; everything is shown, and the Status says why.
	c = newDiskstatsCollector("testdata/i3a-local/a/proc/diskstats", filepath.Join(t.TempDir(), "block"))
	set := &Set{list: []Collector{c}}
	s = &sources.Snapshot{}
	set.Collect(s)
	if st := s.StatusFor(sources.SrcDiskstats); st.State != sources.OK || !strings.Contains(st.Reason, "partitions") {
		t.Errorf("no sysfs: want OK with a note, have %+v", st)
	}

	// Missing file: Unavailable.
	c = newDiskstatsCollector(filepath.Join(t.TempDir(), "diskstats"), sys)
	s = &sources.Snapshot{}
	if st := sources.StatusOf(c.Collect(s)); st.State != sources.Unavailable || s.Disks != nil {
		t.Errorf("missing file: want Unavailable, have %+v", st)
	}
}

func FuzzParseDiskstats(f *testing.F) {
	for _, p := range []string{"i3a-local/a/proc/diskstats", "i3a-16cpu/a/proc/diskstats", "i3a-public/node_exporter/proc/diskstats"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("8    1 sda1 35713 1122730 106304 850432\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := ParseDiskstats(b)
		if err != nil {
			return
		}
		for _, d := range ds.Disks {
			if d.Fields != 4 && d.Fields != 11 && d.Fields != 15 && d.Fields != 17 {
				t.Fatalf("%s: %d fields", d.Name, d.Fields)
			}
		}
	})
}

// TestDiskTopologyRefresh checks when the whole-disk flags are read: a device that appears is
// looked up at once, a known one is trusted for topoTTL (sysfs is not stat'ed each tick), and
// after that the topology is read again.
func TestDiskTopologyRefresh(t *testing.T) {
	t.Parallel()
	lines, err := os.ReadFile("testdata/i3a-local/a/proc/diskstats")
	if err != nil {
		t.Fatal(err)
	}
	var vda, zram []byte
	for l := range bytes.Lines(lines) {
		switch {
		case bytes.Contains(l, []byte(" vda ")):
			vda = l
		case bytes.Contains(l, []byte(" zram0 ")):
			zram = l
		}
	}
	dir := t.TempDir()
	stats, block := filepath.Join(dir, "diskstats"), filepath.Join(dir, "block")
	write := func(content ...[]byte) {
		t.Helper()
		if err := os.WriteFile(stats, bytes.Join(content, nil), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"vda", "zram0"} {
		if err := os.MkdirAll(filepath.Join(block, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c := newDiskstatsCollector(stats, block)
	whole := func() map[string]bool {
		t.Helper()
		s := &sources.Snapshot{}
		if err := c.Collect(s); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, d := range s.Disks.Disks {
			out[d.Name] = d.Whole
		}
		return out
	}
	write(vda)
	if have := whole(); !have["vda"] {
		t.Fatalf("first pass: want vda whole, have %v", have)
	}
	write(vda, zram) // zram0 appears: read at once
	if have := whole(); !have["vda"] || !have["zram0"] {
		t.Errorf("new device: want both whole, have %v", have)
	}
	if err := os.RemoveAll(filepath.Join(block, "vda")); err != nil {
		t.Fatal(err)
	}
	if have := whole(); !have["vda"] {
		t.Errorf("within topoTTL: want vda still whole (topology not re-read), have %v", have)
	}
	c.topoAt = c.topoAt.Add(-topoTTL)
	if have := whole(); have["vda"] || !have["zram0"] {
		t.Errorf("after topoTTL: want vda a partition now and zram0 whole, have %v", have)
	}
}
