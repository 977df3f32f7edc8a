package record

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"flag"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/procfs"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// Benchmark data: real samples of this machine. The collectors of this branch fill only part
// of a Snapshot; the sources whose collectors are written in other branches (vmstat, TCP,
// softirqs, interrupts, disks, network, PSI) are filled here by deliberately small stand-in
// parsers, and the process table (not yet a Snapshot field here) is a benchProc slice shaped
// like the procs branch's sources.Proc, read with prometheus/procfs. All values are real; only
// the parsers are stand-ins, so that the size figures count every source.

var (
	benchSamples  = flag.Int("bench.samples", 120, "real samples to take for the record benchmarks")
	benchInterval = flag.Duration("bench.interval", time.Second, "interval between them")
	benchCache    = flag.String("bench.cache", "", "keep the samples in this file (gob) and reuse them on later runs")
)

type benchSample struct {
	Time  time.Time
	Snap  *sources.Snapshot
	Procs []benchProc
}

// benchProc mirrors sources.Proc of the procs branch (smaps left out: read rarely).
type benchProc struct {
	PID       int    `record:"key"`
	StartTime uint64 `record:"key"`
	PPID      int
	State     byte
	Kernel    bool
	Comm      string
	Cmdline   string
	UID       uint32
	User      string

	UTime, STime, GuestTime uint64
	MinFlt, MajFlt          uint64
	BlkioTicks              uint64
	Threads                 uint32
	CPU                     int32

	RunNs, RunDelayNs uint64
	HasSched          bool

	RSSKB, AnonKB, FileKB, ShmemKB, SwapKB uint64
	HasStatus                              bool

	ReadBytes, WriteBytes, CancelledWriteBytes uint64
	IOState                                    uint8
}

var benchData = struct {
	once sync.Once
	real []*benchSample
}{}

// realSamples returns the real samples, taken once per test binary run.
func realSamples(b *testing.B) []*benchSample {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		b.Skip("no /proc here")
	}
	benchData.once.Do(func() {
		if *benchCache != "" {
			if f, err := os.Open(*benchCache); err == nil {
				defer f.Close()
				if err := gob.NewDecoder(f).Decode(&benchData.real); err != nil {
					b.Fatalf("%s: %v", *benchCache, err)
				}
				return
			}
		}
		set := collect.NewSet(collect.DefaultFS())
		defer set.Close()
		pfs, err := procfs.NewFS("/proc")
		if err != nil {
			b.Fatal(err)
		}
		users := map[uint32]string{}
		for i := range *benchSamples {
			if i > 0 {
				time.Sleep(*benchInterval)
			}
			snap := collectFrom(set, uint64(i+1))
			fillStandIns(snap)
			bs := &benchSample{Time: snap.Time, Snap: snap, Procs: readProcs(pfs, users)}
			snap.Time = time.Time{} // kept once, at the top
			benchData.real = append(benchData.real, bs)
		}
		if *benchCache != "" {
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(benchData.real); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(*benchCache, buf.Bytes(), 0o600); err != nil {
				b.Fatal(err)
			}
		}
	})
	return benchData.real
}

// withProcs returns the samples with the process table made n entries long: grown with copies
// of the real processes under other PIDs, or cut to the n lowest PIDs. Copy k follows its original k*7 samples
// later, so the copies do not change in lockstep with the originals (which zstd would
// exploit); the jump where a copy wraps around the series makes the figure pessimistic.
func withProcs(real []*benchSample, n int) []*benchSample {
	out := make([]*benchSample, len(real))
	for t, s := range real {
		c := *s
		c.Procs = append([]benchProc(nil), s.Procs...)
		for k := 1; len(c.Procs) < n; k++ {
			src := real[(t+7*k)%len(real)].Procs
			for _, p := range src {
				if len(c.Procs) >= n {
					break
				}
				p.PID += k * 1_000_000
				c.Procs = append(c.Procs, p)
			}
		}
		if len(c.Procs) > n { // a busy moment: keep the n oldest PIDs
			c.Procs = c.Procs[:n]
		}
		out[t] = &c
	}
	return out
}

// stableProcs keeps the processes that live through the whole series: the process table of
// a machine without churn (the development VM's churn comes from builds and tests).
func stableProcs(real []*benchSample) []*benchSample {
	type key struct {
		pid   int
		start uint64
	}
	seen := map[key]int{}
	for _, s := range real {
		for _, p := range s.Procs {
			seen[key{p.PID, p.StartTime}]++
		}
	}
	out := make([]*benchSample, len(real))
	for i, s := range real {
		c := *s
		c.Procs = nil
		for _, p := range s.Procs {
			if seen[key{p.PID, p.StartTime}] == len(real) {
				c.Procs = append(c.Procs, p)
			}
		}
		out[i] = &c
	}
	return out
}

// shareOfProcs keeps one process in k.
func shareOfProcs(real []*benchSample, k int) []*benchSample {
	out := make([]*benchSample, len(real))
	for i, s := range real {
		c := *s
		c.Procs = nil
		for _, p := range s.Procs {
			if (uint64(p.PID)*2654435761^p.StartTime*40503)%uint64(k) == 0 {
				c.Procs = append(c.Procs, p)
			}
		}
		out[i] = &c
	}
	return out
}

func withoutProcs(real []*benchSample) []*benchSample {
	out := make([]*benchSample, len(real))
	for i, s := range real {
		c := *s
		c.Procs = nil
		out[i] = &c
	}
	return out
}

func readProcs(pfs procfs.FS, users map[uint32]string) []benchProc {
	procs, err := pfs.AllProcs()
	if err != nil {
		return nil
	}
	out := make([]benchProc, 0, len(procs))
	for _, p := range procs {
		st, err := p.Stat()
		if err != nil {
			continue
		}
		bp := benchProc{PID: st.PID, StartTime: st.Starttime, PPID: st.PPID, State: st.State[0],
			Comm: st.Comm, UTime: uint64(st.UTime), STime: uint64(st.STime), GuestTime: uint64(st.GuestTime),
			MinFlt: uint64(st.MinFlt), MajFlt: uint64(st.MajFlt), Threads: uint32(st.NumThreads), CPU: int32(st.Processor),
			Kernel: st.PPID == 2 || st.PID == 2, BlkioTicks: st.DelayAcctBlkIOTicks}
		if cl, err := p.CmdLine(); err == nil {
			bp.Cmdline = strings.Join(cl, " ")
		}
		if bp.Cmdline == "" {
			bp.Cmdline = "[" + bp.Comm + "]"
		}
		if ss, err := p.Schedstat(); err == nil {
			bp.RunNs, bp.RunDelayNs, bp.HasSched = ss.RunningNanoseconds, ss.WaitingNanoseconds, true
		}
		if s, err := p.NewStatus(); err == nil {
			bp.UID = uint32(s.UIDs[0])
			bp.RSSKB, bp.AnonKB, bp.FileKB, bp.ShmemKB, bp.SwapKB = s.VmRSS/1024, s.RssAnon/1024, s.RssFile/1024, s.RssShmem/1024, s.VmSwap/1024
			bp.HasStatus = true
			name, ok := users[bp.UID]
			if !ok {
				if u, err := user.LookupId(strconv.Itoa(int(bp.UID))); err == nil {
					name = u.Username
				}
				users[bp.UID] = name
			}
			bp.User = name
		}
		if io, err := p.IO(); err == nil {
			bp.ReadBytes, bp.WriteBytes, bp.CancelledWriteBytes, bp.IOState = io.ReadBytes, io.WriteBytes, uint64(io.CancelledWriteBytes), 1
		}
		out = append(out, bp)
	}
	return out
}

// --- stand-in parsers (benchmark data only) ---

func fillStandIns(s *sources.Snapshot) {
	now := time.Now()
	if v := keyValues("/proc/vmstat"); v != nil {
		s.VMStat = &sources.VMStat{At: now, Values: v}
	}
	tcp, ext := headerPairs("/proc/net/snmp", "Tcp:"), headerPairs("/proc/net/netstat", "TcpExt:")
	s.SNMP = &sources.SNMP{At: now, Tcp: tcp, TcpExt: ext}
	s.Softirqs = softirqs(now)
	s.Interrupts = interrupts(now)
	s.Disks = diskstats(now)
	s.Net = netdev(now)
	s.PSI = &sources.PSI{At: now, CPU: psi("cpu"), Memory: psi("memory"), IO: psi("io"), IRQ: psi("irq")}
}

func lines(path string) [][]string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out [][]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, strings.Fields(sc.Text()))
	}
	return out
}

func u64(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }

func keyValues(path string) map[string]uint64 {
	m := map[string]uint64{}
	for _, f := range lines(path) {
		if len(f) == 2 {
			m[f[0]] = u64(f[1])
		}
	}
	return m
}

func headerPairs(path, prefix string) map[string]int64 {
	m := map[string]int64{}
	ls := lines(path)
	for i := 0; i+1 < len(ls); i++ {
		if len(ls[i]) > 0 && ls[i][0] == prefix && len(ls[i+1]) == len(ls[i]) {
			for j := 1; j < len(ls[i]); j++ {
				v, _ := strconv.ParseInt(ls[i+1][j], 10, 64)
				m[ls[i][j]] = v
			}
			i++
		}
	}
	return m
}

func cpuHeader(f []string) []int {
	var cpus []int
	for _, c := range f {
		n, _ := strconv.Atoi(strings.TrimPrefix(c, "CPU"))
		cpus = append(cpus, n)
	}
	return cpus
}

func softirqs(at time.Time) *sources.Softirqs {
	ls := lines("/proc/softirqs")
	if len(ls) < 2 {
		return nil
	}
	s := &sources.Softirqs{At: at, CPUs: cpuHeader(ls[0])}
	for _, f := range ls[1:] {
		s.Types = append(s.Types, strings.TrimSuffix(f[0], ":"))
		var row []uint64
		for _, v := range f[1:] {
			row = append(row, u64(v))
		}
		s.Counts = append(s.Counts, row)
	}
	return s
}

func interrupts(at time.Time) *sources.Interrupts {
	ls := lines("/proc/interrupts")
	if len(ls) < 2 {
		return nil
	}
	in := &sources.Interrupts{At: at, CPUs: cpuHeader(ls[0])}
	n := len(in.CPUs)
	for _, f := range ls[1:] {
		r := sources.IRQRow{Name: strings.TrimSuffix(f[0], ":")}
		if len(f) < n+1 {
			r.Total = u64(f[len(f)-1])
		} else {
			for _, v := range f[1 : n+1] {
				r.Counts = append(r.Counts, u64(v))
				r.Total += u64(v)
			}
			r.Desc = strings.Join(f[n+1:], " ")
		}
		in.Rows = append(in.Rows, r)
	}
	return in
}

func diskstats(at time.Time) *sources.Diskstats {
	d := &sources.Diskstats{At: at}
	for _, f := range lines("/proc/diskstats") {
		if len(f) < 14 {
			continue
		}
		v := make([]uint64, 17)
		for i := 3; i < len(f) && i-3 < 17; i++ {
			v[i-3] = u64(f[i])
		}
		_, err := os.Stat("/sys/block/" + f[2])
		d.Disks = append(d.Disks, sources.Disk{Major: uint32(u64(f[0])), Minor: uint32(u64(f[1])), Name: f[2], Display: f[2],
			Whole: err == nil, Fields: len(f) - 3,
			ReadIOs: v[0], ReadMerges: v[1], ReadSectors: v[2], ReadTicks: v[3],
			WriteIOs: v[4], WriteMerges: v[5], WriteSectors: v[6], WriteTicks: v[7],
			InFlight: v[8], IOTicks: v[9], TimeInQueue: v[10],
			DiscardIOs: v[11], DiscardMerges: v[12], DiscardSectors: v[13], DiscardTicks: v[14],
			FlushIOs: v[15], FlushTicks: v[16]})
	}
	return d
}

func netdev(at time.Time) *sources.NetDev {
	n := &sources.NetDev{At: at}
	for _, f := range lines("/proc/net/dev") {
		if len(f) != 17 || !strings.HasSuffix(f[0], ":") {
			continue
		}
		v := make([]uint64, 16)
		for i := range v {
			v[i] = u64(f[i+1])
		}
		n.Ifaces = append(n.Ifaces, sources.Iface{Name: strings.TrimSuffix(f[0], ":"),
			RxBytes: v[0], RxPackets: v[1], RxErrs: v[2], RxDrop: v[3], RxFifo: v[4], RxFrame: v[5], RxCompressed: v[6], RxMulticast: v[7],
			TxBytes: v[8], TxPackets: v[9], TxErrs: v[10], TxDrop: v[11], TxFifo: v[12], TxColls: v[13], TxCarrier: v[14], TxCompressed: v[15],
			SpeedMbps: -1})
	}
	return n
}

func psi(res string) *sources.PSIResource {
	ls := lines("/proc/pressure/" + res)
	if ls == nil {
		return nil
	}
	r := &sources.PSIResource{}
	for _, f := range ls {
		if len(f) != 5 {
			continue
		}
		l := &sources.PSILine{}
		for _, kv := range f[1:] {
			k, v, _ := strings.Cut(kv, "=")
			x, _ := strconv.ParseFloat(v, 64)
			switch k {
			case "avg10":
				l.Avg10 = x
			case "avg60":
				l.Avg60 = x
			case "avg300":
				l.Avg300 = x
			case "total":
				l.Total = u64(v)
			}
		}
		if f[0] == "some" {
			r.Some = l
		} else {
			r.Full = l
		}
	}
	return r
}
