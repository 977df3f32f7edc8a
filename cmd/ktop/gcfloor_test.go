package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, gcPercent},         // no collection yet
		{1 << 20, 400},         // start-up: capped
		{4 << 20, 200},         // 8 MiB of headroom over 4 live
		{8 << 20, 100},         // ~70 processes
		{16 << 20, gcPercent},  // half of 16 is the floor itself
		{25 << 20, gcPercent},  // an hour of 500 processes: GOGC 50 as before
		{100 << 20, gcPercent}, // never below it
	} {
		if have := gcPercentFor(tt.live); have != tt.want {
			t.Errorf("live %d MiB: want GOGC %d, have %d", tt.live>>20, tt.want, have)
		}
	}
}
