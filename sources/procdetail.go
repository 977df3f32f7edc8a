package sources

import (
	"errors"
	"time"
)

// ProcID is a process's identity: a PID with a different starttime is another process.
type ProcID struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"` // stat 22, ticks after boot
}

// ThreadStat is one thread's /proc/PID/task/TID/stat and schedstat, raw and cumulative.
type ThreadStat struct {
	TID          int    `json:"tid"`
	Start        uint64 `json:"start"` // stat 22: with TID the thread's identity
	Comm         string `json:"comm"`  // sanitised
	State        byte   `json:"state"`
	CPU          int32  `json:"cpu"` // last ran on
	Nice         int32  `json:"nice"`
	UTime, STime uint64 // ticks
	RunDelayNs   uint64 // schedstat field 2
	HasSched     bool
}

// ThreadSet is the threads of one process read at one time, sorted by TID.
type ThreadSet struct {
	At      time.Time    `json:"at"`
	Threads []ThreadStat `json:"threads"`
}

// ThreadTable is an on-demand read of the threads of some processes (the UI's thread view):
// the periodic pass reads no per-thread stat, so this costs only while someone looks.
type ThreadTable struct {
	At    time.Time             `json:"at"`
	Took  time.Duration         `json:"took_ns"` // wall time of the whole read
	Count int                   `json:"count"`   // threads read
	Procs map[ProcID]*ThreadSet `json:"-"`
}

// ProcMem is the memory lines of /proc/PID/status, in kB. Kernel threads have none.
type ProcMem struct {
	VmPeak, VmSize, VmLck, VmPin, VmHWM, VmRSS uint64
	RssAnon, RssFile, RssShmem                 uint64
	VmData, VmStk, VmExe, VmLib, VmPTE, VmSwap uint64
}

// ProcDetail is a one-shot read of one process for the detail view. Each part that could not
// be read leaves its value empty and says why in its Note (a permission, a missing file).
type ProcDetail struct {
	ID   ProcID        `json:"id"`
	At   time.Time     `json:"at"`
	Took time.Duration `json:"took_ns"` // wall time of the read

	Threads     ThreadSet `json:"threads"`
	ThreadsNote string    `json:"threads_note,omitempty"`

	Mem     ProcMem `json:"mem"`
	MemNote string  `json:"mem_note,omitempty"`
	// Context switches of the leader thread only (status counts the thread, not the process).
	VolCtx, InvolCtx uint64

	Cgroups    []string `json:"cgroups"` // /proc/PID/cgroup lines, sanitised
	CgroupNote string   `json:"cgroup_note,omitempty"`

	FDs    int    `json:"fds"` // entries of /proc/PID/fd; -1 when unknown (FDNote says why)
	FDNote string `json:"fd_note,omitempty"`
}

// ErrProcGone and ErrPIDReused say that a process asked for by ProcID no longer exists: it
// exited, or its PID now names another process (another starttime). Nothing was done to it.
var (
	ErrProcGone  = errors.New("process exited")
	ErrPIDReused = errors.New("PID now belongs to another process")
)
