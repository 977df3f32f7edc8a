package record

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/ktop-dev/ktop/sources"
)

// The recording benchmarks run over real samples of this machine (benchdata_test.go), taken
// once per run: -bench.samples (default 120) at -bench.interval (default 1 s), so the first
// benchmark waits two minutes; -bench.cache keeps them for later runs. Each format version is
// written from the same samples in the same run. Sizes are reported per sample and per hour
// at one sample a second. Run: go test ./sources/record -run '^$' -bench . -bench.cache FILE

// cpuNow is this process's user+system CPU time. The development machine is shared and often
// loaded, so wall-clock ns/op overstates the work; the benchmarks also report CPU time per op.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter reports CPU time per op when stopped.
type cpuMeter struct {
	b     *testing.B
	start time.Duration
}

func meterCPU(b *testing.B) cpuMeter { return cpuMeter{b, cpuNow()} }

func (m cpuMeter) perOp(ops int) time.Duration {
	return (cpuNow() - m.start) / time.Duration(max(ops, 1))
}

type dataset struct {
	name    string
	samples []*sources.Snapshot
}

// datasets are the real samples without processes, with about 100, with only the processes
// that live through the whole series (no churn), and with about 500: -bench.window samples of
// the series from -bench.offset on. The smaller tables are a fixed pseudo-random share of the real
// processes (chosen by a hash of PID and start time, so a process stays in or out for its whole
// life and newcomers join in the same proportion); a table smaller than wanted is grown with
// copies of the real processes taken from later in the series (withProcs).
//
// They are made once per run, and the garbage collector is run after: a benchmark that made
// them anew started with the previous datasets' hundreds of megabytes to collect, which it
// paid for (the first benchmark of a run measured a third slower than the same one later).
func datasets(b *testing.B) []dataset {
	madeDatasets.once.Do(func() {
		madeDatasets.ds = makeDatasets(b)
		runtime.GC()
	})
	return madeDatasets.ds
}

var madeDatasets struct {
	once sync.Once
	ds   []dataset
}

func makeDatasets(b *testing.B) []dataset {
	all := realSamples(b)
	start := min(*benchOffset, len(all)-1)
	real := all[start:min(len(all), start+*benchWindow)]
	have := avgProcs(real)
	sized := func(n int) []*sources.Snapshot {
		if have < float64(n) {
			// The whole series, from the window on: copies come from all of it.
			rotated := append(all[start:len(all):len(all)], all[:start]...)
			return withProcs(rotated, len(real), n)
		}
		return shareOfProcs(real, int(have/float64(n)+0.5))
	}
	return []dataset{
		{"system", withoutProcs(real)},
		{"procs≈100", sized(100)},
		{"procs=stable", stableProcs(real)},
		{"procs≈500", sized(500)},
	}
}

func avgProcs(s []*sources.Snapshot) float64 {
	n := 0
	for _, x := range s {
		n += len(procList(x))
	}
	return float64(n) / float64(len(s))
}

// versions are the format versions the benchmarks compare, side by side on the same samples:
// the one this package writes and those it still writes when appending to old files.
var versions = []int{version1, version2}

func vname(ver int) string { return "v" + strconv.Itoa(ver) }

// fileSize is what a recording spends: sample bytes are its K and D frames (frame headers
// included), fixed bytes the rest after the header (dictionary, index, trailer), paid once per
// file.
type fileSize struct {
	samples, fixed int64
	n              int
}

// perHour is the size of an hour-long file at one sample a second, in MB.
func (s fileSize) perHour() float64 {
	return (float64(s.samples)/float64(s.n)*3600 + float64(s.fixed)) / 1e6
}

func (s fileSize) report(b *testing.B) {
	b.ReportMetric(float64(s.samples)/float64(s.n), "B/sample")
	b.ReportMetric(s.perHour(), "MB/hour")
	b.ReportMetric(float64(s.fixed)/1000, "fixed-kB")
}

// writeBench records samples into a new file of format version ver and returns its size.
func writeBench(b *testing.B, dir string, samples []*sources.Snapshot, ver int, level zstd.EncoderLevel, blockSamples int) fileSize {
	path := filepath.Join(dir, "bench.ktop")
	os.Remove(path)
	w, err := createVersion(path, Header{}, snapshotType, ver)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.setLevel(level); err != nil {
		b.Fatal(err)
	}
	if blockSamples > 0 {
		w.blockSamples = blockSamples
	}
	for _, s := range samples {
		if err := w.append(unsafe.Pointer(s)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	size := fileSize{n: len(samples)}
	sc := newScanner(bytes.NewReader(data), int64(len(data)), func(string) {})
	for fr, ok := sc.next(); ok; fr, ok = sc.next() {
		switch fr.typ {
		case frameKey, frameDelta:
			size.samples += fr.end - fr.off
		case frameHeader:
		default:
			size.fixed += fr.end - fr.off
		}
	}
	return size
}

// BenchmarkSize is the file size as written: one frame per sample, default blocks and level,
// each format version on the same samples.
func BenchmarkSize(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, ver := range versions {
			b.Run(ds.name+"/"+vname(ver), func(b *testing.B) {
				dir := b.TempDir()
				var size fileSize
				for b.Loop() {
					size = writeBench(b, dir, ds.samples, ver, levelFor(ver), 0)
				}
				size.report(b)
				b.ReportMetric(avgProcs(ds.samples), "procs")
			})
		}
	}
}

// BenchmarkSizeBlocks compares block lengths (samples per block) for the file as written.
func BenchmarkSizeBlocks(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, n := range []int{30, 60, 120, 300} {
			b.Run(ds.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				dir := b.TempDir()
				var size fileSize
				for b.Loop() {
					size = writeBench(b, dir, ds.samples, FormatVersion, zstdLevel, n)
				}
				size.report(b)
			})
		}
	}
}

// BenchmarkSizeLevels compares zstd levels for the file as written, with the CPU time each
// takes to write a sample.
func BenchmarkSizeLevels(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, l := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault, zstd.SpeedBetterCompression, zstd.SpeedBestCompression} {
			b.Run(ds.name+"/"+l.String(), func(b *testing.B) {
				dir := b.TempDir()
				var size fileSize
				m, n := meterCPU(b), 0
				for b.Loop() {
					size = writeBench(b, dir, ds.samples, FormatVersion, l, 0)
					n += len(ds.samples)
				}
				size.report(b)
				b.ReportMetric(float64(m.perOp(n).Microseconds()), "cpu-µs/sample")
				b.ReportMetric(writerHeap(b, ds.samples, l), "writer-MiB")
			})
		}
	}
}

// writerHeap is the heap a writer at level l holds once it has written a block: its
// compressor's state, mostly, and the sample it keeps as the next one's reference.
func writerHeap(b *testing.B, samples []*sources.Snapshot, l zstd.EncoderLevel) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w, err := create(filepath.Join(b.TempDir(), "heap.ktop"), Header{}, snapshotType)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if err := w.setLevel(l); err != nil {
		b.Fatal(err)
	}
	for _, s := range samples[:min(len(samples), DefaultBlockSamples+1)] {
		if err := w.append(unsafe.Pointer(s)); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
}

// BenchmarkSizeAlternatives measures the designs the format did not take, for
// docs/file-format.md: the raw delta stream, a block compressed at once (smallest, but a crash
// loses the unwritten block), every sample compressed alone, and no deltas at all.
func BenchmarkSizeAlternatives(b *testing.B) {
	pl, err := planFor(snapshotType, FormatVersion)
	if err != nil {
		b.Fatal(err)
	}
	for _, ds := range datasets(b) {
		n := len(ds.samples)
		// The compressor as the file writer's, with the dictionary of the first sample.
		dict, err := newBlockEncoder(pl).add(nil, unsafe.Pointer(ds.samples[0]))
		if err != nil {
			b.Fatal(err)
		}
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstdLevel), zstd.WithEncoderCRC(false),
			zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20), zstd.WithEncoderDictRaw(dictID, dict))
		if err != nil {
			b.Fatal(err)
		}
		blocks := func(delta bool) (raw, whole, alone int) {
			be := newBlockEncoder(pl)
			var stream []byte
			flush := func() {
				whole += len(enc.EncodeAll(stream, nil))
				stream = stream[:0]
			}
			for i, s := range ds.samples {
				if i%DefaultBlockSamples == 0 {
					if i > 0 {
						flush()
					}
					be.reset()
				}
				if !delta {
					be.reset()
				}
				start := len(stream)
				stream, _ = be.add(stream, unsafe.Pointer(s))
				raw += len(stream) - start
				alone += len(enc.EncodeAll(stream[start:], nil))
			}
			flush()
			return raw, whole, alone
		}
		b.Run(ds.name, func(b *testing.B) {
			var raw, whole, alone, keyWhole int
			for b.Loop() {
				raw, whole, alone = blocks(true)
				_, keyWhole, _ = blocks(false)
			}
			b.ReportMetric(float64(raw)/float64(n), "raw-B/sample")
			b.ReportMetric(float64(whole)/float64(n), "block-B/sample")
			b.ReportMetric(float64(alone)/float64(n), "alone-B/sample")
			b.ReportMetric(float64(keyWhole)/float64(n), "nodelta-block-B/sample")
		})
	}
}

// BenchmarkAppend is the recorder's cost per sample (encode, compress, write).
func BenchmarkAppend(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, ver := range versions {
			b.Run(ds.name+"/"+vname(ver), func(b *testing.B) {
				w, err := createVersion(filepath.Join(b.TempDir(), "a.ktop"), Header{}, snapshotType, ver)
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				i := 0
				m := meterCPU(b)
				for b.Loop() {
					if err := w.append(unsafe.Pointer(ds.samples[i%len(ds.samples)])); err != nil {
						b.Fatal(err)
					}
					i++
				}
				cpu := m.perOp(i)
				b.ReportMetric(float64(cpu.Microseconds()), "cpu-µs/op")
				// At one sample a second, the share of one core the recorder takes.
				b.ReportMetric(cpu.Seconds()*100, "%core@1Hz")
			})
		}
	}
}

// BenchmarkDecodeSample reads a file from start to end with a fresh reader each pass.
func BenchmarkDecodeSample(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, ver := range versions {
			b.Run(ds.name+"/"+vname(ver), func(b *testing.B) {
				dir := b.TempDir()
				writeBench(b, dir, ds.samples, ver, levelFor(ver), 0)
				data, err := os.ReadFile(filepath.Join(dir, "bench.ktop"))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				m := meterCPU(b)
				for b.Loop() {
					fr, err := openReaderAt(bytes.NewReader(data), int64(len(data)), snapshotType)
					if err != nil {
						b.Fatal(err)
					}
					for i := range fr.total {
						if _, err := fr.at(i); err != nil {
							b.Fatal(err)
						}
					}
					n += fr.total
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "samples/s")
				b.ReportMetric(1/m.perOp(n).Seconds(), "samples/cpu-s")
			})
		}
	}
}

// BenchmarkDecodeStream is the value decoding alone: the blocks' raw streams, already
// decompressed, decoded sample by sample.
func BenchmarkDecodeStream(b *testing.B) {
	sch, _ := schemaOf(snapshotType)
	for _, ds := range datasets(b) {
		for _, ver := range versions {
			pl, err := planFor(snapshotType, ver)
			if err != nil {
				b.Fatal(err)
			}
			rp, err := newReadPlan(sch, snapshotType, ver)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(ds.name+"/"+vname(ver), func(b *testing.B) {
				var streams [][]byte
				be := newBlockEncoder(pl)
				for i, s := range ds.samples {
					if i%DefaultBlockSamples == 0 {
						be.reset()
						streams = append(streams, nil)
					}
					streams[len(streams)-1], _ = be.add(streams[len(streams)-1], unsafe.Pointer(s))
				}
				bd := newBlockDecoder(rp)
				m, n := meterCPU(b), 0
				for b.Loop() {
					for _, st := range streams {
						bd.reset(st)
						for bd.stream.left() > 0 {
							if _, err := bd.next(); err != nil {
								b.Fatal(err)
							}
							n++
						}
					}
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "samples/s")
				b.ReportMetric(1/m.perOp(n).Seconds(), "samples/cpu-s")
			})
		}
	}
}

// BenchmarkDecodeLast is what a step back across a block edge needs: the last sample of each
// block alone, decoded from the block's raw stream as fileReader.last does (transient: the
// samples before it are not kept), against DecodeStream's every sample kept.
func BenchmarkDecodeLast(b *testing.B) {
	sch, _ := schemaOf(snapshotType)
	for _, ds := range datasets(b) {
		rp, err := newReadPlan(sch, snapshotType, FormatVersion)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(ds.name+"/"+vname(FormatVersion), func(b *testing.B) {
			var streams [][]byte
			var counts []int
			be := newBlockEncoder(rp.plan)
			for i, s := range ds.samples {
				if i%DefaultBlockSamples == 0 {
					be.reset()
					streams, counts = append(streams, nil), append(counts, 0)
				}
				streams[len(streams)-1], _ = be.add(streams[len(streams)-1], unsafe.Pointer(s))
				counts[len(counts)-1]++
			}
			m, n := meterCPU(b), 0
			for b.Loop() {
				for j, st := range streams {
					if _, _, err := decodeLast(rp, st, counts[j]-1); err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(m.perOp(n).Microseconds()), "cpu-µs/block")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/block")
		})
	}
}

var days = struct {
	sync.Mutex
	dir   string
	paths map[int]string
}{paths: map[int]string{}}

const daySamples = 86400

// dayFile builds a 24-hour file (86,400 samples at 1 s) of format version ver from the real
// samples with about 100 processes, repeated with advancing times; once per run, in a
// temporary directory.
func dayFile(b *testing.B, ver int) string {
	days.Lock()
	defer days.Unlock()
	if p, ok := days.paths[ver]; ok {
		return p
	}
	real := datasets(b)[1].samples // procs≈100
	if days.dir == "" {
		dir, err := os.MkdirTemp("", "ktop-bench-day")
		if err != nil {
			b.Fatal(err)
		}
		days.dir = dir
	}
	path := filepath.Join(days.dir, "day-"+vname(ver)+".ktop")
	w, err := createVersion(path, Header{}, snapshotType, ver)
	if err != nil {
		b.Fatal(err)
	}
	t0 := real[0].Time
	for i := range daySamples {
		s := *real[i%len(real)]
		s.Seq, s.Time = uint64(i+1), t0.Add(time.Duration(i)*time.Second)
		if err := w.append(unsafe.Pointer(&s)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	days.paths[ver] = path
	return path
}

func openDay(b *testing.B, ver int) *fileReader {
	f, err := os.Open(dayFile(b, ver))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	fr, err := openFile(f, snapshotType)
	if err != nil {
		b.Fatal(err)
	}
	return fr
}

// BenchmarkSeek jumps to random samples of the 24-hour file (warm page cache): each jump
// lands in a block not in the reader's cache and decodes up to the sample.
func BenchmarkSeek(b *testing.B) {
	for _, ver := range versions {
		b.Run(vname(ver), func(b *testing.B) {
			fr := openDay(b, ver)
			rng := rand.New(rand.NewPCG(1, 1))
			m, n := meterCPU(b), 0
			for b.Loop() {
				if _, err := fr.at(rng.IntN(fr.total)); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(m.perOp(n).Microseconds()), "cpu-µs/op")
			if st, err := os.Stat(dayFile(b, ver)); err == nil {
				b.ReportMetric(float64(st.Size())/1e6, "file-MB")
			}
		})
	}
}

// BenchmarkOpenDay opens the 24-hour file (from its index).
func BenchmarkOpenDay(b *testing.B) {
	for _, ver := range versions {
		b.Run(vname(ver), func(b *testing.B) {
			path := dayFile(b, ver)
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := openFile(f, snapshotType); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}

// BenchmarkTimeIndex finds the sample of a random second of the day.
func BenchmarkTimeIndex(b *testing.B) {
	for _, ver := range versions {
		b.Run(vname(ver), func(b *testing.B) {
			fr := openDay(b, ver)
			t0 := fr.blocks[0].first
			rng := rand.New(rand.NewPCG(2, 2))
			for b.Loop() {
				fr.timeIndex(t0 + rng.Int64N(86400)*1e9)
			}
		})
	}
}

// BenchmarkStep steps one sample at a time, forward and backward (the UI's ← and →);
// backward crosses into the previous block every 60 steps, which decodes that block: the
// process's CPU time in that step (block-cpu-µs) counts the decoding, done in the step or by
// a read-ahead still running beside it, and its wall time (block-µs) is what the step waits.
// after-µs is the step after it, which may wait for the rest of the block's decoding.
// "backward-paced" leaves 3 ms between steps (a key's fastest repeat is ten times that),
// which the read-ahead uses: its worst-µs is the worst step a user sees.
func BenchmarkStep(b *testing.B) {
	for _, ver := range versions {
		for _, dir := range []struct {
			name  string
			d     int
			pause time.Duration
		}{{"forward", 1, 0}, {"backward", -1, 0}, {"backward-paced", -1, 3 * time.Millisecond}} {
			b.Run(vname(ver)+"/"+dir.name, func(b *testing.B) {
				fr := openDay(b, ver)
				i := fr.total / 2
				worst := time.Duration(0)
				var entry, entryWall, afterWall time.Duration
				entries, afters := 0, 0
				m, n := meterCPU(b), 0
				for b.Loop() {
					n++
					time.Sleep(dir.pause) // in ns/op: the pace, not the step's cost (cpu-µs/op is)
					start, cpu := time.Now(), cpuNow()
					if _, err := fr.at(i); err != nil {
						b.Fatal(err)
					}
					took := time.Since(start)
					worst = max(worst, took)
					_, k, _ := fr.locate(i)
					if dir.d < 0 && k == fr.blocks[0].n-1 {
						entry += cpuNow() - cpu
						entryWall += took
						entries++
					}
					if dir.d < 0 && k == fr.blocks[0].n-2 {
						afterWall += took
						afters++
					}
					i += dir.d
					if i < 0 || i >= fr.total {
						i = fr.total / 2
					}
				}
				b.ReportMetric(float64(worst.Microseconds()), "worst-µs")
				b.ReportMetric(float64(m.perOp(n).Microseconds()), "cpu-µs/op")
				if entries > 0 {
					b.ReportMetric(float64((entry / time.Duration(entries)).Microseconds()), "block-cpu-µs")
					b.ReportMetric(float64((entryWall / time.Duration(entries)).Microseconds()), "block-µs")
				}
				if afters > 0 {
					b.ReportMetric(float64((afterWall / time.Duration(afters)).Microseconds()), "after-µs")
				}
			})
		}
	}
}

// BenchmarkJumpBack jumps onto the first sample of a random block of the 24-hour file, then
// steps back at once, into the block before, which the jump has only begun to read ahead:
// back-µs is that step's wall time (the op is the jump and the step).
func BenchmarkJumpBack(b *testing.B) {
	for _, ver := range versions {
		b.Run(vname(ver), func(b *testing.B) {
			fr := openDay(b, ver)
			rng := rand.New(rand.NewPCG(3, 3))
			var back time.Duration
			n := 0
			for b.Loop() {
				bi := 1 + rng.IntN(len(fr.blocks)-1)
				if _, err := fr.at(fr.blocks[bi].start); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if _, err := fr.at(fr.blocks[bi].start - 1); err != nil {
					b.Fatal(err)
				}
				back += time.Since(start)
				n++
			}
			b.ReportMetric(float64((back / time.Duration(n)).Microseconds()), "back-µs")
		})
	}
}

// TestMain removes the 24-hour benchmark file, which outlives any one benchmark.
func TestMain(m *testing.M) {
	code := m.Run()
	if days.dir != "" {
		os.RemoveAll(days.dir)
	}
	os.Exit(code)
}

// BenchmarkHistoryBlocks is what engine.History keeps per sample: blocks of 30 snapshots
// packed at once (EncodeBlock), in version 1's encoding, version 2's without a dictionary,
// and version 2's with the dictionary of the first snapshot, as EncodeBlock makes them.
func BenchmarkHistoryBlocks(b *testing.B) {
	const blockLen = 30 // engine.DefaultBlockLen
	for _, ds := range datasets(b) {
		for _, v := range []struct {
			name string
			ver  int
			dict bool
		}{{"v1", version1, false}, {"v2-nodict", version2, false}, {"v2", version2, true}} {
			b.Run(ds.name+"/"+v.name, func(b *testing.B) {
				pl, err := planFor(snapshotType, v.ver)
				if err != nil {
					b.Fatal(err)
				}
				opts := []zstd.EOption{zstd.WithEncoderLevel(levelFor(v.ver)), zstd.WithEncoderCRC(false),
					zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1 << 20)}
				if v.dict {
					dict, err := newBlockEncoder(pl).add(nil, unsafe.Pointer(ds.samples[0]))
					if err != nil {
						b.Fatal(err)
					}
					opts = append(opts, zstd.WithEncoderDictRaw(dictID, dict))
				}
				enc, err := zstd.NewWriter(nil, opts...)
				if err != nil {
					b.Fatal(err)
				}
				size := 0
				be := newBlockEncoder(pl) // kept from block to block, as EncodeBlock keeps it
				var raw []byte
				for b.Loop() {
					size = 0
					for i := 0; i < len(ds.samples); i += blockLen {
						if raw, _, err = be.block(raw[:0], ds.samples[i:min(i+blockLen, len(ds.samples))]); err != nil {
							b.Fatal(err)
						}
						size += len(enc.EncodeAll(raw, nil))
					}
				}
				b.ReportMetric(float64(size)/float64(len(ds.samples)), "B/sample")
			})
		}
	}
}
