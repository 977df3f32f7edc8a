package derive

import (
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// Frame is everything a panel, the batch printer and the JSON export show for one sample: the
// rates over the interval that ends at this sample, plus its instantaneous values. JSON names
// follow the sysstat columns (docs/metrics.md has the full schema).
type Frame struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Interval Val       `json:"interval_s"` // seconds since the previous sample; null on the first

	Host    string `json:"host"`
	Kernel  string `json:"kernel"`
	OS      string `json:"os"` // "debian 12.11"; empty for a --proc root other than /proc
	UptimeS Val    `json:"uptime_s"`
	NCPU    int    `json:"ncpu"` // online CPUs

	Load    *Load `json:"load"`
	Runq    Val   `json:"runq"`    // procs_running − 1 (ktop itself), as sar -q runq-sz
	Blocked Val   `json:"blocked"` // procs_blocked, vmstat b
	CswchS  Val   `json:"cswch_s"` // context switches/s, vmstat cs, sar -w cswch/s
	IntrS   Val   `json:"intr_s"`  // interrupts/s, vmstat in, sar -I SUM
	ProcS   Val   `json:"proc_s"`  // forks/s, sar -w proc/s

	CPU []CPU `json:"cpu"` // "all" first, then one per online CPU by id
	Mem *Mem  `json:"mem"`

	Softirqs   *Softirqs   `json:"softirqs"`
	Interrupts *Interrupts `json:"interrupts"`
	Sched      *Sched      `json:"sched"`
	Disk       []Disk      `json:"disk"`
	Net        []Net       `json:"net"`
	TCP        *TCP        `json:"tcp"`
	Paging     *Paging     `json:"paging"`
	Swap       *Swap       `json:"swap"`
	PSI        *PSI        `json:"psi"`
	Kmsg       *Kmsg       `json:"kmsg"`

	Procs       []Proc       `json:"procs"` // pidstat -u -r -d per process, by PID
	ProcSummary *ProcSummary `json:"proc_summary"`

	Self   Self                      `json:"self"`
	Status map[string]sources.Status `json:"status"`
}

// Load is /proc/loadavg as uptime(1) and sar -q show it.
type Load struct {
	Avg1     float64 `json:"avg1"`
	Avg5     float64 `json:"avg5"`
	Avg15    float64 `json:"avg15"`
	Runnable uint64  `json:"runnable"` // R of R/T
	Threads  uint64  `json:"threads"`  // T of R/T (sar -q plist-sz)
}

// CPU is one mpstat -P ALL line. Percentages of the interval, 0–100.
type CPU struct {
	ID     int    `json:"-"`   // -1 for all
	Name   string `json:"cpu"` // "all" or the id
	Usr    Val    `json:"usr"`
	Nice   Val    `json:"nice"`
	Sys    Val    `json:"sys"`
	Iowait Val    `json:"iowait"`
	IRQ    Val    `json:"irq"`
	Soft   Val    `json:"soft"`
	Steal  Val    `json:"steal"`
	Guest  Val    `json:"guest"`
	Gnice  Val    `json:"gnice"`
	Idle   Val    `json:"idle"`
}

// Mem is free(1) (procps-ng ≥ 4.0.1), in kB.
type Mem struct {
	TotalKB     uint64 `json:"total_kB"`
	UsedKB      uint64 `json:"used_kB"` // MemTotal − MemAvailable
	FreeKB      uint64 `json:"free_kB"`
	SharedKB    uint64 `json:"shared_kB"`
	BuffCacheKB uint64 `json:"buff_cache_kB"` // Buffers + Cached + SReclaimable
	AvailableKB uint64 `json:"available_kB"`
	SwapTotalKB uint64 `json:"swap_total_kB"`
	SwapUsedKB  uint64 `json:"swap_used_kB"`
	SwapFreeKB  uint64 `json:"swap_free_kB"`
	DirtyKB     uint64 `json:"dirty_kB"`
	WritebackKB uint64 `json:"writeback_kB"`
}

// Softirqs is the rate of each softirq type on each CPU (/proc/softirqs).
type Softirqs struct {
	CPUs []int        `json:"cpus"` // ids, aligned with each row's PerCPU
	Rows []SoftirqRow `json:"rows"`
}

// SoftirqRow is one softirq type.
type SoftirqRow struct {
	Type   string `json:"type"`
	Total  Val    `json:"total_s"`
	PerCPU []Val  `json:"per_cpu_s"`
}

// Interrupts is the rate of each /proc/interrupts row on each CPU.
type Interrupts struct {
	CPUs []int     `json:"cpus"`
	Rows []IRQRate `json:"rows"`
}

// IRQRate is one /proc/interrupts row.
type IRQRate struct {
	IRQ    string `json:"irq"`  // "TLB", "LOC", "24"
	Desc   string `json:"desc"` // "TLB shootdowns", "virtio0-input.0"
	Total  Val    `json:"total_s"`
	PerCPU []Val  `json:"per_cpu_s"`
}

// Sched is run-queue saturation and scheduler latency (metrics-spec §2.3).
type Sched struct {
	Source string     `json:"source"` // "schedstat" or "task-fallback"
	CPU    []SchedCPU `json:"cpu"`
}

// SchedCPU is one CPU's scheduler figures over the interval.
type SchedCPU struct {
	ID       int `json:"cpu"`
	BusyPct  Val `json:"busy"`        // Δrun_ns / Δt
	AvgWait  Val `json:"avg_waiting"` // Δwait_ns / Δt: time-average waiting tasks
	WaitMs   Val `json:"wait_ms"`     // Δwait_ns / Δtimeslices: mean wait per slice, ms
	SlicesS  Val `json:"slices_s"`    // Δtimeslices / Δt
	Runnable Val `json:"runnable"`    // fallback: threads in R last run here (instant)
}

// Disk is one iostat -x line.
type Disk struct {
	Dev     string `json:"dev"`
	Whole   bool   `json:"whole"`
	RS      Val    `json:"r_s"`
	WS      Val    `json:"w_s"`
	DS      Val    `json:"d_s"`
	FS      Val    `json:"f_s"`
	RkBS    Val    `json:"rkB_s"`
	WkBS    Val    `json:"wkB_s"`
	DkBS    Val    `json:"dkB_s"`
	RrqmS   Val    `json:"rrqm_s"`
	WrqmS   Val    `json:"wrqm_s"`
	DrqmS   Val    `json:"drqm_s"`
	Rrqm    Val    `json:"rrqm"` // %rrqm
	Wrqm    Val    `json:"wrqm"` // %wrqm
	Drqm    Val    `json:"drqm"` // %drqm
	RAwait  Val    `json:"r_await"`
	WAwait  Val    `json:"w_await"`
	DAwait  Val    `json:"d_await"`
	FAwait  Val    `json:"f_await"`
	AquSz   Val    `json:"aqu_sz"`
	RareqSz Val    `json:"rareq_sz"`
	WareqSz Val    `json:"wareq_sz"`
	DareqSz Val    `json:"dareq_sz"`
	Util    Val    `json:"util"`
}

// Net is one sar -n DEV line plus the sar -n EDEV columns.
type Net struct {
	Iface   string `json:"iface"`
	RxpckS  Val    `json:"rxpck_s"`
	TxpckS  Val    `json:"txpck_s"`
	RxkBS   Val    `json:"rxkB_s"`
	TxkBS   Val    `json:"txkB_s"`
	RxcmpS  Val    `json:"rxcmp_s"`
	TxcmpS  Val    `json:"txcmp_s"`
	RxmcstS Val    `json:"rxmcst_s"`
	Ifutil  Val    `json:"ifutil"`
	RxerrS  Val    `json:"rxerr_s"`
	TxerrS  Val    `json:"txerr_s"`
	CollS   Val    `json:"coll_s"`
	RxdropS Val    `json:"rxdrop_s"`
	TxdropS Val    `json:"txdrop_s"`
	TxcarrS Val    `json:"txcarr_s"`
	RxframS Val    `json:"rxfram_s"`
	RxfifoS Val    `json:"rxfifo_s"`
	TxfifoS Val    `json:"txfifo_s"`
}

// TCP is sar -n TCP,ETCP plus the TcpExt counters that explain drops.
type TCP struct {
	ActiveS          Val `json:"active_s"`
	PassiveS         Val `json:"passive_s"`
	IsegS            Val `json:"iseg_s"`
	OsegS            Val `json:"oseg_s"`
	RetransS         Val `json:"retrans_s"`
	AtmptfS          Val `json:"atmptf_s"`
	EstresS          Val `json:"estres_s"`
	IsegerrS         Val `json:"isegerr_s"`
	OrstsS           Val `json:"orsts_s"`
	Estab            Val `json:"estab"`       // CurrEstab, instant
	RetransPct       Val `json:"retrans_pct"` // retrans_s / oseg_s × 100
	ListenOverflowsS Val `json:"listen_overflows_s"`
	ListenDropsS     Val `json:"listen_drops_s"`
	TimeoutsS        Val `json:"timeouts_s"`
	SynRetransS      Val `json:"syn_retrans_s"`
	BacklogDropS     Val `json:"backlog_drop_s"`
}

// Paging is sar -B and vmstat's paging columns (/proc/vmstat).
type Paging struct {
	PgpginS     Val `json:"pgpgin_s"`  // kB/s, vmstat bi
	PgpgoutS    Val `json:"pgpgout_s"` // kB/s, vmstat bo
	FaultS      Val `json:"fault_s"`
	MajfltS     Val `json:"majflt_s"`
	PgfreeS     Val `json:"pgfree_s"`
	PgscankS    Val `json:"pgscank_s"`
	PgscandS    Val `json:"pgscand_s"`
	PgstealS    Val `json:"pgsteal_s"`
	Vmeff       Val `json:"vmeff"` // pgsteal / (pgscank + pgscand) × 100
	AllocstallS Val `json:"allocstall_s"`
	RefaultS    Val `json:"refault_s"`
	OOMKills    Val `json:"oom_kill"` // OOM kills in the interval
}

// Swap is sar -W plus vmstat si/so.
type Swap struct {
	PswpinS  Val `json:"pswpin_s"`  // pages/s
	PswpoutS Val `json:"pswpout_s"` // pages/s
	SiKBS    Val `json:"si_kB_s"`   // vmstat si
	SoKBS    Val `json:"so_kB_s"`   // vmstat so
}

// PSI is /proc/pressure/*: nil resources were absent.
type PSI struct {
	CPU    *PSIResource `json:"cpu"`
	Memory *PSIResource `json:"memory"`
	IO     *PSIResource `json:"io"`
	IRQ    *PSIResource `json:"irq"`
}

// PSIResource holds the some and full lines of one resource.
type PSIResource struct {
	Some *PSILine `json:"some"`
	Full *PSILine `json:"full"`
}

// PSILine is one pressure line: the stall % over the interval from total, plus the kernel's
// running averages.
type PSILine struct {
	Stall  Val     `json:"stall_pct"`
	Avg10  float64 `json:"avg10"`
	Avg60  float64 `json:"avg60"`
	Avg300 float64 `json:"avg300"`
}

// Kmsg carries the kernel log records that arrived during the interval.
type Kmsg struct {
	Records []sources.KmsgRecord `json:"records"`
	Lost    uint64               `json:"lost"`
}

// Self is ktop's own cost.
type Self struct {
	CPUPct Val     `json:"cpu_pct"` // % of one core over the interval
	RSSKB  uint64  `json:"rss_kB"`
	TickMs float64 `json:"tick_ms"` // wall time of the sampling pass
	// Goroutines alive in ktop: with rss_kB, what a soak run watches for leaks.
	Goroutines int `json:"goroutines"`
}
