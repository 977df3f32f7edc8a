package procs

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

// detail is the view of one process (Enter): what the list shows of it, plus an on-demand
// read of its threads, memory lines, cgroups and open files, and its own history charts.
type detail struct {
	th *theme.Theme
	id sources.ProcID
	// proc is the process in the newest frame, or the last one seen once it has exited.
	proc *derive.Proc
	gone bool

	d       *sources.ProcDetail
	err     error
	prevThr *sources.ThreadSet
	threads []derive.Thread

	cpu, rss      tschart.Model
	width, height int
	chartH        int
}

func newDetail(th *theme.Theme, interval time.Duration, id sources.ProcID) *detail {
	d := &detail{th: th, id: id}
	cpu := func(f *derive.Frame) (float64, bool) {
		if p := findProc(f, id); p != nil && p.CPUPct.OK {
			return p.CPUPct.V, true
		}
		return 0, false
	}
	rss := func(f *derive.Frame) (float64, bool) {
		if p := findProc(f, id); p != nil && p.RSSKB.OK {
			return p.RSSKB.V / 1024, true
		}
		return 0, false
	}
	d.cpu = tschart.New(th, interval, tschart.Spec{Title: "%CPU", Subtitle: "PID " + strconv.Itoa(id.PID), Unit: "%",
		Series: []tschart.Series{{Name: "cpu", Value: cpu}}})
	d.rss = tschart.New(th, interval, tschart.Spec{Title: "RSS", Subtitle: "PID " + strconv.Itoa(id.PID), Unit: " MiB",
		Series: []tschart.Series{{Name: "rss", Value: rss}}})
	return d
}

// findProc finds a process in a frame by identity; frames list processes by PID.
func findProc(f *derive.Frame, id sources.ProcID) *derive.Proc {
	if f == nil {
		return nil
	}
	ps := f.Procs
	i := sort.Search(len(ps), func(i int) bool { return ps[i].PID >= id.PID })
	if i < len(ps) && ps[i].PID == id.PID && ps[i].Start == id.Start {
		return &ps[i]
	}
	return nil
}

// setSize gives the charts the bottom third (6 to 12 lines), side by side.
func (d *detail) setSize(w, h int) {
	d.width, d.height = w, h
	d.chartH = 0
	if h >= 16 && w >= 40 {
		d.chartH = min(max(h/3, 6), 12)
	}
	left := w / 2
	d.cpu.SetSize(left, d.chartH)
	d.rss.SetSize(max(w-left-1, 0), d.chartH)
}

// frames follows the process through a new window.
func (d *detail) frames(msg views.FrameMsg) {
	if p := findProc(msg.Current(), d.id); p != nil {
		cp := *p // the frame is shared with History: keep a copy, not a pointer into it
		d.proc, d.gone = &cp, false
	} else if msg.Current() != nil {
		d.gone = true
	}
	d.cpu, _ = d.cpu.Update(msg)
	d.rss, _ = d.rss.Update(msg)
}

// update takes an on-demand read and rates its threads against the previous one.
func (d *detail) update(msg detailMsg) {
	d.err = msg.err
	if msg.err != nil {
		if errors.Is(msg.err, sources.ErrProcGone) || errors.Is(msg.err, sources.ErrPIDReused) {
			d.gone = true
		}
		return
	}
	d.threads = derive.Threads(d.prevThr, &msg.d.Threads)
	d.prevThr = &msg.d.Threads
	d.d = msg.d
}

// lines draws the detail view in exactly height lines.
func (d *detail) lines() []string {
	th := d.th
	w, h := d.width, d.height
	sep := th.Ink.Label.Paint(" · ")
	kv := func(k, v string) string { return th.Ink.Label.Paint(k+" ") + th.Ink.Value.Paint(v) }
	var out []string
	p := d.proc
	if p == nil {
		out = append(out, th.Ink.Title.Paint(fmt.Sprintf("PID %d", d.id.PID))+" "+th.Ink.Dim.Paint("not in the current sample"))
	} else {
		title := th.Ink.Title.Paint(fmt.Sprintf("PID %d %s", p.PID, clean(p.Comm)))
		if d.gone {
			title += " " + th.Ink.Bad.Paint("exited")
		}
		out = append(out, title+"  "+strings.Join([]string{kv("user", orMissing(clean(p.User))), kv("state", p.State),
			kv("nice", strconv.Itoa(p.Nice)), kv("threads", strconv.Itoa(p.Threads)), kv("ppid", strconv.Itoa(p.PPID)),
			kv("CPU", strconv.Itoa(p.CPU)), kv("TIME+", cpuTime(p.TimeS))}, sep))
		out = append(out, th.Ink.Label.Paint("cmd ")+clean(p.Cmdline))
		io := kv("kB_rd/s", views.ShortVal(p.KBRdS)) + " " + kv("kB_wr/s", views.ShortVal(p.KBWrS))
		if p.IONote != "" {
			io = kv("kB_rd/wr", views.Missing+": "+p.IONote)
		}
		out = append(out, strings.Join([]string{kv("%CPU", pct(p.CPUPct)), kv("%usr", pct(p.Usr)), kv("%sys", pct(p.System)),
			kv("%wait", pct(p.Wait)), kv("minflt/s", views.ShortVal(p.MinfltS)), kv("majflt/s", views.ShortVal(p.MajfltS)), io}, sep))
	}

	// Memory: status lines from the on-demand read (kB, asynchronous counters), then the last
	// smaps_rollup values from the sampler with their cost.
	if dd := d.d; dd != nil && dd.MemNote == "" {
		mm := dd.Mem
		k := func(v uint64) string { return kb(derive.Some(float64(v))) }
		out = append(out, th.Ink.Title.Paint("Memory ")+strings.Join([]string{kv("RSS", k(mm.VmRSS)), kv("anon", k(mm.RssAnon)),
			kv("file", k(mm.RssFile)), kv("shmem", k(mm.RssShmem)), kv("swap", k(mm.VmSwap)), kv("HWM", k(mm.VmHWM))}, sep))
		out = append(out, "       "+strings.Join([]string{kv("VmSize", k(mm.VmSize)), kv("VmPeak", k(mm.VmPeak)),
			kv("data", k(mm.VmData)), kv("stack", k(mm.VmStk)), kv("PTE", k(mm.VmPTE)), kv("locked", k(mm.VmLck))}, sep))
	} else if dd != nil {
		out = append(out, th.Ink.Title.Paint("Memory ")+th.Ink.Label.Paint(views.Missing+": "+dd.MemNote))
	}
	if p != nil {
		if p.PssKB.OK {
			out = append(out, th.Ink.Title.Paint("PSS    ")+strings.Join([]string{kv("PSS", kb(p.PssKB)), kv("anon", kb(p.PssAnonKB)),
				kv("file", kb(p.PssFileKB)), kv("shmem", kb(p.PssShmemKB)), kv("USS", kb(p.UssKB)), kv("SwapPss", kb(p.SwapPssKB)),
				th.Ink.Label.Paint(fmt.Sprintf("smaps_rollup read in %s ms, %s s ago", views.Num(p.SmapsMs, 2), views.Num(p.SmapsAgeS, 0)))}, sep))
		} else {
			why := p.SmapsSkip
			if why == "" {
				why = "waiting its turn (one smaps_rollup read per tick)"
			}
			out = append(out, th.Ink.Title.Paint("PSS    ")+th.Ink.Label.Paint(views.Missing+": "+clean(why)+" (p pins; the read holds the process's mmap lock)"))
		}
	}

	if dd := d.d; dd != nil {
		fds := kv("open files", strconv.Itoa(dd.FDs))
		if dd.FDNote != "" {
			fds = kv("open files", views.Missing+": "+dd.FDNote)
		}
		out = append(out, fds+sep+kv("ctxt switches (main thread)", fmt.Sprintf("%d voluntary, %d involuntary", dd.VolCtx, dd.InvolCtx))+
			sep+th.Ink.Label.Paint(fmt.Sprintf("read in %.1f ms", float64(dd.Took.Microseconds())/1000)))
		switch {
		case dd.CgroupNote != "":
			out = append(out, kv("cgroup", views.Missing+": "+dd.CgroupNote))
		default:
			out = append(out, th.Ink.Label.Paint("cgroup ")+th.Ink.Value.Paint(cgroupLine(dd.Cgroups)))
		}
	} else if d.err != nil {
		out = append(out, th.Ink.Bad.Paint(clean(d.err.Error())))
	} else {
		out = append(out, th.Ink.Dim.Paint("reading threads, memory, cgroup and open files…"))
	}
	if d.d != nil && d.err != nil {
		out = append(out, th.Ink.Bad.Paint(clean(d.err.Error())))
	}

	// Threads take what the charts leave.
	room := h - len(out) - d.chartH
	if room >= 2 {
		out = append(out, d.threadLines(w, room)...)
	}
	for len(out) < h-d.chartH {
		out = append(out, "")
	}
	out = out[:max(h-d.chartH, 0)]
	if d.chartH > 0 {
		cl := strings.Split(d.cpu.View(), "\n")
		rl := strings.Split(d.rss.View(), "\n")
		for i := range d.chartH {
			out = append(out, cl[i]+" "+rl[i])
		}
	}
	return out
}

// cgroupLine puts the cgroup v2 line first ("0::/path" is the unified hierarchy) and the v1
// hierarchies after it.
func cgroupLine(lines []string) string {
	if len(lines) == 0 {
		return views.Missing
	}
	var v2, v1 []string
	for _, l := range lines {
		if strings.HasPrefix(l, "0::") {
			v2 = append(v2, l)
		} else {
			v1 = append(v1, l)
		}
	}
	return strings.Join(append(v2, v1...), "  ")
}

// threadLines is a table of the process's threads, busiest first, in n lines.
func (d *detail) threadLines(w, n int) []string {
	th := d.th
	head := fmt.Sprintf("%7s %1s %3s %3s %5s %5s %5s %5s %9s %s", "TID", "S", "NI", "CPU", "%CPU", "%usr", "%sys", "%wait", "TIME+", "thread")
	out := []string{th.Ink.Title.Paint(views.Fit(head, w))}
	if d.d == nil {
		return out
	}
	if d.d.ThreadsNote != "" {
		return append(out, th.Ink.Label.Paint("threads "+views.Missing+": "+d.d.ThreadsNote))
	}
	ts := make([]*derive.Thread, len(d.threads))
	for i := range d.threads {
		ts[i] = &d.threads[i]
	}
	v := view{sort: colCPUPct}
	sort.SliceStable(ts, func(i, j int) bool { return v.compareThreads(ts[i], ts[j]) < 0 })
	for i, t := range ts {
		if len(out) == n-1 && i < len(ts)-1 {
			out = append(out, th.Ink.Dim.Paint(fmt.Sprintf("… %d more threads", len(ts)-i)))
			break
		}
		if len(out) >= n {
			break
		}
		out = append(out, fmt.Sprintf("%7d %1s %3d %3d %5s %5s %5s %5s %9s %s", t.TID, t.State, t.Nice, t.CPU,
			pct(t.CPUPct), pct(t.Usr), pct(t.System), pct(t.Wait), cpuTime(t.TimeS), clean(t.Comm)))
	}
	return out
}
