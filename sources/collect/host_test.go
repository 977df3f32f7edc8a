package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestHostCollector(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tree []string
		want sources.Host
	}{
		{[]string{"host-2cpu", "a"}, sources.Host{Hostname: "vm", Kernel: "6.18.44-fc-v769"}},
		{[]string{"old-kernel", "linux-3.2"}, sources.Host{Hostname: "bb136-17", Kernel: "3.2.0-58-generic"}},
	} {
		var s sources.Snapshot
		NewSet(fixtureFS(tc.tree...)).Collect(&s)
		if s.Host == nil || *s.Host != tc.want {
			t.Errorf("%v: want %+v, have %+v (%+v)", tc.tree, tc.want, s.Host, s.StatusFor(sources.SrcHost))
		}
	}
	// The 16-CPU tarball has no proc/sys: the host source is unavailable, naming the file.
	var s sources.Snapshot
	fs := fixtureFS("16cpu", "a")
	NewSet(fs).Collect(&s)
	st := s.StatusFor(sources.SrcHost)
	if st.State != sources.Unavailable || !strings.Contains(st.Reason, fs.ProcPath("sys/kernel/hostname")) || s.Host != nil {
		t.Errorf("16cpu: want unavailable naming the hostname file, have %+v, %v", st, s.Host)
	}
}

// TestHostCollectorSanitizesAndCaches writes a hostname with an escape sequence (a hand-made
// hostile value: sethostname accepts any bytes) and checks that it is cleaned and then kept
// for 60 samples before the files are read again.
func TestHostCollectorSanitizesAndCaches(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kdir := filepath.Join(dir, "sys", "kernel")
	if err := os.MkdirAll(kdir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(kdir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("hostname", "evil\x1b]0;pwned\x07host\n")
	write("osrelease", "6.18.44\n")
	c := &hostCollector{hostname: filepath.Join(kdir, "hostname"), release: filepath.Join(kdir, "osrelease")}
	var s sources.Snapshot
	if err := c.Collect(&s); err != nil {
		t.Fatal(err)
	}
	if want := "evil?]0;pwned?host"; s.Host.Hostname != want {
		t.Errorf("hostname: want %q, have %q", want, s.Host.Hostname)
	}
	write("hostname", "renamed\n")
	for i := range 60 {
		if err := c.Collect(&s); err != nil {
			t.Fatal(err)
		}
		if s.Host.Hostname == "renamed" {
			t.Fatalf("re-read after %d samples, want 61", i+1)
		}
	}
	if err := c.Collect(&s); err != nil {
		t.Fatal(err)
	}
	if s.Host.Hostname != "renamed" {
		t.Errorf("after 61 samples: want %q, have %q", "renamed", s.Host.Hostname)
	}
}

// TestHostOSOnlyLive checks that a fixture root never gets the distribution of the machine the
// test runs on: /etc belongs to the live system only.
func TestHostOSOnlyLive(t *testing.T) {
	t.Parallel()
	c := NewSet(FS{Proc: "testdata/host-2cpu/a/proc", Sys: "testdata/host-2cpu/a/sys"})
	var s sources.Snapshot
	c.Collect(&s)
	if s.Host == nil {
		t.Fatalf("no host: %v", s.Status[sources.SrcHost])
	}
	if s.Host.OS != "" {
		t.Errorf("fixture root got OS %q from the live /etc", s.Host.OS)
	}
}

func TestParseOSRelease(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{fixture(t, "os-release", "debian-12"), "Debian GNU/Linux 12 (bookworm)"},
		{fixture(t, "os-release", "ubuntu-22.04"), "Ubuntu 22.04.3 LTS"},
		// The same Ubuntu file without PRETTY_NAME: NAME and VERSION_ID.
		{[]byte(strings.Replace(string(fixture(t, "os-release", "ubuntu-22.04")), "PRETTY_NAME=", "X=", 1)), "Ubuntu 22.04"},
		{[]byte("NAME='Single Quoted'\n"), "Single Quoted"},
		{[]byte(`PRETTY_NAME="Say \"hi\" \\ \$HOME"` + "\n"), `Say "hi" \ $HOME`},
		{[]byte("ID=debian\n"), ""},
		{nil, ""},
	} {
		if have := ParseOSRelease(tc.in); have != tc.want {
			t.Errorf("%q: have %q, want %q", tc.in, have, tc.want)
		}
	}
}

func FuzzParseOSRelease(f *testing.F) {
	f.Add(fixture(f, "os-release", "debian-12"))
	f.Add(fixture(f, "os-release", "ubuntu-22.04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = ParseOSRelease(b) // must not panic
	})
}
