package record

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// FuzzReader feeds arbitrary bytes to the reader: it must never panic or hang, whatever the
// damage. Seeds: the committed real recordings of every version, whole and cut, and with
// their trailers removed (so that the scan path runs too).
func FuzzReader(f *testing.F) {
	for _, ver := range versions {
		data := mustRead(f, fmt.Sprintf("testdata/v%d-host.ktop", ver))
		f.Add(data)
		f.Add(data[:len(data)-trailerLen])
		f.Add(data[:len(data)/2])
		f.Add(data[:frameHeaderLen+10])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := openReaderAt(bytes.NewReader(data), int64(len(data)), snapshotType)
		if err != nil {
			return
		}
		for i := 0; i < fr.total && i < 1000; i++ {
			fr.at(i)
			fr.timeOf(i)
		}
		fr.at(fr.total)
		fr.timeIndex(time.Now().UnixNano())
		fr.timeIndex(0)
		fr.warnings()
	})
}

// FuzzDecodeBlock does the same for the in-memory block format.
func FuzzDecodeBlock(f *testing.F) {
	b, err := EncodeBlock(nil, fixtureSnapshots(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		DecodeBlock(data)
	})
}

// rawStream is the uncompressed block stream of the fixture snapshots in format version ver.
func rawStream(f *testing.F, ver int) []byte {
	pl, err := planFor(snapshotType, ver)
	if err != nil {
		f.Fatal(err)
	}
	be := newBlockEncoder(pl)
	var raw []byte
	for _, s := range fixtureSnapshots(f) {
		if raw, err = be.add(raw, unsafe.Pointer(s)); err != nil {
			f.Fatal(err)
		}
	}
	return raw
}

func decodeStream(rp *readPlan, raw []byte) {
	bd := newBlockDecoder(rp)
	bd.reset(raw)
	for range 100 {
		if _, err := bd.next(); err != nil {
			return
		}
	}
}

// FuzzSampleStream goes below the checksums and zstd: arbitrary bytes as a block's raw
// stream, decoded with the Snapshot plan.
func FuzzSampleStream(f *testing.F) {
	sch, err := schemaOf(snapshotType)
	if err != nil {
		f.Fatal(err)
	}
	var plans []*readPlan
	for _, ver := range versions {
		raw := rawStream(f, ver)
		f.Add(raw)
		f.Add(raw[:len(raw)/3])
		rp, err := newReadPlan(sch, snapshotType, ver)
		if err != nil {
			f.Fatal(err)
		}
		plans = append(plans, rp)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, rp := range plans {
			decodeStream(rp, data)
		}
	})
}

// FuzzHeader feeds arbitrary header payloads (schemas) to the reader, then decodes real
// samples with whatever plan the schema yields.
func FuzzHeader(f *testing.F) {
	s, err := schemaOf(snapshotType)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(marshalHeader(Header{Hostname: "h"}, s, version1))
	f.Add(marshalHeader(Header{Hostname: "h"}, s, version2))
	ks, err := schemaOf(reflect.TypeFor[kitchen]())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(marshalHeader(Header{}, ks, FormatVersion))
	raws := map[int][]byte{}
	for _, ver := range versions {
		raws[ver] = rawStream(f, ver)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, sch, err := unmarshalHeader(data)
		if err != nil {
			return
		}
		rp, err := newReadPlan(sch, snapshotType, h.Version)
		if err != nil {
			return
		}
		decodeStream(rp, raws[h.Version])
	})
}
