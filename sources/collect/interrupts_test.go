package collect

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseInterrupts(t *testing.T) {
	t.Parallel()
	type row struct {
		name   string
		desc   string
		counts []uint64 // nil: a single-value row
		total  uint64
	}
	tests := []struct {
		file string
		cpus []int
		rows int
		want []row
	}{
		{"i3a-local/a/proc/interrupts", []int{0, 1}, 34, []row{
			{"24", "IO-APIC 5-edge ACPI:Ged", []uint64{1, 0}, 1},
			{"36", "PCI-MSIX-0000:00:02.0 1-edge virtio1-req.0", []uint64{128810, 38948}, 167758},
			{"LOC", "Local timer interrupts", []uint64{140187, 129113}, 269300},
			{"ERR", "", nil, 0},
			{"PIW", "Posted-interrupt wakeup event", []uint64{0, 0}, 0},
		}},
		// cpu1 offline: a single column; NMI (per CPU, with a description) must not be taken
		// for a single-value row such as ERR.
		{"i3a-hotplug/interrupts.off", []int{0}, 34, []row{
			{"NMI", "Non-maskable interrupts", []uint64{0}, 0},
			{"39", "PCI-MSIX-0000:00:03.0 2-edge virtio2-output.0", []uint64{4954}, 4954},
			{"MIS", "", nil, 0},
		}},
		{"i3a-16cpu/a/proc/interrupts", cpuRange(0, 15), 40, []row{
			{"TLB", "TLB shootdowns", nil, 633},
			{"CAL", "Function call interrupts", nil, 47285},
		}},
		// arm64: "IPI0:2768808080" (no blank after the colon), "Err" single value, a line of
		// blanks at the end, a description holding a colon.
		{"i3a-public/node_exporter/proc/interrupts_aarch64", cpuRange(0, 7), 59, []row{
			{"IPI0", "Rescheduling interrupts", []uint64{2768808080, 2844211768, 2878602432, 2730576120, 2723524623, 3349096412, 2717389879, 2154252810}, 22166462124},
			{"57", "ITS-MSI 81920 Edge ena-mgmnt@pci:0000:00:05.0", []uint64{0, 0, 51, 0, 0, 32479308, 0, 0}, 32479359},
			{"Err", "", nil, 0},
		}},
		// x86 with a blank line between MIS and PIN.
		{"i3a-public/procfs/proc/26231/interrupts", cpuRange(0, 3), 47, []row{
			{"TLB", "TLB shootdowns", []uint64{212, 137, 158, 231}, 738},
			{"PIN", "Posted-interrupt notification event", []uint64{0, 0, 0, 0}, 0},
			{"29", "PCI-MSI 512000-edge ahci[0000:00:1f.2]", []uint64{1362, 0, 0, 934}, 2296},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			have, err := ParseInterrupts(b)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(have.CPUs, tt.cpus) {
				t.Errorf("CPUs: want %v, have %v", tt.cpus, have.CPUs)
			}
			if len(have.Rows) != tt.rows {
				t.Errorf("want %d rows, have %d", tt.rows, len(have.Rows))
			}
			for _, w := range tt.want {
				i := slices.IndexFunc(have.Rows, func(r sources.IRQRow) bool { return r.Name == w.name })
				if i < 0 {
					t.Errorf("no row %s", w.name)
					continue
				}
				h := have.Rows[i]
				if h.Desc != w.desc {
					t.Errorf("%s desc: want %q, have %q", w.name, w.desc, h.Desc)
				}
				if w.counts != nil && !slices.Equal(h.Counts, w.counts) {
					t.Errorf("%s counts: want %v, have %v", w.name, w.counts, h.Counts)
				}
				if w.counts == nil && w.desc == "" && h.Counts != nil {
					t.Errorf("%s: want a single-value row, have counts %v", w.name, h.Counts)
				}
				if h.Total != w.total {
					t.Errorf("%s total: want %d, have %d", w.name, w.total, h.Total)
				}
			}
		})
	}
}

func TestParseInterruptsErrors(t *testing.T) {
	t.Parallel()
	// Hand-damaged variants of real two-CPU lines.
	tests := map[string]string{
		"empty":         "",
		"blank only":    "\n   \n",
		"bad header":    "CPU0 cpu1\n 24: 1 0 IO-APIC 5-edge ACPI:Ged\n",
		"short row":     "CPU0 CPU1\nLOC: 140187 Local timer interrupts\n",
		"too few":       "CPU0 CPU1\n 24: 1\n 25:\n",
		"bad count":     "CPU0 CPU1\n 24: 1 x IO-APIC 5-edge ACPI:Ged\n",
		"blank in name": "CPU0 CPU1\n2 4: 1 0 IO-APIC 5-edge ACPI:Ged\n",
		"no colon":      "CPU0 CPU1\nLOC 1 0 Local timer interrupts\n",
		"no name":       "CPU0 CPU1\n: 1 0 x\n",
		"bad single":    "CPU0 CPU1\nERR: -1\n",
	}
	for name, in := range tests {
		if _, err := ParseInterrupts([]byte(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestInterruptsCollector(t *testing.T) {
	t.Parallel()
	c := &interruptsCollector{kernelFile: newKernelFile("testdata/i3a-16cpu/b/proc/interrupts", false)}
	s := &sources.Snapshot{}
	if err := c.Collect(s); err != nil {
		t.Fatal(err)
	}
	if s.Interrupts == nil || s.Interrupts.At.IsZero() || len(s.Interrupts.CPUs) != 16 {
		t.Fatalf("interrupts not collected: %+v", s.Interrupts)
	}
	c = &interruptsCollector{kernelFile: newKernelFile(filepath.Join(t.TempDir(), "interrupts"), false)}
	s = &sources.Snapshot{}
	if st := sources.StatusOf(c.Collect(s)); st.State != sources.Unavailable || s.Interrupts != nil {
		t.Errorf("missing file: want Unavailable and no data, have %+v", st)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "interrupts"), []byte("CPU0\nLOC: x Local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = &interruptsCollector{kernelFile: newKernelFile(filepath.Join(dir, "interrupts"), false)}
	s = &sources.Snapshot{}
	if st := sources.StatusOf(c.Collect(s)); st.State != sources.Failed || !strings.Contains(st.Reason, "interrupts") {
		t.Errorf("damaged file: want Failed naming the file, have %+v", st)
	}
}

func FuzzParseInterrupts(f *testing.F) {
	for _, p := range []string{"i3a-local/a/proc/interrupts", "i3a-hotplug/interrupts.off", "i3a-16cpu/a/proc/interrupts",
		"i3a-public/node_exporter/proc/interrupts_aarch64", "i3a-public/procfs/proc/26231/interrupts"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := ParseInterrupts(b)
		if err != nil {
			return
		}
		for _, r := range in.Rows {
			if r.Counts != nil && len(r.Counts) != len(in.CPUs) {
				t.Fatalf("%s: %d counts for %d CPUs", r.Name, len(r.Counts), len(in.CPUs))
			}
			if r.Name == "" || strings.ContainsAny(r.Name, " \t:") {
				t.Fatalf("bad row name %q", r.Name)
			}
		}
	})
}
