package irqpanel

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
)

// show builds the panel at w×h over frames.
func show(t *testing.T, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	return fixture.Show(t, New(fixture.ASCII(), time.Second), frames, w, h)
}

// newPanel is a fresh panel in the ASCII theme, for the shared grid and golden checks.
func newPanel() views.Panel { return New(fixture.ASCII(), time.Second) }

func TestGolden(t *testing.T) {
	t.Parallel()
	fixture.Goldens(t, newPanel, map[string][]*derive.Frame{"16cpu": fixture.Frames16(t)}, [2]int{80, 20}, [2]int{200, 46})
}

// wide replicates the real frame's 16 CPUs to n, as a large machine would show the same
// traffic: cell j of every row is the real cell j mod 16.
func wide(f *derive.Frame, n int) *derive.Frame {
	c := *f
	in := *f.Interrupts
	real := len(in.CPUs)
	in.CPUs = make([]int, n)
	for j := range n {
		in.CPUs[j] = j
	}
	in.Rows = make([]derive.IRQRate, len(f.Interrupts.Rows))
	for i, r := range f.Interrupts.Rows {
		if r.PerCPU != nil {
			r.PerCPU = make([]derive.Val, n)
			for j := range n {
				r.PerCPU[j] = f.Interrupts.Rows[i].PerCPU[j%real]
			}
		}
		in.Rows[i] = r
	}
	c.Interrupts = &in
	return &c
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fr, fr[:1], big}, "end", "right")
}

func TestRowOrder(t *testing.T) {
	t.Parallel()
	g := grid(fixture.Frames16(t)[1])
	var labels []string
	for _, r := range g.Rows[:9] {
		labels = append(labels, r.Label)
	}
	// IPIs, timer and NMI first in a fixed order; then devices busiest first (3.7/s, then the
	// two at 0.27/s by IRQ number), then the idle ones by number.
	want := []string{"TLB shootdown", "CAL function call", "RES reschedule", "LOC local timer", "NMI",
		"31 virtio0-req.0", "29 virtio4-input", "39 virtio3-tx", "24 ACPI:Ged"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("rows:\nhave %q\nwant %q", labels, want)
	}
	for _, r := range g.Rows {
		if strings.HasPrefix(r.Label, "ERR") && r.Cells != nil {
			t.Errorf("ERR has per-CPU cells: %v", r.Cells)
		}
	}
}

func TestDeviceName(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, want string }{
		{"PCI-MSIX-0000:00:03.0 2-edge virtio2-output.0", "virtio2-output.0"},
		{"IO-APIC 4-edge ttyS0", "ttyS0"},
		{"GICv3 27 Level arch_timer", "arch_timer"},
		{"", views.Missing},
	}
	for _, tc := range tests {
		if have := DeviceName(tc.desc); have != tc.want {
			t.Errorf("DeviceName(%q) = %q, want %q", tc.desc, have, tc.want)
		}
	}
}

func TestScroll(t *testing.T) {
	t.Parallel()
	m := show(t, fixture.Frames16(t), 80, 20)
	if !m.keys.Down.Enabled() || m.keys.Right.Enabled() {
		t.Fatalf("80×20 over 40 rows and 16 CPUs: rows scroll %v (want true), CPUs scroll %v (want false)", m.keys.Down.Enabled(), m.keys.Right.Enabled())
	}
	steps := []struct {
		key  string
		want int
	}{{"down", 1}, {"j", 2}, {"pgdown", 14}, {"end", 28}, {"down", 28}, {"k", 27}, {"home", 0}, {"up", 0}}
	for i, s := range steps {
		m.Update(fixture.Key(s.key))
		if have := m.Offset(); have != s.want {
			t.Errorf("step %d (%s): offset %d, want %d", i, s.key, have, s.want)
		}
	}
	m.Update(fixture.Key("end"))
	if v := m.View(); !strings.Contains(v, "rows 29-40 of 40") || !strings.Contains(v, "MIS") {
		t.Errorf("end does not show the last rows:\n%s", v)
	}
	fr := fixture.Frames16(t)
	m = show(t, []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}, 120, 30)
	m.Update(fixture.Key("right"))
	if m.Column() == 0 || !strings.Contains(m.View(), "CPUs ") {
		t.Errorf("1024 CPUs: → did not scroll (column %d):\n%s", m.Column(), m.View())
	}
}

func TestTLBZeroNote(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	if v := show(t, fr, 120, 30).View(); strings.Contains(v, "TLB 0 is") {
		t.Errorf("note shown although the fixture has 9.1 TLB shootdowns/s:\n%s", v)
	}
	f := *fr[1]
	in := *f.Interrupts
	in.Rows = slices.DeleteFunc(slices.Clone(in.Rows), func(r derive.IRQRate) bool { return r.IRQ == "TLB" })
	f.Interrupts = &in
	v := show(t, []*derive.Frame{&f}, 120, 30).View()
	if !strings.Contains(v, "TLB 0 is normal (PV, arm64)") {
		t.Errorf("no TLB row (arm64) without the note:\n%s", v)
	}
}

func TestMissingAndUnavailable(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	v := show(t, fr[:1], 200, 46).View()
	if loc := fixture.LineWith(v, "LOC local timer"); strings.Contains(loc, "0") || strings.Count(loc, views.Missing) != 17 {
		t.Errorf("first-sample LOC row: %q", loc)
	}
	f := *fr[1]
	f.Interrupts = nil
	f.Status = maps.Clone(f.Status)
	f.Status[sources.SrcInterrupts] = sources.Status{State: sources.Unavailable, Reason: "open /proc/interrupts: permission denied"}
	m := show(t, []*derive.Frame{&f}, 80, 20)
	if v := m.View(); !strings.Contains(v, "n/a: open /proc/interrupts: permission denied") {
		t.Errorf("unavailable source not explained:\n%s", v)
	}
	if m.keys.Down.Enabled() {
		t.Error("scroll keys enabled with nothing to scroll")
	}
}

func TestTile(t *testing.T) {
	t.Parallel()
	m := show(t, fixture.Frames16(t), 80, 20)
	want := "irq/s  TLB 9.1  CAL 770  RES 659  LOC 3.4k  top dev 31 virtio0-req.0 3.7"
	if have := strings.TrimRight(strings.Split(m.Tile(80, 2), "\n")[0], " "); have != want {
		t.Errorf("tile:\nhave %q\nwant %q", have, want)
	}
}

func TestIRQNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{{"0", 0, true}, {"24", 24, true}, {"127", 127, true}, {"LOC", 0, false}, {"", 0, false}, {"IPI0", 0, false}, {"-1", 0, false}, {"1234567890", 0, false}} {
		if have, ok := irqNumber(tc.in); have != tc.want || ok != tc.ok {
			t.Errorf("%q: want %d %v, have %d %v", tc.in, tc.want, tc.ok, have, ok)
		}
	}
}

// DeviceName is the last of strings.Fields, whatever the spaces.
func TestDeviceNameIsLastField(t *testing.T) {
	t.Parallel()
	for _, desc := range []string{"", " ", "\t\n", "virtio1", "PCI-MSIX-0000:00:03.0 2-edge virtio2-output.0",
		"IO-APIC   1-edge      i8042  ", "a\u00a0b", "x\u2003y\u2003", " Local timer interrupts"} {
		want := views.Missing
		if fs := strings.Fields(desc); len(fs) > 0 {
			want = fs[len(fs)-1]
		}
		if have := DeviceName(desc); want != have {
			t.Errorf("DeviceName(%q): want %q, have %q", desc, want, have)
		}
	}
}
