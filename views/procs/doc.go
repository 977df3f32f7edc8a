// Package procs is the Processes panel: pidstat's per-process columns (-u -r -d) with the
// memory cost columns of metrics-spec §2.10.3, sorted, filtered, searched, as a tree, with
// threads, and a detail view of one process. Keys follow htop.
//
// Acting on a process (signal, renice, pin for smaps_rollup) and reading what the periodic
// sample does not carry (threads, the detail view) go through views.Actions: the panel returns
// a views.ActionMsg and the root runs it; the panel never touches the system. The cursor
// follows a process by (PID, starttime), never by position.
package procs
