package procs

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// row is one line of the list: a process, or (H) one of its threads.
type row struct {
	p  *derive.Proc
	t  *derive.Thread // a thread of p; nil on process rows
	id sources.ProcID
	// tree drawing put before the command, and whether the subtree is folded.
	prefix string
	folded bool
	kids   bool
}

// tid is the thread's ID on a thread row, 0 on a process row.
func (r *row) tid() int {
	if r.t != nil {
		return r.t.TID
	}
	return 0
}

// view is how the list is cut and ordered: everything the user chose.
type view struct {
	sort       colID
	invert     bool // I: against the column's natural order (ascending for PID and text)
	filter     string
	user       string // "" = everyone
	hideKernel bool
	tree       bool
	folded     map[sources.ProcID]bool
	threads    map[sources.ProcID][]derive.Thread // H: rated threads of multi-threaded processes
}

// idOf is a process's identity.
func idOf(p *derive.Proc) sources.ProcID { return sources.ProcID{PID: p.PID, Start: p.Start} }

// matches applies the filters: kernel threads, user, and a case-insensitive substring of the
// command name, command line or user.
func (v *view) matches(p *derive.Proc) bool {
	if v.hideKernel && p.Kernel {
		return false
	}
	if v.user != "" && p.User != v.user {
		return false
	}
	if v.filter == "" {
		return true
	}
	f := strings.ToLower(v.filter)
	return containsFold(p.Comm, f) || containsFold(p.Cmdline, f) || containsFold(p.User, f)
}

// containsFold reports whether s contains lower (already lower case), ignoring case.
func containsFold(s, lower string) bool {
	return strings.Contains(strings.ToLower(s), lower)
}

// ascending is the sort direction: the column's natural one unless inverted.
func (v *view) ascending() bool { return columns[v.sort].asc != v.invert }

// compare orders two processes by the sort column; missing values go last in either order,
// and PID breaks ties so the order is stable between frames.
func (v *view) compare(a, b *derive.Proc) int {
	c := columns[v.sort]
	var r int
	switch {
	case c.num != nil:
		x, y := c.num(a), c.num(b)
		if x.OK != y.OK {
			if x.OK {
				return -1
			}
			return 1
		}
		r = cmp.Compare(x.V, y.V)
	case c.str != nil:
		r = cmp.Compare(strings.ToLower(c.str(a)), strings.ToLower(c.str(b)))
	}
	if !v.ascending() {
		r = -r
	}
	if r == 0 {
		r = cmp.Compare(a.PID, b.PID)
	}
	return r
}

// compareThreads orders threads by the sort column when threads have it, else by TID.
func (v *view) compareThreads(a, b *derive.Thread) int {
	c := columns[v.sort]
	if c.tnum != nil {
		x, y := c.tnum(a), c.tnum(b)
		if x.OK != y.OK {
			if x.OK {
				return -1
			}
			return 1
		}
		if r := cmp.Compare(x.V, y.V); r != 0 {
			if !v.ascending() {
				return -r
			}
			return r
		}
	}
	return cmp.Compare(a.TID, b.TID)
}

// build makes the rows of frame f's processes under v.
func (v *view) build(procs []derive.Proc) []row {
	sel := make([]*derive.Proc, 0, len(procs))
	for i := range procs {
		if v.matches(&procs[i]) {
			sel = append(sel, &procs[i])
		}
	}
	slices.SortFunc(sel, v.compare)
	rows := make([]row, 0, len(sel))
	if !v.tree {
		for _, p := range sel {
			rows = v.appendProc(rows, p, "", "")
		}
		return rows
	}
	// Tree: children under their parent, siblings in sort order; a process whose parent is
	// not listed (filtered out, or PID 0's children) is a root.
	listed := make(map[int]bool, len(sel))
	for _, p := range sel {
		listed[p.PID] = true
	}
	kids := make(map[int][]*derive.Proc)
	var roots []*derive.Proc
	for _, p := range sel {
		if p.PPID != p.PID && listed[p.PPID] {
			kids[p.PPID] = append(kids[p.PPID], p)
		} else {
			roots = append(roots, p)
		}
	}
	seen := make(map[int]bool, len(sel))
	var walk func(p *derive.Proc, lead, indent string)
	walk = func(p *derive.Proc, lead, indent string) {
		if seen[p.PID] {
			return // a PPID loop cannot happen in the kernel; a torn read could show one
		}
		seen[p.PID] = true
		ks := kids[p.PID]
		n := len(rows)
		rows = v.appendProc(rows, p, lead, indent)
		rows[n].kids = len(ks) > 0
		if rows[n].kids && v.folded[idOf(p)] {
			rows[n].folded = true
			return
		}
		for i, k := range ks {
			if i == len(ks)-1 {
				walk(k, indent+"└─ ", indent+"   ")
			} else {
				walk(k, indent+"├─ ", indent+"│  ")
			}
		}
	}
	for _, r := range roots {
		walk(r, "", "")
	}
	return rows
}

// appendProc adds p and, in thread mode, its threads below it.
func (v *view) appendProc(rows []row, p *derive.Proc, lead, indent string) []row {
	rows = append(rows, row{p: p, id: idOf(p), prefix: lead})
	ts := v.threads[idOf(p)]
	if len(ts) == 0 {
		return rows
	}
	sorted := make([]*derive.Thread, len(ts))
	for i := range ts {
		sorted[i] = &ts[i]
	}
	slices.SortFunc(sorted, v.compareThreads)
	for i, t := range sorted {
		glyph := "├ "
		if i == len(sorted)-1 {
			glyph = "└ "
		}
		rows = append(rows, row{p: p, t: t, id: idOf(p), prefix: indent + glyph})
	}
	return rows
}

// clean replaces control characters (escape sequences, newlines, C1 codes, line separators)
// with '?': names and command lines come from users, and the collector's sanitising is not
// the view's only defence.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if (r == utf8.RuneError && n <= 1) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			b.WriteByte('?')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
