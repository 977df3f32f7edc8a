package record

import (
	"bytes"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// FuzzReader feeds arbitrary bytes to the reader: it must never panic or hang, whatever the
// damage. Seeds: the committed real recording, whole and cut, and with its trailer removed
// (so that the scan path runs too).
func FuzzReader(f *testing.F) {
	data := mustRead(f, "testdata/v1-host.ktop")
	f.Add(data)
	f.Add(data[:len(data)-trailerLen])
	f.Add(data[:len(data)/2])
	f.Add(data[:frameHeaderLen+10])
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

// rawStream is the uncompressed block stream of the fixture snapshots.
func rawStream(f *testing.F) []byte {
	rp, err := snapshotCodec()
	if err != nil {
		f.Fatal(err)
	}
	be := newBlockEncoder(rp.plan)
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
	raw := rawStream(f)
	f.Add(raw)
	f.Add(raw[:len(raw)/3])
	rp, err := snapshotCodec()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) { decodeStream(rp, data) })
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
	raw := rawStream(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, sch, err := unmarshalHeader(data)
		if err != nil {
			return
		}
		rp, err := newReadPlan(sch, snapshotType, h.Version)
		if err != nil {
			return
		}
		decodeStream(rp, raw)
	})
}
