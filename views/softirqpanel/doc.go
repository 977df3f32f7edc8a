// Package softirqpanel is the Softirqs panel: a heat map of softirq handler runs per second,
// type × CPU, on a log scale (package heat), with each CPU's ksoftirqd thread CPU time and
// mpstat %soft beneath it, and the history of one chosen type. It reads frames only; it must
// not import os, sources/collect or sources/engine.
package softirqpanel
