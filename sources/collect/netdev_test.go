package collect

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseNetDev(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		names []string
		want  []sources.Iface
	}{
		{"i3a-local/b/proc/net/dev", []string{"eth0", "ifb0", "ifb1", "lo"}, []sources.Iface{
			{Name: "lo", RxBytes: 3085219855, RxPackets: 749303, TxBytes: 3085219855, TxPackets: 749303, SpeedMbps: -1},
			{Name: "eth0", RxBytes: 95019175, RxPackets: 6801, TxBytes: 606680, TxPackets: 5995, SpeedMbps: -1},
		}},
		// "eth0:68210035552" touches the colon; "ibr10:30" holds one (old alias names).
		{"i3a-public/node_exporter/proc/net/dev",
			[]string{"docker0", "eth0", "ibr10:30", "lo", "lxcbr0", "tun0", "veth4B09XN", "wlan0"}, []sources.Iface{
				{Name: "eth0", RxBytes: 68210035552, RxPackets: 520993275, TxBytes: 9315587528, TxPackets: 43451486, SpeedMbps: -1},
				{Name: "ibr10:30", SpeedMbps: -1},
				{Name: "lxcbr0", TxBytes: 2630299, TxPackets: 28339, SpeedMbps: -1},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			have, err := ParseNetDev(b)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, ifc := range have.Ifaces {
				names = append(names, ifc.Name)
			}
			if !slices.Equal(names, tt.names) {
				t.Errorf("want %v, have %v", tt.names, names)
			}
			for _, w := range tt.want {
				i := slices.Index(names, w.Name)
				if i < 0 {
					continue
				}
				if have.Ifaces[i] != w {
					t.Errorf("%s:\nwant %+v\nhave %+v", w.Name, w, have.Ifaces[i])
				}
			}
		})
	}
}

func TestParseNetDevAllColumns(t *testing.T) {
	t.Parallel()
	// The real files above have zeros in most columns; this hand-made line numbers them 1..16 so
	// that a swapped column shows.
	in := "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n" +
		"  eth9: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
	have, err := ParseNetDev([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := sources.Iface{Name: "eth9", RxBytes: 1, RxPackets: 2, RxErrs: 3, RxDrop: 4, RxFifo: 5, RxFrame: 6,
		RxCompressed: 7, RxMulticast: 8, TxBytes: 9, TxPackets: 10, TxErrs: 11, TxDrop: 12, TxFifo: 13,
		TxColls: 14, TxCarrier: 15, TxCompressed: 16, SpeedMbps: -1}
	if len(have.Ifaces) != 1 || have.Ifaces[0] != want {
		t.Errorf("want %+v, have %+v", want, have.Ifaces)
	}
}

func TestParseNetDevErrors(t *testing.T) {
	t.Parallel()
	// Hand-damaged variants of the real lo line.
	tests := map[string]string{
		"15 counters": "    lo: 3085219855  749303    0    0    0     0          0         0 3085219855  749303    0    0    0     0       0\n",
		"no colon":    "    lo 3085219855  749303    0    0    0     0          0         0 3085219855  749303    0    0    0     0       0          0\n",
		"no name":     "    : 3085219855  749303    0    0    0     0          0         0 3085219855  749303    0    0    0     0       0          0\n",
		"bad counter": "    lo: 3085219855  749303    0    0    0     0          0         0 3085219855  -749303    0    0    0     0       0          0\n",
	}
	for name, in := range tests {
		if _, err := ParseNetDev([]byte(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestNetDevCollector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		root  string
		speed map[string]int64
	}{
		// virtio-net reports -1 and "unknown"; lo and ifb fail the read (EINVAL), so the
		// capture holds no file (2-CPU tree) or an empty one (16-CPU tarball).
		{"testdata/i3a-local/a", map[string]int64{"eth0": -1, "lo": -1, "ifb0": -1}},
		{"testdata/i3a-16cpu/a", map[string]int64{"eth0": -1, "lo": -1, "ifb1": -1}},
	}
	for _, tt := range tests {
		c := &netdevCollector{kernelFile: newKernelFile(filepath.Join(tt.root, "proc/net/dev"), false), class: filepath.Join(tt.root, "sys/class/net"), link: map[string]linkInfo{}}
		s := &sources.Snapshot{}
		if err := c.Collect(s); err != nil {
			t.Fatal(err)
		}
		if s.Net == nil || s.Net.At.IsZero() || len(s.Net.Ifaces) != 4 {
			t.Fatalf("%s: want 4 interfaces, have %+v", tt.root, s.Net)
		}
		for _, ifc := range s.Net.Ifaces {
			if want, ok := tt.speed[ifc.Name]; ok && (ifc.SpeedMbps != want || ifc.FullDuplex) {
				t.Errorf("%s %s: want speed %d half/unknown duplex, have %d full=%v", tt.root, ifc.Name, want, ifc.SpeedMbps, ifc.FullDuplex)
			}
		}
	}

	// A NIC with a link: speed and duplex as sysfs prints them ("10000\n", "full\n"); the files
	// are written here since no captured machine has a physical NIC.
	class := t.TempDir()
	if err := os.MkdirAll(filepath.Join(class, "eth0"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"speed": "10000\n", "duplex": "full\n"} {
		if err := os.WriteFile(filepath.Join(class, "eth0", name), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &netdevCollector{kernelFile: newKernelFile("testdata/i3a-local/a/proc/net/dev", false), class: class, link: map[string]linkInfo{}}
	s := &sources.Snapshot{}
	if err := c.Collect(s); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(s.Net.Ifaces, func(ifc sources.Iface) bool { return ifc.Name == "eth0" })
	if ifc := s.Net.Ifaces[i]; ifc.SpeedMbps != 10000 || !ifc.FullDuplex {
		t.Errorf("want 10000 Mb/s full duplex, have %d %v", ifc.SpeedMbps, ifc.FullDuplex)
	}

	c = &netdevCollector{kernelFile: newKernelFile(filepath.Join(t.TempDir(), "dev"), false), class: class, link: map[string]linkInfo{}}
	s = &sources.Snapshot{}
	if st := sources.StatusOf(c.Collect(s)); st.State != sources.Unavailable || s.Net != nil {
		t.Errorf("missing file: want Unavailable, have %+v", st)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dev"), []byte("lo: 1 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = &netdevCollector{kernelFile: newKernelFile(filepath.Join(dir, "dev"), false), class: class, link: map[string]linkInfo{}}
	if st := sources.StatusOf(c.Collect(&sources.Snapshot{})); st.State != sources.Failed || !strings.Contains(st.Reason, "dev") {
		t.Errorf("damaged file: want Failed, have %+v", st)
	}
}

func FuzzParseNetDev(f *testing.F) {
	for _, p := range []string{"i3a-local/a/proc/net/dev", "i3a-16cpu/a/proc/net/dev", "i3a-public/node_exporter/proc/net/dev"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		nd, err := ParseNetDev(b)
		if err != nil {
			return
		}
		for _, ifc := range nd.Ifaces {
			if ifc.Name == "" || ifc.SpeedMbps != -1 {
				t.Fatalf("bad interface %+v", ifc)
			}
		}
	})
}
