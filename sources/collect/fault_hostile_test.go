package collect_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/collect/collecttest"
)

// hostileNames are process names a user can choose (prctl(PR_SET_NAME), argv[0] of an exec):
// spaces and parentheses that a naive stat parser splits on, line breaks, and escape sequences
// that would recolour the screen, set the window title or clear it if they reached the terminal.
var hostileNames = []string{
	"a b c",
	"x) (y",
	")",
	"((",
	"a\nb",
	"\x1b[31mred",
	"\x1b]0;title\x07",
	"\x1b[2J\x1b[H",
	"\x9b31m",               // C1 CSI as a raw byte (invalid UTF-8)
	"\u009b31m",             // C1 CSI in UTF-8
	"line\u2028sep",         // Unicode line separator
	"tab\there\r",           // TAB, CR
	"",                      // an empty comm
	strings.Repeat("z", 64), // longer than TASK_COMM_LEN
}

// hostileProc writes a copy of the real process dir src as pid, with comm (stat field 2 and
// status Name) and the command line replaced.
func hostileProc(tb testing.TB, proc, src string, pid int, comm string, argv []string) {
	tb.Helper()
	dst := filepath.Join(proc, strconv.Itoa(pid))
	collecttest.CopyTree(tb, filepath.Join(proc, src), dst)
	st, err := os.ReadFile(filepath.Join(dst, "stat"))
	if err != nil {
		tb.Fatal(err)
	}
	// The kernel prints "pid (comm) state ..." with comm unescaped; the rest stays real.
	st = append([]byte(strconv.Itoa(pid)+" ("+comm), st[bytes.LastIndexByte(st, ')'):]...)
	writeFile(tb, filepath.Join(dst, "stat"), st)
	status, err := os.ReadFile(filepath.Join(dst, "status"))
	if err != nil {
		tb.Fatal(err)
	}
	if i := bytes.IndexByte(status, '\n'); i >= 0 && bytes.HasPrefix(status, []byte("Name:")) {
		status = append([]byte("Name:\t"+comm), status[i:]...)
	}
	writeFile(tb, filepath.Join(dst, "status"), status)
	writeFile(tb, filepath.Join(dst, "cmdline"), []byte(strings.Join(argv, "\x00")+"\x00"))
}

// TestHostileText puts hostile names into process comm and command lines and into kernel log
// records (the kernel escapes non-printable bytes of a record as \xNN, which the parser
// decodes; a damaged ring may hold them raw), and checks that each process is still parsed
// with its real fields, and that no string of the Frame carries a control character.
func TestHostileText(t *testing.T) {
	t.Parallel()
	root := fullRoot(t, "b", true)
	realStat := func(pid string) *sources.Proc {
		s := snapshotAt(t, root, time.Unix(1_700_000_000, 0), "real")
		for i := range s.Procs.Procs {
			if p := &s.Procs.Procs[i]; strconv.Itoa(p.PID) == pid {
				return p
			}
		}
		t.Fatalf("no process %s in the fixture", pid)
		return nil
	}
	want := realStat("411")
	pids := map[int]string{}
	for i, name := range hostileNames {
		pid := 50_000 + i
		pids[pid] = name
		hostileProc(t, root.Proc, "411", pid, name, []string{name, "-c", "echo " + name, "\x1b]52;c;cm0gLXJmIC8K\x07"})
	}
	// Kernel log: one record with an escaped comm, the form the kernel writes, and one raw
	// (a damaged copy of the real ring), each with a dictionary line.
	kmsg, err := os.ReadFile(filepath.Join(root.Dev, "kmsg"))
	if err != nil {
		t.Fatal(err)
	}
	kmsg = append(kmsg, []byte("3,346,523276000,-;\\x1b]0;pwned\\x07segv[1]: segfault at 0 ip 0 sp 0 error 4 in \\x1b[2J\\x9b\n"+
		" SUBSYSTEM=\\x1b[31mred\n"+
		"3,347,523276001,-;\x1b[31mraw\x07 escape \x9b in a damaged ring\n"+
		" DEVICE=\x1b]0;t\x07\n")...)
	writeFile(t, filepath.Join(root.Dev, "kmsg"), kmsg)

	t0 := time.Unix(1_700_000_000, 0)
	prev := snapshotAt(t, fullRoot(t, "a", true), t0, "a")
	cur := snapshotAt(t, root, t0.Add(time.Second), "hostile")
	for name, st := range cur.Status {
		if st.State != sources.OK {
			t.Errorf("%s: %s %s", name, st.State, st.Reason)
		}
	}
	f := deriveChecked(t, prev, cur, "hostile")
	deriveChecked(t, nil, cur, "hostile (first sample)")

	seen := map[int]bool{}
	for _, p := range cur.Procs.Procs {
		name, ok := pids[p.PID]
		if !ok {
			continue
		}
		seen[p.PID] = true
		if want, have := collect.Sanitize(name), p.Comm; want != have {
			t.Errorf("pid %d: comm want %q, have %q", p.PID, want, have)
		}
		// The fields after the comm must be the real process's: the parser found the last ')'.
		if p.PPID != want.PPID || p.State != want.State || p.UTime != want.UTime || p.StartTime != want.StartTime {
			t.Errorf("pid %d (%q): ppid %d state %c utime %d start %d, want %d %c %d %d",
				p.PID, name, p.PPID, p.State, p.UTime, p.StartTime, want.PPID, want.State, want.UTime, want.StartTime)
		}
	}
	for pid, name := range pids {
		if !seen[pid] {
			t.Errorf("pid %d (comm %q) was dropped", pid, name)
		}
	}
	var texts []string
	if f.Kmsg != nil {
		for _, r := range f.Kmsg.Records {
			if r.Seq >= 346 {
				texts = append(texts, r.Text)
			}
		}
	}
	if len(texts) != 2 {
		t.Errorf("want the 2 hostile kernel log records in the frame, have %q", texts)
	}
}
