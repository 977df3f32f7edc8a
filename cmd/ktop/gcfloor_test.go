package main

import (
	"os"
	"syscall"
	"testing"
)

func TestGCPercentFor(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, gcPercent},         // no collection yet
		{512 << 10, 400},       // start-up: capped
		{2 << 20, 200},         // 4 MiB of headroom over 2 live
		{4 << 20, 100},         // ~70 processes
		{8 << 20, gcPercent},   // half of 8 is the floor itself
		{25 << 20, gcPercent},  // an hour of 500 processes: GOGC 50 as before
		{100 << 20, gcPercent}, // never below it
	} {
		if have := gcPercentFor(tt.live); have != tt.want {
			t.Errorf("live %d MiB: want GOGC %d, have %d", tt.live>>20, tt.want, have)
		}
	}
}

// BenchmarkPageFault is what a page of new memory costs the first time it is touched: the
// price of heap growth that heapHeadroom weighs against collections: 16-18 µs a page on the
// PVM-based 2-vCPU development VM, 1.3-1.5 µs on the 16-core KVM guest (docs/perf.md).
func BenchmarkPageFault(b *testing.B) {
	const pages = 1024
	page := os.Getpagesize()
	for b.Loop() {
		m, err := syscall.Mmap(-1, 0, pages*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(m); i += page {
			m[i] = 1
		}
		syscall.Munmap(m)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*pages), "ns/page")
}
