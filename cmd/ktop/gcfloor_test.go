package main

import "testing"

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
