package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"
)

// durationFlag accepts a Go duration ("500ms", "2s", "1h") or, as top does, a bare number of
// seconds ("1", "0.5").
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

func parseDuration(s string) (time.Duration, error) {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		// Written as a negated range so that NaN, which compares false, is refused too.
		if !(v > 0 && v <= 86400) {
			return 0, fmt.Errorf("%q: want a positive number of seconds up to 86400", s)
		}
		return time.Duration(v * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q: want a duration such as 1s, 500ms or a number of seconds", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: must be positive", s)
	}
	return d, nil
}

// minInterval is the shortest sampling interval accepted.
const minInterval = 10 * time.Millisecond

// options is the parsed command line of the dashboard and batch modes.
type options struct {
	interval   time.Duration
	history    time.Duration
	batch      bool
	iterations int
	json       bool
	proc, sys  string
	dev        string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{interval: time.Second, history: time.Hour, proc: "/proc", sys: "/sys", dev: "/dev"}
	fs := flag.NewFlagSet("ktop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(durationFlag{&o.interval}, "d", "sampling interval (a bare number is seconds)")
	fs.Var(durationFlag{&o.interval}, "interval", "sampling interval (a bare number is seconds)")
	fs.Var(durationFlag{&o.history}, "history", "how much history to keep in memory")
	fs.BoolVar(&o.batch, "b", false, "batch mode: one text report per interval on stdout")
	fs.BoolVar(&o.batch, "batch", false, "batch mode: one text report per interval on stdout")
	fs.IntVar(&o.iterations, "n", 0, "with -b: stop after N reports (0: run until interrupted)")
	fs.IntVar(&o.iterations, "iterations", 0, "with -b: stop after N reports (0: run until interrupted)")
	fs.BoolVar(&o.json, "json", false, "with -b: one JSON object per line")
	fs.StringVar(&o.proc, "proc", o.proc, "procfs root to read")
	fs.StringVar(&o.sys, "sys", o.sys, "sysfs root to read")
	fs.StringVar(&o.dev, "dev", o.dev, "devfs root to read (for /dev/kmsg)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see ktop -h)", fs.Arg(0))
	}
	// Below one USER_HZ tick (10 ms) /proc/stat's CPU counters cannot move between samples.
	if o.interval < minInterval {
		return nil, fmt.Errorf("-d %s: want at least %s", o.interval, minInterval)
	}
	if o.iterations < 0 {
		return nil, fmt.Errorf("-n %d: want 0 or more", o.iterations)
	}
	if o.json && !o.batch {
		o.batch = true // --json only makes sense without a screen
	}
	if o.history < o.interval {
		o.history = o.interval
	}
	return o, nil
}

const usage = `ktop — a full-screen Linux performance dashboard

Usage:
  ktop [flags]                 live dashboard
  ktop -b [-n N] [--json]      batch reports on stdout, no terminal needed
  ktop version

Flags:
`
