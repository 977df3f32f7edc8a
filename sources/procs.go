package sources

import "time"

// SrcSmaps is the smaps_rollup reader (metrics-spec §2.10.4); the procs collector runs it at the
// end of its pass and records its Status under this name.
const SrcSmaps = "smaps"

// SmapsDenied is Proc.SmapsSkip for a process whose smaps_rollup was refused (EACCES/EPERM:
// another user's, read without CAP_SYS_PTRACE); derive counts them for the process summary.
const SmapsDenied = "needs CAP_SYS_PTRACE or same user"

// ProcTable is one pass over /proc/PID: raw cumulative counters of every visible process, keyed
// by (PID, StartTime). Strings (comm, cmdline, user) and SmapsRollup values are shared with
// earlier tables when unchanged, so holding many tables in History costs little beyond the
// numbers.
type ProcTable struct {
	At     time.Time `json:"at"`       // time.Now() before the pass began
	Uptime float64   `json:"uptime_s"` // /proc/uptime at the pass: places StartTime on the same clock
	Procs  []Proc    `json:"procs"`    // sorted by PID

	ScanTime  time.Duration `json:"scan_ns"`  // wall time of the pass, smaps_rollup read included
	SmapsTime time.Duration `json:"smaps_ns"` // wall time of this pass's smaps_rollup read (at most one)
	IODenied  int           `json:"io_denied"`
	// Notes are reasons the table is incomplete ("hidepid=invisible: ..."), for the panel's header.
	Notes []string `json:"notes,omitempty"`
}

// Proc is one process. Times are USER_HZ ticks, memory kB, I/O bytes, all cumulative.
type Proc struct {
	PID       int    `json:"pid" record:"key"`
	StartTime uint64 `json:"start" record:"key"` // stat 22: ticks after boot; with PID the identity (a change is PID reuse)
	// AtUs is when stat was read, in µs after ProcTable.At: a pass over thousands of processes
	// on a busy machine takes long enough that one timestamp per table would skew rates.
	AtUs    uint32 `json:"at_us"`
	PPID    int    `json:"ppid"`
	State   byte   `json:"state"` // stat 3: R S D Z T t X I ...
	Kernel  bool   `json:"kthread,omitempty"`
	Comm    string `json:"comm"`    // sanitised
	Cmdline string `json:"cmdline"` // sanitised, NULs as spaces; "[comm]" when empty (kernel thread, zombie)
	UID     uint32 `json:"uid"`     // real uid (status Uid: first column, as pidstat)
	User    string `json:"user"`

	UTime, STime, GuestTime uint64 // stat 14, 15, 43; utime includes guest_time
	MinFlt, MajFlt          uint64 // stat 10, 12
	BlkioTicks              uint64 // stat 42 delayacct_blkio_ticks (0 unless task_delayacct=1)
	Threads                 uint32 // stat 20
	CPU                     int32  // stat 39: CPU it last ran on
	Nice                    int32  // stat 19: -20 … 19

	// RunDelayNs is schedstat field 2 (time spent runnable, waiting for a CPU) summed over the
	// process's live threads (the PID-level file covers the leader only); HasSched is false
	// without CONFIG_SCHED_INFO. Field 1, the run time in ns, is not kept: %CPU comes from
	// utime and stime as top and pidstat compute it, and the field was 11 % of a recording
	// at ~100 processes (a running process's ns counter does not compress).
	RunDelayNs uint64
	HasSched   bool

	// From status; HasStatus is false when it could not be read.
	RSSKB, AnonKB, FileKB, ShmemKB, SwapKB uint64
	HasStatus                              bool

	// From io (needs PTRACE_MODE_READ): IOState says whether the numbers are real.
	ReadBytes, WriteBytes, CancelledWriteBytes uint64
	IOState                                    ProcIOState

	// Smaps is the latest smaps_rollup read of this process (carried forward between reads, with
	// its own At), nil if never read. SmapsSkip says why it is not (being) read.
	Smaps     *SmapsRollup `json:"smaps,omitempty"`
	SmapsSkip string       `json:"smaps_skip,omitempty"`
}

// ProcIOState says whether /proc/PID/io was read.
type ProcIOState uint8

const (
	IOOK      ProcIOState = iota // read
	IODenied                     // EACCES: another user's process (mode 0400 and a ptrace check: CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE)
	IOMissing                    // no such file (kernel without TASK_IO_ACCOUNTING) or unreadable
)

// SmapsRollup is one read of /proc/PID/smaps_rollup, in kB. It is immutable once made.
type SmapsRollup struct {
	At  time.Time     `json:"at"`
	Dur time.Duration `json:"dur_ns"` // wall time of the read: roughly how long the target's mmap lock was held

	Rss, Pss, PssAnon, PssFile, PssShmem, PssDirty uint64
	SharedClean, SharedDirty                       uint64
	PrivateClean, PrivateDirty, PrivateHugetlb     uint64
	Swap, SwapPss, Locked                          uint64
}

// USS is the memory only this process maps: Private_Clean + Private_Dirty (metrics-spec §2.10.1).
// Private_Hugetlb is left out, as hugetlbfs pages are also outside Rss and Pss.
func (s *SmapsRollup) USS() uint64 { return s.PrivateClean + s.PrivateDirty }
