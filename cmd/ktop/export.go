package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/record"
)

// runExportCmd is `ktop export FILE [--format jsonl|csv] [--from T] [--to T] [--anonymize]`:
// the frames of a recording, derived exactly as live batch mode derives them (the same
// functions over the same snapshots), so `ktop -b --json --record f` and `ktop export f` print
// the same lines. Damage in the file is skipped with a warning on stderr; what is readable is
// exported and the exit status is 0.
func runExportCmd(args []string, stdout, stderr io.Writer) int {
	var (
		format    = "jsonl"
		from, to  string
		anonymize bool
	)
	f := flag.NewFlagSet("ktop export", flag.ContinueOnError)
	f.SetOutput(stderr)
	f.StringVar(&format, "format", format, "jsonl (the fields of ktop -b --json) or csv (one column per number; no process table)")
	f.StringVar(&from, "from", "", "first sample: RFC 3339, HH:MM[:SS] on the recording's first day, or an offset from its start (10m)")
	f.StringVar(&to, "to", "", "last sample, in the same forms as --from")
	f.BoolVar(&anonymize, "anonymize", false, "replace host, user names and command lines with stable hashes, for sharing")
	f.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ktop export FILE [--format jsonl|csv] [--from T] [--to T] [--anonymize]")
		f.PrintDefaults()
	}
	file, extra, code, done := parseFileArgs(f, args)
	if done {
		return code
	}
	if len(extra) > 0 {
		fmt.Fprintf(stderr, "ktop export: unexpected argument %q\n", extra[0])
		return 2
	}
	if file == "" {
		f.Usage()
		return 2
	}
	if format != "jsonl" && format != "csv" {
		fmt.Fprintf(stderr, "ktop export: --format %q: want jsonl or csv\n", format)
		return 2
	}
	r, err := record.Open(file)
	if err != nil {
		fmt.Fprintln(stderr, "ktop export:", err)
		return 1
	}
	defer r.Close()
	for _, w := range r.Warnings() {
		fmt.Fprintf(stderr, "ktop export: %s: %s\n", file, w)
	}
	lo, hi := 0, r.Len()-1
	if r.Len() > 0 {
		start, _ := r.Time(0)
		if from != "" {
			t, err := parseWhen(from, start)
			if err != nil {
				fmt.Fprintln(stderr, "ktop export: --from:", err)
				return 2
			}
			lo = r.TimeIndex(t)
		}
		if to != "" {
			t, err := parseWhen(to, start)
			if err != nil {
				fmt.Fprintln(stderr, "ktop export: --to:", err)
				return 2
			}
			hi = min(r.TimeIndex(t.Add(time.Nanosecond))-1, r.Len()-1)
		}
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var csvOut *csvWriter
	if format == "csv" {
		csvOut = &csvWriter{w: csv.NewWriter(out)}
		defer csvOut.flush()
	}
	enc := json.NewEncoder(out)
	// The sample before the range is the baseline of the first exported frame, as the
	// baseline sample is in batch mode: the first exported line has rates.
	var prev *sources.Snapshot
	var backlog *derive.Kmsg
	if lo > 0 {
		if p, err := r.At(lo - 1); err == nil {
			prev = p
		}
	}
	skipped := 0
	for i := lo; i <= hi; i++ {
		cur, err := r.At(i)
		if err != nil {
			skipped++
			prev = nil // rates across a hole would mix two intervals
			continue
		}
		if prev == nil {
			// A baseline, as in batch mode: its kernel-log records (the backlog the recorder
			// found at start) go out with the first frame, as batch mode prints them.
			prev, backlog = cur, derive.Derive(nil, cur).Kmsg
			continue
		}
		fr := derive.Derive(prev, cur)
		prev = cur
		if backlog != nil {
			fr = withBacklog(fr, backlog)
			backlog = nil
		}
		if anonymize {
			anonymizeFrame(fr)
		}
		if csvOut != nil {
			err = csvOut.write(fr)
		} else {
			err = enc.Encode(fr)
		}
		if err != nil {
			fmt.Fprintln(stderr, "ktop export:", err)
			return 1
		}
	}
	if skipped > 0 {
		fmt.Fprintf(stderr, "ktop export: %s: %d samples could not be read and were skipped\n", file, skipped)
	}
	return 0
}

// parseWhen reads an export bound: RFC 3339, HH:MM[:SS] on the day of start (its zone), or
// an offset from start ("10m", "90s").
// parseFileArgs parses a subcommand's args with f, its one file named before or after the
// flags (ktop export FILE --format csv, ktop export --format csv FILE). It returns the file
// ("" when none) and the arguments after it; done is true when parsing ended the command, with
// its exit status: 0 for -h, 2 for an error f has printed.
func parseFileArgs(f *flag.FlagSet, args []string) (file string, extra []string, code int, done bool) {
	rest := args
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := f.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", nil, 0, true
		}
		return "", nil, 2, true
	}
	extra = f.Args()
	if file == "" && len(extra) > 0 {
		file, extra = extra[0], extra[1:]
	}
	return file, extra, 0, false
}

func parseWhen(s string, start time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.ParseInLocation(layout, s, start.Location()); err == nil {
			y, m, d := start.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, start.Location()), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		return start.Add(d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339, HH:MM[:SS] or an offset such as 10m", s)
}

// anonymizeFrame replaces what identifies a machine or a person with stable hashes: the same
// name gives the same hash in every frame, so a shared export still shows which process is
// which.
func anonymizeFrame(f *derive.Frame) {
	f.Host = hashName("host", f.Host)
	for i := range f.Procs {
		p := &f.Procs[i]
		p.User = hashName("user", p.User)
		p.Comm = hashName("cmd", p.Comm)
		p.Cmdline = hashName("cmd", p.Cmdline)
	}
	if f.Kmsg != nil {
		recs := slices.Clone(f.Kmsg.Records)
		for i := range recs {
			recs[i].Text = hashName("msg", recs[i].Text)
			recs[i].Dict = nil
		}
		k := *f.Kmsg
		k.Records = recs
		f.Kmsg = &k
	}
}

func hashName(kind, s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(kind + "\x00" + s))
	return kind + "-" + hex.EncodeToString(sum[:6])
}

// csvWriter writes frames as CSV: one row per sample, one column per number, named by its JSON
// path with keyed lists by key ("cpu.all.usr", "disk.vda.util", "net.lo.rxpck_s"). The process
// table, the kernel log and statuses are left out (they are not numbers per sample; use jsonl).
// The columns are those of the first exported frame; later frames' new devices are dropped,
// so every row has the same columns.
type csvWriter struct {
	w    *csv.Writer
	cols []string
}

func (c *csvWriter) write(f *derive.Frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for _, k := range []string{"procs", "kmsg", "status", "proc_summary"} {
		delete(m, k)
	}
	row := map[string]string{}
	flatten("", m, row)
	if c.cols == nil {
		c.cols = slices.Sorted(maps.Keys(row))
		c.cols = append([]string{"time"}, slices.DeleteFunc(c.cols, func(s string) bool { return s == "time" })...)
		if err := c.w.Write(c.cols); err != nil {
			return err
		}
	}
	rec := make([]string, len(c.cols))
	for i, col := range c.cols {
		rec[i] = row[col]
	}
	return c.w.Write(rec)
}

func (c *csvWriter) flush() { c.w.Flush() }

// listKeys name the element of a JSON list by one of its fields rather than its position.
var listKeys = []string{"cpu", "dev", "iface", "type", "irq"}

func flatten(prefix string, v any, out map[string]string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			flatten(join(k), x, out)
		}
	case []any:
		for i, x := range v {
			name := strconv.Itoa(i)
			if obj, ok := x.(map[string]any); ok {
				for _, lk := range listKeys {
					if s, ok := obj[lk].(string); ok {
						name = s
						break
					}
				}
			}
			flatten(join(name), x, out)
		}
	case nil:
		out[prefix] = ""
	case float64:
		out[prefix] = strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		out[prefix] = strconv.FormatBool(v)
	case string:
		out[prefix] = v
	}
}
