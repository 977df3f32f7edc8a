package collect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseCPUList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"0-15\n", seq(16), false},
		{"0\n", []int{0}, false},
		{"1\n", []int{1}, false},
		{"\n", nil, false}, // offline with nothing offline
		{"", nil, false},
		{"0-3,8,10-11\n", []int{0, 1, 2, 3, 8, 10, 11}, false},
		{"1,3\n", []int{1, 3}, false},
		{" 0-1 \n", []int{0, 1}, false},
		{"3-1", nil, true},
		{"a", nil, true},
		{"0-", nil, true},
		{"-1", nil, true},
		{"0,,1", nil, true},
		{"0-4000000000", nil, true},
		{"1048577", nil, true},
		{strings.Repeat("0-60000,", 3) + "0", nil, true}, // too many CPUs in total
	} {
		have, err := ParseCPUList([]byte(tc.in))
		if (err != nil) != tc.wantErr || !slices.Equal(have, tc.want) {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %v, error %v", tc.in, have, err, tc.want, tc.wantErr)
		}
	}
}

func TestCPUOnlineCollector(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tree             []string
		online, possible []int
	}{
		{[]string{"16cpu", "a"}, seq(16), seq(16)},
		{[]string{"host-2cpu", "a"}, seq(2), seq(2)},
		// No possible file in this capture: optional, the online set still counts.
		{[]string{"hotplug", "off"}, []int{0}, nil},
		{[]string{"hotplug", "on"}, seq(2), nil},
	} {
		var s sources.Snapshot
		NewSet(fixtureFS(tc.tree...)).Collect(&s)
		if st := s.StatusFor(sources.SrcCPUOnline); st.State != sources.OK {
			t.Fatalf("%v: %+v", tc.tree, st)
		}
		if !slices.Equal(s.Online.Online, tc.online) || !slices.Equal(s.Online.Possible, tc.possible) {
			t.Errorf("%v: want %v/%v, have %v/%v", tc.tree, tc.online, tc.possible, s.Online.Online, s.Online.Possible)
		}
	}
	// Old-kernel captures have no sys/ at all: unavailable, not failed.
	var s sources.Snapshot
	NewSet(fixtureFS("old-kernel", "linux-3.2")).Collect(&s)
	if st := s.StatusFor(sources.SrcCPUOnline); st.State != sources.Unavailable || s.Online != nil {
		t.Errorf("no sysfs: want unavailable and no set, have %+v, %v", st, s.Online)
	}
}

// TestCPUOnlineBadPossible: a possible file that exists but is broken is an error, not
// silently ignored like a missing one.
func TestCPUOnlineBadPossible(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, body := range map[string]string{"online": "0-1\n", "possible": "0-x\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &cpuOnlineCollector{online: newKernelFile(filepath.Join(dir, "online"), true), possible: newKernelFile(filepath.Join(dir, "possible"), true)}
	var s sources.Snapshot
	err := c.Collect(&s)
	if err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "possible") || s.Online != nil {
		t.Errorf("want a parse error naming possible, have %v", err)
	}
}

func FuzzParseCPUList(f *testing.F) {
	for _, tree := range [][]string{{"16cpu", "a"}, {"host-2cpu", "a"}, {"hotplug", "off"}} {
		for _, name := range []string{"online", "possible", "offline"} {
			if b, err := os.ReadFile(filepath.Join(fixtureFS(tree...).SysPath("devices/system/cpu", name))); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("0-3,8,10-11\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ids, err := ParseCPUList(b)
		if err != nil {
			return
		}
		if len(ids) > maxCPUs {
			t.Errorf("%d ids accepted", len(ids))
		}
		for _, id := range ids {
			if id < 0 || id > maxCPUID {
				t.Errorf("id %d accepted", id)
			}
		}
	})
}

// TestCPUOnlineReread checks when the CPU set is read again, over a real hotplug capture
// (CPU 1 taken offline): when /proc/stat's CPU lines change (seen one pass later, as stat
// runs after), and after topoTTL; otherwise the last set is kept without reading sysfs.
func TestCPUOnlineReread(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fs := FS{Proc: filepath.Join(root, "proc"), Sys: filepath.Join(root, "sys")}
	use := func(tree string, files ...string) {
		t.Helper()
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join("testdata/hotplug", tree, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(root, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	const stat, online = "proc/stat", "sys/devices/system/cpu/online"
	oc := &cpuOnlineCollector{online: newKernelFile(fs.SysPath("devices/system/cpu/online"), false),
		possible: newKernelFile(fs.SysPath("devices/system/cpu/possible"), false)}
	sc := &statCollector{kernelFile: newKernelFile(fs.ProcPath("stat"), false)}
	list := []Collector{oc, sc} // the registry's order: cpu_online before stat
	connect(list)
	set := &Set{list: list}
	pass := func() []int {
		t.Helper()
		s := &sources.Snapshot{}
		set.Collect(s)
		if s.Online == nil {
			t.Fatalf("no CPU set: %+v", s.Status)
		}
		return s.Online.Online
	}
	steps := []struct {
		name string
		do   func()
		want []int
	}{
		{"first pass", func() { use("on", stat, online) }, []int{0, 1}},
		{"second pass (stat's first CPU lines were a change)", func() {}, []int{0, 1}},
		{"CPU 1 goes offline: stat shows it after the set was read", func() { use("off", stat, online) }, []int{0, 1}},
		{"the next pass reads the set again", func() {}, []int{0}},
		{"online file changes, stat does not: kept", func() { use("on", online) }, []int{0}},
		{"after topoTTL: read again", func() { oc.lastAt = oc.lastAt.Add(-topoTTL) }, []int{0, 1}},
	}
	for _, st := range steps {
		st.do()
		if have := pass(); !slices.Equal(st.want, have) {
			t.Errorf("%s: want %v, have %v", st.name, st.want, have)
		}
	}
}
