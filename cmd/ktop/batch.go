package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

// runBatch prints one report per interval. Like mpstat and iostat -y, it first takes a
// baseline sample and reports only intervals, so every report has rates: `-n 3 -d 1` prints
// three reports over three seconds.
func runBatch(ctx context.Context, e *engine.Engine, o *options, w io.Writer) error {
	base := e.Sample()
	// The baseline sample carries the kernel log already in the ring buffer (dmesg | tail);
	// it has no rates to report, so its records go out with the first report instead.
	var backlog *derive.Kmsg
	if base != nil {
		backlog = base.Frame.Kmsg
	}
	t := time.NewTicker(o.interval)
	defer t.Stop()
	enc := json.NewEncoder(w)
	for n := 0; o.iterations == 0 || n < o.iterations; n++ {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		s := e.Sample()
		f := s.Frame
		if backlog != nil {
			f = withBacklog(f, backlog)
			backlog = nil
		}
		var err error
		switch {
		case o.json:
			// JSON stays UTF-8 whatever the locale: it is data for a program, not text for a
			// terminal; RFC 8259 has JSON exchanged in UTF-8, and jq and the like read it
			// under any locale. The same run gives the same bytes under LANG=C and a UTF-8
			// locale, and a reason or a process name is never rewritten in the data.
			err = enc.Encode(f)
		case o.asciiText:
			// A terminal or a log whose locale is not UTF-8 would show a reason's "—" or
			// "≥" as mojibake, as the dashboard's frames would (locale.go).
			_, err = io.WriteString(w, views.ASCII(textReport(f)))
		default:
			_, err = io.WriteString(w, textReport(f))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// withBacklog returns a copy of f whose kernel log starts with the backlog records. Frames in
// History are shared and immutable, hence the copy.
func withBacklog(f *derive.Frame, backlog *derive.Kmsg) *derive.Frame {
	if len(backlog.Records) == 0 {
		return f
	}
	c := *f
	k := derive.Kmsg{Lost: backlog.Lost}
	if f.Kmsg != nil {
		k.Lost = f.Kmsg.Lost
		k.Records = append(k.Records, backlog.Records...)
		k.Records = append(k.Records, f.Kmsg.Records...)
	} else {
		k.Records = backlog.Records
	}
	c.Kmsg = &k
	return &c
}

// textReport renders a frame as a vmstat-like summary line and mpstat -P ALL lines.
func textReport(f *derive.Frame) string {
	var b strings.Builder
	ts := f.Time.Format("15:04:05")
	fmt.Fprintf(&b, "%s  %s %s  up %s", ts, f.Host, f.Kernel, fmtUptime(f.UptimeS))
	if l := f.Load; l != nil {
		fmt.Fprintf(&b, "  load %.2f %.2f %.2f", l.Avg1, l.Avg5, l.Avg15)
	}
	fmt.Fprintf(&b, "  ncpu %d\n", f.NCPU)
	fmt.Fprintf(&b, "%s  %5s %5s %8s %8s %8s", ts, "runq", "blk", "cs/s", "in/s", "forks/s")
	if f.Mem != nil {
		fmt.Fprintf(&b, " %10s %10s %10s %10s %10s", "total_kB", "used_kB", "free_kB", "buff/cache", "avail_kB")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%s  %5s %5s %8s %8s %8s", ts, num(f.Runq, 0), num(f.Blocked, 0), num(f.CswchS, 0), num(f.IntrS, 0), num(f.ProcS, 1))
	if m := f.Mem; m != nil {
		fmt.Fprintf(&b, " %10d %10d %10d %10d %10d", m.TotalKB, m.UsedKB, m.FreeKB, m.BuffCacheKB, m.AvailableKB)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%s  %4s %6s %6s %6s %8s %6s %6s %7s %7s %7s %6s\n", ts, "CPU", "%usr", "%nice", "%sys", "%iowait", "%irq", "%soft", "%steal", "%guest", "%gnice", "%idle")
	for _, c := range f.CPU {
		fmt.Fprintf(&b, "%s  %4s %6s %6s %6s %8s %6s %6s %7s %7s %7s %6s\n", ts, c.Name,
			num(c.Usr, 2), num(c.Nice, 2), num(c.Sys, 2), num(c.Iowait, 2), num(c.IRQ, 2),
			num(c.Soft, 2), num(c.Steal, 2), num(c.Guest, 2), num(c.Gnice, 2), num(c.Idle, 2))
	}
	// Sorted so that two runs over the same root print the same report.
	for _, name := range slices.Sorted(maps.Keys(f.Status)) {
		if st := f.Status[name]; st.State != sources.OK {
			fmt.Fprintf(&b, "%s  %s: %s: %s\n", ts, name, st.State, st.Reason)
		}
	}
	b.WriteString("\n")
	return b.String()
}

func num(v derive.Val, prec int) string {
	if !v.OK {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, v.V)
}

func fmtUptime(v derive.Val) string {
	if !v.OK {
		return "-"
	}
	d := time.Duration(v.V) * time.Second
	days := int(d.Hours()) / 24
	h := int(d.Hours()) % 24
	m := int(d.Minutes()) % 60
	if days > 0 {
		return fmt.Sprintf("%dd %02d:%02d", days, h, m)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}
