// Package runqpanel is the Run queue panel: runnable tasks against the online CPU count over
// time (saturation when the queue is longer), blocked tasks, load averages, CPU pressure, context
// switches and forks per second, and each CPU's scheduler wait from /proc/schedstat or its
// per-task fallback. It reads frames only; it must not import os, sources/collect or
// sources/engine.
package runqpanel
