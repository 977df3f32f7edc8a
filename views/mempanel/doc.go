// Package mempanel is the Memory panel: free(1)'s figures as a bar with the available mark,
// swap, sar -B paging and reclaim, sar -W and vmstat swapping, OOM kills, PSI memory and io,
// and the history of used % and memory pressure. It reads frames only; it must not import os,
// sources/collect or sources/engine.
package mempanel
