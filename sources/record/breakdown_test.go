package record

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"

	"github.com/ktop-dev/ktop/sources"
)

// BenchmarkSizeBreakdown says where the bytes of a recording go. For every part of a sample
// (each Snapshot section, each ProcTable field and each Proc field) it writes the dataset again
// with that part zeroed in every sample, and reports the difference in file size per sample
// (B/sample: what the part costs once compressed) and in the raw delta stream before zstd
// (raw-B/sample). A zeroed part costs nothing after the key sample (it never changes), so the
// difference is the part's cost; parts interact in zstd, so the rows do not add up exactly to
// the total. The "frames" row is the frame headers and chunk heads, which hold no sample data.
// Run: go test ./sources/record -run '^$' -bench SizeBreakdown -bench.cache FILE
func BenchmarkSizeBreakdown(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, ver := range versions {
			breakdown(b, ds, ver)
		}
	}
}

func breakdown(b *testing.B, ds dataset, ver int) {
	dir := b.TempDir()
	n := len(ds.samples)
	size := func(samples []*sources.Snapshot) (file, raw float64) {
		f := writeBench(b, dir, samples, ver, levelFor(ver), 0)
		return float64(f.samples) / float64(n), float64(rawSize(b, samples, ver)) / float64(n)
	}
	name := ds.name + "/" + vname(ver)
	total, totalRaw := size(ds.samples)
	b.Run(name+"/total", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(total, "B/sample")
		b.ReportMetric(totalRaw, "raw-B/sample")
	})
	b.Run(name+"/frames", func(b *testing.B) {
		var over float64
		for b.Loop() {
			over = float64(frameOverhead(b, filepath.Join(dir, "bench.ktop"))) / float64(n)
		}
		b.ReportMetric(over, "B/sample")
	})
	for _, part := range snapshotParts(ds.samples) {
		b.Run(name+"/"+part.name, func(b *testing.B) {
			var file, raw float64
			for b.Loop() {
				file, raw = size(part.without)
			}
			b.ReportMetric(total-file, "B/sample")
			b.ReportMetric(totalRaw-raw, "raw-B/sample")
		})
	}
}

type samplePart struct {
	name    string
	without []*sources.Snapshot // the samples with the part zeroed
}

// snapshotParts lists the parts of a sample that the samples have, each with the samples
// without it.
func snapshotParts(samples []*sources.Snapshot) []samplePart {
	var out []samplePart
	st := reflect.TypeFor[sources.Snapshot]()
	for _, f := range recordedFields(st) {
		without := make([]*sources.Snapshot, len(samples))
		present := false
		for i, s := range samples {
			c := *s
			v := reflect.ValueOf(&c).Elem().FieldByIndex(f.Index)
			present = present || !v.IsZero()
			v.SetZero()
			without[i] = &c
		}
		if present {
			out = append(out, samplePart{f.Name, without})
		}
	}
	if avgProcs(samples) == 0 {
		return out
	}
	tt := reflect.TypeFor[sources.ProcTable]()
	for _, f := range recordedFields(tt) {
		if f.Name == "Procs" {
			continue
		}
		out = append(out, samplePart{"Procs." + f.Name, mapTables(samples, func(t *sources.ProcTable) {
			reflect.ValueOf(t).Elem().FieldByIndex(f.Index).SetZero()
		})})
	}
	pt := reflect.TypeFor[sources.Proc]()
	for _, f := range recordedFields(pt) {
		if _, key := recordTag(f); key {
			continue
		}
		out = append(out, samplePart{"Proc." + f.Name, mapTables(samples, func(t *sources.ProcTable) {
			procs := append([]sources.Proc(nil), t.Procs...)
			for i := range procs {
				reflect.ValueOf(&procs[i]).Elem().FieldByIndex(f.Index).SetZero()
			}
			t.Procs = procs
		})})
	}
	return out
}

// mapTables copies the samples with fn applied to a copy of each process table.
func mapTables(samples []*sources.Snapshot, fn func(*sources.ProcTable)) []*sources.Snapshot {
	out := make([]*sources.Snapshot, len(samples))
	for i, s := range samples {
		c := *s
		if s.Procs != nil {
			t := *s.Procs
			fn(&t)
			c.Procs = &t
		}
		out[i] = &c
	}
	return out
}

// rawSize is the length of the blocks' raw streams (the bytes zstd compresses).
func rawSize(b *testing.B, samples []*sources.Snapshot, ver int) int {
	pl, err := planFor(snapshotType, ver)
	if err != nil {
		b.Fatal(err)
	}
	be := newBlockEncoder(pl)
	var raw []byte
	n := 0
	for i, s := range samples {
		if i%DefaultBlockSamples == 0 {
			be.reset()
		}
		if raw, err = be.add(raw[:0], unsafe.Pointer(s)); err != nil {
			b.Fatal(err)
		}
		n += len(raw)
	}
	return n
}

// frameOverhead is what the sample frames of a file spend besides their zstd bytes: frame
// headers and chunk heads.
func frameOverhead(b *testing.B, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := newScanner(bytes.NewReader(data), int64(len(data)), func(string) {})
	n := 0
	for fr, ok := s.next(); ok; fr, ok = s.next() {
		if fr.typ != frameKey && fr.typ != frameDelta {
			continue
		}
		c, err := parseChunk(fr.payload, 0)
		if err != nil {
			b.Fatal(err)
		}
		n += frameHeaderLen + len(fr.payload) - len(c.data)
	}
	return n
}
