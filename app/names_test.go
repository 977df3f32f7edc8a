package app

import (
	"strings"
	"testing"
)

func TestPanelIndex(t *testing.T) {
	t.Parallel()
	names := PanelNames()
	if names[0] != "overview" || names[1] != "cpu" {
		t.Fatalf("PanelNames() = %v, want overview, cpu first", names)
	}
	for _, tc := range []struct {
		in   string
		want int
		err  string
	}{
		{"1", 0, ""},
		{"2", 1, ""},
		{"overview", 0, ""},
		{"CPU", 1, ""},
		{" cpu ", 1, ""},
		{"9x", 0, `unknown panel "9x"`},
		{"", 0, "unknown panel"},
		{"nosuch", 0, "want a digit 1-"},
	} {
		have, err := PanelIndex(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("PanelIndex(%q): error %v, want %q", tc.in, err, tc.err)
			}
		case err != nil || have != tc.want:
			t.Errorf("PanelIndex(%q) = %d, %v; want %d", tc.in, have, err, tc.want)
		}
	}
	// Every name and every digit resolves to its own panel, whatever panels exist.
	for i, n := range names {
		if have, err := PanelIndex(n); err != nil || have != i {
			t.Errorf("PanelIndex(%q) = %d, %v; want %d", n, have, err, i)
		}
		if have, err := PanelIndex(panelKey(i)); err != nil || have != i {
			t.Errorf("PanelIndex(%q) = %d, %v; want %d", panelKey(i), have, err, i)
		}
	}
	// A digit past the last panel is refused rather than silently shown as another.
	if len(names) < 10 {
		if _, err := PanelIndex(panelKey(len(names))); err == nil {
			t.Errorf("digit %s of a missing panel accepted", panelKey(len(names)))
		}
	}
}
