package record

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// frameOffsets lists the offsets of the intact frames of type typ.
func frameOffsets(data []byte, typ byte) []int64 {
	var out []int64
	s := newScanner(bytes.NewReader(data), int64(len(data)), func(string) {})
	for fr, ok := s.next(); ok; fr, ok = s.next() {
		if fr.typ == typ {
			out = append(out, fr.off)
		}
	}
	return out
}

// Every block of a version 2 file needs the dictionary, so it is written twice: one damaged
// copy costs nothing; both damaged lose the samples, with a warning saying why, and never a
// panic or a wrong sample.
func TestDictionaryCopies(t *testing.T) {
	t.Parallel()
	vals := smallSeries(12)
	path := filepath.Join(t.TempDir(), "d.ktop")
	writeFile(t, path, vals, 4)
	data := mustRead(t, path)
	dicts := frameOffsets(data, frameDict)
	if len(dicts) != 2 {
		t.Fatalf("want 2 dictionary frames, have %d", len(dicts))
	}
	if k := frameOffsets(data, frameKey); len(k) == 0 || k[0] < dicts[1] {
		t.Fatalf("dictionary frames at %v must come before the first block at %v", dicts, k)
	}
	tests := []struct {
		name    string
		damage  []int64
		wantAll bool
	}{
		{"first copy", dicts[:1], true},
		{"second copy", dicts[1:], true},
		{"both copies", dicts, false},
	}
	for _, tt := range tests {
		bad := bytes.Clone(data)
		for _, off := range tt.damage {
			bad[off+frameHeaderLen+2] ^= 0xff
		}
		// From the index (a clean file) and by scanning (its trailer cut off).
		for _, cut := range []int{0, trailerLen} {
			have, warns, err := readAll[small](t, bad[:len(bad)-cut])
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if len(have) != len(vals) {
				t.Fatalf("%s: %d samples, want %d", tt.name, len(have), len(vals))
			}
			for i, s := range have {
				switch {
				case s == nil && tt.wantAll:
					t.Errorf("%s, cut %d: sample %d lost", tt.name, cut, i)
				case s != nil && !equalNormalized(vals[i], s):
					t.Errorf("%s, cut %d: sample %d read back wrong", tt.name, cut, i)
				case s != nil && !tt.wantAll:
					t.Errorf("%s, cut %d: sample %d read without its dictionary", tt.name, cut, i)
				}
			}
			if !tt.wantAll && !anyContains(warns, "dictionary is lost") {
				t.Errorf("%s, cut %d: warnings %q do not say the dictionary is lost", tt.name, cut, warns)
			}
		}
	}
}

// A file goes on in the format version it was written in: a version 1 file appended to stays
// version 1 (older readers can still read it), and a version 2 file keeps its dictionary.
func TestAppendKeepsVersion(t *testing.T) {
	t.Parallel()
	vals := smallSeries(10)
	for _, ver := range versions {
		path := filepath.Join(t.TempDir(), "a.ktop")
		writeFileVersion(t, path, vals[:5], 3, ver)
		w, err := openAppend(path, reflect.TypeFor[small]())
		if err != nil {
			t.Fatal(err)
		}
		if w.ver != ver {
			t.Errorf("v%d file: appending writes version %d", ver, w.ver)
		}
		for _, v := range vals[5:] {
			if err := w.append(ptr(v)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data := mustRead(t, path)
		wantDicts := 0
		if ver >= version2 {
			wantDicts = 2
		}
		if n := len(frameOffsets(data, frameDict)); n != wantDicts {
			t.Errorf("v%d file: %d dictionary frames after appending, want %d", ver, n, wantDicts)
		}
		have, warns, err := readAll[small](t, data)
		if err != nil || len(warns) > 0 || len(have) != len(vals) {
			t.Fatalf("v%d file: %d samples, %q, %v", ver, len(have), warns, err)
		}
		for i, want := range vals {
			if !equalNormalized(want, have[i]) {
				t.Errorf("v%d file: sample %d differs", ver, i)
			}
		}
	}
}

// A recorder killed after writing the header but before its first sample leaves a file with
// no dictionary; appending to it writes the dictionary then.
func TestAppendWithoutDictionary(t *testing.T) {
	t.Parallel()
	vals := smallSeries(4)
	path := filepath.Join(t.TempDir(), "h.ktop")
	w, err := create(path, Header{}, reflect.TypeFor[small]())
	if err != nil {
		t.Fatal(err)
	}
	w.f.Close() // killed
	w, err = openAppend(path, reflect.TypeFor[small]())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if err := w.append(ptr(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	have, warns, err := readAll[small](t, mustRead(t, path))
	if err != nil || len(warns) > 0 || len(have) != len(vals) {
		t.Fatalf("%d samples, %q, %v", len(have), warns, err)
	}
}

// A sample that cannot be written (beyond the size limit) starts no block: the next one does,
// and the file stays whole.
func TestFailedFirstSample(t *testing.T) {
	t.Parallel()
	type blob struct{ S string }
	path := filepath.Join(t.TempDir(), "b.ktop")
	w, err := create(path, Header{}, reflect.TypeFor[blob]())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.append(ptr(&blob{S: strings.Repeat("x", maxSampleBytes)})); err == nil {
		t.Fatal("want an error for a sample beyond the limit")
	}
	ok := &blob{S: "fits"}
	if err := w.append(ptr(ok)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	have, warns, err := readAll[blob](t, mustRead(t, path))
	if err != nil || len(warns) > 0 || len(have) != 1 || have[0].S != ok.S {
		t.Fatalf("%d samples, %q, %v", len(have), warns, err)
	}
}

// A reader decodes with the plan of the version its file's header names.
func TestVersionInHeader(t *testing.T) {
	t.Parallel()
	for _, ver := range versions {
		path := filepath.Join(t.TempDir(), "v.ktop")
		writeFileVersion(t, path, smallSeries(3), 0, ver)
		data := mustRead(t, path)
		fr, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[small]())
		if err != nil {
			t.Fatal(err)
		}
		if fr.hdr.Version != ver || fr.rp.ver != ver {
			t.Errorf("v%d file: header says %d, read plan %d", ver, fr.hdr.Version, fr.rp.ver)
		}
	}
	if _, err := planFor(reflect.TypeFor[small](), FormatVersion+1); err == nil {
		t.Error("a plan for an unknown version: want an error")
	}
}

func ptr[T any](v *T) unsafe.Pointer { return unsafe.Pointer(v) }
