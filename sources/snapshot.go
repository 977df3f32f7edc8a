package sources

import "time"

// Source names, used as keys of Snapshot.Status and in panels' "n/a: reason" lines.
const (
	SrcStat       = "stat"       // /proc/stat
	SrcLoadavg    = "loadavg"    // /proc/loadavg
	SrcUptime     = "uptime"     // /proc/uptime
	SrcMeminfo    = "meminfo"    // /proc/meminfo
	SrcCPUOnline  = "cpu_online" // /sys/devices/system/cpu/online
	SrcSoftirqs   = "softirqs"   // /proc/softirqs
	SrcInterrupts = "interrupts" // /proc/interrupts
	SrcSchedstat  = "schedstat"  // /proc/schedstat
	SrcDiskstats  = "diskstats"  // /proc/diskstats (+ /sys/block)
	SrcNetDev     = "netdev"     // /proc/net/dev (+ /sys/class/net)
	SrcSNMP       = "snmp"       // /proc/net/snmp + /proc/net/netstat
	SrcVMStat     = "vmstat"     // /proc/vmstat
	SrcPSI        = "psi"        // /proc/pressure/*
	SrcKmsg       = "kmsg"       // /dev/kmsg
	SrcProcs      = "procs"      // /proc/PID/*
	SrcHost       = "host"       // hostname, kernel release
)

// Snapshot holds the raw cumulative counters of one sampling instant, and the Status of every
// source that was asked for. It never holds rates: rates need two snapshots (package derive).
// A nil pointer field means the source produced nothing this time; Status says why.
type Snapshot struct {
	Seq    uint64            `json:"seq"`
	Time   time.Time         `json:"time"` // wall clock when the sampling pass began
	Status map[string]Status `json:"status"`

	Host   *Host    `json:"host,omitempty"`
	Stat   *Stat    `json:"stat,omitempty"`
	Load   *LoadAvg `json:"load,omitempty"`
	Uptime *Uptime  `json:"uptime,omitempty"`
	Mem    *MemInfo `json:"mem,omitempty"`
	Online *CPUSet  `json:"online,omitempty"`

	Softirqs   *Softirqs   `json:"softirqs,omitempty"`
	Interrupts *Interrupts `json:"interrupts,omitempty"`
	Schedstat  *Schedstat  `json:"schedstat,omitempty"`
	Disks      *Diskstats  `json:"disks,omitempty"`
	Net        *NetDev     `json:"net,omitempty"`
	SNMP       *SNMP       `json:"snmp,omitempty"`
	VMStat     *VMStat     `json:"vmstat,omitempty"`
	PSI        *PSI        `json:"psi,omitempty"`
	Kmsg       *Kmsg       `json:"kmsg,omitempty"`
	Procs      *ProcTable  `json:"procs,omitempty"`

	Self SelfCost `json:"self"`
}

// SetStatus records the outcome of one source.
func (s *Snapshot) SetStatus(name string, st Status) {
	if s.Status == nil {
		s.Status = make(map[string]Status)
	}
	s.Status[name] = st
}

// StatusFor returns the status of a source; a source never asked for is Unavailable.
func (s *Snapshot) StatusFor(name string) Status {
	if st, ok := s.Status[name]; ok {
		return st
	}
	return Status{State: Unavailable, Reason: "not collected"}
}

// Host identifies the machine; it changes rarely.
type Host struct {
	Hostname string `json:"hostname"`
	Kernel   string `json:"kernel"` // release, e.g. 6.18.44
	OS       string `json:"os"`     // distribution and version, e.g. "debian 12.11"; "" when unknown
}

// CPUTimes are the ten /proc/stat columns of one CPU line, in USER_HZ ticks. Guest is already
// included in User and GuestNice in Nice (kernel semantics). ID is -1 for the "cpu" total line.
type CPUTimes struct {
	ID        int    `json:"id" record:"key"`
	User      uint64 `json:"user"`
	Nice      uint64 `json:"nice"`
	System    uint64 `json:"system"`
	Idle      uint64 `json:"idle"`
	Iowait    uint64 `json:"iowait"`
	IRQ       uint64 `json:"irq"`
	SoftIRQ   uint64 `json:"softirq"`
	Steal     uint64 `json:"steal"`
	Guest     uint64 `json:"guest"`
	GuestNice uint64 `json:"guest_nice"`
}

// Stat is /proc/stat.
type Stat struct {
	At           time.Time  `json:"at"`
	Total        CPUTimes   `json:"total"` // the "cpu" line: all possible CPUs
	CPUs         []CPUTimes `json:"cpus"`  // "cpuN" lines: online CPUs, sorted by ID
	Ctxt         uint64     `json:"ctxt"`
	Intr         uint64     `json:"intr"` // first number of the intr line: all interrupts
	Processes    uint64     `json:"processes"`
	ProcsRunning uint64     `json:"procs_running"`
	ProcsBlocked uint64     `json:"procs_blocked"`
	BootTime     uint64     `json:"btime"`
}

// LoadAvg is /proc/loadavg.
type LoadAvg struct {
	Load1, Load5, Load15 float64
	Runnable             uint64 // R of R/T: runnable scheduling entities now
	Threads              uint64 // T of R/T: scheduling entities that exist
	LastPID              uint64
}

// Uptime is /proc/uptime, in seconds.
type Uptime struct {
	Up   float64
	Idle float64 // summed over CPUs
}

// MemInfo holds the /proc/meminfo keys ktop uses, in kB. Has records which keys were present
// (MemAvailable is missing before 3.14).
type MemInfo struct {
	MemTotal, MemFree, MemAvailable, Buffers, Cached, SReclaimable, Shmem   uint64
	SwapTotal, SwapFree, SwapCached, Dirty, Writeback, AnonPages, Mapped    uint64
	Slab, SUnreclaim, KernelStack, PageTables, HugePagesTotal, Hugepagesize uint64
	HasAvailable                                                            bool
}

// CPUSet is a set of CPU ids as listed in /sys/devices/system/cpu/{online,possible}.
type CPUSet struct {
	Online   []int `json:"online"`
	Possible []int `json:"possible,omitempty"`
}

// Softirqs is /proc/softirqs: Counts[type][i] is the count of CPU CPUs[i]. The header lists
// possible CPUs; ids come from the header, never from position. Cells are 32-bit.
type Softirqs struct {
	At     time.Time
	CPUs   []int
	Types  []string // NET_RX, TIMER, ... in file order
	Counts [][]uint64
}

// Interrupts is /proc/interrupts: one row per IRQ line (numbered or arch: LOC, TLB, RES, ...).
// Counts[i] belongs to CPU CPUs[i] (online CPUs, ids from the header). Cells are 32-bit.
type Interrupts struct {
	At   time.Time
	CPUs []int
	Rows []IRQRow
}

// IRQRow is one line of /proc/interrupts.
type IRQRow struct {
	Name   string   `record:"key"` // first token without ':' ("24", "LOC", "TLB")
	Desc   string   // rest of the line: chip, hwirq, action names ("virtio0-input.0") or "TLB shootdowns"
	Counts []uint64 // per CPU, aligned with Interrupts.CPUs; nil for ERR/MIS single-value rows
	Total  uint64   // single-value rows (ERR, MIS) or the sum of Counts
}

// Schedstat is /proc/schedstat's per-CPU lines (fields 7–9), or, when that file is absent, the
// per-task fallback of metrics-spec §2.3 summed by each thread's last CPU.
type Schedstat struct {
	At       time.Time
	Version  int  // 0 for the fallback
	Fallback bool // true: built from /proc/PID/task/TID/{stat,schedstat}
	CPUs     []SchedCPU
}

// SchedCPU holds cumulative scheduler counters of one CPU.
type SchedCPU struct {
	ID         int    `record:"key"`
	RunNs      uint64 // field 7: time tasks ran
	WaitNs     uint64 // field 8: time tasks waited on the runqueue
	Timeslices uint64 // field 9
	Runnable   uint64 // fallback only: threads in state R whose last CPU is this one (instant)
}

// Diskstats is /proc/diskstats plus the whole-disk/partition split from /sys/block.
type Diskstats struct {
	At    time.Time
	Disks []Disk // sorted by name
}

// Disk is one /proc/diskstats line. Field numbers are those of Documentation/admin-guide/iostats.rst.
type Disk struct {
	Major, Minor uint32
	Name         string `record:"key"` // kernel name (dm-0)
	Display      string // dm name when known (/sys/block/dm-0/dm/name), else Name
	Whole        bool   // a whole disk, not a partition (/sys/block/NAME exists)
	Fields       int    // how many stat fields the line had: 11, 15, 17 (older kernels fewer)

	ReadIOs, ReadMerges, ReadSectors, ReadTicks             uint64 // 1-4
	WriteIOs, WriteMerges, WriteSectors, WriteTicks         uint64 // 5-8
	InFlight, IOTicks, TimeInQueue                          uint64 // 9-11
	DiscardIOs, DiscardMerges, DiscardSectors, DiscardTicks uint64 // 12-15
	FlushIOs, FlushTicks                                    uint64 // 16-17
}

// NetDev is /proc/net/dev plus link speed from /sys/class/net.
type NetDev struct {
	At     time.Time
	Ifaces []Iface // sorted by name
}

// Iface is one /proc/net/dev line.
type Iface struct {
	Name                                                string `record:"key"`
	RxBytes, RxPackets, RxErrs, RxDrop, RxFifo, RxFrame uint64
	RxCompressed, RxMulticast                           uint64
	TxBytes, TxPackets, TxErrs, TxDrop, TxFifo, TxColls uint64
	TxCarrier, TxCompressed                             uint64
	SpeedMbps                                           int64 // -1 unknown (virtio, down, no file)
	FullDuplex                                          bool
}

// SNMP holds the TCP counters of /proc/net/snmp (Tcp:) and /proc/net/netstat (TcpExt:),
// looked up by header name. Missing keys stay absent from the maps.
type SNMP struct {
	At     time.Time
	Tcp    map[string]int64 // ActiveOpens, PassiveOpens, InSegs, OutSegs, RetransSegs, AttemptFails, EstabResets, InErrs, OutRsts, CurrEstab
	TcpExt map[string]int64 // ListenOverflows, ListenDrops, TCPTimeouts, TCPSynRetrans, TCPBacklogDrop, ...
}

// VMStat holds /proc/vmstat by name (all keys; the file has ~180 and grows with kernels).
type VMStat struct {
	At     time.Time
	Values map[string]uint64
}

// PSI is /proc/pressure/{cpu,memory,io,irq}. A nil resource was absent.
type PSI struct {
	At                   time.Time
	CPU, Memory, IO, IRQ *PSIResource
}

// PSIResource is one pressure file. Some is nil for irq (only a full line); Full is nil for cpu
// before 5.13.
type PSIResource struct {
	Some, Full *PSILine
}

// PSILine is one "some" or "full" line: averages in percent, total in microseconds.
type PSILine struct {
	Avg10, Avg60, Avg300 float64
	Total                uint64
}

// Kmsg carries the kernel log records read since the previous snapshot.
type Kmsg struct {
	Records []KmsgRecord `json:"records"`
	// Lost counts records ktop never showed, cumulative: overwritten in the kernel's ring
	// before ktop read them (EPIPE, sequence gaps), dropped when more arrived between two
	// samples than ktop holds, or unparseable.
	Lost uint64 `json:"lost"`
}

// KmsgRecord is one /dev/kmsg record. Text is already stripped of control characters.
type KmsgRecord struct {
	Seq      uint64   `json:"seq"`
	Level    int      `json:"level"`    // 0 emerg .. 7 debug
	Facility int      `json:"facility"` // 0 kern, 3 daemon, ...
	TsUsec   uint64   `json:"ts_usec"`  // since boot, microseconds
	Text     string   `json:"text"`
	Dict     []string `json:"dict,omitempty"`  // continuation lines (KEY=value)
	Event    string   `json:"event,omitempty"` // notable event class ("oom_kill", "hung_task", ...), "" if none
}

// SelfCost is what ktop itself spent, measured on every tick.
type SelfCost struct {
	CPUNs     uint64        `json:"cpu_ns"`     // user+system CPU time of ktop since start, cumulative
	RSSKB     uint64        `json:"rss_kB"`     // resident set size now
	TickTime  time.Duration `json:"tick_ns"`    // wall time this sampling pass took
	Goroutine int           `json:"goroutines"` // goroutines alive
}
