package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/views/theme"
)

// knownPanels stands in for app.PanelIndex in parser tests.
func knownPanels(s string) error {
	switch s {
	case "overview", "cpu", "2":
		return nil
	}
	return errors.New(`unknown panel "` + s + `"`)
}

func TestConfigGood(t *testing.T) {
	t.Parallel()
	file := "\xef\xbb\xbf# ktop settings\r\n" +
		"\n" +
		"interval = 2s          # a trailing comment\n" +
		"   history=30m\n" +
		"theme = \"light\"  # quoted\n" +
		"panel = cpu\n" +
		"vim_keys = true\n" +
		"history_mem = 48M\n"
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	read := func(string) ([]byte, error) { return []byte(file), nil }
	if err := loadConfig(o, env(map[string]string{"HOME": "/home/u"}), read, knownPanels); err != nil {
		t.Fatal(err)
	}
	if o.interval != 2*time.Second || o.history != 30*time.Minute || o.theme != "light" || o.panel != "cpu" || !o.vim || o.historyMem != 48<<20 {
		t.Errorf("have %+v", o)
	}
}

// TestConfigErrors checks each kind of mistake: the message names the file (with ~ for the
// home directory) and the line.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, want string
	}{
		{"interval = 1s\n# fine\nintervall = 5\n", `~/.config/ktop/config:3: unknown key "intervall" (did you mean "interval"?)`},
		{"colour = red\n", `~/.config/ktop/config:1: unknown key "colour"`},
		{"\n\ninterval 5s\n", `~/.config/ktop/config:3: want key = value, have "interval 5s"`},
		{"theme = dark\ntheme = light\n", `~/.config/ktop/config:2: theme given again (first on line 1)`},
		{"history =   # nothing\n", `~/.config/ktop/config:1: history: missing value`},
		{"theme = \"dark\n", `~/.config/ktop/config:1: theme: unterminated quoted value`},
		{"theme = \"dark\" light\n", `~/.config/ktop/config:1: theme: unexpected "light" after the quoted value`},
		{"interval = soon\n", `~/.config/ktop/config:1: interval: "soon": want a duration`},
		{"\ninterval = 5ms\n", `~/.config/ktop/config:2: interval: 5ms: want at least 10ms`},
		{"history = -1h\n", `~/.config/ktop/config:1: history: "-1h": must be positive`},
		{"history_mem = lots\n", `~/.config/ktop/config:1: history_mem: "lots": want a size from 1M to 1T`},
		{"theme = blue\n", `~/.config/ktop/config:1: theme: "blue": want dark, light or auto`},
		{"panel = disks\n", `~/.config/ktop/config:1: panel: unknown panel "disks"`},
		{"vim_keys = yes\n", `~/.config/ktop/config:1: vim_keys: "yes": want true or false`},
	} {
		o, _ := parseFlags(nil, io.Discard)
		read := func(string) ([]byte, error) { return []byte(tc.file), nil }
		err := loadConfig(o, env(map[string]string{"HOME": "/home/u"}), read, knownPanels)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.file, err, tc.want)
		}
	}
}

// TestConfigFlagsWin checks that a flag on the command line beats the file, in both forms of
// the interval flag and for a bool turned off.
func TestConfigFlagsWin(t *testing.T) {
	t.Parallel()
	file := "interval = 5s\nhistory = 2h\ntheme = light\npanel = cpu\nvim_keys = true\n"
	read := func(string) ([]byte, error) { return []byte(file), nil }
	for _, tc := range []struct {
		args  []string
		check func(*options) bool
	}{
		{nil, func(o *options) bool { return o.interval == 5*time.Second && o.vim && o.theme == "light" }},
		{[]string{"-d", "2"}, func(o *options) bool { return o.interval == 2*time.Second && o.history == 2*time.Hour }},
		{[]string{"--interval", "3s"}, func(o *options) bool { return o.interval == 3*time.Second }},
		{[]string{"--vim=false"}, func(o *options) bool { return !o.vim }},
		{[]string{"--theme", "dark", "--panel", "overview"}, func(o *options) bool { return o.theme == "dark" && o.panel == "overview" }},
		{[]string{"--history", "1m"}, func(o *options) bool { return o.history == time.Minute && o.interval == 5*time.Second }},
	} {
		o, err := parseFlags(tc.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if err := loadConfig(o, env(map[string]string{"HOME": "/h"}), read, knownPanels); err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if !tc.check(o) {
			t.Errorf("%q: have %+v", tc.args, o)
		}
	}
}

func TestConfigPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env        map[string]string
		want, show string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}, "/x/cfg/ktop/config", "/x/cfg/ktop/config"},
		{map[string]string{"XDG_CONFIG_HOME": "/home/u/cfg", "HOME": "/home/u"}, "/home/u/cfg/ktop/config", "~/cfg/ktop/config"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}, "/home/u/.config/ktop/config", "~/.config/ktop/config"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/ktop/config", "~/.config/ktop/config"},
		{map[string]string{}, "", ""},
	} {
		have := configPath(env(tc.env))
		if have != tc.want {
			t.Errorf("%v: path %q, want %q", tc.env, have, tc.want)
		}
		if show := displayPath(have, env(tc.env)); show != tc.show {
			t.Errorf("%v: shown as %q, want %q", tc.env, show, tc.show)
		}
	}
}

// TestConfigFiles reads real files: a missing default file is fine, a missing --config file
// is not, and the default path is the one read.
func TestConfigFiles(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	e := env(map[string]string{"HOME": home})
	o, _ := parseFlags(nil, io.Discard)
	if err := loadConfig(o, e, os.ReadFile, knownPanels); err != nil {
		t.Errorf("no config file: %v", err)
	}
	o, _ = parseFlags([]string{"--config", filepath.Join(home, "nope")}, io.Discard)
	if err := loadConfig(o, e, os.ReadFile, knownPanels); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing --config file: %v, want not exist", err)
	}
	dir := filepath.Join(home, ".config", "ktop")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("vim_keys = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, _ = parseFlags(nil, io.Discard)
	if err := loadConfig(o, e, os.ReadFile, knownPanels); err != nil || !o.vim {
		t.Errorf("default file not applied: %v, vim %v", err, o.vim)
	}
}

// TestRunBadConfig runs ktop with a config file that has a typo: it must refuse to start, exit
// 2 and name the file and line.
func TestRunBadConfig(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte("# mine\ninterval = 2s\nintervall = 5s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"--config", path}, &stdout, &stderr)
	want := "ktop: " + path + `:3: unknown key "intervall" (did you mean "interval"?)`
	if code != 2 || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), want)
	}
	// Batch mode reads no config file: asking it to is a usage error, not a silent no-op.
	stderr.Reset()
	if code := run([]string{"-b", "--config", path}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "batch mode reads no config file") {
		t.Errorf("-b --config: exit %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"--config", os.DevNull, "--panel", "nosuch"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `unknown panel "nosuch"`) {
		t.Errorf("--panel nosuch: exit %d, stderr %q", code, stderr.String())
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"intervall", "interval", 1}, {"vimkeys", "vim_keys", 1}, {"theme", "them", 1}, {"kitten", "sitting", 3}} {
		if have := editDistance(tc.a, tc.b); have != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, have, tc.want)
		}
	}
}

// FuzzParseConfig: the parser never panics, and every error names the file and a line.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{"interval = 2s\n", "theme = \"dark\" # c\n", "x\n", "=\n", "\"", "panel=\"#\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseConfig(b, "cfg")
		if err != nil && !strings.HasPrefix(err.Error(), "cfg:") {
			t.Errorf("error without file and line: %v", err)
		}
	})
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestNewTheme checks NO_COLOR and the theme option: NO_COLOR (non-empty) means no colour
// whatever the terminal offers; light and dark are taken as given; auto on something that is
// not a terminal cannot ask, and stays dark.
func TestNewTheme(t *testing.T) {
	for _, tc := range []struct {
		variant   string
		noColor   string
		wantColor bool
		wantLight bool
	}{
		{"dark", "", true, false},
		{"light", "", true, true},
		{"auto", "", true, false},
		{"dark", "1", false, false},
		{"light", "yes", false, true},
		{"auto", "1", false, false},
	} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.TrueColor)
		th := newTheme(r, tc.variant, env(map[string]string{"NO_COLOR": tc.noColor}))
		if th.Color != tc.wantColor || (th.Variant == theme.Light) != tc.wantLight {
			t.Errorf("%s NO_COLOR=%q: colour %v variant %v; want colour %v light %v", tc.variant, tc.noColor, th.Color, th.Variant, tc.wantColor, tc.wantLight)
		}
		if want, have := !tc.wantLight, r.HasDarkBackground(); want != have {
			t.Errorf("%s: renderer's background dark %v, want %v (fixed before the program starts)", tc.variant, have, want)
		}
	}
}

// TestConfigReadErrors: the default file missing is silent; present but unreadable (mode 000
// for another user, a directory, a path through a file) gives a warning and the defaults; a
// --config file that cannot be read, for any reason, is an error naming it.
func TestConfigReadErrors(t *testing.T) {
	t.Parallel()
	for _, errno := range []syscall.Errno{syscall.ENOENT, syscall.EACCES, syscall.EISDIR, syscall.ENOTDIR} {
		read := func(path string) ([]byte, error) { return nil, &fs.PathError{Op: "open", Path: path, Err: errno} }
		e := env(map[string]string{"HOME": "/home/u"})
		o, _ := parseFlags([]string{"-d", "2s"}, io.Discard)
		err := loadConfig(o, e, read, knownPanels)
		want := ""
		if errno != syscall.ENOENT {
			want = "config file ~/.config/ktop/config not read (" + errno.Error() + "): running with the defaults"
		}
		if err != nil || o.configWarning != want || o.interval != 2*time.Second {
			t.Errorf("default file, %v: error %v, warning %q (want %q), interval %v", errno, err, o.configWarning, want, o.interval)
		}
		o, _ = parseFlags([]string{"--config", "/etc/ktop.conf"}, io.Discard)
		err = loadConfig(o, e, read, knownPanels)
		if want := "--config /etc/ktop.conf: cannot read it: " + errno.Error(); err == nil || err.Error() != want || o.configWarning != "" {
			t.Errorf("--config, %v: error %v, want %q; warning %q", errno, err, want, o.configWarning)
		}
	}
}
