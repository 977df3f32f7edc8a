package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordFixture records n samples of a fixture root with `ktop record`, 10 ms apart.
func recordFixture(t *testing.T, dur string) string {
	t.Helper()
	root := fixtureRoot("host-2cpu", "a")
	f := filepath.Join(t.TempDir(), "r.ktop")
	var stdout, stderr bytes.Buffer
	code := run([]string{"record", "-o", f, "-d", "10ms", "--duration", dur,
		"--proc", filepath.Join(root, "proc"), "--sys", filepath.Join(root, "sys"), "--dev", t.TempDir()}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("record: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "recorded ") {
		t.Errorf("no summary: %q", stderr.String())
	}
	st, err := os.Stat(f)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("recording mode %v, want 0600 (it holds command lines)", st.Mode().Perm())
	}
	return f
}

func export(t *testing.T, args ...string) (lines []string, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"export"}, args...), &out, &errb); code != 0 {
		t.Fatalf("export %v: exit %d: %s", args, code, errb.String())
	}
	return strings.Split(strings.TrimSpace(out.String()), "\n"), errb.String()
}

// TestRecordExportEqualsLive is the promise: what batch mode derived live and what
// export derives from the recording of the same run are the same lines.
func TestRecordExportEqualsLive(t *testing.T) {
	t.Parallel()
	root := fixtureRoot("host-2cpu", "a")
	f := filepath.Join(t.TempDir(), "live.ktop")
	var live, stderr bytes.Buffer
	code := run([]string{"-b", "--json", "-n", "4", "-d", "10ms", "--record", f,
		"--proc", filepath.Join(root, "proc"), "--sys", filepath.Join(root, "sys"), "--dev", t.TempDir()}, &live, &stderr)
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, stderr.String())
	}
	got, _ := export(t, f)
	if want, have := strings.TrimSpace(live.String()), strings.Join(got, "\n"); want != have {
		t.Errorf("export differs from live batch output:\nlive:\n%s\nexport:\n%s", want, have)
	}
}

// TestExportDamaged cuts a recording mid-frame and overwrites bytes in its middle: export
// still prints the samples before and after the damage, warns on stderr and exits 0.
func TestExportDamaged(t *testing.T) {
	t.Parallel()
	// At least three 60-sample blocks, so that the middle of the file lies in a block with
	// others before and after it (a slow machine, or the race detector, records fewer
	// samples a second).
	f := recordFixture(t, "4s")
	whole, _ := export(t, f)
	if len(whole) < 3*60+1 {
		t.Skipf("only %d samples recorded in 4 s: too few blocks to damage one in the middle", len(whole))
	}
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite 64 bytes in the middle.
	bad := filepath.Join(t.TempDir(), "bad.ktop")
	mid := append([]byte(nil), b...)
	for i := len(mid) / 2; i < len(mid)/2+64; i++ {
		mid[i] ^= 0xa5
	}
	if err := os.WriteFile(bad, mid, 0o600); err != nil {
		t.Fatal(err)
	}
	lines, warn := export(t, bad)
	if warn == "" {
		t.Error("no warning for a damaged file")
	}
	if len(lines) == 0 || len(lines) >= len(whole) || lines[0] != whole[0] || lines[len(lines)-1] != whole[len(whole)-1] {
		t.Errorf("damaged middle: %d of %d lines, first/last kept: %v/%v", len(lines), len(whole),
			len(lines) > 0 && lines[0] == whole[0], len(lines) > 0 && lines[len(lines)-1] == whole[len(whole)-1])
	}
	// Cut mid-frame: everything before the cut survives.
	cut := filepath.Join(t.TempDir(), "cut.ktop")
	if err := os.WriteFile(cut, b[:len(b)*3/4+7], 0o600); err != nil {
		t.Fatal(err)
	}
	lines, _ = export(t, cut)
	if len(lines) == 0 || lines[0] != whole[0] || len(lines) >= len(whole) {
		t.Errorf("truncated: %d of %d lines", len(lines), len(whole))
	}
}

// TestExportRangeAndCSV checks --from/--to and the CSV header.
func TestExportRangeAndCSV(t *testing.T) {
	t.Parallel()
	// Long enough for several samples even when each is slow (the race detector, a busy
	// machine); the range is the first half.
	f := recordFixture(t, "1.5s")
	all, _ := export(t, f)
	if len(all) < 4 {
		t.Fatalf("only %d samples recorded in 1.5 s", len(all))
	}
	some, _ := export(t, f, "--from", "0s", "--to", "700ms")
	if len(some) == 0 || some[0] == "" || len(some) >= len(all) {
		t.Errorf("range: %d of %d lines", len(some), len(all))
	}
	rows, _ := export(t, f, "--format", "csv")
	if len(rows) != len(all)+1 || !strings.HasPrefix(rows[0], "time,") || !strings.Contains(rows[0], "cpu.all.usr") {
		t.Errorf("csv: %d rows for %d samples, header %.80q", len(rows), len(all), rows[0])
	}
	anon, _ := export(t, f, "--anonymize")
	if strings.Contains(strings.Join(anon, ""), `"user":"root"`) {
		t.Error("--anonymize left a user name")
	}
}
