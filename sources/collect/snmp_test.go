package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func readFixture(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseSNMP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, proto string
		want        map[string]int64 // a selection of keys
		absent      []string
		n           int // number of keys
	}{
		{"i3b-local/a/proc/net/snmp", "Tcp", map[string]int64{
			"RtoAlgorithm": 1, "MaxConn": -1, "ActiveOpens": 35281, "PassiveOpens": 34827,
			"CurrEstab": 6, "InSegs": 367259, "OutSegs": 371946, "RetransSegs": 269, "OutRsts": 2,
			"InCsumErrors": 0,
		}, nil, 15},
		{"i3b-local/b/proc/net/netstat", "TcpExt", map[string]int64{
			"ListenOverflows": 1314, "ListenDrops": 1314, "TCPTimeouts": 598, "TCPSynRetrans": 596,
			"TCPBacklogDrop": 0,
		}, nil, 135},
		{"i3b-16cpu/a/proc/net/snmp", "Tcp", map[string]int64{"ActiveOpens": 9, "OutSegs": 31}, nil, 15},
		// An older kernel (node_exporter fixture): TcpExt without TCPSynRetrans.
		{"i3b-old/proc/net/snmp", "Tcp", map[string]int64{"MaxConn": -1, "RetransSegs": 227, "InErrs": 5}, nil, 15},
		{"i3b-old/proc/net/netstat", "TcpExt", map[string]int64{"TCPTimeouts": 115, "TCPBacklogDrop": 0},
			[]string{"TCPSynRetrans"}, 83},
		// A protocol the file does not print.
		{"i3b-old/proc/net/snmp", "TcpExt", nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.proto, func(t *testing.T) {
			t.Parallel()
			have, err := ParseSNMP(readFixture(t, tt.file), tt.proto)
			if err != nil {
				t.Fatal(err)
			}
			if len(have) != tt.n {
				t.Errorf("want %d keys, have %d", tt.n, len(have))
			}
			for k, want := range tt.want {
				if v, ok := have[k]; !ok || v != want {
					t.Errorf("%s: want %d, have %d (present %v)", k, want, v, ok)
				}
			}
			for _, k := range tt.absent {
				if _, ok := have[k]; ok {
					t.Errorf("%s: want absent", k)
				}
			}
		})
	}
}

func TestParseSNMPMalformed(t *testing.T) {
	t.Parallel()
	real := string(readFixture(t, "i3b-local/a/proc/net/snmp"))
	tests := map[string]string{
		// Hand-damaged variants of the real file.
		"value missing": strings.Replace(real, " 269 0 2 0\n", " 269 0 2\n", 1),
		"not a number":  strings.Replace(real, " 35281 ", " 35x81 ", 1),
		"header only":   "Tcp: RtoAlgorithm RtoMin\n",
		"empty header":  "Tcp:\nTcp: 1\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if m, err := ParseSNMP([]byte(in), "Tcp"); err == nil {
				t.Errorf("want error, have %v", m)
			}
		})
	}
}

func TestParseInt64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"-1", -1, true},
		{"0", 0, true},
		{"18446744073709551615", -1, true}, // ULONG_MAX keeps its bit pattern
		{"-9223372036854775808", -1 << 63, true},
		{"-9223372036854775809", 0, false},
		{"-", 0, false},
		{"", 0, false},
		{"1-", 0, false},
	}
	for _, tt := range tests {
		have, err := parseInt64([]byte(tt.in))
		if (err == nil) != tt.ok || (tt.ok && have != tt.want) {
			t.Errorf("%q: want %d ok=%v, have %d err=%v", tt.in, tt.want, tt.ok, have, err)
		}
	}
}

func TestSNMPCollector(t *testing.T) {
	t.Parallel()
	noNetstat := t.TempDir()
	if err := os.MkdirAll(filepath.Join(noNetstat, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(noNetstat, "net", "snmp"), readFixture(t, "i3b-old/proc/net/snmp"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		proc      string
		state     sources.State
		hasTcpExt bool
	}{
		{"6.18", "testdata/i3b-local/a/proc", sources.OK, true},
		{"old kernel", "testdata/i3b-old/proc", sources.OK, true},
		{"no netstat", noNetstat, sources.OK, false},
		{"no snmp", t.TempDir(), sources.Unavailable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &snmpCollector{snmp: newKernelFile(filepath.Join(tt.proc, "net", "snmp"), true), netstat: newKernelFile(filepath.Join(tt.proc, "net", "netstat"), true)}
			var s sources.Snapshot
			st := sources.StatusOf(c.Collect(&s))
			if st.State != tt.state {
				t.Fatalf("want %v, have %v (%s)", tt.state, st.State, st.Reason)
			}
			if tt.state != sources.OK {
				if s.SNMP != nil {
					t.Error("want no SNMP on error")
				}
				return
			}
			if s.SNMP.At.IsZero() || len(s.SNMP.Tcp) == 0 {
				t.Errorf("want At and Tcp, have %+v", s.SNMP)
			}
			if have := s.SNMP.TcpExt != nil; have != tt.hasTcpExt {
				t.Errorf("want TcpExt %v, have %v", tt.hasTcpExt, have)
			}
		})
	}
}

func FuzzParseSNMP(f *testing.F) {
	for _, p := range []string{
		"i3b-local/a/proc/net/snmp", "i3b-local/a/proc/net/netstat",
		"i3b-16cpu/b/proc/net/snmp", "i3b-old/proc/net/snmp", "i3b-old/proc/net/netstat",
	} {
		f.Add(readFixture(f, p))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, proto := range []string{"Tcp", "TcpExt"} {
			m, err := ParseSNMP(b, proto)
			if err != nil && m != nil {
				t.Fatalf("%s: values with an error", proto)
			}
		}
	})
}
