// Package header is the top two lines of the dashboard: who and how loaded (host, kernel,
// uptime, load averages), saturation (run queue and blocked tasks beside the CPU count, tasks
// R/T), memory used/available, and ktop's own CPU and tick time.
//
// Rule: reads only the Frame it is given; no os, io/fs, syscall, sources/collect or
// sources/engine import.
package header
