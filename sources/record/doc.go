// Package record reads and writes ktop recordings (docs/file-format.md): append-only,
// checksummed frames holding zstd-compressed blocks of samples, each sample delta-encoded
// against the one before it, with a self-describing schema so that files outlive the Snapshot
// type that wrote them. It also packs blocks in memory (EncodeBlock) for the history.
//
// The value codec is driven by the Go type: a plan is compiled once per type with reflect and
// then runs over raw memory, so a field added to sources.Snapshot is recorded with no change
// here. Struct tags steer it: `record:"-"` leaves a field out, `record:"key"` marks the fields
// that identify an element of a slice (CPU id, disk name, PID + start time).
//
// Rule: no charmbracelet import, no UI; the only files touched are the recording's own.
package record
