package app

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
)

// TestKeysDocumented keeps docs/keys.md true: every key of every panel's key map and of the
// globals, enabled or not, must appear in the panel's section of the page (as `key`).
func TestKeysDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/keys.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{} // "## 6 Disk" → its text
	var cur string
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "## ") {
			cur = strings.TrimPrefix(line, "## ")
		}
		sections[cur] += line + "\n"
	}
	check := func(where, text string, bs []key.Binding) {
		for _, b := range bs {
			for _, k := range b.Keys() {
				if !strings.Contains(text, "`"+k+"`") {
					t.Errorf("docs/keys.md %q lacks key `%s` (%s)", where, k, b.Help().Desc)
				}
			}
		}
	}
	km := DefaultKeyMap()
	var globals []key.Binding
	for _, g := range km.FullHelp() {
		globals = append(globals, g...)
	}
	check("Global keys", sections["Global keys"], globals)
	for i, p := range newPanels(asciiTheme(), time.Second) {
		title := panelKey(i) + " " + p.Title()
		text, ok := sections[title]
		if !ok {
			t.Errorf("docs/keys.md has no section %q", "## "+title)
			continue
		}
		var bs []key.Binding
		for _, g := range p.FullHelp() {
			bs = append(bs, g...)
		}
		check(title, text, bs)
	}
}
