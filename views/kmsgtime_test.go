package views

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

func TestKmsgTime(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	rec := sources.KmsgRecord{TsUsec: 541_428_380}
	tests := []struct {
		name   string
		f      *derive.Frame
		want   time.Time
		wantOK bool
	}{
		{"no frame", nil, time.Time{}, false},
		{"no uptime", &derive.Frame{Time: t0}, time.Time{}, false},
		{"58.57 s before the sample", &derive.Frame{Time: t0, UptimeS: derive.Some(600)}, t0.Add(-58_571_620 * time.Microsecond), true},
		// uptime read just before the record's stamp: clamped to the sample's time.
		{"uptime behind the record", &derive.Frame{Time: t0, UptimeS: derive.Some(541.4)}, t0, true},
	}
	for _, tc := range tests {
		have, ok := KmsgTime(tc.f, rec)
		if ok != tc.wantOK || !have.Equal(tc.want) {
			t.Errorf("%s: KmsgTime = %v %v, want %v %v", tc.name, have, ok, tc.want, tc.wantOK)
		}
	}
}
