// Package irqpanel is the Interrupts panel: per-CPU rates of the inter-processor interrupts
// that show contention (TLB shootdowns, function calls, rescheduling), the local timer and NMI,
// then every device queue busiest first, as a heat map (package heat), with the history of TLB
// shootdowns. It reads frames only; it must not import os, sources/collect or sources/engine.
package irqpanel
