package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// The config file holds the dashboard's defaults, one "key = value" a line, # starting a
// comment; docs/config.md describes it. It is read only by the dashboard: batch mode (-b)
// ignores it, so that scripts print the same for every user.
//
// A file with a mistake is refused with its name and line, and ktop exits 2: a typo such as
// "intervall = 5" must not leave the user wondering why the interval is still 1s.

// configKeys maps each key of the file to the flag it sets a default for. A flag given on the
// command line wins over the file.
var configKeys = map[string]string{
	"interval":    "interval",
	"history":     "history",
	"history_mem": "history-mem",
	"theme":       "theme",
	"panel":       "panel",
	"vim_keys":    "vim",
	"record_dir":  "record-dir",
}

// configLine is one setting read from the file.
type configLine struct {
	key, value string
	line       int
}

// configError is a mistake in the config file, said as compilers say it: file:line: what.
type configError struct {
	file string
	line int
	msg  string
}

func (e *configError) Error() string { return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg) }

// parseConfig reads the file's settings, refusing unknown keys, lines without "=", empty or
// unterminated values and keys given twice. name is how messages call the file. Values are
// checked by applyConfig, which knows what each key takes.
func parseConfig(b []byte, name string) ([]configLine, error) {
	var out []configLine
	seen := map[string]int{}
	for n, raw := range strings.Split(string(b), "\n") {
		n++
		fail := func(format string, a ...any) error {
			return &configError{file: name, line: n, msg: fmt.Sprintf(format, a...)}
		}
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fail("want key = value, have %q", line)
		}
		k = strings.TrimSpace(k)
		if _, known := configKeys[k]; !known {
			msg := fmt.Sprintf("unknown key %q", k)
			if s := closest(k); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, fail("%s", msg)
		}
		if first, dup := seen[k]; dup {
			return nil, fail("%s given again (first on line %d)", k, first)
		}
		seen[k] = n
		v, err := configValue(v)
		if err != nil {
			return nil, fail("%s: %v", k, err)
		}
		out = append(out, configLine{key: k, value: v, line: n})
	}
	return out, nil
}

// configValue is the value part of a line: a "quoted string" (in which # is kept), or the text
// up to a # comment, trimmed.
func configValue(v string) (string, error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, `"`) {
		end := strings.IndexByte(v[1:], '"')
		if end < 0 {
			return "", errors.New("unterminated quoted value")
		}
		rest := strings.TrimSpace(v[end+2:])
		if rest != "" && rest[0] != '#' {
			return "", fmt.Errorf("unexpected %q after the quoted value", rest)
		}
		return v[1 : end+1], nil
	}
	if i := strings.IndexByte(v, '#'); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if v == "" {
		return "", errors.New("missing value")
	}
	return v, nil
}

// closest is the known key within two edits of k, for a "did you mean" hint.
func closest(k string) string {
	best, bestD := "", 3
	for c := range configKeys {
		if d := editDistance(k, c); d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// applyConfig sets each setting of the file whose flag was not given on the command line,
// checking its value; panel checks a panel name.
func applyConfig(o *options, lines []configLine, name string, panel func(string) error) error {
	for _, l := range lines {
		if o.set[configKeys[l.key]] {
			continue
		}
		var err error
		switch l.key {
		case "interval":
			o.interval, err = parseDuration(l.value)
			if err == nil && o.interval < minInterval {
				err = fmt.Errorf("%s: want at least %s", l.value, minInterval)
			}
		case "history":
			o.history, err = parseDuration(l.value)
		case "history_mem":
			o.historyMem, err = parseSize(l.value)
		case "theme":
			err = checkTheme(l.value)
			o.theme = l.value
		case "panel":
			err = panel(l.value)
			o.panel = l.value
		case "record_dir":
			o.recordDir = l.value
		case "vim_keys":
			o.vim, err = strconv.ParseBool(l.value)
			if err != nil {
				err = fmt.Errorf("%q: want true or false", l.value)
			}
		}
		if err != nil {
			return &configError{file: name, line: l.line, msg: fmt.Sprintf("%s: %v", l.key, err)}
		}
	}
	if err := o.check(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// configPath is where the config file is looked for: $XDG_CONFIG_HOME/ktop/config, else
// ~/.config/ktop/config (the XDG base directory default). It is "" when neither variable is
// set, and then no file is read.
func configPath(getenv func(string) string) string {
	if d := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) { // the spec says to ignore a relative one
		return filepath.Join(d, "ktop", "config")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "ktop", "config")
	}
	return ""
}

// rootCause is the innermost error of err's chain ("open x: permission denied" says
// "permission denied"), for a message that names the file itself.
func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// displayPath writes path with the home directory as ~, as the user would type it.
func displayPath(path string, getenv func(string) string) string {
	h := getenv("HOME")
	if h != "" && h != "/" && strings.HasPrefix(path, h+"/") {
		return "~" + path[len(h):]
	}
	return path
}

// loadConfig reads the config file (--config, or the default path) into o under the flags that
// were given. A missing default file is fine; a missing --config file is an error. A default
// file that exists but cannot be read (a directory, mode 000, a home another user owns under
// su) is no reason to refuse a monitor that is likely needed now: o.configWarning says why it
// was not read, and ktop runs with the defaults. One given with --config was asked for, so
// it stays an error. A file that reads but has a mistake is an error either way (see above).
func loadConfig(o *options, getenv func(string) string, read func(string) ([]byte, error), panel func(string) error) error {
	path, explicit := o.config, o.set["config"]
	if !explicit {
		path = configPath(getenv)
	}
	if path == "" {
		return nil
	}
	name := displayPath(path, getenv)
	b, err := read(path)
	switch {
	case err == nil:
	case explicit:
		return fmt.Errorf("--config %s: cannot read it: %w", path, rootCause(err))
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		o.configWarning = fmt.Sprintf("config file %s not read (%v): running with the defaults", name, rootCause(err))
		return nil
	}
	lines, err := parseConfig(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), name)
	if err != nil {
		return err
	}
	return applyConfig(o, lines, name, panel)
}

// checkTheme accepts the --theme values.
func checkTheme(s string) error {
	switch s {
	case "dark", "light", "auto":
		return nil
	}
	return fmt.Errorf("%q: want dark, light or auto", s)
}
