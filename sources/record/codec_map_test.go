package record

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"unsafe"

	"github.com/ktop-dev/ktop/sources"
)

// counters has the maps that take the map[string]uint64 path (vmstat, the TCP counters).
type counters struct {
	U map[string]uint64
	I map[string]int64
	V map[string]uint64 // the same map as U in some samples
}

// counterSeries changes the maps' key sets in every way between samples: nil, empty, keys
// added and removed, the same count of other keys, the same map again (one object in two
// samples, and in two fields of one sample).
func counterSeries() []*counters {
	shared := map[string]uint64{"b": 7, "c": 1}
	sets := []struct {
		u map[string]uint64
		i map[string]int64
	}{
		{nil, nil},
		{map[string]uint64{}, map[string]int64{}},
		{map[string]uint64{"a": 1}, map[string]int64{"x": -1}},
		{map[string]uint64{"a": 3}, map[string]int64{"x": 5}},                        // same keys
		{map[string]uint64{"a": 3, "b": 1}, map[string]int64{"x": 5, "y": 0}},        // a key added
		{map[string]uint64{"b": 1}, map[string]int64{"y": 0}},                        // one removed
		{map[string]uint64{"c": 1}, map[string]int64{"z": 2}},                        // as many, others
		{shared, map[string]int64{"z": 2}},                                           // one added
		{shared, map[string]int64{}},                                                 // the same map
		{map[string]uint64{"b": 7, "c": 1}, nil},                                     // equal, not the same
		{map[string]uint64{"c": 2, "b": 7}, map[string]int64{"z": -9}},               // values only
		{map[string]uint64{"a": 1, "c": 2}, map[string]int64{"z": -9, "zz": 1}},      // one for another
		{map[string]uint64{"a": 1, "c": 2, "d": 0}, map[string]int64{"zz": 1}},       //
		{nil, map[string]int64{"zz": 1}},                                             //
		{map[string]uint64{"a": 1, "c": 2, "d": 0}, map[string]int64{"zz": 1 << 62}}, // back again
	}
	var out []*counters
	for i, s := range sets {
		c := &counters{U: s.u, I: s.i}
		if i%3 == 0 {
			c.V = s.u
		}
		out = append(out, c)
	}
	return out
}

// encodeStream encodes vals in blocks of blockLen, each sample's bytes apart; lookup makes the
// maps take the general path.
func encodeStream[T any](t *testing.T, vals []*T, ver, blockLen int, lookup bool) [][]byte {
	t.Helper()
	pl, err := planFor(reflect.TypeFor[T](), ver)
	if err != nil {
		t.Fatal(err)
	}
	be := newBlockEncoder(pl)
	be.enc.lookupMaps = lookup
	var out [][]byte
	for i, v := range vals {
		if i%blockLen == 0 {
			be.reset()
		}
		raw, err := be.add(nil, unsafe.Pointer(v))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}

// snapshotSeries is the fixture's two snapshots and copies of them whose maps lose, gain and
// change entries: statuses (string keys, struct values) and counters.
func snapshotSeries(t *testing.T) []*sources.Snapshot {
	fx := fixtureSnapshots(t)
	a, b := fx[0], fx[1]
	fewer := deepCopy(b)
	delete(fewer.Status, sources.SrcStat)
	delete(fewer.VMStat.Values, "pgfault")
	more := deepCopy(fewer)
	more.Status["zz"] = sources.Status{State: sources.Failed, Reason: "new"}
	more.Status[sources.SrcMeminfo] = sources.Status{State: sources.Failed, Reason: "changed"}
	more.VMStat.Values["pgfault"] = 1
	none := deepCopy(more)
	none.Status, none.SNMP.Tcp = nil, map[string]int64{}
	return []*sources.Snapshot{a, b, fewer, more, more, b, none, a, fewer}
}

// The map encoders' fast paths (a map[string]uint64's remembered keys and values, a string-
// keyed map's entries copied out) must write what the general path writes, byte for byte:
// files are read by other versions, and the compat files only hold what once was.
func TestMapFastPathsSameBytes(t *testing.T) {
	t.Parallel()
	check := func(name string, want, have [][]byte) {
		t.Helper()
		if len(want) != len(have) {
			t.Fatalf("%s: %d samples, want %d", name, len(have), len(want))
		}
		for i := range want {
			if !bytes.Equal(want[i], have[i]) {
				t.Fatalf("%s, sample %d:\nwant %x\nhave %x", name, i, want[i], have[i])
			}
		}
	}
	snaps := snapshotSeries(t)
	for _, ver := range versions {
		for _, blockLen := range []int{1, 4, 100} {
			name := vname(ver) + "/blocks of " + strconv.Itoa(blockLen)
			vals := counterSeries()
			check(name+"/counters", encodeStream(t, vals, ver, blockLen, true), encodeStream(t, vals, ver, blockLen, false))
			check(name+"/snapshots", encodeStream(t, snaps, ver, blockLen, true), encodeStream(t, snaps, ver, blockLen, false))
			for seed := range uint64(4) {
				rv := rndSeries(rand.New(rand.NewPCG(seed, 7)), 100)
				check(name+"/random", encodeStream(t, rv, ver, blockLen, true), encodeStream(t, rv, ver, blockLen, false))
			}
			bv := bigSeries(rand.New(rand.NewPCG(3, 4)), 40)
			check(name+"/big", encodeStream(t, bv, ver, blockLen, true), encodeStream(t, bv, ver, blockLen, false))
		}
	}
}

// The counters round-trip too, in both versions: the general path is not only equal to the
// memo but right.
func TestStrU64MapRoundTrip(t *testing.T) {
	t.Parallel()
	vals := counterSeries()
	for _, ver := range versions {
		path := t.TempDir() + "/c.ktop"
		writeFileVersion(t, path, vals, 5, ver)
		have, warns, err := readAll[counters](t, mustRead(t, path))
		if err != nil || len(warns) > 0 || len(have) != len(vals) {
			t.Fatalf("%s: %d samples, %q, %v", vname(ver), len(have), warns, err)
		}
		for i, want := range vals {
			if !equalNormalized(want, have[i]) {
				t.Fatalf("%s, sample %d:\nwant %+v\nhave %+v", vname(ver), i, want, have[i])
			}
		}
	}
}
