package main

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ktop-dev/ktop/views"
)

// utf8Locale reports whether the locale's character set is UTF-8, as setlocale(LC_CTYPE, "")
// would pick it: LC_ALL overrides LC_CTYPE, which overrides LANG; none set is the C locale,
// whose character set is ASCII. A name is language_TERRITORY.codeset@modifier; the codeset is
// compared without case, '-' and '_' (UTF-8, utf8), and a bare UTF-8 is macOS's LC_CTYPE.
func utf8Locale(getenv func(string) string) bool {
	name := ""
	for _, v := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if name = getenv(v); name != "" {
			break
		}
	}
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	codeset := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		codeset = name[i+1:]
	}
	codeset = strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(codeset))
	return codeset == "utf8"
}

// forLocale is the dashboard's model for the terminal the locale describes: m itself where it
// is UTF-8, else m with every frame rewritten in ASCII (views.ASCII), decided once at start.
func forLocale(m tea.Model, getenv func(string) string) tea.Model {
	if utf8Locale(getenv) {
		return m
	}
	return &asciiModel{Model: m}
}

// asciiModel draws the dashboard m in ASCII. Bubble Tea asks for the view after every message,
// most of which change nothing, so the last rewrite is kept.
type asciiModel struct {
	tea.Model
	in, out string // the last frame and its rewrite
}

// Update passes msg to the dashboard.
func (a *asciiModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	a.Model, cmd = a.Model.Update(msg)
	return a, cmd
}

// View is the dashboard's frame in ASCII.
func (a *asciiModel) View() string {
	if v := a.Model.View(); v != a.in {
		a.in, a.out = v, views.ASCII(v)
	}
	return a.out
}

// unwrapLocale is the dashboard model inside m.
func unwrapLocale(m tea.Model) tea.Model {
	if a, ok := m.(*asciiModel); ok {
		return a.Model
	}
	return m
}
