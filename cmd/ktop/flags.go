package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
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

// sizeFlag accepts a size in bytes with an optional binary suffix: "64M", "512MiB", "1G".
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil || *f.n == 0 {
		return ""
	}
	return strconv.FormatInt(*f.n>>20, 10) + "MiB"
}

func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*f.n = n
	return nil
}

// minHistoryMem is the smallest history budget accepted: below it not even one block of a busy
// machine's samples fits.
const minHistoryMem = 1 << 20

// parseSize reads a size: a number of bytes, or a number with K, M or G (powers of 1024, with
// or without "iB" or "B").
func parseSize(s string) (int64, error) {
	num := strings.TrimRight(strings.TrimSpace(s), "iBb")
	mult := int64(1)
	if k := len(num); k > 0 {
		switch num[k-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		}
		if mult > 1 {
			num = num[:k-1]
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	// Written as a negated range so that NaN, which compares false, is refused too.
	if err != nil || !(v*float64(mult) >= minHistoryMem && v*float64(mult) <= 1<<40) {
		return 0, fmt.Errorf("%q: want a size from 1M to 1T, such as 64M or 512MiB", s)
	}
	return int64(v * float64(mult)), nil
}

// minInterval is the shortest sampling interval accepted.
const minInterval = 10 * time.Millisecond

// options is the parsed command line of the dashboard and batch modes.
type options struct {
	interval   time.Duration
	history    time.Duration
	historyMem int64 // bytes; 0: the engine's default budget
	batch      bool
	iterations int
	json       bool
	proc, sys  string
	dev        string
	record     string // also record every sample to this file
	recordDir  string // where R offers to record (dashboard only); "" is the current directory
	asciiText  bool   // batch text in ASCII: the locale is not UTF-8 (set by run from it)

	// Dashboard only; the config file sets their defaults (config.go).
	theme  string // dark, light or auto
	panel  string // the panel shown first: a digit or a name
	vim    bool
	config string // the config file; "" means the default path
	// configWarning says why the default config file was not read, when it exists but
	// cannot be (loadConfig); ktop then runs with the defaults and says so once.
	configWarning string

	// set holds the flags given on the command line (by name, "d" as "interval"), which the
	// config file does not override.
	set map[string]bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{interval: time.Second, history: time.Hour, proc: "/proc", sys: "/sys", dev: "/dev",
		theme: "auto", panel: "overview", set: map[string]bool{}}
	fs := flag.NewFlagSet("ktop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(durationFlag{&o.interval}, "d", "sampling interval (a bare number is seconds)")
	fs.Var(durationFlag{&o.interval}, "interval", "sampling interval (a bare number is seconds)")
	fs.Var(durationFlag{&o.history}, "history", "how much history to keep in memory")
	fs.Var(sizeFlag{&o.historyMem}, "history-mem", "most memory the history may take, such as 64M (default 24MiB); the oldest samples go first")
	fs.BoolVar(&o.batch, "b", false, "batch mode: one text report per interval on stdout")
	fs.BoolVar(&o.batch, "batch", false, "batch mode: one text report per interval on stdout")
	fs.IntVar(&o.iterations, "n", 0, "with -b: stop after N reports (0: run until interrupted)")
	fs.IntVar(&o.iterations, "iterations", 0, "with -b: stop after N reports (0: run until interrupted)")
	fs.BoolVar(&o.json, "json", false, "with -b: one JSON object per line")
	fs.StringVar(&o.proc, "proc", o.proc, "procfs root to read")
	fs.StringVar(&o.sys, "sys", o.sys, "sysfs root to read")
	fs.StringVar(&o.dev, "dev", o.dev, "devfs root to read (for /dev/kmsg)")
	fs.StringVar(&o.record, "record", "", "also record this session to FILE (appends to an existing recording)")
	fs.StringVar(&o.recordDir, "record-dir", "", "directory the R key offers to record to (default: the current directory)")
	fs.StringVar(&o.theme, "theme", o.theme, "colours for a dark or light terminal background: dark, light or auto (ask the terminal)")
	fs.StringVar(&o.panel, "panel", o.panel, "panel shown first: its digit or name (overview, cpu, ...)")
	fs.BoolVar(&o.vim, "vim", false, "vim keys: h/j/k/l, g/G, ctrl+d/ctrl+u move (h is then not help)")
	fs.StringVar(&o.config, "config", "", "config file (default $XDG_CONFIG_HOME/ktop/config or ~/.config/ktop/config)")
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
	fs.Visit(func(f *flag.Flag) {
		name := f.Name
		switch name { // short and long forms set the same thing
		case "d":
			name = "interval"
		case "b":
			name = "batch"
		case "n":
			name = "iterations"
		}
		o.set[name] = true
	})
	if err := checkTheme(o.theme); err != nil {
		return nil, fmt.Errorf("--theme %w", err)
	}
	if o.set["config"] && (o.batch || o.json) {
		return nil, fmt.Errorf("--config: batch mode reads no config file, so that scripts print the same for every user")
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return o, nil
}

// check validates the options together, after the flags and again after the config file.
func (o *options) check() error {
	// Below one USER_HZ tick (10 ms) /proc/stat's CPU counters cannot move between samples.
	if o.interval < minInterval {
		return fmt.Errorf("-d %s: want at least %s", o.interval, minInterval)
	}
	if o.iterations < 0 {
		return fmt.Errorf("-n %d: want 0 or more", o.iterations)
	}
	if o.json && !o.batch {
		o.batch = true // --json only makes sense without a screen
	}
	if o.history < o.interval {
		o.history = o.interval
	}
	return nil
}

const usage = `ktop — a full-screen Linux performance dashboard

Usage:
  ktop [flags]                 live dashboard
  ktop -b [-n N] [--json]      batch reports on stdout, no terminal needed
  ktop record [-o FILE]        record to a file, no screen (ktop record -h)
  ktop replay FILE             the dashboard over a recording (ktop replay -h)
  ktop export FILE             a recording as JSON lines or CSV (ktop export -h)
  ktop version

The dashboard reads its defaults from $XDG_CONFIG_HOME/ktop/config (or ~/.config/ktop/config):
"key = value" lines for interval, history, history_mem, theme, panel, vim_keys and record_dir; flags win. Batch mode
ignores the file. See docs/config.md.

Flags:
`
