package views

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

func TestNum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    derive.Val
		prec int
		want string
	}{
		{derive.None, 1, "—"},
		{derive.Some(0), 1, "0.0"},
		{derive.Some(12.345), 2, "12.35"},
		{derive.Some(3), 0, "3"},
	}
	for _, tc := range tests {
		if have := Num(tc.v, tc.prec); have != tc.want {
			t.Errorf("Num(%v, %d) = %q, want %q", tc.v, tc.prec, have, tc.want)
		}
	}
}

func TestKB(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kb   uint64
		want string
	}{
		{0, "0K"},
		{1023, "1023K"},
		{1024, "1.0M"},
		{1536, "1.5M"},
		{10 * 1024, "10M"},
		{24 * 1024 * 1024, "24G"},
		{3 * 1024 * 1024 * 1024, "3.0T"},
	}
	for _, tc := range tests {
		if have := KB(tc.kb); have != tc.want {
			t.Errorf("KB(%d) = %q, want %q", tc.kb, have, tc.want)
		}
	}
}

func TestUptime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    derive.Val
		want string
	}{
		{derive.None, "—"},
		{derive.Some(59), "00:00"},
		{derive.Some(3600 + 120), "01:02"},
		{derive.Some(3*86400 + 4*3600 + 12*60 + 5), "3d 04:12"},
	}
	for _, tc := range tests {
		if have := Uptime(tc.v); have != tc.want {
			t.Errorf("Uptime(%v) = %q, want %q", tc.v, have, tc.want)
		}
	}
}

func TestNotOK(t *testing.T) {
	t.Parallel()
	f := &derive.Frame{Status: map[string]sources.Status{
		"a": {State: sources.OK},
		"b": {State: sources.Unavailable, Reason: "open /proc/b: permission denied"},
		"c": {State: sources.Failed},
	}}
	tests := []struct {
		src  string
		want string
		bad  bool
	}{
		{"a", "", false},
		{"b", "n/a: open /proc/b: permission denied", true},
		{"c", "n/a: failed", true},
		{"never-asked", "", false},
	}
	for _, tc := range tests {
		have, bad := NotOK(f, tc.src)
		if have != tc.want || bad != tc.bad {
			t.Errorf("NotOK(%q) = %q, %v; want %q, %v", tc.src, have, bad, tc.want, tc.bad)
		}
	}
	if _, bad := NotOK(nil, "a"); bad {
		t.Error("NotOK(nil frame) reported a bad source")
	}
}

func TestFitAndBlock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"\x1b[1mabcdef\x1b[0m", 4, "abc…"},
		{"—", 2, "— "},
		{"abc", 0, ""},
	} {
		have := Fit(tc.s, tc.w)
		if ansi.Strip(have) != tc.want || ansi.StringWidth(have) != max(tc.w, 0) {
			t.Errorf("Fit(%q, %d) = %q, want %q", tc.s, tc.w, have, tc.want)
		}
	}
	b := Block([]string{"one", "two", "three"}, 4, 2)
	if want := "one \ntwo "; b != want {
		t.Errorf("Block cut = %q, want %q", b, want)
	}
	b = Block([]string{"x"}, 3, 3)
	if lines := strings.Split(b, "\n"); len(lines) != 3 || lines[2] != "   " {
		t.Errorf("Block pad = %q", b)
	}
	if Block([]string{"x"}, 3, 0) != "" {
		t.Error("Block of height 0 is not empty")
	}
	// Lines cut to the width are cut in a copy: the caller keeps its lines (panels keep
	// theirs and lay them out again at another width).
	in := []string{"\x1b[1mlonger than four\x1b[0m", "ok", "wider"}
	keep := slices.Clone(in)
	if want, have := "lon…\nok  \nwid…\n    ", ansi.Strip(Block(in, 4, 4)); want != have {
		t.Errorf("Block = %q, want %q", have, want)
	}
	if !slices.Equal(in, keep) {
		t.Errorf("Block changed its lines: %q, were %q", in, keep)
	}
	for _, w := range []int{0, -1} {
		if want, have := "\n", Block([]string{"abc", ""}, w, 2); want != have {
			t.Errorf("Block at width %d = %q, want %q", w, have, want)
		}
	}
}

func TestShort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {0.5, "0.5"}, {3, "3"}, {12, "12"}, {340, "340"}, {999.4, "999"},
		{999.6, "1.0k"}, {1234, "1.2k"}, {45678, "46k"}, {3.4e6, "3.4M"}, {-1500, "-1.5k"},
	} {
		if have := Short(tc.in); have != tc.want {
			t.Errorf("Short(%v) = %q, want %q", tc.in, have, tc.want)
		}
	}
	if have := ShortVal(derive.None); have != Missing {
		t.Errorf("ShortVal(None) = %q", have)
	}
}

func TestFlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		items []string
		w     int
		want  []string
	}{
		{[]string{"runq 3", "blk 0", "load 1.00"}, 40, []string{"runq 3  blk 0  load 1.00"}},
		{[]string{"runq 3", "blk 0", "load 1.00"}, 13, []string{"runq 3  blk 0", "load 1.00"}},
		{[]string{"runq 3", "blk 0", "load 1.00"}, 5, []string{"runq…", "blk 0", "load…"}},
		{nil, 10, nil},
	}
	for _, tc := range tests {
		have := Flow(tc.items, tc.w)
		if strings.Join(have, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Flow(%q, %d) = %q, want %q", tc.items, tc.w, have, tc.want)
		}
	}
}
