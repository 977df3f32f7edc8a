package derive

import (
	"encoding/json"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestDeriveKmsg(t *testing.T) {
	t.Parallel()
	rec := sources.KmsgRecord{Seq: 343, Level: 6, TsUsec: 523275999, Event: "segfault",
		Text: "segv[13834]: segfault at 0 ip 0000557ccf94f139 sp 00007fff7b4bd2e0 error 4"}
	tests := []struct {
		name string
		in   *sources.Kmsg
		want string // JSON of Frame.Kmsg
	}{
		{"records", &sources.Kmsg{Records: []sources.KmsgRecord{rec}, Lost: 2},
			`{"records":[{"seq":343,"level":6,"facility":0,"ts_usec":523275999,"text":"segv[13834]: segfault at 0 ip 0000557ccf94f139 sp 00007fff7b4bd2e0 error 4","event":"segfault"}],"lost":2}`},
		{"quiet interval", &sources.Kmsg{Lost: 2}, `{"records":[],"lost":2}`},
		{"unavailable", nil, `null`},
	}
	for _, tt := range tests {
		f := &Frame{}
		deriveKmsg(nil, &sources.Snapshot{Kmsg: tt.in}, f)
		have, err := json.Marshal(f.Kmsg)
		if err != nil {
			t.Fatal(err)
		}
		if string(have) != tt.want {
			t.Errorf("%s:\nwant %s\nhave %s", tt.name, tt.want, have)
		}
	}
}
