package collect

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// kmsgRecords splits the saved /dev/kmsg stream of this machine into its records.
func kmsgRecords(t testing.TB) [][]byte {
	t.Helper()
	b := readFixture(t, "i3b-kmsg/dev/kmsg")
	var recs [][]byte
	for len(b) > 0 {
		var r []byte
		r, b = splitKmsgRecord(b)
		recs = append(recs, r)
	}
	return recs
}

func TestParseKmsgRecord(t *testing.T) {
	t.Parallel()
	recs := kmsgRecords(t)
	if len(recs) != 346 {
		t.Fatalf("want 346 records in the fixture, have %d", len(recs))
	}
	bySeq := func(seq string) []byte {
		for _, r := range recs {
			if bytes.Contains(r[:min(len(r), 24)], []byte(","+seq+",")) {
				return r
			}
		}
		t.Fatalf("no record %s", seq)
		return nil
	}
	tests := []struct {
		name string
		in   []byte
		want sources.KmsgRecord
	}{
		{"first record", recs[0], sources.KmsgRecord{Seq: 0, Level: 5, Facility: 0, TsUsec: 0,
			Text: "Linux version 6.18.44-fc-v769 (builder@sandboxing) (gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46) #1 SMP PREEMPT_DYNAMIC @0"}},
		{"dictionary", bySeq("195"), sources.KmsgRecord{Seq: 195, Level: 6, TsUsec: 233081,
			Text: "acpi PNP0A08:00: _OSC: OS supports [ExtendedConfig ASPM ClockPM Segments MSI HPX-Type3]",
			Dict: []string{"SUBSYSTEM=acpi", "DEVICE=+acpi:PNP0A08:00"}}},
		{"escaped tab", bySeq("102"), sources.KmsgRecord{Seq: 102, Level: 6, TsUsec: 156151,
			Text: "rcu:  RCU restricting CPUs from NR_CPUS=256 to nr_cpu_ids=2."}},
		{"escaped newline", bySeq("284"), sources.KmsgRecord{Seq: 284, Level: 4, TsUsec: 343358,
			Text: "amd_pstate: The CPPC feature is supported but currently disabled by the BIOS. Please enable it if your BIOS has the CPPC option."}},
		{"segfault", bySeq("343"), sources.KmsgRecord{Seq: 343, Level: 6, TsUsec: 523275999, Event: "segfault",
			Text: "segv[13834]: segfault at 0 ip 0000557ccf94f139 sp 00007fff7b4bd2e0 error 4 in segv[1139,557ccf94f000+1000] likely on CPU 0 (core 0, socket 0)"}},
		// Hand-made variants of the format, named as such.
		{"made: caller field and userspace facility", []byte("30,7,1000,-,caller=T123;systemd[1]: x\n"),
			sources.KmsgRecord{Seq: 7, Level: 6, Facility: 3, TsUsec: 1000, Text: "systemd[1]: x"}},
		{"made: escape and control characters", []byte(`3,1,2,-;a\x1b[31mred\x5c\x7f\xc3\xa9\xzz\x4` + "\n"),
			sources.KmsgRecord{Seq: 1, Level: 3, TsUsec: 2, Text: `a?[31mred\?é\xzz\x4`}},
		{"made: no flags", []byte("6,1,2;text"), sources.KmsgRecord{Seq: 1, Level: 6, TsUsec: 2, Text: "text"}},
		{"made: empty text", []byte("6,1,2,-;\n"), sources.KmsgRecord{Seq: 1, Level: 6, TsUsec: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			have, err := ParseKmsgRecord(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if have.Seq != tt.want.Seq || have.Level != tt.want.Level || have.Facility != tt.want.Facility ||
				have.TsUsec != tt.want.TsUsec || have.Text != tt.want.Text || have.Event != tt.want.Event ||
				!slices.Equal(have.Dict, tt.want.Dict) {
				t.Errorf("\nwant %+v\nhave %+v", tt.want, have)
			}
		})
	}
	// Every real record parses, and none carries a control character.
	for _, r := range recs {
		rec, err := ParseKmsgRecord(r)
		if err != nil {
			t.Errorf("%q: %v", r, err)
		}
		if strings.ContainsFunc(rec.Text, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
			t.Errorf("control character in %q", rec.Text)
		}
	}
}

func TestParseKmsgRecordMalformed(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"no semicolon":         "6,1,2,-",
		"two prefix fields":    "6,1;x",
		"priority not numeric": "x,1,2,-;x",
		"priority too large":   "99999999999,1,2,-;x",
		"sequence":             "6,-1,2,-;x",
		"timestamp":            "6,1,2s,-;x",
		"continuation":         "6,1,2,-;x\nSUBSYSTEM=acpi\n",
		"empty":                "",
	} {
		if r, err := ParseKmsgRecord([]byte(in)); err == nil {
			t.Errorf("%s: want error, have %+v", name, r)
		}
	}
}

// TestClassifyKmsg uses message texts built from the kernel's printk format strings.
func TestClassifyKmsg(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"Out of memory: Killed process 4242 (stress) total-vm:2100000kB, anon-rss:1900000kB", "oom_kill"},
		{"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,task=stress,pid=4242,uid=0", "oom_kill"},
		{"INFO: task kworker/0:1:42 blocked for more than 122 seconds.", "hung_task"},
		{"watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [loop:999]", "soft_lockup"},
		{"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", "rcu_stall"},
		{"INFO: rcu_sched self-detected stall on CPU", "rcu_stall"},
		{"rcu: INFO: rcu_sched self-detected stall on CPU", "rcu_stall"},
		{"blk_update_request: I/O error, dev sda, sector 2048 op 0x0:(READ)", "io_error"},
		{"Buffer I/O error on dev vda1, logical block 0, async page read", "io_error"},
		{"segv[13834]: segfault at 0 ip 0000557ccf94f139 sp 00007fff7b4bd2e0 error 4", "segfault"},
		{"TCP: request_sock_TCP: Possible SYN flooding on port 127.0.0.1:8080. Sending cookies.", "syn_flood"},
		{"nf_conntrack: nf_conntrack: table full, dropping packet", "conntrack_full"},
		{"rcu: Hierarchical SRCU implementation.", ""},
		{"smpboot: CPU 1 is now offline", ""},
	}
	for _, tt := range tests {
		if have := classifyKmsg(tt.text); have != tt.want {
			t.Errorf("%q: want %q, have %q", tt.text, tt.want, have)
		}
	}
}

// scriptReader returns one item per Read: a record or an error, as /dev/kmsg does.
type scriptReader struct {
	items []any // []byte or error
}

func (s *scriptReader) Read(p []byte) (int, error) {
	if len(s.items) == 0 {
		return 0, io.EOF
	}
	it := s.items[0]
	s.items = s.items[1:]
	if err, ok := it.(error); ok {
		return 0, err
	}
	return copy(p, it.([]byte)), nil
}

func seqs(recs []sources.KmsgRecord) []uint64 {
	out := make([]uint64, len(recs))
	for i, r := range recs {
		out[i] = r.Seq
	}
	return out
}

func TestKmsgStreamBacklog(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/i3b-kmsg/dev/kmsg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := newKmsgStream()
	if err := s.consume(&recordReader{r: f}, true); err != nil {
		t.Fatal(err)
	}
	k, err := s.take()
	if err != nil {
		t.Fatal(err)
	}
	// 346 records in the ring: the last kmsgHistory are kept, the rest is history, not loss.
	if have := seqs(k.Records); len(have) != kmsgHistory || have[0] != 146 || have[len(have)-1] != 345 {
		t.Errorf("want seq 146…345, have %d records %v…", len(have), have[:min(3, len(have))])
	}
	if k.Lost != 0 {
		t.Errorf("want 0 lost, have %d", k.Lost)
	}
	if k, _ := s.take(); len(k.Records) != 0 {
		t.Errorf("want nothing new, have %d records", len(k.Records))
	}
}

func TestKmsgStreamLoss(t *testing.T) {
	t.Parallel()
	recs := kmsgRecords(t)
	epipe := &fs.PathError{Op: "read", Path: "/dev/kmsg", Err: syscall.EPIPE}
	tests := []struct {
		name       string
		items      []any
		maxPending int
		wantSeqs   []uint64
		wantLost   uint64
	}{
		{"in order", []any{recs[10], recs[11], recs[12]}, 10, []uint64{10, 11, 12}, 0},
		{"EPIPE then a gap of 5", []any{recs[10], epipe, recs[16], recs[17]}, 10, []uint64{10, 16, 17}, 5},
		{"EPIPE without a visible gap", []any{recs[10], epipe, recs[11]}, 10, []uint64{10, 11}, 1},
		{"gap without EPIPE", []any{recs[10], recs[13]}, 10, []uint64{10, 13}, 2},
		{"unparseable record", []any{recs[10], []byte("garbage\n"), recs[11]}, 10, []uint64{10, 11}, 1},
		{"flood beyond the limit", []any{recs[1], recs[2], recs[3], recs[4], recs[5]}, 2, []uint64{4, 5}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newKmsgStream()
			s.maxPending = tt.maxPending
			if err := s.consume(&scriptReader{items: tt.items}, false); err != nil {
				t.Fatal(err)
			}
			k, err := s.take()
			if err != nil {
				t.Fatal(err)
			}
			if have := seqs(k.Records); !slices.Equal(have, tt.wantSeqs) || k.Lost != tt.wantLost {
				t.Errorf("want %v lost %d, have %v lost %d", tt.wantSeqs, tt.wantLost, have, k.Lost)
			}
		})
	}
}

// TestKmsgStreamEmptyTakes checks the passes that bring no record: they share one empty Kmsg
// while the lost count holds, and a record or a loss in between is never hidden by it.
func TestKmsgStreamEmptyTakes(t *testing.T) {
	t.Parallel()
	recs := kmsgRecords(t)
	s := newKmsgStream()
	take := func() *sources.Kmsg {
		t.Helper()
		k, err := s.take()
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	a, b := take(), take()
	if a != b || len(a.Records) != 0 || a.Lost != 0 {
		t.Errorf("want one shared empty Kmsg, have %p %+v and %p %+v", a, a, b, b)
	}
	if err := s.consume(&scriptReader{items: []any{recs[10], recs[13]}}, false); err != nil {
		t.Fatal(err)
	}
	if k := take(); !slices.Equal(seqs(k.Records), []uint64{10, 13}) || k.Lost != 2 {
		t.Errorf("want records 10, 13 lost 2, have %v lost %d", seqs(k.Records), k.Lost)
	}
	c, d := take(), take()
	if c == a || c != d || len(c.Records) != 0 || c.Lost != 2 {
		t.Errorf("want a new shared empty Kmsg with lost 2, have %+v and %+v", c, d)
	}
	if len(a.Records) != 0 || a.Lost != 0 {
		t.Errorf("the earlier empty Kmsg changed: %+v", a)
	}
}

func TestKmsgStreamReadError(t *testing.T) {
	t.Parallel()
	recs := kmsgRecords(t)
	s := newKmsgStream()
	boom := errors.New("boom")
	if err := s.consume(&scriptReader{items: []any{recs[3], boom}}, false); err != boom {
		t.Fatalf("want boom, have %v", err)
	}
	s.stop(boom)
	// What was read before the failure is delivered first, then the failure.
	if k, err := s.take(); err != nil || len(k.Records) != 1 {
		t.Errorf("want 1 record, have %v, %v", k, err)
	}
	if _, err := s.take(); err != boom {
		t.Errorf("want boom, have %v", err)
	}
}

func TestRecordReaderShortBuffer(t *testing.T) {
	t.Parallel()
	rr := &recordReader{r: strings.NewReader("6,1,2,-;0123456789\n")}
	if _, err := rr.Read(make([]byte, 8)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("want EINVAL, have %v", err)
	}
}

func TestKmsgCollectorFile(t *testing.T) {
	t.Parallel()
	c := &kmsgCollector{path: "testdata/i3b-kmsg/dev/kmsg"}
	defer c.Close()
	var s sources.Snapshot
	if err := c.Collect(&s); err != nil {
		t.Fatal(err)
	}
	if have := seqs(s.Kmsg.Records); len(have) != kmsgHistory || have[len(have)-1] != 345 {
		t.Errorf("want the last %d records up to seq 345, have %d", kmsgHistory, len(have))
	}
	var s2 sources.Snapshot
	if err := c.Collect(&s2); err != nil || s2.Kmsg == nil || len(s2.Kmsg.Records) != 0 {
		t.Errorf("want an empty second sample, have %+v, %v", s2.Kmsg, err)
	}
}

func TestKmsgCollectorMissing(t *testing.T) {
	t.Parallel()
	c := &kmsgCollector{path: filepath.Join(t.TempDir(), "kmsg")}
	var s sources.Snapshot
	if st := sources.StatusOf(c.Collect(&s)); st.State != sources.Unavailable || s.Kmsg != nil {
		t.Errorf("want unavailable, have %v %q", st.State, st.Reason)
	}
}

func TestKmsgDeniedHint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	zero := filepath.Join(dir, "restrict0")
	if err := os.WriteFile(zero, []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ restrict, want string }{
		{"testdata/i3b-kmsg/proc/sys/kernel/dmesg_restrict", "needs CAP_SYSLOG or root; kernel.dmesg_restrict=1"},
		{zero, "denied although kernel.dmesg_restrict=0 (container or security module)"},
		{filepath.Join(dir, "absent"), "needs CAP_SYSLOG or root"},
	}
	for _, tt := range tests {
		c := &kmsgCollector{path: "/dev/kmsg", restrict: tt.restrict}
		if have := c.deniedHint(); have != tt.want {
			t.Errorf("%s: want %q, have %q", tt.restrict, tt.want, have)
		}
	}
	// The status a panel shows for EPERM on open.
	c := &kmsgCollector{restrict: tests[0].restrict}
	err := sources.WithHint(&fs.PathError{Op: "open", Path: "/dev/kmsg", Err: syscall.EPERM}, c.deniedHint())
	want := sources.Status{State: sources.Unavailable, Reason: "/dev/kmsg: needs CAP_SYSLOG or root; kernel.dmesg_restrict=1"}
	if have := sources.StatusOf(err); have != want {
		t.Errorf("want %+v, have %+v", want, have)
	}
}

// TestKmsgCollectorStream runs the device path over a FIFO, which the runtime poller handles as
// it does /dev/kmsg: backlog up to EAGAIN, then a parked reader goroutine that Close must wake.
func TestKmsgCollectorStream(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kmsg")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFO:", err)
	}
	// Holding a read-write end lets the collector's read-only open return at once.
	w, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	recs := kmsgRecords(t)
	c := &kmsgCollector{path: path}
	var s sources.Snapshot
	if err := c.Collect(&s); err != nil || len(s.Kmsg.Records) != 0 {
		t.Fatalf("want an empty backlog, have %+v, %v", s.Kmsg, err)
	}
	// One write per record, each awaited, so that a pipe read never merges two.
	for _, r := range recs[195:198] {
		if _, err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			var s sources.Snapshot
			if err := c.Collect(&s); err != nil {
				t.Fatal(err)
			}
			if len(s.Kmsg.Records) == 1 {
				break
			}
			if len(s.Kmsg.Records) > 1 || time.Now().After(deadline) {
				t.Fatalf("want one record, have %d", len(s.Kmsg.Records))
			}
			time.Sleep(time.Millisecond)
		}
	}
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the reader")
	}
}

// TestKmsgCollectorDevice reads the real /dev/kmsg where this process may (root, or
// dmesg_restrict=0), and checks that Close wakes the blocked reader.
func TestKmsgCollectorDevice(t *testing.T) {
	t.Parallel()
	f, err := os.Open("/dev/kmsg")
	if err != nil {
		t.Skip("cannot read /dev/kmsg:", err)
	}
	f.Close()
	c := &kmsgCollector{path: "/dev/kmsg"}
	var s sources.Snapshot
	if err := c.Collect(&s); err != nil {
		t.Fatal(err)
	}
	if len(s.Kmsg.Records) == 0 || len(s.Kmsg.Records) > kmsgHistory {
		t.Errorf("want 1…%d records of history, have %d", kmsgHistory, len(s.Kmsg.Records))
	}
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the reader")
	}
}

func FuzzParseKmsgRecord(f *testing.F) {
	for _, r := range kmsgRecords(f) {
		f.Add(r)
	}
	f.Add([]byte(`3,1,2,-,caller=T1;a\x1b\x5c\x7f\xc3\xa9\xz` + "\n SUBSYSTEM=x\\x00\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseKmsgRecord(b)
		if err != nil {
			return
		}
		if r.Level < 0 || r.Level > 7 || r.Facility < 0 {
			t.Fatalf("level %d facility %d", r.Level, r.Facility)
		}
		for _, s := range append([]string{r.Text}, r.Dict...) {
			if Sanitize(s) != s {
				t.Fatalf("unsanitised text %q", s)
			}
		}
	})
}
