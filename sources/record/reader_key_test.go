package record

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// Key reads a block's key sample from its K frame alone, the same as At reads it, in either
// version, without touching the blocks At keeps; a damaged K frame is read as At reads it
// (lost, with a warning), and damage later in the block does not lose the key sample.
func TestReaderKey(t *testing.T) {
	t.Parallel()
	vals := smallSeries(50)
	for _, ver := range []int{version1, version2} {
		path := filepath.Join(t.TempDir(), "key.ktop")
		writeFileVersion(t, path, vals, 20, ver) // blocks of 20, 20, 10
		data := mustRead(t, path)
		open := func(b []byte) *fileReader {
			r, err := openReaderAt(bytes.NewReader(b), int64(len(b)), reflect.TypeFor[small]())
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		r := open(data)
		if _, err := r.at(45); err != nil { // block 2 in use; block 1 read ahead
			t.Fatal(err)
		}
		waitReadAhead(r)
		cache := r.cache
		for _, tc := range []struct{ i, key int }{{0, 0}, {19, 0}, {20, 20}, {39, 20}, {40, 40}, {49, 40}} {
			rd := &Reader{fr: r}
			if want, have := tc.key, rd.KeyOf(tc.i); want != have {
				t.Errorf("v%d: KeyOf(%d): want %d, have %d", ver, tc.i, want, have)
			}
			if tc.i != tc.key {
				if _, err := r.key(tc.i); err == nil {
					t.Errorf("v%d: key(%d), not a key sample, read", ver, tc.i)
				}
				continue
			}
			p, err := r.key(tc.i)
			if err != nil || !equalNormalized(vals[tc.i], (*small)(p)) {
				t.Errorf("v%d: key(%d): %v", ver, tc.i, err)
			}
		}
		if r.cache != cache {
			t.Errorf("v%d: key changed the blocks At keeps", ver)
		}

		// Damage: one byte of block 1's K frame payload, then of its second sample's frame.
		b1 := r.blocks[1]
		if _, n, _, ok := parseFrameHeader(data[b1.off:]); !ok || b1.off+frameHeaderLen+int64(n) >= b1.off+200 || b1.end <= b1.off+200 {
			t.Fatalf("v%d: block 1's second frame is not at offset +200 (K payload %d bytes, block %d)", ver, n, b1.end-b1.off)
		}
		for _, tc := range []struct {
			name string
			off  int64
			lost bool
		}{{"K frame", b1.off + frameHeaderLen + 3, true}, {"D frame after it", r.blocks[1].off + 200, false}} {
			bad := bytes.Clone(data)
			bad[tc.off] ^= 0x5a // a hand-damaged copy of the real file
			d := open(bad)
			p, err := d.key(20)
			switch {
			case tc.lost && (err == nil || !errors.Is(err, ErrDamaged) || len(d.warnings()) == 0):
				t.Errorf("v%d: %s damaged: key(20) err %v, warnings %q", ver, tc.name, err, d.warnings())
			case !tc.lost && (err != nil || !equalNormalized(vals[20], (*small)(p))):
				t.Errorf("v%d: %s damaged: key(20): %v", ver, tc.name, err)
			}
		}
	}
}
