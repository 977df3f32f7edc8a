// Command alloccost measures what allocation costs a program that wakes once a second, as ktop
// does (docs/perf.md, session 7): with a ~3.5 MB pointerful live heap and GOGC near ktop's
// floor, it makes N objects (64-288 B) and a 40 KB growing buffer each second ("alloc"), or
// writes the same bytes into buffers made once ("reuse"). Run copies of both side by side and
// compare their CPU:
//
//	go build -o /tmp/alloccost ./scripts/alloccost
//	scripts/cpu-side-by-side.sh -d 60 'a=/tmp/alloccost 840 alloc' 'r=/tmp/alloccost 840 reuse' \
//	    'a2=/tmp/alloccost 840 alloc' 'r2=/tmp/alloccost 840 reuse'
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"time"
)

type node struct { // pointerful, so that the collector has a live heap to mark
	buf []byte
	s   string
}

var (
	live []*node
	sink [][]byte
)

func main() {
	if len(os.Args) != 3 || (os.Args[2] != "alloc" && os.Args[2] != "reuse") {
		fmt.Fprintln(os.Stderr, "usage: alloccost N alloc|reuse")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "alloccost: N must be a positive number")
		os.Exit(2)
	}
	alloc := os.Args[2] == "alloc"
	debug.SetGCPercent(114) // ktop's floor: the heap may grow by ~4 MiB over ~3.5 MiB live
	for i := range 20000 {
		live = append(live, &node{buf: make([]byte, 150), s: strconv.Itoa(i)})
	}
	reuse := make([][]byte, n)
	for i := range reuse {
		reuse[i] = make([]byte, 64+(i%8)*32)
	}
	big := make([]byte, 0, 40<<10)
	chunk := make([]byte, 512)
	for range time.NewTicker(time.Second).C {
		if alloc {
			sink = sink[:0]
			for i := range n {
				b := make([]byte, 64+(i%8)*32)
				b[0] = byte(i)
				sink = append(sink, b)
			}
			var grown []byte
			for len(grown) < 40<<10 {
				grown = append(grown, chunk...)
			}
			sink = append(sink, grown)
			continue
		}
		for i := range n {
			reuse[i][0] = byte(i)
		}
		big = big[:0]
		for len(big) < 40<<10 {
			big = append(big, chunk...)
		}
	}
}
