// Package overview is the first panel: the whole 60-second checklist on one screen, built from
// the other panels' tiles (views.Panel Tile and TileHeight) laid out in a grid of columns. It
// reads no frame itself: each tile is the compact summary its own panel renders, so the
// Overview and the full panels can never disagree. Arrow keys move the focus between tiles and
// e (or enter) expands the focused one into its panel through an ExpandMsg to the root.
//
// Rule: like every package under views/, no os, io/fs, syscall, sources/collect or
// sources/engine import.
package overview
