package derive

import (
	"slices"

	"github.com/ktop-dev/ktop/sources"
)

func init() { register(deriveSoftirqs) }

// deriveSoftirqs fills Frame.Softirqs: per type (file order) and per CPU (header order, possible
// CPUs included), handler invocations per second. Types are matched by name and CPUs by id.
func deriveSoftirqs(prev, cur *sources.Snapshot, f *Frame) {
	si := cur.Softirqs
	if si == nil {
		return
	}
	out := &Softirqs{CPUs: slices.Clone(si.CPUs), Rows: make([]SoftirqRow, len(si.Types))}
	var p *sources.Softirqs
	var prevRow prevRows[string]
	var colBuf [64]int
	var cols []int
	dt := 0.0
	if prev != nil && prev.Softirqs != nil {
		p = prev.Softirqs
		dt = si.At.Sub(p.At).Seconds()
		cols = columnMap(colBuf[:0], p.CPUs, si.CPUs)
		prevRow = prevRows[string]{n: len(p.Types), key: func(j int) string { return p.Types[j] }}
	}
	perCPU := make([]Val, len(si.Types)*len(si.CPUs)) // one array for every row, as in interrupts
	n := len(si.CPUs)
	for i, t := range si.Types {
		row := SoftirqRow{Type: t, PerCPU: perCPU[i*n : (i+1)*n : (i+1)*n]}
		if j, ok := prevRow.find(i, t); ok && j < len(p.Counts) && i < len(si.Counts) {
			row.Total = perCPURates(cols, p.Counts[j], si.Counts[i], dt, row.PerCPU)
		}
		out.Rows[i] = row
	}
	f.Softirqs = out
}

// columnMap maps each current CPU column to the previous sample's column of the same CPU id,
// or -1 for a CPU absent before (it just came online), appending to dst (a caller's array on
// its stack, so that a sample's map costs no allocation). Built once per sample, not per row.
func columnMap(dst, prevIDs, curIDs []int) []int {
	m := dst[:0]
	if slices.Equal(prevIDs, curIDs) { // the usual case: no CPU came or went
		for j := range curIDs {
			m = append(m, j)
		}
		return m
	}
	at := make(map[int]int, len(prevIDs))
	for k, id := range prevIDs {
		at[id] = k
	}
	for _, id := range curIDs {
		k, ok := at[id]
		if !ok {
			k = -1
		}
		m = append(m, k)
	}
	return m
}

// perCPURates fills dst (aligned with the current columns) with the per-second rate of each
// 32-bit per-CPU counter; cols comes from columnMap, and a CPU without a previous column has no
// rate. The returned total sums the CPUs present in both samples, as mpstat's "all" does; it
// is missing when any of them was reset, since the sum would then be partial.
func perCPURates(cols []int, prev, cur []uint64, dt float64, dst []Val) Val {
	if dt <= 0 {
		return None
	}
	var sum uint64
	matched, reset := 0, false
	for j, k := range cols {
		if j >= len(cur) || j >= len(dst) {
			break
		}
		if k < 0 || k >= len(prev) {
			continue
		}
		d, ok := sources.Delta(prev[k], cur[j], sources.W32)
		dst[j] = rate(d, ok, dt)
		if !ok {
			reset = true
			continue
		}
		sum += d
		matched++
	}
	if matched == 0 || reset {
		return None
	}
	return rate(sum, true, dt)
}
