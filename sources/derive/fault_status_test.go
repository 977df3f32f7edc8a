package derive_test

import (
	"testing"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
)

// A status reason reaches the screen through the Frame; parse errors quote tokens of the file,
// so Derive must clean them exactly as collect.Sanitize cleans kernel text, and leave the
// snapshot's own map alone (History shares it).
func FuzzDeriveStatusReason(f *testing.F) {
	for _, s := range []string{
		"/proc/net/snmp: Tcp InCsumErrors\r: invalid number \"0\\r\"",
		"/proc/stat: cpu\x1b[31m: no value",
		"\x1b]0;title\x07",
		"bad \xff\xfe utf-8 \u2028 \u0085",
		"/proc/pressure/cpu: open: no such file or directory (PSI disabled: boot with psi=1)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reason string) {
		cur := &sources.Snapshot{}
		cur.SetStatus(sources.SrcStat, sources.Status{State: sources.Failed, Reason: reason})
		cur.SetStatus(sources.SrcLoadavg, sources.Status{State: sources.OK})
		fr := derive.Derive(nil, cur)
		if want, have := collect.Sanitize(reason), fr.Status[sources.SrcStat].Reason; want != have {
			t.Errorf("reason %q: want %q, have %q", reason, want, have)
		}
		if want, have := (sources.Status{State: sources.OK}), fr.Status[sources.SrcLoadavg]; want != have {
			t.Errorf("untouched status: want %v, have %v", want, have)
		}
		if want, have := reason, cur.Status[sources.SrcStat].Reason; want != have {
			t.Errorf("snapshot's status changed: want %q, have %q", want, have)
		}
	})
}
