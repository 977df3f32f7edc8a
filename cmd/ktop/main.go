// Command ktop is a full-screen Linux performance dashboard: the "60-second analysis" checklist
// on one screen, with history. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/ktop-dev/ktop/app"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/sources/record"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	withTimerSlack()
	os.Exit(profiled(func() int { return run(os.Args[1:], os.Stdout, os.Stderr) }))
}

// profiled runs f under a CPU profile written to $KTOP_CPUPROFILE when that is set, and
// writes the allocations profile (what was allocated where, since start) to
// $KTOP_MEMPROFILE when f returns, for go tool pprof (docs/perf.md); without them f runs
// bare. The profiles end when f returns, so quit ktop with q or SIGTERM, not SIGKILL.
func profiled(f func() int) int {
	if path := os.Getenv("KTOP_MEMPROFILE"); path != "" {
		// One record per 4 KiB allocated instead of 512 KiB: a minute of ktop allocates only
		// tens of MiB, too few records at the default rate to tell one call site from another.
		runtime.MemProfileRate = 4 << 10
		defer func() {
			out, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(out, 0)
				out.Close()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "ktop: KTOP_MEMPROFILE:", err)
			}
		}()
	}
	path := os.Getenv("KTOP_CPUPROFILE")
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ktop: KTOP_CPUPROFILE:", err)
		return 1
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintln(os.Stderr, "ktop: KTOP_CPUPROFILE:", err)
		return 1
	}
	defer pprof.StopCPUProfile()
	return f()
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "version":
			fmt.Fprintln(stdout, "ktop", version)
			return 0
		case "record":
			return runRecordCmd(args[1:], stdout, stderr)
		case "export":
			return runExportCmd(args[1:], stdout, stderr)
		case "replay":
			return runReplayCmd(args[1:], stdout, stderr)
		}
	}
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "ktop:", err)
		return 2
	}
	if !o.batch {
		panel := func(s string) error { _, err := app.PanelIndex(s); return err }
		if err := loadConfig(o, os.Getenv, os.ReadFile, panel); err != nil {
			fmt.Fprintln(stderr, "ktop:", err)
			return 2
		}
		if o.configWarning != "" {
			// On stderr, where it stays readable after the screen closes; the status line
			// says it too (runDashboard).
			fmt.Fprintln(stderr, "ktop:", o.configWarning)
		}
		if _, err := app.PanelIndex(o.panel); err != nil {
			fmt.Fprintln(stderr, "ktop: --panel", err)
			return 2
		}
		o.recordDir = expandHome(o.recordDir)
		if err := checkRecordDir(o.recordDir); err != nil {
			fmt.Fprintln(stderr, "ktop:", err)
			return 2
		}
		if err := checkTerminal(stdoutFd(), os.Getenv); err != nil {
			fmt.Fprintln(stderr, "ktop:", err)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	e := engine.New(engine.Options{
		FS:         collect.FS{Proc: o.proc, Sys: o.sys, Dev: o.dev},
		Interval:   o.interval,
		History:    o.history,
		HistoryMem: o.historyMem,
		Codec:      historyCodec,
	})
	defer e.Close()
	if o.record != "" {
		if err := startRecording(e, o.record, nil, o.interval); err != nil {
			fmt.Fprintln(stderr, "ktop:", err)
			return 1
		}
	}
	defer func() {
		if st := e.Recording(); st.Err != nil {
			fmt.Fprintf(stderr, "ktop: recording to %s stopped after %d samples: %v (the file is readable up to there)\n", st.Name, st.Samples, st.Err)
		}
	}()
	if o.batch {
		o.asciiText = !utf8Locale(os.Getenv)
		if err := runBatch(ctx, e, o, stdout); err != nil {
			fmt.Fprintln(stderr, "ktop:", err)
			return 1
		}
		return 0
	}
	if err := runDashboard(ctx, e, o); err != nil {
		fmt.Fprintln(stderr, "ktop:", err)
		return 1
	}
	return 0
}

// historyCodec packs the history's older samples with the recording's encoding, so that a
// snapshot has one encoding in memory and on disk.
var historyCodec = engine.BlockCodec{Encode: record.EncodeBlock, Decode: record.DecodeBlock}
