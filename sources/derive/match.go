package derive

// prevRows finds, for each row of the current sample, the previous sample's row with the same
// key. The kernel lists CPUs, IRQs, softirqs, disks and interfaces in the same order read after
// read, so it tries the same position first and builds a map of the previous rows only when
// that misses (a row came or went): a steady host derives without a map per section per sample,
// which at 1 Hz was a good part of derive's allocations.
type prevRows[K comparable] struct {
	n   int           // previous rows
	key func(j int) K // the key of previous row j
	at  map[K]int     // built on the first miss; a repeated key keeps its last row, as before
}

func (p *prevRows[K]) find(i int, k K) (int, bool) {
	if i < p.n && p.key(i) == k {
		return i, true
	}
	if p.n == 0 {
		return 0, false
	}
	if p.at == nil {
		p.at = make(map[K]int, p.n)
		for j := range p.n {
			p.at[p.key(j)] = j
		}
	}
	j, ok := p.at[k]
	return j, ok
}
