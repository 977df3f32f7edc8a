package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/engine"
)

// fixtureRoot is a tree of ../../sources/collect/testdata.
func fixtureRoot(tree ...string) string {
	return filepath.Join(append([]string{"..", "..", "sources", "collect", "testdata"}, tree...)...)
}

// batchLine is the part of a --json line these tests look at.
type batchLine struct {
	Seq      uint64           `json:"seq"`
	Interval *float64         `json:"interval_s"`
	NCPU     int              `json:"ncpu"`
	Host     string           `json:"host"`
	CPU      []map[string]any `json:"cpu"`
	Mem      *struct {
		TotalKB uint64 `json:"total_kB"`
	} `json:"mem"`
	Status map[string]struct {
		State  string `json:"state"`
		Reason string `json:"reason"`
	} `json:"status"`
}

func runBatchJSON(t *testing.T, root string) []batchLine {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run([]string{"-b", "-n", "2", "-d", "10ms", "--json",
		"--proc", filepath.Join(root, "proc"), "--sys", filepath.Join(root, "sys")}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	var lines []batchLine
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l batchLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", len(lines)+1, err, sc.Bytes())
		}
		lines = append(lines, l)
	}
	if len(lines) != 2 {
		t.Fatalf("want 2 lines for -n 2, have %d", len(lines))
	}
	return lines
}

// TestBatchJSON runs ktop -b -n 2 -d 10ms --json over the 16-CPU fixture root, in process.
func TestBatchJSON(t *testing.T) {
	t.Parallel()
	for i, l := range runBatchJSON(t, fixtureRoot("16cpu", "a")) {
		if l.Seq != uint64(i+2) || l.Interval == nil {
			t.Errorf("line %d: seq %d interval %v; batch reports intervals after a baseline", i, l.Seq, l.Interval)
		}
		if len(l.CPU) != 17 || l.CPU[0]["cpu"] != "all" || l.NCPU != 16 {
			t.Fatalf("line %d: want all + 16 CPUs, have %d entries, ncpu %d", i, len(l.CPU), l.NCPU)
		}
		for j, c := range l.CPU[1:] {
			if want := strconv.Itoa(j); c["cpu"] != want {
				t.Errorf("line %d: entry %d is cpu %v, want %s", i, j+1, c["cpu"], want)
			}
			// The fixture does not change, so no tick moves: mpstat's 100 % idle.
			if c["idle"] != 100.0 || c["usr"] != 0.0 {
				t.Errorf("line %d cpu %v: idle %v usr %v", i, c["cpu"], c["idle"], c["usr"])
			}
		}
		if l.Mem == nil || l.Mem.TotalKB != 131981020 {
			t.Errorf("line %d: mem %+v", i, l.Mem)
		}
		if st := l.Status["stat"]; st.State != "ok" {
			t.Errorf("line %d: stat status %+v", i, st)
		}
		// The tarball has no proc/sys/kernel: the host is unavailable, said in words.
		if st := l.Status["host"]; st.State != "unavailable" || !strings.Contains(st.Reason, "hostname") {
			t.Errorf("line %d: host status %+v", i, st)
		}
	}
}

// TestBatchMissingMeminfo copies a real root without its meminfo: the frame must carry a null
// mem and an "unavailable" status naming the file, and the rest must still work.
func TestBatchMissingMeminfo(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	src := fixtureRoot("host-2cpu", "a")
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "meminfo" {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(root, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range runBatchJSON(t, root) {
		st := l.Status["meminfo"]
		if l.Mem != nil || st.State != "unavailable" || !strings.Contains(st.Reason, filepath.Join(root, "proc", "meminfo")) {
			t.Errorf("want mem null and meminfo unavailable naming the path, have %+v / %+v", l.Mem, st)
		}
		if len(l.CPU) != 3 || l.Host != "vm" {
			t.Errorf("other sources must still work: %d cpu entries, host %q", len(l.CPU), l.Host)
		}
	}

	// The text report says the same in words.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-b", "-n", "1", "-d", "10ms", "--proc", filepath.Join(root, "proc"), "--sys", filepath.Join(root, "sys")}, &stdout, &stderr); code != 0 {
		t.Fatalf("text mode: exit %d, %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "meminfo: unavailable: ") || !strings.Contains(stdout.String(), " all ") {
		t.Errorf("text report lacks the meminfo reason or the all line:\n%s", stdout.String())
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args         []string
		wantInterval time.Duration
		wantErr      string
	}{
		{[]string{"-b", "-d", "1"}, time.Second, ""},
		{[]string{"-b", "-d", "500ms"}, 500 * time.Millisecond, ""},
		{[]string{"-b", "-d", "0.5"}, 500 * time.Millisecond, ""},
		{[]string{"-b", "--interval", "2s"}, 2 * time.Second, ""},
		{[]string{"-b", "-d", "10ms"}, 10 * time.Millisecond, ""},
		{[]string{"-b"}, time.Second, ""},
		{[]string{"-d", "0"}, 0, `"0": want a positive number of seconds`},
		{[]string{"-d", "-1"}, 0, `"-1": want a positive number of seconds`},
		{[]string{"-d", "NaN"}, 0, `"NaN": want a positive number of seconds`},
		{[]string{"-d", "1e9"}, 0, `"1e9": want a positive number of seconds up to 86400`},
		{[]string{"-d", "abc"}, 0, `"abc": want a duration such as 1s, 500ms or a number of seconds`},
		{[]string{"-d", "-5s"}, 0, `"-5s": must be positive`},
		{[]string{"-d", "1ms"}, 0, "-d 1ms: want at least 10ms"},
		{[]string{"-n", "-1"}, 0, "-n -1: want 0 or more"},
		{[]string{"-b", "extra"}, 0, `unexpected argument "extra"`},
		{[]string{"--bogus"}, 0, "flag provided but not defined: -bogus"},
	} {
		o, err := parseFlags(tc.args, io.Discard)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: want error containing %q, have %v", tc.args, tc.wantErr, err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case o.interval != tc.wantInterval:
			t.Errorf("%q: interval %v, want %v", tc.args, o.interval, tc.wantInterval)
		}
	}
}

func TestFlagsImplied(t *testing.T) {
	t.Parallel()
	o, err := parseFlags([]string{"--json", "-d", "2", "--history", "1s", "-n", "3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// --json needs no screen, so it means batch; history can never be shorter than one sample.
	if !o.batch || !o.json || o.iterations != 3 || o.history != 2*time.Second {
		t.Errorf("have %+v", o)
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: want flag.ErrHelp, have %v", err)
	}
}

// TestParseSize reads --history-mem's sizes.
func TestParseSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"64M", 64 << 20}, {"64MiB", 64 << 20}, {"64mb", 64 << 20}, {"1G", 1 << 30}, {"1.5G", 3 << 29},
		{"2048K", 2 << 20}, {"1048576", 1 << 20}, {" 8M ", 8 << 20},
		{"", 0}, {"M", 0}, {"100K", 0}, {"-64M", 0}, {"2T", 0}, {"NaN", 0}, {"64X", 0}, {"1e400", 0},
	} {
		have, err := parseSize(tc.in)
		if have != tc.want || (err != nil) != (tc.want == 0) {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tc.in, have, err, tc.want)
		}
	}
	o, err := parseFlags([]string{"--history-mem", "32M"}, io.Discard)
	if err != nil || o.historyMem != 32<<20 {
		t.Errorf("--history-mem 32M: %v, %v", o, err)
	}
}

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args               []string
		wantCode           int
		wantOut, wantErrSt string
	}{
		{[]string{"version"}, 0, "ktop dev\n", ""},
		{[]string{"-h"}, 0, "", "Usage:"},
		{[]string{"-d", "abc"}, 2, "", `ktop: invalid value "abc" for flag -d: "abc": want a duration`},
		{[]string{"-n", "-1"}, 2, "", "ktop: -n -1: want 0 or more"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.wantCode || !strings.Contains(stdout.String(), tc.wantOut) || !strings.Contains(stderr.String(), tc.wantErrSt) {
			t.Errorf("%q: exit %d stdout %q stderr %q; want %d, %q, %q", tc.args, code, stdout.String(), stderr.String(), tc.wantCode, tc.wantOut, tc.wantErrSt)
		}
	}
}

func TestMemLimit(t *testing.T) {
	t.Parallel()
	if want, have := int64(engine.DefaultBudget+memSlack), memLimit(0); want != have {
		t.Errorf("memLimit(0) = %d, want %d", have, want)
	}
	if want, have := int64(64<<20+memSlack), memLimit(64<<20); want != have {
		t.Errorf("memLimit(64M) = %d, want %d", have, want)
	}
}
