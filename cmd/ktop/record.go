package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/sources/record"
)

// startRecording makes e record every following sample to path: a new file (mode 0600, it
// holds command lines), or, when path exists, the same recording continued (a damaged tail is
// cut back to its last intact frame first). Another recorder on the file is refused. first,
// when not nil, is a sample already taken that goes in first.
func startRecording(e *engine.Engine, path string, first *sources.Snapshot, interval time.Duration) error {
	host := ""
	if first != nil && first.Host != nil {
		host = first.Host.Hostname
	} else if h, err := os.Hostname(); err == nil {
		host = h
	}
	var w *record.Writer
	_, err := os.Stat(path)
	switch {
	case err == nil:
		w, err = record.OpenAppend(path)
	case errors.Is(err, fs.ErrNotExist):
		w, err = record.Create(path, record.Header{
			Created: time.Now(), Hostname: host, Interval: interval, Writer: "ktop " + version,
		})
	}
	if err != nil {
		return fmt.Errorf("record %s: %w", path, err)
	}
	if first != nil {
		if err := w.Append(first); err != nil {
			w.Close()
			return fmt.Errorf("record %s: %w", path, err)
		}
	}
	return e.SetRecorder(w, path)
}

// liveRecorder is the dashboard's R key (app.Recorder): it starts and stops the engine's
// recording at run time, as --record does at start.
type liveRecorder struct {
	e   *engine.Engine
	dir string // where the default file goes; "" is the current directory
}

// DefaultName is ktop-HOST-DATE-TIME.ktop in the recording directory, the host's name taken
// from the newest sample.
func (r liveRecorder) DefaultName() string {
	host := ""
	if s := r.e.History().Latest(); s != nil && s.Snap.Host != nil {
		host = s.Snap.Host.Hostname
	}
	return filepath.Join(r.dir, defaultRecordName(host, time.Now()))
}

// Start records to path (~/ is the home directory, as the user typed it in the prompt).
func (r liveRecorder) Start(path string) error {
	return startRecording(r.e, expandHome(path), nil, r.e.Interval())
}

func (r liveRecorder) Stop() error { return r.e.SetRecorder(nil, "") }

func (r liveRecorder) State() engine.RecordState { return r.e.Recording() }

// expandHome turns a leading ~/ into the home directory, as a shell would have.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, rest)
		}
	}
	return path
}

// checkRecordDir refuses a recording directory that is not one, before the screen starts,
// rather than at the first R.
func checkRecordDir(dir string) error {
	if dir == "" {
		return nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--record-dir: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--record-dir %s: not a directory", dir)
	}
	return nil
}

// defaultRecordName is ktop-HOST-YYYYmmdd-HHMMSS.ktop in the current directory.
func defaultRecordName(host string, t time.Time) string {
	if host == "" {
		host = "host"
	}
	return fmt.Sprintf("ktop-%s-%s.ktop", host, t.Format("20060102-150405"))
}

// runRecordCmd is `ktop record [-o FILE] [-d DUR] [--duration DUR]`: the headless recorder.
// SIGINT, SIGTERM and SIGHUP end it cleanly: the last sample is written and the index added.
func runRecordCmd(args []string, stdout, stderr io.Writer) int {
	var (
		out      string
		interval = time.Second
		duration time.Duration
		proc     = "/proc"
		sysRoot  = "/sys"
		dev      = "/dev"
		quiet    bool
	)
	f := flag.NewFlagSet("ktop record", flag.ContinueOnError)
	f.SetOutput(stderr)
	f.StringVar(&out, "o", "", "recording file (default ktop-HOST-DATE-TIME.ktop; an existing file is continued)")
	f.Var(durationFlag{&interval}, "d", "sampling interval (a bare number is seconds)")
	f.Var(durationFlag{&interval}, "interval", "sampling interval (a bare number is seconds)")
	f.Var(durationFlag{&duration}, "duration", "stop after this long (default: until interrupted)")
	f.StringVar(&proc, "proc", proc, "procfs root to read")
	f.StringVar(&sysRoot, "sys", sysRoot, "sysfs root to read")
	f.StringVar(&dev, "dev", dev, "devfs root to read (for /dev/kmsg)")
	f.BoolVar(&quiet, "q", false, "no summary on stderr at the end")
	f.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ktop record [-o FILE] [-d DUR] [--duration DUR]")
		f.PrintDefaults()
	}
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if f.NArg() > 0 {
		fmt.Fprintf(stderr, "ktop record: unexpected argument %q\n", f.Arg(0))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, duration)
		defer cancel()
	}
	e := engine.New(engine.Options{FS: collect.FS{Proc: proc, Sys: sysRoot, Dev: dev}, Interval: interval, History: 2 * interval})
	first := e.Sample() // the host name for the header and the file name
	host := ""
	if first.Snap.Host != nil {
		host = first.Snap.Host.Hostname
	}
	if out == "" {
		out = defaultRecordName(host, first.Snap.Time)
	}
	if err := startRecording(e, out, first.Snap, interval); err != nil {
		e.Close()
		fmt.Fprintln(stderr, "ktop:", err)
		return 1
	}
	start := time.Now()
	t := time.NewTicker(interval)
	defer t.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-t.C:
			e.Sample()
			if st := e.Recording(); st.Err != nil {
				break loop
			}
		}
	}
	st := e.Recording()
	cerr := e.Close()
	if st.Err != nil {
		fmt.Fprintf(stderr, "ktop: recording to %s stopped after %d samples: %v (the file is readable up to there)\n", out, st.Samples, st.Err)
		return 1
	}
	if cerr != nil {
		fmt.Fprintf(stderr, "ktop: closing %s: %v\n", out, cerr)
		return 1
	}
	if !quiet {
		fmt.Fprintf(stderr, "ktop: recorded %d samples over %s to %s\n", st.Samples, time.Since(start).Round(time.Second), out)
	}
	_ = stdout
	return 0
}
