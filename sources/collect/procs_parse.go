package collect

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/ktop-dev/ktop/sources"
)

// pfKthread is PF_KTHREAD in stat field 9 (flags): the task is a kernel thread.
const pfKthread = 0x00200000

// isStateLetter reports whether b can be a task state of stat field 3: the kernel prints one
// ASCII letter (R, S, D, T, t, X, Z, P, I; older kernels also W, x, K). Anything else is not
// a stat line, and must not reach the screen (a control byte there is a terminal escape).
func isStateLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }

// ParseProcStat parses /proc/PID/stat into p (everything but PID and the strings) and returns
// the comm bytes, a sub-slice of b. comm may hold spaces, parentheses and newlines, so it is
// everything between the first '(' and the last ')'; the fields are counted after that ')'.
// Fields up to 22 (starttime) are required; later ones (39 processor, 42 blkio, 43 guest_time)
// are read when present, as older kernels print fewer.
func ParseProcStat(b []byte, p *sources.Proc) (comm []byte, err error) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return nil, errors.New("no (comm)")
	}
	comm = b[open+1 : end]
	rest := b[end+1:]
	field := 2 // the ')' closes field 2
	for len(rest) > 0 && field < 43 {
		i := 0
		for i < len(rest) && (rest[i] == ' ' || rest[i] == '\n') {
			i++
		}
		j := i
		for j < len(rest) && rest[j] != ' ' && rest[j] != '\n' {
			j++
		}
		if j == i {
			break
		}
		tok := rest[i:j]
		rest = rest[j:]
		field++
		var dst *uint64
		var v uint64
		switch field {
		case 3:
			if len(tok) != 1 || !isStateLetter(tok[0]) {
				return nil, fmt.Errorf("state %q", truncate(tok))
			}
			p.State = tok[0]
			continue
		case 4:
			if v, err = parseUint(tok); err != nil || v > 1<<31 {
				return nil, fmt.Errorf("ppid %q", tok)
			}
			p.PPID = int(v)
			continue
		case 9:
			if v, err = parseUint(tok); err != nil {
				return nil, fmt.Errorf("flags: %w", err)
			}
			p.Kernel = v&pfKthread != 0
			continue
		case 10:
			dst = &p.MinFlt
		case 12:
			dst = &p.MajFlt
		case 14:
			dst = &p.UTime
		case 15:
			dst = &p.STime
		case 19:
			// nice is the one signed field ktop reads: -20 … 19.
			neg := len(tok) > 1 && tok[0] == '-'
			if neg {
				tok = tok[1:]
			}
			if v, err = parseUint(tok); err != nil || v > 1<<31 {
				return nil, fmt.Errorf("nice %q", tok)
			}
			p.Nice = int32(v)
			if neg {
				p.Nice = -p.Nice
			}
			continue
		case 20:
			if v, err = parseUint(tok); err != nil || v > 1<<31 {
				return nil, fmt.Errorf("num_threads %q", tok)
			}
			p.Threads = uint32(v)
			continue
		case 22:
			dst = &p.StartTime
		case 39:
			if v, err = parseUint(tok); err != nil || v > 1<<31 {
				return nil, fmt.Errorf("processor %q", tok)
			}
			p.CPU = int32(v)
			continue
		case 42:
			dst = &p.BlkioTicks
		case 43:
			dst = &p.GuestTime
		default:
			continue
		}
		if *dst, err = parseUint(tok); err != nil {
			return nil, fmt.Errorf("field %d: %w", field, err)
		}
	}
	if field < 22 {
		return nil, fmt.Errorf("%d fields, want at least 22", field)
	}
	return comm, nil
}

// ProcStatus holds what ktop takes from /proc/PID/status (kB; UID is the real uid, the first
// Uid: column, as pidstat shows it). Kernel threads have no Vm*/Rss* lines: those stay 0.
type ProcStatus struct {
	UID                                    uint32
	RSSKB, AnonKB, FileKB, ShmemKB, SwapKB uint64
}

// ParseProcStatus parses the keys of /proc/PID/status that ktop uses; other keys are ignored.
// A status without a Uid line is malformed.
func ParseProcStatus(b []byte, st *ProcStatus) error {
	*st = ProcStatus{}
	seenUID := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		if len(line) < 4 {
			continue
		}
		var dst *uint64
		switch line[0] {
		case 'U':
			if !bytes.HasPrefix(line, []byte("Uid:")) {
				continue
			}
			v, err := firstUint(line[4:])
			if err != nil || v > 1<<32-1 {
				return fmt.Errorf("bad Uid line %q", line)
			}
			st.UID, seenUID = uint32(v), true
			continue
		case 'V':
			switch {
			case bytes.HasPrefix(line, []byte("VmRSS:")):
				dst = &st.RSSKB
			case bytes.HasPrefix(line, []byte("VmSwap:")):
				dst = &st.SwapKB
			default:
				continue
			}
		case 'R':
			switch {
			case bytes.HasPrefix(line, []byte("RssAnon:")):
				dst = &st.AnonKB
			case bytes.HasPrefix(line, []byte("RssFile:")):
				dst = &st.FileKB
			case bytes.HasPrefix(line, []byte("RssShmem:")):
				dst = &st.ShmemKB
			default:
				continue
			}
		default:
			continue
		}
		colon := bytes.IndexByte(line, ':')
		v, err := firstUint(line[colon+1:])
		if err != nil {
			return fmt.Errorf("%s %w", line[:colon+1], err)
		}
		*dst = v
	}
	if !seenUID {
		return errors.New("no Uid line")
	}
	return nil
}

// firstUint parses the first whitespace-separated token of b ("\t1912 kB" → 1912).
func firstUint(b []byte) (uint64, error) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	return parseUint(b[i:j])
}

// ProcStatm is /proc/PID/statm's resident and shared sizes, in pages: the cheap file that says
// whether status's memory lines changed (shared = RssFile + RssShmem, resident = VmRSS).
type ProcStatm struct {
	Resident, Shared uint64
}

// ParseProcStatm parses /proc/PID/statm: "size resident shared text lib data dt", in pages.
func ParseProcStatm(b []byte) (ProcStatm, error) {
	line, _ := nextLine(b)
	var buf [8][]byte
	f := fields(line, buf[:0])
	if len(f) != 7 {
		return ProcStatm{}, fmt.Errorf("%d fields, want 7", len(f))
	}
	var st ProcStatm
	var err error
	if st.Resident, err = parseUint(f[1]); err != nil {
		return ProcStatm{}, fmt.Errorf("resident: %w", err)
	}
	if st.Shared, err = parseUint(f[2]); err != nil {
		return ProcStatm{}, fmt.Errorf("shared: %w", err)
	}
	return st, nil
}

// ParseReclaim sums /proc/vmstat's page reclaim and swap counters (every pgscan*, pgsteal*,
// pswpin and pswpout line). While the sum does not move, the kernel unmapped no page of any
// process, so a process that did not run kept its resident and shared pages.
func ParseReclaim(b []byte) (uint64, error) {
	var sum uint64
	found := false
	var buf [3][]byte
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		if !bytes.HasPrefix(line, []byte("pgscan")) && !bytes.HasPrefix(line, []byte("pgsteal")) &&
			!bytes.HasPrefix(line, []byte("pswp")) {
			continue
		}
		f := fields(line, buf[:0])
		if len(f) != 2 {
			return 0, fmt.Errorf("malformed line %q", line)
		}
		v, err := parseUint(f[1])
		if err != nil {
			return 0, fmt.Errorf("%s: %w", f[0], err)
		}
		sum += v // a wrap would still change the sum
		found = true
	}
	if !found {
		return 0, errors.New("no pgscan, pgsteal or pswp counters")
	}
	return sum, nil
}

// ProcIO is /proc/PID/io's block-layer byte counters.
type ProcIO struct {
	ReadBytes, WriteBytes, CancelledWriteBytes uint64
}

// ParseProcIO parses /proc/PID/io; read_bytes and write_bytes are required
// (CONFIG_TASK_IO_ACCOUNTING), cancelled_write_bytes is read when present.
func ParseProcIO(b []byte, io *ProcIO) error {
	*io = ProcIO{}
	seen := 0
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		var dst *uint64
		switch string(line[:colon]) {
		case "read_bytes":
			dst = &io.ReadBytes
			seen++
		case "write_bytes":
			dst = &io.WriteBytes
			seen++
		case "cancelled_write_bytes":
			dst = &io.CancelledWriteBytes
		default:
			continue
		}
		v, err := firstUint(line[colon+1:])
		if err != nil {
			return fmt.Errorf("%s: %w", line[:colon], err)
		}
		*dst = v
	}
	if seen < 2 {
		return errors.New("no read_bytes/write_bytes")
	}
	return nil
}

// Cmdline turns /proc/PID/cmdline (NUL-separated arguments) into one sanitised line. An empty
// cmdline (kernel thread, zombie, process during exit) shows as "[comm]", as top does.
func Cmdline(b []byte, comm string) string {
	b = bytes.TrimRight(b, "\x00")
	if len(bytes.TrimSpace(b)) == 0 {
		return "[" + comm + "]"
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c == 0 {
			c = ' '
		}
		out[i] = c
	}
	return Sanitize(string(out))
}

// ParseHidepid returns the hidepid and gid options of the procfs mounted at mountPoint, from
// /proc/self/mountinfo (hide "" when absent or off; gid -1 when absent). Since Linux 5.8 the
// hidepid value may be a name (invisible, noaccess, ptraceable) as well as a number, and the
// options sit among the super options (older kernels: the mount options). When several procfs
// are stacked on the mount point, the last one is the one visible.
func ParseHidepid(mountinfo []byte, mountPoint string) (hide string, gid int) {
	var f [][]byte
	gid = -1
	for len(mountinfo) > 0 {
		var line []byte
		line, mountinfo = nextLine(mountinfo)
		f = fields(line, f)
		// id parent major:minor root mountpoint options [optional...] - fstype source superopts
		if len(f) < 10 || string(f[4]) != mountPoint {
			continue
		}
		sep := -1
		for i := 6; i < len(f); i++ {
			if string(f[i]) == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+3 >= len(f) || string(f[sep+1]) != "proc" {
			continue
		}
		hide, gid = "", -1
		for _, opts := range [][]byte{f[5], f[sep+3]} {
			for opt := range bytes.SplitSeq(opts, []byte(",")) {
				if v, ok := bytes.CutPrefix(opt, []byte("hidepid=")); ok && string(v) != "0" && string(v) != "off" {
					hide = string(v)
				}
				if v, ok := bytes.CutPrefix(opt, []byte("gid=")); ok {
					if n, err := parseUint(v); err == nil && n < 1<<32 {
						gid = int(n)
					}
				}
			}
		}
	}
	return hide, gid
}

// capSysPtrace is CAP_SYS_PTRACE's bit in the capability sets of /proc/PID/status.
const capSysPtrace = 19

// Creds is what decides whether hidepid hides anything from a reader: its effective
// capabilities and its groups, from its own /proc/self/status.
type Creds struct {
	CapEff uint64 // "CapEff:" bit mask
	FSGid  int    // "Gid:" fourth field, the file-system gid the kernel's group check uses
	Groups []int  // "Groups:", the supplementary groups
}

// ParseCreds reads CapEff, Gid and Groups from a /proc/PID/status; CapEff is required.
func ParseCreds(b []byte) (Creds, error) {
	c := Creds{FSGid: -1}
	var f [][]byte
	capOK := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		f = fields(line, f)
		if len(f) == 0 {
			continue
		}
		switch string(f[0]) {
		case "CapEff:":
			if len(f) < 2 || len(f[1]) == 0 || len(f[1]) > 16 {
				return c, fmt.Errorf("bad CapEff line %q", truncate(line))
			}
			var v uint64
			for _, d := range f[1] {
				switch {
				case d >= '0' && d <= '9':
					v = v<<4 | uint64(d-'0')
				case d >= 'a' && d <= 'f':
					v = v<<4 | uint64(d-'a'+10)
				default:
					return c, fmt.Errorf("bad CapEff %q", truncate(f[1]))
				}
			}
			c.CapEff, capOK = v, true
		case "Gid:":
			if len(f) >= 5 {
				if n, err := parseUint(f[4]); err == nil && n < 1<<32 {
					c.FSGid = int(n)
				}
			}
		case "Groups:":
			c.Groups = c.Groups[:0]
			for _, g := range f[1:] {
				if n, err := parseUint(g); err == nil && n < 1<<32 {
					c.Groups = append(c.Groups, int(n))
				}
			}
		}
	}
	if !capOK {
		return c, errors.New("no CapEff line")
	}
	return c, nil
}

// SeesAll reports whether a reader with these credentials passes the kernel's hidepid check
// (fs/proc/base.c has_pid_permissions) for every process: a member of the mount's gid= group
// does, and so does a holder of CAP_SYS_PTRACE, which passes every ptrace read check
// (kernel/ptrace.c __ptrace_may_access). Root without CAP_SYS_PTRACE (a container's default)
// sees only processes of its own uid.
func (c Creds) SeesAll(mountGid int) bool {
	if c.CapEff&(1<<capSysPtrace) != 0 {
		return true
	}
	return mountGid >= 0 && (c.FSGid == mountGid || slices.Contains(c.Groups, mountGid))
}
