package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(deriveNet) }

// deriveNet fills Frame.Net with sar -n DEV and EDEV columns for every interface, in name
// order, matched by name. A new interface has missing rates, and so does one whose counters
// went backwards: it was re-registered (driver reload, veth recreated), and sysstat's
// alternative, an overflow of a 64-bit counter, does not happen in practice.
func deriveNet(prev, cur *sources.Snapshot, f *Frame) {
	nd := cur.Net
	if nd == nil {
		return
	}
	f.Net = make([]Net, 0, len(nd.Ifaces))
	var prevIf prevRows[string]
	var pi []sources.Iface
	dt := 0.0
	if prev != nil && prev.Net != nil {
		dt = nd.At.Sub(prev.Net.At).Seconds()
		pi = prev.Net.Ifaces
		prevIf = prevRows[string]{n: len(pi), key: func(j int) string { return pi[j].Name }}
	}
	for i := range nd.Ifaces {
		c := &nd.Ifaces[i]
		o := Net{Iface: c.Name}
		if j, ok := prevIf.find(i, c.Name); ok && dt > 0 {
			sar(&pi[j], c, dt, &o)
		}
		f.Net = append(f.Net, o)
	}
}

// sar applies sar's formulas (sysstat pr_stats.c, sa_common.c compute_ifutil): rates per
// second, kB = 1024 bytes, and %ifutil from the link speed in Mb/s: full duplex uses the
// busier direction, half duplex the sum of both. Without a known speed (virtio, lo, down
// links report -1 or nothing) %ifutil is missing where sar prints 0.00.
func sar(p, c *sources.Iface, dt float64, o *Net) {
	pv := [...]uint64{p.RxBytes, p.RxPackets, p.RxErrs, p.RxDrop, p.RxFifo, p.RxFrame, p.RxCompressed, p.RxMulticast,
		p.TxBytes, p.TxPackets, p.TxErrs, p.TxDrop, p.TxFifo, p.TxColls, p.TxCarrier, p.TxCompressed}
	cv := [...]uint64{c.RxBytes, c.RxPackets, c.RxErrs, c.RxDrop, c.RxFifo, c.RxFrame, c.RxCompressed, c.RxMulticast,
		c.TxBytes, c.TxPackets, c.TxErrs, c.TxDrop, c.TxFifo, c.TxColls, c.TxCarrier, c.TxCompressed}
	var r [16]float64
	for i := range pv {
		if cv[i] < pv[i] {
			return
		}
		r[i] = float64(cv[i]-pv[i]) / dt
	}
	rxB, txB := r[0], r[8]
	o.RxkBS, o.RxpckS, o.RxerrS, o.RxdropS = Some(rxB/1024), Some(r[1]), Some(r[2]), Some(r[3])
	o.RxfifoS, o.RxframS, o.RxcmpS, o.RxmcstS = Some(r[4]), Some(r[5]), Some(r[6]), Some(r[7])
	o.TxkBS, o.TxpckS, o.TxerrS, o.TxdropS = Some(txB/1024), Some(r[9]), Some(r[10]), Some(r[11])
	o.TxfifoS, o.CollS, o.TxcarrS, o.TxcmpS = Some(r[12]), Some(r[13]), Some(r[14]), Some(r[15])
	if c.SpeedMbps > 0 {
		bits := float64(c.SpeedMbps) * 1e6
		if c.FullDuplex {
			o.Ifutil = Some(max(rxB, txB) * 8 * 100 / bits)
		} else {
			o.Ifutil = Some((rxB + txB) * 8 * 100 / bits)
		}
	}
}
