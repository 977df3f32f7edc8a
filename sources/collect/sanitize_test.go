package collect

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"kworker/0:1H-kblockd", "kworker/0:1H-kblockd"},
		{"café ✓ 日本", "café ✓ 日本"},
		{"\x1b[31mred\x1b[0m", "?[31mred?[0m"},
		{"a\tb\nc\rd", "a?b?c?d"},
		{"del\x7f", "del?"},
		{"c1 csi \u009b2J", "c1 csi ?2J"},          // U+009B, the 8-bit CSI, as UTF-8
		{"raw csi \x9b2J", "raw csi ?2J"},          // the bare byte: invalid UTF-8
		{"bad \xff\xfe utf8", "bad ?? utf8"},       // each invalid byte becomes one '?'
		{"line\u2028sep\u2029par", "line?sep?par"}, // Unicode line/paragraph separators
		{"ok \ufffd kept", "ok \ufffd kept"},       // a real U+FFFD is valid text
	} {
		if have := Sanitize(tc.in); have != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, have, tc.want)
		}
	}
}

func TestSanitizeCleanDoesNotAllocate(t *testing.T) {
	s := "systemd-journald"
	if n := testing.AllocsPerRun(100, func() { _ = Sanitize(s) }); n != 0 {
		t.Errorf("clean ASCII allocated %v times", n)
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add("\x1b[31mred")
	f.Add("café\x9b\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", s, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("control %U left in %q", r, out)
			}
		}
	})
}
