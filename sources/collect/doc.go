// Package collect reads kernel files into a sources.Snapshot. Every collector is a pure parser
// over an explicit root (FS: --proc and --sys), one kernel file per source file, tested over
// fixture trees copied from real machines (testdata/). Parsers ignore unknown lines and keys,
// accept optional trailing columns by length, and fail with a wrapped error on a malformed
// known line.
//
// Rule: no charmbracelet import, no global state, no environment variables; the only side
// effect is reading files below the FS root.
package collect
