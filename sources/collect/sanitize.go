package collect

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize makes text from the kernel or from processes (comm, cmdline, kmsg) safe for a
// terminal: control characters (ESC included) and invalid UTF-8 become '?', so no escape
// sequence ever reaches the screen raw.
func Sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if r == utf8.RuneError && n <= 1 || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			b.WriteByte('?')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
