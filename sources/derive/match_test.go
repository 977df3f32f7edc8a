package derive

import (
	"math/rand/v2"
	"testing"
)

// TestPrevRowsAsMap checks prevRows against the map it replaces, over previous and current row
// lists that keep their order, lose rows, gain rows and are shuffled.
func TestPrevRowsAsMap(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	base := []string{"0", "1", "8", "9", "NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB"}
	for round := range 500 {
		prev := append([]string(nil), base[:r.IntN(len(base)+1)]...)
		cur := append([]string(nil), prev...)
		switch round % 4 {
		case 1: // one row went
			if len(cur) > 0 {
				k := r.IntN(len(cur))
				cur = append(cur[:k], cur[k+1:]...)
			}
		case 2: // one row came
			k := r.IntN(len(cur) + 1)
			cur = append(cur[:k], append([]string{"new"}, cur[k:]...)...)
		case 3:
			r.Shuffle(len(cur), func(i, j int) { cur[i], cur[j] = cur[j], cur[i] })
		}
		want := make(map[string]int, len(prev))
		for j, k := range prev {
			want[k] = j
		}
		p := prevRows[string]{n: len(prev), key: func(j int) string { return prev[j] }}
		for i, k := range cur {
			wantJ, wantOK := want[k]
			haveJ, haveOK := p.find(i, k)
			if haveOK != wantOK || (wantOK && haveJ != wantJ) {
				t.Fatalf("round %d: prev %q cur %q: row %d %q: want (%d, %v), have (%d, %v)",
					round, prev, cur, i, k, wantJ, wantOK, haveJ, haveOK)
			}
		}
	}
}

// TestColumnMap checks the CPU column map with the same CPUs (no map built) and with CPUs that
// came and went.
func TestColumnMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prev, cur, want []int
	}{
		{[]int{0, 1, 2, 3}, []int{0, 1, 2, 3}, []int{0, 1, 2, 3}},
		{[]int{0, 1, 2, 3}, []int{0, 2, 3}, []int{0, 2, 3}},
		{[]int{0, 2, 3}, []int{0, 1, 2, 3}, []int{0, -1, 1, 2}},
		{nil, []int{0, 1}, []int{-1, -1}},
		{[]int{0, 1}, nil, []int{}},
	}
	for _, tt := range tests {
		var buf [1]int // smaller than the result: columnMap must still append past it
		have := columnMap(buf[:0], tt.prev, tt.cur)
		if len(have) != len(tt.want) {
			t.Fatalf("columnMap(%v, %v) = %v, want %v", tt.prev, tt.cur, have, tt.want)
		}
		for i := range have {
			if have[i] != tt.want[i] {
				t.Fatalf("columnMap(%v, %v) = %v, want %v", tt.prev, tt.cur, have, tt.want)
			}
		}
	}
}
