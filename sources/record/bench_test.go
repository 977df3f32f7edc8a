package record

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zstd"
)

// The recording benchmarks run over real samples of this machine (benchdata_test.go), taken
// once per run: -bench.samples (default 120) at -bench.interval (default 1 s), so the first
// benchmark waits two minutes. Sizes are reported per sample and per hour at one sample a
// second. Run: go test ./sources/record -run XXX -bench . -benchtime 3x

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
	samples []*benchSample
}

// datasets are the real samples without processes, with about 100, with only the processes
// that live through the whole series (no churn), and with about 500. The smaller tables are a fixed pseudo-random share of the real processes (chosen by a hash of
// PID and start time, so a process stays in or out for its whole life and newcomers join in
// the same proportion); a table smaller than wanted is grown with copies (withProcs).
func datasets(b *testing.B) []dataset {
	real := realSamples(b)
	have := avgProcs(real)
	sized := func(n int) []*benchSample {
		if have < float64(n) {
			return withProcs(real, n)
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

func avgProcs(s []*benchSample) float64 {
	n := 0
	for _, x := range s {
		n += len(x.Procs)
	}
	return float64(n) / float64(len(s))
}

// writeBench records samples into a new file and returns its size without the header frames.
func writeBench(b *testing.B, dir string, samples []*benchSample, level zstd.EncoderLevel, blockSamples int) int64 {
	path := filepath.Join(dir, "bench.ktop")
	os.Remove(path)
	w, err := create(path, Header{}, reflect.TypeFor[benchSample]())
	if err != nil {
		b.Fatal(err)
	}
	head := w.off
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
	return w.off - head
}

func reportSize(b *testing.B, size int64, n int) {
	per := float64(size) / float64(n)
	b.ReportMetric(per, "B/sample")
	b.ReportMetric(per*3600/1e6, "MB/hour")
}

// BenchmarkSize is the file size as written: one frame per sample, default blocks and level.
func BenchmarkSize(b *testing.B) {
	for _, ds := range datasets(b) {
		b.Run(ds.name, func(b *testing.B) {
			dir := b.TempDir()
			var size int64
			for b.Loop() {
				size = writeBench(b, dir, ds.samples, zstdLevel, 0)
			}
			reportSize(b, size, len(ds.samples))
			b.ReportMetric(avgProcs(ds.samples), "procs")
		})
	}
}

// BenchmarkSizeBlocks compares block lengths (samples per block) for the file as written.
func BenchmarkSizeBlocks(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, n := range []int{30, 60, 120, 300} {
			b.Run(ds.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				dir := b.TempDir()
				var size int64
				for b.Loop() {
					size = writeBench(b, dir, ds.samples, zstdLevel, n)
				}
				reportSize(b, size, len(ds.samples))
			})
		}
	}
}

// BenchmarkSizeLevels compares zstd levels for the file as written.
func BenchmarkSizeLevels(b *testing.B) {
	for _, ds := range datasets(b) {
		for _, l := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault, zstd.SpeedBetterCompression, zstd.SpeedBestCompression} {
			b.Run(ds.name+"/"+l.String(), func(b *testing.B) {
				dir := b.TempDir()
				var size int64
				for b.Loop() {
					size = writeBench(b, dir, ds.samples, l, 0)
				}
				reportSize(b, size, len(ds.samples))
			})
		}
	}
}

// BenchmarkSizeAlternatives measures the designs the format did not take, for
// docs/file-format.md: the raw delta stream, a block compressed at once (smallest, but a crash
// loses the unwritten block), every sample compressed alone, and no deltas at all.
func BenchmarkSizeAlternatives(b *testing.B) {
	pl, err := planFor(reflect.TypeFor[benchSample]())
	if err != nil {
		b.Fatal(err)
	}
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstdLevel), zstd.WithEncoderCRC(false), zstd.WithEncoderConcurrency(1))
	for _, ds := range datasets(b) {
		n := len(ds.samples)
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
		b.Run(ds.name, func(b *testing.B) {
			w, err := create(filepath.Join(b.TempDir(), "a.ktop"), Header{}, reflect.TypeFor[benchSample]())
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

// BenchmarkDecodeSample reads a file from start to end with a fresh reader each pass.
func BenchmarkDecodeSample(b *testing.B) {
	for _, ds := range datasets(b) {
		b.Run(ds.name, func(b *testing.B) {
			dir := b.TempDir()
			writeBench(b, dir, ds.samples, zstdLevel, 0)
			data, err := os.ReadFile(filepath.Join(dir, "bench.ktop"))
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			m := meterCPU(b)
			for b.Loop() {
				fr, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[benchSample]())
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

// BenchmarkDecodeStream is the value decoding alone: the blocks' raw streams, already
// decompressed, decoded sample by sample.
func BenchmarkDecodeStream(b *testing.B) {
	pl, err := planFor(reflect.TypeFor[benchSample]())
	if err != nil {
		b.Fatal(err)
	}
	sch, _ := schemaOf(reflect.TypeFor[benchSample]())
	rp, err := newReadPlan(sch, reflect.TypeFor[benchSample]())
	if err != nil {
		b.Fatal(err)
	}
	for _, ds := range datasets(b) {
		b.Run(ds.name, func(b *testing.B) {
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

var day = struct {
	once sync.Once
	path string
	n    int
}{}

// dayFile builds a 24-hour file (86,400 samples at 1 s) from the real samples with about 100
// processes, repeated with advancing times; once per run, in a temporary directory.
func dayFile(b *testing.B) (string, int) {
	real := datasets(b)[1].samples // procs≈100
	day.once.Do(func() {
		dir, err := os.MkdirTemp("", "ktop-bench-day")
		if err != nil {
			b.Fatal(err)
		}
		day.path, day.n = filepath.Join(dir, "day.ktop"), 86400
		w, err := create(day.path, Header{}, reflect.TypeFor[benchSample]())
		if err != nil {
			b.Fatal(err)
		}
		t0 := real[0].Time
		for i := range day.n {
			s := *real[i%len(real)]
			s.Time = t0.Add(time.Duration(i) * time.Second)
			if err := w.append(unsafe.Pointer(&s)); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	})
	return day.path, day.n
}

func openDay(b *testing.B) *fileReader {
	path, _ := dayFile(b)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	fr, err := openFile(f, reflect.TypeFor[benchSample]())
	if err != nil {
		b.Fatal(err)
	}
	return fr
}

// BenchmarkSeek jumps to random samples of the 24-hour file (warm page cache): each jump
// lands in a block not in the reader's cache and decodes up to the sample.
func BenchmarkSeek(b *testing.B) {
	fr := openDay(b)
	rng := rand.New(rand.NewPCG(1, 1))
	m, n := meterCPU(b), 0
	for b.Loop() {
		if _, err := fr.at(rng.IntN(fr.total)); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(m.perOp(n).Microseconds()), "cpu-µs/op")
	if st, err := os.Stat(day.path); err == nil {
		b.ReportMetric(float64(st.Size())/1e6, "file-MB")
	}
}

// BenchmarkOpenDay opens the 24-hour file (from its index).
func BenchmarkOpenDay(b *testing.B) {
	path, _ := dayFile(b)
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := openFile(f, reflect.TypeFor[benchSample]()); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkTimeIndex finds the sample of a random second of the day.
func BenchmarkTimeIndex(b *testing.B) {
	fr := openDay(b)
	t0 := fr.blocks[0].first
	rng := rand.New(rand.NewPCG(2, 2))
	for b.Loop() {
		fr.timeIndex(t0 + rng.Int64N(86400)*1e9)
	}
}

// BenchmarkStep steps one sample at a time, forward and backward (the UI's ← and →);
// backward crosses into the previous block every 60 steps, which decodes that block.
func BenchmarkStep(b *testing.B) {
	for _, dir := range []struct {
		name string
		d    int
	}{{"forward", 1}, {"backward", -1}} {
		b.Run(dir.name, func(b *testing.B) {
			fr := openDay(b)
			i := fr.total / 2
			worst := time.Duration(0)
			m, n := meterCPU(b), 0
			for b.Loop() {
				n++
				start := time.Now()
				if _, err := fr.at(i); err != nil {
					b.Fatal(err)
				}
				worst = max(worst, time.Since(start))
				i += dir.d
				if i < 0 || i >= fr.total {
					i = fr.total / 2
				}
			}
			b.ReportMetric(float64(worst.Microseconds()), "worst-µs")
			b.ReportMetric(float64(m.perOp(n).Microseconds()), "cpu-µs/op")
		})
	}
}

// TestMain removes the 24-hour benchmark file, which outlives any one benchmark.
func TestMain(m *testing.M) {
	code := m.Run()
	if day.path != "" {
		os.RemoveAll(filepath.Dir(day.path))
	}
	os.Exit(code)
}
