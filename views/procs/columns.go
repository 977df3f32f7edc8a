package procs

import (
	"fmt"
	"strconv"

	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
)

// colID names a column; the order of the constants is the order on screen.
type colID int

const (
	colPID colID = iota
	colUser
	colNice
	colState
	colCPUPct
	colUsr
	colSys
	colWait
	colCPU
	colThr
	colMinflt
	colMajflt
	colRd
	colWr
	colRSS
	colAnon
	colFile
	colShmem
	colSwap
	colPSS
	colUSS
	colSwapPss
	colSmapsMs
	colTime
	colCmd
	nCols
)

// Severity of a cell, for the theme's Warn and Bad styles.
const (
	sevNone = iota
	sevWarn
	sevBad
)

// column describes one column: how wide, how important when the terminal is narrow, how to
// sort, how to print a process and a thread.
type column struct {
	title string
	width int
	// keep orders the columns by importance: a narrow terminal drops the highest keep first;
	// 0 is never dropped.
	keep int
	left bool
	// asc is the natural order: ascending for PID and text, descending for the rest.
	asc bool
	// num is the sort key of a numeric column (missing values sort last whichever the order);
	// str that of a text column.
	num func(p *derive.Proc) derive.Val
	str func(p *derive.Proc) string
	// cell prints a process; sev colours it.
	cell func(p *derive.Proc) string
	sev  func(p *derive.Proc) int
	// tnum and tcell print a thread row (H); nil leaves the cell blank.
	tnum  func(t *derive.Thread) derive.Val
	tcell func(t *derive.Thread) string
	def   views.Def
}

// Sources cited in the definitions.
const (
	srcStat     = "/proc/PID/stat"
	srcStatus   = "/proc/PID/status"
	srcIO       = "/proc/PID/io"
	srcSmaps    = "/proc/PID/smaps_rollup (top 10 by RSS + pinned, ≥ 10 s apart, one read per tick)"
	srcSched    = "/proc/PID/task/*/schedstat (summed over threads)"
	srcThreadRd = "; threads (H): /proc/PID/task/TID/stat"
)

var columns = [nCols]column{
	colPID: {title: "PID", width: 7, keep: 0, asc: true,
		num:  func(p *derive.Proc) derive.Val { return derive.Some(float64(p.PID)) },
		cell: func(p *derive.Proc) string { return strconv.Itoa(p.PID) },
		tnum: func(t *derive.Thread) derive.Val { return derive.Some(float64(t.TID)) }, tcell: func(t *derive.Thread) string { return strconv.Itoa(t.TID) },
		def: views.Def{Name: "PID", Meaning: "process ID (TID on thread rows); with the start time the identity ktop follows", Formula: "stat 1, 22", Source: srcStat}},
	colUser: {title: "USER", width: 8, keep: 2, left: true, asc: true,
		str:  func(p *derive.Proc) string { return p.User },
		cell: func(p *derive.Proc) string { return orMissing(clean(p.User)) },
		def:  views.Def{Name: "USER", Meaning: "real user (as pidstat); the number when it has no name", Formula: "status Uid: first column", Source: srcStatus}},
	colNice: {title: "NI", width: 3, keep: 10,
		num:  func(p *derive.Proc) derive.Val { return derive.Some(float64(p.Nice)) },
		cell: func(p *derive.Proc) string { return strconv.Itoa(p.Nice) },
		tnum: func(t *derive.Thread) derive.Val { return derive.Some(float64(t.Nice)) }, tcell: func(t *derive.Thread) string { return strconv.Itoa(t.Nice) },
		def: views.Def{Name: "NI", Meaning: "nice value (F7 lowers it, F8 raises it, on every thread)", Formula: "stat 19", Source: srcStat}},
	colState: {title: "S", width: 1, keep: 3, left: true, asc: true,
		str:   func(p *derive.Proc) string { return p.State },
		cell:  func(p *derive.Proc) string { return p.State },
		sev:   stateSev,
		tcell: func(t *derive.Thread) string { return t.State },
		def:   views.Def{Name: "S", Meaning: "state: R running, S sleeping, D uninterruptible (usually I/O), I idle kernel thread, T stopped, Z zombie", Formula: "stat 3", Source: srcStat}},
	colCPUPct: {title: "%CPU", width: 5, keep: 1,
		num: func(p *derive.Proc) derive.Val { return p.CPUPct }, cell: func(p *derive.Proc) string { return pct(p.CPUPct) },
		tnum: func(t *derive.Thread) derive.Val { return t.CPUPct }, tcell: func(t *derive.Thread) string { return pct(t.CPUPct) },
		def: views.Def{Name: "%CPU", Meaning: "share of one CPU over the last interval (pidstat %CPU: above 100 with several threads)", Formula: "Δ(utime+stime) / (Δt·100) × 100", Source: srcStat + " 14, 15" + srcThreadRd}},
	colUsr: {title: "%usr", width: 5, keep: 12,
		num: func(p *derive.Proc) derive.Val { return p.Usr }, cell: func(p *derive.Proc) string { return pct(p.Usr) },
		tnum: func(t *derive.Thread) derive.Val { return t.Usr }, tcell: func(t *derive.Thread) string { return pct(t.Usr) },
		def: views.Def{Name: "%usr", Meaning: "user time, guest excluded (pidstat %usr)", Formula: "(Δutime − Δguest_time) / (Δt·100) × 100", Source: srcStat + " 14, 43"}},
	colSys: {title: "%sys", width: 5, keep: 11,
		num: func(p *derive.Proc) derive.Val { return p.System }, cell: func(p *derive.Proc) string { return pct(p.System) },
		tnum: func(t *derive.Thread) derive.Val { return t.System }, tcell: func(t *derive.Thread) string { return pct(t.System) },
		def: views.Def{Name: "%sys", Meaning: "kernel time (pidstat %system)", Formula: "Δstime / (Δt·100) × 100", Source: srcStat + " 15"}},
	colWait: {title: "%wait", width: 5, keep: 6,
		num: func(p *derive.Proc) derive.Val { return p.Wait }, cell: func(p *derive.Proc) string { return pct(p.Wait) },
		sev:  func(p *derive.Proc) int { return sevOver(p.Wait, 10, 50) },
		tnum: func(t *derive.Thread) derive.Val { return t.Wait }, tcell: func(t *derive.Thread) string { return pct(t.Wait) },
		def: views.Def{Name: "%wait", Meaning: "time runnable but waiting for a CPU (run delay), summed over all threads; pidstat reads the main thread only. ≥ 10 % warns: CPU-starved", Formula: "Δrun_delay_ns / (Δt·10⁹) × 100", Source: srcSched}},
	colCPU: {title: "CPU", width: 3, keep: 17,
		num:  func(p *derive.Proc) derive.Val { return derive.Some(float64(p.CPU)) },
		cell: func(p *derive.Proc) string { return strconv.Itoa(p.CPU) },
		tnum: func(t *derive.Thread) derive.Val { return derive.Some(float64(t.CPU)) }, tcell: func(t *derive.Thread) string { return strconv.Itoa(t.CPU) },
		def: views.Def{Name: "CPU", Meaning: "CPU the process (thread) last ran on", Formula: "stat 39", Source: srcStat}},
	colThr: {title: "THR", width: 4, keep: 16,
		num:  func(p *derive.Proc) derive.Val { return derive.Some(float64(p.Threads)) },
		cell: func(p *derive.Proc) string { return strconv.Itoa(p.Threads) },
		def:  views.Def{Name: "THR", Meaning: "threads", Formula: "stat 20", Source: srcStat}},
	colMinflt: {title: "minflt/s", width: 8, keep: 21,
		num: func(p *derive.Proc) derive.Val { return p.MinfltS }, cell: func(p *derive.Proc) string { return views.ShortVal(p.MinfltS) },
		def: views.Def{Name: "minflt/s", Meaning: "minor page faults (no disk read) per second (pidstat -r)", Formula: "Δminflt / Δt", Source: srcStat + " 10"}},
	colMajflt: {title: "majflt/s", width: 8, keep: 15,
		num: func(p *derive.Proc) derive.Val { return p.MajfltS }, cell: func(p *derive.Proc) string { return views.ShortVal(p.MajfltS) },
		sev: func(p *derive.Proc) int { return sevOver(p.MajfltS, 0.0001, 1e300) },
		def: views.Def{Name: "majflt/s", Meaning: "major page faults (read from disk or swap) per second; > 0 warns", Formula: "Δmajflt / Δt", Source: srcStat + " 12"}},
	colRd: {title: "kB_rd/s", width: 7, keep: 8,
		num: func(p *derive.Proc) derive.Val { return p.KBRdS }, cell: func(p *derive.Proc) string { return views.ShortVal(p.KBRdS) },
		def: views.Def{Name: "kB_rd/s", Meaning: "block-layer reads (pidstat -d); — for another user's process unless ktop has CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (/proc/PID/io is mode 0400 and ptrace-checked; docs/security.md)", Formula: "Δread_bytes / 1024 / Δt", Source: srcIO}},
	colWr: {title: "kB_wr/s", width: 7, keep: 9,
		num: func(p *derive.Proc) derive.Val { return p.KBWrS }, cell: func(p *derive.Proc) string { return views.ShortVal(p.KBWrS) },
		def: views.Def{Name: "kB_wr/s", Meaning: "block-layer writes caused (pidstat -d); same permission as kB_rd/s", Formula: "Δwrite_bytes / 1024 / Δt", Source: srcIO}},
	colRSS: {title: "RSS", width: 5, keep: 4,
		num: func(p *derive.Proc) derive.Val { return p.RSSKB }, cell: func(p *derive.Proc) string { return kb(p.RSSKB) },
		def: views.Def{Name: "RSS", Meaning: "resident memory = anon + file + shmem (M sorts by it)", Formula: "VmRSS", Source: srcStatus}},
	colAnon: {title: "anon", width: 5, keep: 19,
		num: func(p *derive.Proc) derive.Val { return p.AnonKB }, cell: func(p *derive.Proc) string { return kb(p.AnonKB) },
		def: views.Def{Name: "anon", Meaning: "resident anonymous memory (heap, stacks)", Formula: "RssAnon", Source: srcStatus}},
	colFile: {title: "file", width: 5, keep: 20,
		num: func(p *derive.Proc) derive.Val { return p.FileKB }, cell: func(p *derive.Proc) string { return kb(p.FileKB) },
		def: views.Def{Name: "file", Meaning: "resident file-backed memory (binaries, mapped files)", Formula: "RssFile", Source: srcStatus}},
	colShmem: {title: "shmem", width: 5, keep: 22,
		num: func(p *derive.Proc) derive.Val { return p.ShmemKB }, cell: func(p *derive.Proc) string { return kb(p.ShmemKB) },
		def: views.Def{Name: "shmem", Meaning: "resident shared memory (tmpfs, SysV, shared anonymous)", Formula: "RssShmem", Source: srcStatus}},
	colSwap: {title: "SWAP", width: 5, keep: 13,
		num: func(p *derive.Proc) derive.Val { return p.SwapKB }, cell: func(p *derive.Proc) string { return kb(p.SwapKB) },
		def: views.Def{Name: "SWAP", Meaning: "swapped-out anonymous memory", Formula: "VmSwap", Source: srcStatus}},
	colPSS: {title: "PSS", width: 5, keep: 7,
		num: func(p *derive.Proc) derive.Val { return p.PssKB }, cell: func(p *derive.Proc) string { return kb(p.PssKB) },
		def: views.Def{Name: "PSS", Meaning: "proportional set size: each page divided by the processes mapping it; — for another user's process unless ktop has CAP_SYS_PTRACE (smaps_rollup is ptrace-checked; docs/security.md), and with the reason on the info line when not read", Formula: "Pss", Source: srcSmaps}},
	colUSS: {title: "USS", width: 5, keep: 14,
		num: func(p *derive.Proc) derive.Val { return p.UssKB }, cell: func(p *derive.Proc) string { return kb(p.UssKB) },
		def: views.Def{Name: "USS", Meaning: "memory only this process maps: freed if it exits", Formula: "Private_Clean + Private_Dirty", Source: srcSmaps}},
	colSwapPss: {title: "SwapPss", width: 7, keep: 23,
		num: func(p *derive.Proc) derive.Val { return p.SwapPssKB }, cell: func(p *derive.Proc) string { return kb(p.SwapPssKB) },
		def: views.Def{Name: "SwapPss", Meaning: "proportional share of swap", Formula: "SwapPss", Source: srcSmaps}},
	colSmapsMs: {title: "PSSms", width: 5, keep: 18,
		num: func(p *derive.Proc) derive.Val { return p.SmapsMs }, cell: func(p *derive.Proc) string { return views.Num(p.SmapsMs, 2) },
		sev: func(p *derive.Proc) int { return sevOver(p.SmapsMs, 10, 100) },
		def: views.Def{Name: "PSSms", Meaning: "how long ktop's last smaps_rollup read of this process took ≈ how long it held the process's mmap lock; > 10 ms warns and halves how often it is read", Formula: "wall time of the read", Source: srcSmaps}},
	colTime: {title: "TIME+", width: 9, keep: 5,
		num:  func(p *derive.Proc) derive.Val { return derive.Some(p.TimeS) },
		cell: func(p *derive.Proc) string { return cpuTime(p.TimeS) },
		tnum: func(t *derive.Thread) derive.Val { return derive.Some(t.TimeS) }, tcell: func(t *derive.Thread) string { return cpuTime(t.TimeS) },
		def: views.Def{Name: "TIME+", Meaning: "CPU time used since the process started (top's TIME+)", Formula: "(utime + stime) / 100", Source: srcStat + " 14, 15"}},
	colCmd: {title: "Command", keep: 0, left: true, asc: true,
		str:   func(p *derive.Proc) string { return p.Cmdline },
		cell:  func(p *derive.Proc) string { return clean(p.Cmdline) },
		tcell: func(t *derive.Thread) string { return clean(t.Comm) },
		def:   views.Def{Name: "Command", Meaning: "command line (\"[comm]\" for kernel threads and zombies), control characters shown as ?", Formula: "NULs → spaces", Source: "/proc/PID/cmdline"}},
}

// pct prints a percentage with one decimal, dropping it from 1000 up so it fits 5 cells.
func pct(v derive.Val) string {
	if !v.OK {
		return views.Missing
	}
	if v.V >= 999.95 {
		return strconv.FormatFloat(v.V, 'f', 0, 64)
	}
	return strconv.FormatFloat(v.V, 'f', 1, 64)
}

// kb prints a size in kB with a binary suffix, "0" for nothing (kernel threads, no swap), or
// "—".
func kb(v derive.Val) string {
	switch {
	case !v.OK || v.V < 0:
		return views.Missing
	case v.V == 0:
		return "0"
	}
	return views.KB(uint64(v.V))
}

// cpuTime prints seconds as top's TIME+: "m:ss.cc", "NNhMM:SS" from an hour, "NNNh" from 100 h.
func cpuTime(s float64) string {
	cs := int64(s*100 + 0.5)
	h := cs / 360000
	switch {
	case h >= 100:
		return fmt.Sprintf("%dh", h)
	case h > 0:
		return fmt.Sprintf("%dh%02d:%02d", h, cs/6000%60, cs/100%60)
	}
	return fmt.Sprintf("%d:%02d.%02d", cs/6000, cs/100%60, cs%100)
}

func orMissing(s string) string {
	if s == "" {
		return views.Missing
	}
	return s
}

func sevOver(v derive.Val, warn, bad float64) int {
	switch {
	case !v.OK:
		return sevNone
	case v.V >= bad:
		return sevBad
	case v.V >= warn:
		return sevWarn
	}
	return sevNone
}

// stateSev warns of D (uninterruptible: stuck on I/O or a lock) and Z (not reaped).
func stateSev(p *derive.Proc) int {
	switch p.State {
	case "D", "Z":
		return sevWarn
	}
	return sevNone
}
