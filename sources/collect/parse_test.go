package collect

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// fixture reads a file below testdata/ (parts joined), failing the test when it is missing.
func fixture(tb testing.TB, parts ...string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// fixtureFS is the FS of one fixture tree, such as fixtureFS("16cpu", "a").
func fixtureFS(parts ...string) FS {
	root := filepath.Join(append([]string{"testdata"}, parts...)...)
	return FS{Proc: filepath.Join(root, "proc"), Sys: filepath.Join(root, "sys"), Dev: filepath.Join(root, "dev")}
}

func TestParseUint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{"0", 0, false},
		{"42", 42, false},
		{"18446744073709551615", 1<<64 - 1, false},
		{"18446744073709551616", 0, true}, // one past uint64
		{"99999999999999999999", 0, true},
		{"", 0, true},
		{"-1", 0, true},
		{"+1", 0, true},
		{"1.5", 0, true},
		{"12a", 0, true},
		{" 1", 0, true},
	} {
		have, err := parseUint([]byte(tc.in))
		if (err != nil) != tc.wantErr || have != tc.want {
			t.Errorf("parseUint(%q) = %d, %v; want %d, error %v", tc.in, have, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseFloat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{"0.15", 0.15, false},
		{"12345.67", 12345.67, false},
		{"7", 7, false},
		{"3.", 3, false},
		// The kernel prints only plain decimals; everything below must be refused, NaN and
		// Inf above all, since they would make the JSON export fail.
		{"NaN", 0, true},
		{"nan", 0, true},
		{"Inf", 0, true},
		{"+Inf", 0, true},
		{"1e3", 0, true},
		{"0x1p3", 0, true},
		{"-1.0", 0, true},
		{".5", 0, true},
		{"1.2.3", 0, true},
		{"1_0", 0, true},
		{"", 0, true},
		{strings.Repeat("9", 400), 0, true}, // overflows to +Inf
	} {
		have, err := parseFloat([]byte(tc.in))
		if (err != nil) != tc.wantErr || have != tc.want {
			t.Errorf("parseFloat(%q) = %v, %v; want %v, error %v", tc.in, have, err, tc.want, tc.wantErr)
		}
	}
}

func TestFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   \t ", nil},
		{"a", []string{"a"}},
		{"cpu  1 2\t3", []string{"cpu", "1", "2", "3"}},
		{"  lead and trail  ", []string{"lead", "and", "trail"}},
	} {
		var have []string
		for _, f := range fields([]byte(tc.in), nil) {
			have = append(have, string(f))
		}
		if !slices.Equal(have, tc.want) {
			t.Errorf("fields(%q) = %q, want %q", tc.in, have, tc.want)
		}
	}
}

func TestFieldsReusesDst(t *testing.T) {
	t.Parallel()
	dst := fields([]byte("a b c d"), nil)
	again := fields([]byte("x y"), dst)
	if len(again) != 2 || &again[0] != &dst[0] {
		t.Errorf("fields did not reuse its destination: len %d", len(again))
	}
}

func TestNextLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, line, rest string }{
		{"", "", ""},
		{"one", "one", ""},
		{"one\n", "one", ""},
		{"one\ntwo\n", "one", "two\n"},
		{"\nx", "", "x"},
	} {
		line, rest := nextLine([]byte(tc.in))
		if string(line) != tc.line || string(rest) != tc.rest {
			t.Errorf("nextLine(%q) = %q, %q; want %q, %q", tc.in, line, rest, tc.line, tc.rest)
		}
	}
}

func TestNames(t *testing.T) { // not parallel: AllocsPerRun
	var nm names
	a := nm.of([]byte("pgfault"))
	b := nm.of([]byte("pgfault"))
	if a != "pgfault" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Errorf("want one interned %q, have %q and %q at two addresses", "pgfault", a, b)
	}
	if allocs := testing.AllocsPerRun(100, func() { nm.of([]byte("pgfault")) }); allocs != 0 {
		t.Errorf("a known name: want no allocation, have %v", allocs)
	}
	for i := range maxNames + 10 {
		nm.of(strconv.AppendInt(nil, int64(i), 10))
	}
	if len(nm.m) > maxNames {
		t.Errorf("want at most %d names kept, have %d", maxNames, len(nm.m))
	}
	var none *names
	if have := none.of([]byte("x")); have != "x" {
		t.Errorf("nil table: want %q, have %q", "x", have)
	}
}
