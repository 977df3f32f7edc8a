package collect

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

// passes parses files in turn with one reused parser (as a collector does, pass after pass)
// and checks that every result equals a fresh parse of its file, also after the passes that
// followed it: a reused scratch must neither leak values into the next pass nor change what an
// earlier pass handed out (the History keeps snapshots raw for 30 passes).
func passes[T any](t *testing.T, files []string, fresh, reused func([]byte) (T, error)) {
	t.Helper()
	read := func(f string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var kept []T
	for _, f := range files {
		want, err := fresh(read(f))
		if err != nil {
			t.Fatal(err)
		}
		// The buffer is read anew and overwritten after the parse, as c.buf is by the next
		// pass: nothing kept may point into it.
		b := read(f)
		have, err := reused(b)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b {
			b[i] = 'x'
		}
		if !reflect.DeepEqual(want, have) {
			t.Fatalf("%s: reused parser differs from a fresh one:\nwant %+v\nhave %+v", f, want, have)
		}
		kept = append(kept, have)
	}
	for i, f := range files {
		want, _ := fresh(read(f))
		if !reflect.DeepEqual(want, kept[i]) {
			t.Errorf("pass %d (%s) changed by the passes after it", i, f)
		}
	}
}

func TestReusedParsers(t *testing.T) {
	t.Parallel()
	const a, b = "i3a-16cpu/a/proc/", "i3a-16cpu/b/proc/"
	// Hotplug changes the CPU columns (shared ids must not be overwritten); the other machines
	// change the row names, descriptions and counts.
	irq := []string{"i3a-hotplug/interrupts.on", "i3a-hotplug/interrupts.off", "i3a-hotplug/interrupts.on",
		a + "interrupts", b + "interrupts", "i3a-local/a/proc/interrupts", "i3a-public/node_exporter/proc/interrupts_aarch64", a + "interrupts"}
	soft := []string{"i3a-hotplug/softirqs.on", "i3a-hotplug/softirqs.off", "i3a-hotplug/softirqs.on",
		a + "softirqs", b + "softirqs", "i3a-local/a/proc/softirqs", "i3a-public/node_exporter/proc/softirqs", a + "softirqs"}
	disk := []string{a + "diskstats", b + "diskstats", "i3a-local/a/proc/diskstats", "i3a-public/node_exporter/proc/diskstats", a + "diskstats"}
	dev := []string{a + "net/dev", b + "net/dev", "i3a-local/a/proc/net/dev", "i3a-public/node_exporter/proc/net/dev", a + "net/dev"}
	stat := []string{"16cpu/a/proc/stat", "host-2cpu/a/proc/stat", "16cpu/b/proc/stat", "old-kernel/linux-3.2/proc/stat", "16cpu/a/proc/stat"}
	vm := []string{"i3b-16cpu/a/proc/vmstat", "i3b-old/proc/vmstat", "i3b-16cpu/b/proc/vmstat"}

	t.Run("interrupts", func(t *testing.T) {
		t.Parallel()
		sc := irqScratch{names: &names{}}
		passes(t, irq, ParseInterrupts, func(b []byte) (*sources.Interrupts, error) { return parseInterrupts(b, &sc) })
	})
	t.Run("softirqs", func(t *testing.T) {
		t.Parallel()
		sc := softirqScratch{names: &names{}}
		passes(t, soft, ParseSoftirqs, func(b []byte) (*sources.Softirqs, error) { return parseSoftirqs(b, &sc) })
	})
	t.Run("diskstats", func(t *testing.T) {
		t.Parallel()
		sc := diskScratch{names: &names{}}
		passes(t, disk, ParseDiskstats, func(b []byte) (*sources.Diskstats, error) { return parseDiskstats(b, &sc) })
	})
	t.Run("netdev", func(t *testing.T) {
		t.Parallel()
		sc := netdevScratch{names: &names{}}
		passes(t, dev, ParseNetDev, func(b []byte) (*sources.NetDev, error) { return parseNetDev(b, &sc) })
	})
	t.Run("stat", func(t *testing.T) {
		t.Parallel()
		n := 0
		passes(t, stat, ParseStat, func(b []byte) (*sources.Stat, error) {
			st, err := parseStat(b, n)
			if err == nil {
				n = len(st.CPUs)
			}
			return st, err
		})
	})
	t.Run("vmstat", func(t *testing.T) {
		t.Parallel()
		var nm names
		n := 0
		passes(t, vm, ParseVMStat, func(b []byte) (*sources.VMStat, error) {
			v, err := parseVMStat(b, &nm, n)
			if err == nil {
				n = len(v.Values)
			}
			return v, err
		})
	})
}

// TestCountChunks checks that the counts of one row cannot spill into the next: each slice is
// capped at its length, so an append copies instead of overwriting the neighbour.
func TestCountChunks(t *testing.T) {
	t.Parallel()
	in, err := ParseInterrupts(mustRead(t, "testdata/i3a-16cpu/a/proc/interrupts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range in.Rows {
		if r.Counts != nil && cap(r.Counts) != len(r.Counts) {
			t.Fatalf("%s: cap %d for %d counts", r.Name, cap(r.Counts), len(r.Counts))
		}
	}
	var c countChunks
	for pass := range 3 {
		c.begin()
		x, y := c.take(2), c.take(3)
		_ = append(x, 7)
		if want, have := []uint64{0, 0, 0}, y; !reflect.DeepEqual(want, have) {
			t.Fatalf("pass %d: want %v, have %v", pass, want, have)
		}
	}
}

func TestParseCPUHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		want   []int
		err    bool
	}{
		{"CPU0 CPU1 CPU2", []int{0, 1, 2}, false},
		{"CPU0 CPU2 CPU5", []int{0, 2, 5}, false}, // offline CPUs leave gaps
		{"CPU2 CPU0 CPU1", []int{2, 0, 1}, false}, // out of order, still distinct
		{"CPU0 CPU1 CPU1", nil, true},
		{"CPU3 CPU1 CPU3", nil, true}, // the duplicate after the order breaks
		{"CPU1 CPU0 CPU1", nil, true},
		{"CPU0 CPUx", nil, true},
	}
	for _, tt := range tests {
		have, err := parseCPUHeader(fields([]byte(tt.header), nil), nil)
		if (err != nil) != tt.err || !tt.err && !reflect.DeepEqual(tt.want, have) {
			t.Errorf("%q: want %v (error %v), have %v, %v", tt.header, tt.want, tt.err, have, err)
		}
	}
}

// TestHeaderCPUsShared checks the ids a header hands out: the same slice while the header
// holds (the snapshots share it), a new one when it changes, the old one left as it was.
func TestHeaderCPUsShared(t *testing.T) {
	t.Parallel()
	var h headerCPUs
	parse := func(header string) []int {
		ids, err := h.parse(fields([]byte(header), nil))
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	first := parse("CPU0 CPU1 CPU2")
	if again := parse("CPU0 CPU1 CPU2"); &again[0] != &first[0] {
		t.Error("an unchanged header gave a new slice")
	}
	changed := parse("CPU4 CPU5 CPU6")
	if want := []int{0, 1, 2}; !reflect.DeepEqual(want, first) {
		t.Errorf("the earlier ids changed: want %v, have %v", want, first)
	}
	if want := []int{4, 5, 6}; !reflect.DeepEqual(want, changed) {
		t.Errorf("want %v, have %v", want, changed)
	}
}
