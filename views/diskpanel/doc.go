// Package diskpanel is the Disk panel: iostat -xz's table of every block device, whole disks
// with their partitions indented, and the history of the selected disk's %util and awaits. It
// reads frames only; it must not import os, sources/collect or sources/engine.
package diskpanel
