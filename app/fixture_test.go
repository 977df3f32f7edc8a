package app

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views/theme"
)

// t0 stamps fixture samples, so frames, and therefore goldens, do not depend on when the test
// runs. Collectors stamp reads with the clock; here the clock is this fixed one.
var t0 = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

// asciiTheme is the theme under the ASCII profile (no colour, letters in the bars), which is
// what goldens are rendered with.
func asciiTheme() *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

// loadSnap reads one fixture sample the way the collectors do — whole file, collect's parser,
// Status from sources.StatusOf — from procDir and sysDir.
func loadSnap(tb testing.TB, procDir, sysDir string, seq uint64, at time.Time) *sources.Snapshot {
	tb.Helper()
	s := &sources.Snapshot{Seq: seq, Time: at}
	read := func(src, path string, parse func([]byte) error) {
		b, err := collect.ReadFile(path)
		if err == nil {
			err = parse(b)
		}
		s.SetStatus(src, sources.StatusOf(err))
	}
	read(sources.SrcHost, filepath.Join(procDir, "sys/kernel/hostname"), func(b []byte) error {
		rel, err := collect.ReadFile(filepath.Join(procDir, "sys/kernel/osrelease"))
		if err != nil {
			return err
		}
		s.Host = &sources.Host{
			Hostname: collect.Sanitize(string(bytes.TrimSpace(b))),
			Kernel:   collect.Sanitize(string(bytes.TrimSpace(rel))),
		}
		return nil
	})
	read(sources.SrcStat, filepath.Join(procDir, "stat"), func(b []byte) error {
		st, err := collect.ParseStat(b)
		if err == nil {
			st.At = at
			s.Stat = st
		}
		return err
	})
	read(sources.SrcLoadavg, filepath.Join(procDir, "loadavg"), func(b []byte) (err error) {
		s.Load, err = collect.ParseLoadavg(b)
		return err
	})
	read(sources.SrcUptime, filepath.Join(procDir, "uptime"), func(b []byte) (err error) {
		s.Uptime, err = collect.ParseUptime(b)
		return err
	})
	read(sources.SrcMeminfo, filepath.Join(procDir, "meminfo"), func(b []byte) (err error) {
		s.Mem, err = collect.ParseMeminfo(b)
		return err
	})
	read(sources.SrcCPUOnline, filepath.Join(sysDir, "devices/system/cpu/online"), func(b []byte) error {
		on, err := collect.ParseCPUList(b)
		if err == nil {
			s.Online = &sources.CPUSet{Online: on}
		}
		return err
	})
	return s
}

// samples derives frames from consecutive snapshots, as the engine does. Fixtures carry no
// measure of ktop's own cost, so Self is left missing rather than shown as 0.
func samples(snaps []*sources.Snapshot) []*engine.Sample {
	out := make([]*engine.Sample, len(snaps))
	var prev *sources.Snapshot
	for i, s := range snaps {
		f := derive.Derive(prev, s)
		f.Self = derive.Self{}
		out[i] = &engine.Sample{Snap: s, Frame: f}
		prev = s
	}
	return out
}

// fixture16 is the shared 16-CPU VM: two samples 1 s apart.
func fixture16(tb testing.TB) []*engine.Sample {
	var snaps []*sources.Snapshot
	for i, d := range []string{"a", "b"} {
		dir := filepath.Join("testdata/proc-16cpu", d)
		snaps = append(snaps, loadSnap(tb, filepath.Join(dir, "proc"), filepath.Join(dir, "sys"), uint64(i+1), t0.Add(time.Duration(i)*time.Second)))
	}
	return samples(snaps)
}

// fixture2 is this development machine: 30 samples about 1 s apart.
func fixture2(tb testing.TB) []*engine.Sample {
	var snaps []*sources.Snapshot
	for i := range 30 {
		dir := filepath.Join("testdata/proc-2cpu", fmt.Sprintf("%02d", i), "proc")
		snaps = append(snaps, loadSnap(tb, dir, "testdata/proc-2cpu/sys", uint64(i+1), t0.Add(time.Duration(i)*time.Second)))
	}
	return samples(snaps)
}

// feed builds a root model of size w×h over a history holding the samples and tells it about
// the newest, as after a burst of samples that latest-wins delivery folded into one.
func feed(tb testing.TB, ss []*engine.Sample, w, h int) Model {
	tb.Helper()
	hist := engine.NewHistory(3600)
	m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second})
	m = update(m, sizeMsg(w, h))
	for _, s := range ss {
		hist.Append(s)
	}
	return update(m, SampleMsg{Sample: ss[len(ss)-1]})
}

func update(m Model, msg any) Model {
	nm, _ := m.Update(msg)
	return nm.(Model)
}
