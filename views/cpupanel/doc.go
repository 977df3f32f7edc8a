// Package cpupanel is the CPU panel: the per-CPU stacked bars, heat grid or per-CPU history
// (package cpu) above the history of total usage (package tschart), as one views.Panel. It
// reads frames only; it must not import os, sources/collect or sources/engine.
package cpupanel
