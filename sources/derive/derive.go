package derive

import (
	"maps"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ktop-dev/ktop/sources"
)

// section fills one part of a Frame from two snapshots. prev is nil for the first sample.
type section func(prev, cur *sources.Snapshot, f *Frame)

// sections run in registration order; each file adds its own in init, so a new source is one
// new file and no shared switch.
var sections []section

func register(s section) { sections = append(sections, s) }

// Derive computes the Frame of cur against prev. prev may be nil (first sample): the Frame then
// has instantaneous values and missing rates.
func Derive(prev, cur *sources.Snapshot) *Frame {
	f := &Frame{Seq: cur.Seq, Time: cur.Time, Status: printableStatus(cur.Status)}
	if prev != nil {
		if dt := cur.Time.Sub(prev.Time).Seconds(); dt > 0 {
			f.Interval = Some(dt)
		}
	}
	for _, s := range sections {
		s(prev, cur, f)
	}
	return f
}

func itoa(i int) string { return strconv.Itoa(i) }

// printableStatus returns the statuses with reasons safe for a terminal. A parse error quotes
// the token it could not read, so a damaged or hostile file can put escape sequences into a
// reason; the map is copied only when one needs cleaning, as Frames share it otherwise.
func printableStatus(m map[string]sources.Status) map[string]sources.Status {
	var out map[string]sources.Status
	for name, st := range m {
		if r := printable(st.Reason); r != st.Reason {
			if out == nil {
				out = maps.Clone(m)
			}
			st.Reason = r
			out[name] = st
		}
	}
	if out == nil {
		return m
	}
	return out
}

// printable replaces control characters (ESC included), line separators and invalid UTF-8
// with '?', as collect.Sanitize does for the text collectors read (derive does not import the
// collectors).
func printable(s string) string {
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
