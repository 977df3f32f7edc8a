package record

import (
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// rnd is a value that every kind of change happens to at random: elements of keyed slices
// added, removed, reordered and duplicated, counters that move, wrap or stay, flags that flip,
// times that move, stay, or are zero, maps that gain and lose keys, pointers that come and go.
type rnd struct {
	Time  time.Time
	N     uint32
	I     int16
	On    bool
	S     string
	At    time.Time
	Els   []rndEl
	Nums  []uint8
	Grid  [][]int32
	Arr   [5]uint64
	Flags [3]bool
	M     map[string]uint64
	ByID  map[uint16]rndSub
	P     *rndSub
	F     float64
	Named map[string]rndSub // string keys, struct values: the statuses' kind of map
}

type rndEl struct {
	ID    int32  `record:"key"`
	Name  string `record:"key"`
	V     uint64
	W     int8
	B     bool
	At    time.Time
	Sub   *rndSub
	Tags  []string
	Ratio float32
}

type rndSub struct {
	X uint16
	T time.Time
	L []uint64
}

func rndSeries(rng *rand.Rand, n int) []*rnd {
	t0 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	pick := func(p float64) bool { return rng.Float64() < p }
	strs := []string{"", "a", "bb", "ccc", "héllo"}
	mkTime := func(base time.Time) time.Time {
		switch rng.IntN(6) {
		case 0:
			return time.Time{}
		case 1:
			return time.Unix(int64(rng.Uint64()>>1)%(1<<40)-1<<39, int64(rng.IntN(1e9)))
		}
		return base.Add(time.Duration(rng.IntN(2e6)))
	}
	mkSub := func(base time.Time) *rndSub {
		if pick(0.3) {
			return nil
		}
		s := &rndSub{X: uint16(rng.Uint32()), T: mkTime(base)}
		for range rng.IntN(4) {
			s.L = append(s.L, rng.Uint64()%5)
		}
		return s
	}
	var out []*rnd
	cur := &rnd{}
	for i := range n {
		next := *cur
		base := t0.Add(time.Duration(i) * time.Second)
		next.Time = base
		if pick(0.5) {
			next.N += uint32(rng.IntN(3)) - 1 // wraps below zero
		}
		if pick(0.3) {
			next.I = int16(rng.Uint32())
		}
		if pick(0.2) {
			next.On = !next.On
		}
		if pick(0.2) {
			next.S = strs[rng.IntN(len(strs))]
		}
		if pick(0.7) {
			next.At = mkTime(base)
		}
		els := slices.Clone(cur.Els)
		for j := range els {
			e := &els[j]
			if pick(0.5) {
				e.V += uint64(rng.IntN(1000))
			}
			if pick(0.2) {
				e.W = int8(rng.Uint32())
			}
			if pick(0.2) {
				e.B = !e.B
			}
			if pick(0.6) {
				e.At = mkTime(base)
			}
			if pick(0.2) {
				e.Sub = mkSub(base)
			}
			if pick(0.1) {
				e.Tags = append(slices.Clone(e.Tags), strs[rng.IntN(len(strs))])
			}
			if pick(0.2) {
				e.Ratio = float32(rng.IntN(10000)) / 100
			}
		}
		switch rng.IntN(6) {
		case 0: // some exit
			for k := rng.IntN(3); k > 0 && len(els) > 0; k-- {
				j := rng.IntN(len(els))
				els = append(els[:j:j], els[j+1:]...)
			}
		case 1: // some start
			for range rng.IntN(4) {
				e := rndEl{ID: int32(rng.IntN(50)), Name: strs[rng.IntN(len(strs))], V: rng.Uint64(), At: mkTime(base), B: pick(0.5)}
				j := rng.IntN(len(els) + 1)
				els = slices.Insert(els, j, e)
			}
		case 2: // a shuffle
			rng.Shuffle(len(els), func(a, b int) { els[a], els[b] = els[b], els[a] })
		case 3:
			if pick(0.1) {
				els = nil
			}
		}
		next.Els = els
		if pick(0.3) {
			next.Nums = nil
			for range rng.IntN(12) {
				next.Nums = append(next.Nums, uint8(rng.IntN(4)))
			}
		}
		if pick(0.3) {
			g := slices.Clone(cur.Grid)
			if len(g) == 0 || pick(0.2) {
				g = append(g, []int32{int32(rng.IntN(9)), -1})
			}
			r := rng.IntN(len(g))
			g[r] = append(slices.Clone(g[r]), int32(rng.IntN(5))-2)
			next.Grid = g
		}
		for j := range next.Arr {
			if pick(0.3) {
				next.Arr[j] += uint64(rng.IntN(3))
			}
		}
		if pick(0.2) {
			next.Flags[rng.IntN(3)] = pick(0.5)
		}
		if pick(0.5) {
			m := map[string]uint64{}
			for _, k := range slices.Sorted(maps.Keys(cur.M)) { // in order: a seed makes one series
				v := cur.M[k]
				if !pick(0.1) {
					m[k] = v + uint64(rng.IntN(2))*rng.Uint64()
				}
			}
			if pick(0.3) {
				m[strs[rng.IntN(len(strs))]] = rng.Uint64() % 100
			}
			if pick(0.05) {
				m = nil
			}
			next.M = m
		}
		if pick(0.4) {
			m := map[uint16]rndSub{}
			for _, k := range slices.Sorted(maps.Keys(cur.ByID)) {
				v := cur.ByID[k]
				if pick(0.8) {
					if pick(0.3) {
						v.X++
						v.T = mkTime(base)
					}
					m[k] = v
				}
			}
			if pick(0.3) {
				m[uint16(rng.IntN(20))] = rndSub{X: 1, L: []uint64{1}}
			}
			next.ByID = m
		}
		if pick(0.4) {
			m := map[string]rndSub{}
			for _, k := range slices.Sorted(maps.Keys(cur.Named)) {
				v := cur.Named[k]
				if pick(0.85) {
					if pick(0.4) {
						v.X += uint16(rng.IntN(3))
						v.T = mkTime(base)
					}
					m[k] = v
				}
			}
			if pick(0.3) {
				m[strs[rng.IntN(len(strs))]] = rndSub{X: uint16(rng.IntN(9)), L: []uint64{2}}
			}
			if pick(0.05) {
				m = nil
			}
			next.Named = m
		}
		if pick(0.2) {
			next.P = mkSub(base)
		}
		if pick(0.3) {
			next.F = []float64{0, 1.25, -3.5, math.Inf(1), 1.0 / 3, 1e300}[rng.IntN(6)]
		}
		out = append(out, &next)
		cur = &next
	}
	return out
}

// Random series of every kind of change round-trip exactly, in every format version and at
// block lengths that put key samples anywhere.
func TestRoundTripRandom(t *testing.T) {
	t.Parallel()
	for seed := range uint64(8) {
		vals := rndSeries(rand.New(rand.NewPCG(seed, 7)), 150)
		for _, ver := range versions {
			for _, blockSamples := range []int{1, 7, 60} {
				path := filepath.Join(t.TempDir(), "r.ktop")
				writeFileVersion(t, path, vals, blockSamples, ver)
				have, warns, err := readAll[rnd](t, mustRead(t, path))
				if err != nil || len(warns) > 0 || len(have) != len(vals) {
					t.Fatalf("seed %d, v%d, blocks of %d: %d samples, %q, %v", seed, ver, blockSamples, len(have), warns, err)
				}
				for i, want := range vals {
					if !equalNormalized(want, have[i]) {
						t.Fatalf("seed %d, v%d, blocks of %d, sample %d:\nwant %+v\nhave %+v", seed, ver, blockSamples, i, want, have[i])
					}
				}
			}
		}
	}
}

// big has columns long enough for the changed elements to be listed rather than mapped.
type big struct {
	Els  []rndEl
	Nums []uint64
	M    map[string]uint64
}

func bigSeries(rng *rand.Rand, n int) []*big {
	cur := &big{M: map[string]uint64{}}
	for i := range 300 {
		cur.Els = append(cur.Els, rndEl{ID: int32(i), V: uint64(i)})
		cur.Nums = append(cur.Nums, uint64(i))
		cur.M[string(rune('a'+i%26))+strconv.Itoa(i)] = uint64(i)
	}
	out := []*big{cur}
	for range n {
		next := &big{Els: slices.Clone(cur.Els), Nums: slices.Clone(cur.Nums), M: maps.Clone(cur.M)}
		for range rng.IntN(4) { // a few changes, or none
			j := rng.IntN(len(next.Els))
			e := &next.Els[j]
			switch rng.IntN(4) {
			case 0:
				e.V += uint64(rng.IntN(1 << 20))
			case 1:
				e.B = !e.B
			case 2:
				e.Tags = append(slices.Clone(e.Tags), "t")
			default:
				e.At = time.Unix(1_800_000_000+int64(rng.IntN(1000)), 0)
			}
			next.Nums[rng.IntN(len(next.Nums))] += 3
			for _, k := range slices.Sorted(maps.Keys(next.M)) {
				if rng.IntN(100) == 0 {
					next.M[k]++
				}
			}
		}
		out = append(out, next)
		cur = next
	}
	return out
}

func TestRoundTripSparse(t *testing.T) {
	t.Parallel()
	vals := bigSeries(rand.New(rand.NewPCG(3, 4)), 80)
	for _, ver := range versions {
		path := filepath.Join(t.TempDir(), "b.ktop")
		writeFileVersion(t, path, vals, 30, ver)
		have, warns, err := readAll[big](t, mustRead(t, path))
		if err != nil || len(warns) > 0 || len(have) != len(vals) {
			t.Fatalf("v%d: %d samples, %q, %v", ver, len(have), warns, err)
		}
		for i, want := range vals {
			if !equalNormalized(want, have[i]) {
				t.Fatalf("v%d, sample %d differs", ver, i)
			}
		}
	}
}
