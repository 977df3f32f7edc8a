// Package netpanel is the Network panel: sar -n DEV's table of every interface (EDEV's error
// and drop columns when they are not zero), sar -n TCP,ETCP with the TcpExt counters that
// explain drops, and the history of the selected interface's packets/s and of TCP
// retransmits. It reads frames only; it must not import os, sources/collect or sources/engine.
package netpanel
