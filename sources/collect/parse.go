package collect

import (
	"bytes"
	"fmt"
	"strconv"
)

// nextLine splits off the first line of b (without '\n').
func nextLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// parseUint parses a decimal unsigned integer without allocating.
func parseUint(b []byte) (uint64, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("empty number")
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("invalid number %q", b)
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, fmt.Errorf("number %q overflows uint64", b)
		}
		n = n*10 + d
	}
	return n, nil
}

// parseFloat parses a plain decimal such as "0.15" or "12345.67", the only form the kernel
// prints. strconv alone would also take "NaN", "Inf" and hex floats, and a NaN that reached a
// Frame would make its JSON encoding fail.
func parseFloat(b []byte) (float64, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("empty number")
	}
	dot := false
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return 0, fmt.Errorf("invalid decimal %q", b)
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, fmt.Errorf("invalid decimal %q", b)
	}
	return v, nil
}

// fields splits b at runs of spaces and tabs into dst (reused) without allocating strings.
func fields(b []byte, dst [][]byte) [][]byte {
	dst = dst[:0]
	i := 0
	for i < len(b) {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\t' {
			j++
		}
		if j > i {
			dst = append(dst, b[i:j])
		}
		i = j
	}
	return dst
}

// maxNames bounds a names table: kernel files name a few hundred counters at most, and a
// damaged file must not grow the table without end.
const maxNames = 4096

// names interns the counter names of a file read every pass (/proc/vmstat's keys, the SNMP
// headers): the same names come back each time, and looking one up by its bytes does not
// allocate where making it a string again would (vmstat alone has ~180 a pass). A nil *names
// makes a new string each time.
type names struct{ m map[string]string }

func (n *names) of(b []byte) string {
	if n == nil {
		return string(b)
	}
	if s, ok := n.m[string(b)]; ok {
		return s
	}
	if n.m == nil || len(n.m) >= maxNames {
		n.m = make(map[string]string)
	}
	s := string(b)
	n.m[s] = s
	return s
}

// appendJoined appends tokens joined by single spaces to dst: the kernel pads descriptions
// into columns, and the padding carries no meaning.
func appendJoined(dst []byte, f [][]byte) []byte {
	for i, t := range f {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, t...)
	}
	return dst
}

// countChunks hands out the per-row count slices of one pass (interrupts, softirqs) from one
// allocation sized by the previous pass, instead of one allocation per row. The slices are
// kept by the Snapshot, so a pass never reuses the previous pass's chunk: begin drops it.
// Each slice is capped at its length, so that an append to one row cannot overwrite the next.
type countChunks struct {
	free []uint64
	used int // counts handed out since begin
	hint int // counts the previous pass used
}

// begin starts a pass.
func (c *countChunks) begin() {
	if c.used > 0 {
		c.hint = c.used
	}
	c.free, c.used = nil, 0
}

// take returns n zeroed counts.
func (c *countChunks) take(n int) []uint64 {
	if len(c.free) < n {
		size := c.hint - c.used
		if size < n {
			size = 8 * n // more rows than the pass before (or the first pass)
		}
		c.free = make([]uint64, size)
	}
	s := c.free[:n:n]
	c.free = c.free[n:]
	c.used += n
	return s
}
