#!/usr/bin/env bash
# Soak test (issue 9): ktop -b --json at a 10 ms interval for a long run while processes are
# created and reaped at ~1000/s. Memory and goroutines must stay flat once the history ring is
# full, and no source may fail. Prints RSS and goroutines at start, end of warm-up, middle and
# end, the churn rate measured from /proc/stat, and exits non-zero on growth or errors.
#
# Usage: scripts/soak.sh [-t MINUTES] [-r PROCS_PER_S] [-d INTERVAL] [-H HISTORY] [-w WARMUP_S]
#   -t  run length in minutes (default 10; fractions allowed, e.g. 0.5)
#   -r  processes to create per second (default 1000)
#   -d  ktop sampling interval (default 10ms)
#   -H  ktop --history (default 2s). The history ring holds HISTORY/INTERVAL+1 samples and
#       grows until it is full, so RSS is compared only after it has filled twice over: keep
#       it short, or a slow machine never gets there.
#   -w  least warm-up in seconds before the baseline is taken (default 60, at most half the run)
# Needs Go, awk and a Linux /proc. Run it as a normal user to soak the unprivileged path.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10 rate=1000 interval=10ms history=2s warmup=
while getopts "t:r:d:H:w:h" opt; do
  case $opt in
  t) minutes=$OPTARG ;;
  r) rate=$OPTARG ;;
  d) interval=$OPTARG ;;
  H) history=$OPTARG ;;
  w) warmup=$OPTARG ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
  esac
done
secs=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
# Seconds of a duration as Go or ktop take it: 10ms, 2s, 1m, 1h or a bare number of seconds.
seconds() { awk -v d="$1" 'BEGIN { v = d + 0; if (d ~ /ms$/) v /= 1000; else if (d ~ /us$|µs$/) v /= 1e6; else if (d ~ /m$/) v *= 60; else if (d ~ /h$/) v *= 3600; print v }'; }
# The engine's ring capacity: min(history/interval, 2^17-1) + 1 samples.
ring=$(awk -v h="$(seconds "$history")" -v i="$(seconds "$interval")" 'BEGIN { n = int(h / i + 1e-9); if (n > 131071) n = 131071; print n + 1 }')
if [ -z "$warmup" ]; then
  warmup=60
  [ "$warmup" -gt $((secs / 2)) ] && warmup=$((secs / 2))
fi
[ "$secs" -ge 20 ] || { echo "soak: -t must give at least 20 s"; exit 2; }

work=$(mktemp -d /tmp/ktop-soak.XXXXXX)
cleanup() {
  [ -n "${churn_pid:-}" ] && kill "$churn_pid" 2>/dev/null || true
  [ -n "${ktop_pid:-}" ] && kill "$ktop_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "soak: building ktop and the churner in $work"
go build -o "$work/ktop" ./cmd/ktop
# The churner starts short-lived /bin/sleep processes at a steady pace from a few goroutines
# and reaps them, so that ktop sees processes appear, run, and vanish between its readdir and
# its reads. Kept here so that the repository has no extra main package.
mkdir -p "$work/churn"
cat > "$work/churn/main.go" <<'EOF'
package main

import (
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

func main() {
	rate, _ := strconv.Atoi(os.Args[1])
	life := os.Args[2] // how long each child lives, as sleep(1) takes it
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256) // at most this many children alive
	for range tick.C {
		select {
		case sem <- struct{}{}:
		default:
			continue // the machine cannot keep up; the measured rate will say so
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_ = exec.Command("/bin/sleep", life).Run()
		}()
	}
}
EOF
(cd "$work/churn" && GO111MODULE=off GOFLAGS= go build -o churn main.go)

forks() { awk '$1 == "processes" { print $2 }' /proc/stat; }
rss_of() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

"$work/churn/churn" "$rate" 0.02 &
churn_pid=$!
f0=$(forks)
t0=$(date +%s.%N)

echo "soak: ktop -b --json -d $interval --history $history ($ring samples) for ${secs}s, churn ${rate}/s, warm-up ${warmup}s and until the ring filled twice"
# Every JSON line is reduced to: elapsed seconds, seq, rss_kB, goroutines, tick_ms and the
# sources that were not ok. Frames are ~100 kB, so the lines themselves are not kept; the
# first frame with a non-ok source is, to show its reasons.
set +e
timeout --signal=INT "$secs" "$work/ktop" -b --json -d "$interval" --history "$history" \
  2>"$work/stderr" | awk -v bad="$work/first-bad.json" '
  {
    # Elapsed time from the frame itself: its uptime_s (the first key of that name).
    up = val($0, "uptime_s"); if (NR == 1) up0 = up
    self = ""
    if (match($0, /"self":\{[^}]*\}/)) self = substr($0, RSTART, RLENGTH)
    rss = val(self, "rss_kB"); gor = val(self, "goroutines"); tick = val(self, "tick_ms")
    seq = val($0, "seq")
    procs = "?"
    if (match($0, /"proc_summary":\{"total":[0-9]+/)) { procs = substr($0, RSTART, RLENGTH); sub(/.*:/, "", procs) }
    st = ""
    if (match($0, /"status":\{.*\}\}$/)) st = substr($0, RSTART, RLENGTH)
    notok = ""
    while (match(st, /"[a-z_]+":\{"state":"(failed|unavailable)"/)) {
      s = substr(st, RSTART + 1, RLENGTH - 1); sub(/".*/, "", s)
      notok = notok (notok == "" ? "" : ",") s
      st = substr(st, RSTART + RLENGTH)
    }
    if (notok != "" && !saved) { print > bad; saved = 1 }
    printf "%.2f %s %s %s %s %s %s\n", up - up0, seq, rss, gor, tick, (notok == "" ? "-" : notok), procs
  }
  function val(s, k,   r) {
    if (!match(s, "\"" k "\":[0-9.]+")) return "?"
    r = substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
    return r
  }' >"$work/series"
pipe=("${PIPESTATUS[@]}")
set -e
ktop_status=${pipe[0]}
f1=$(forks)
t1=$(date +%s.%N)
kill "$churn_pid" 2>/dev/null || true
wait "$churn_pid" 2>/dev/null || true
churn_pid=

awk -v f0="$f0" -v f1="$f1" -v t0="$t0" -v t1="$t1" -v w="$work/series" 'BEGIN {
  printf "soak: processes created: %d in %.0f s = %.0f/s (from /proc/stat processes)\n", f1 - f0, t1 - t0, (f1 - f0) / (t1 - t0) }'

# Report and verdict. RSS and goroutines are taken as the maximum over a 30 s window (GC
# makes single samples noisy): right after warm-up, in the middle, and at the end.
awk -v warm="$warmup" -v secs="$secs" -v ring="$ring" '
  { t[NR] = $1; seq[NR] = $2; rss[NR] = $3; gor[NR] = $4; tick[NR] = $5; procs[NR] = $7; n = NR
    if ($6 != "-") { split($6, a, ","); for (i in a) notok[a[i]]++; bad++ } }
  function win(from, to, arr,   i, m) { m = 0; for (i = 1; i <= n; i++) if (t[i] >= from && t[i] < to && arr[i] + 0 > m) m = arr[i] + 0; return m }
  END {
    if (n == 0) { print "soak: FAIL: ktop printed nothing"; exit 1 }
    # Batch mode takes a baseline sample first, so the ring holds seq+1 samples.
    full = -1; for (i = 1; i <= n; i++) if (seq[i] + 1 >= 2 * ring) { full = t[i]; break }
    if (full < 0) { printf "soak: FAIL: the %d-sample history ring never filled twice (%d samples): shorten -H\n", ring, seq[n] + 1; exit 1 }
    if (full > warm) warm = full
    last = t[n]; mid = warm + (last - warm) / 2
    if (last - warm < 60) { printf "soak: FAIL: only %.0f s left after warm-up (%.0f s): run longer\n", last - warm, warm; exit 1 }
    printf "soak: %d JSON lines over %.0f s (%.1f/s)\n", n, last, n / last
    printf "soak: %-22s %10s %11s %10s\n", "window", "rss_kB", "goroutines", "processes"
    printf "soak: %-22s %10d %11d %10d\n", "start (first sample)", rss[1], gor[1], procs[1]
    printf "soak: %-22s %10d %11d %10d\n", sprintf("after warm-up %.0fs", warm), r0 = win(warm, warm + 30, rss), g0 = win(warm, warm + 30, gor), win(warm, warm + 30, procs)
    printf "soak: %-22s %10d %11d %10d\n", sprintf("middle %.0fs", mid), win(mid - 15, mid + 15, rss), win(mid - 15, mid + 15, gor), win(mid - 15, mid + 15, procs)
    printf "soak: %-22s %10d %11d %10d\n", sprintf("end %.0fs", last), r1 = win(last - 30, last + 1, rss), g1 = win(last - 30, last + 1, gor), win(last - 30, last + 1, procs)
    # History memory is proportional to the processes each held sample lists, and RSS keeps
    # its high-water mark, so the limit scales with the most processes seen so far: other
    # work on the machine may start hundreds of processes during the run.
    p0 = win(0, warm + 30, procs); p1 = win(0, last + 1, procs)
    scale = (p0 > 0 && p1 > p0) ? p1 / p0 : 1
    maxtick = 0; for (i = 1; i <= n; i++) if (tick[i] + 0 > maxtick) maxtick = tick[i] + 0
    printf "soak: slowest sampling pass %.1f ms\n", maxtick
    fail = 0
    if (bad > 0) { printf "soak: FAIL: %d frames with sources not ok:", bad; for (s in notok) printf " %s(%d)", s, notok[s]; print ""; fail = 1 }
    else print "soak: every source ok in every frame"
    if (r0 > 0 && r1 > r0 * 1.2 * scale) { printf "soak: FAIL: RSS grew %.0f%% after warm-up (limit +20%% x %.2f for the process count, %d to %d)\n", (r1 / r0 - 1) * 100, scale, p0, p1; fail = 1 }
    else if (r0 > 0) printf "soak: RSS after warm-up %+.1f%% (limit +20%% x %.2f for the process count, %d to %d)\n", (r1 / r0 - 1) * 100, scale, p0, p1
    if (g1 > g0) { printf "soak: FAIL: goroutines grew from %d to %d\n", g0, g1; fail = 1 }
    else printf "soak: goroutines flat (%d)\n", g1
    if (last < secs * 0.9) { printf "soak: FAIL: ktop stopped after %.0f of %d s\n", last, secs; fail = 1 }
    exit fail
  }' "$work/series" && verdict=0 || verdict=1

if [ -s "$work/stderr" ]; then
  echo "soak: FAIL: ktop wrote to stderr:"; head -20 "$work/stderr"; verdict=1
fi
# timeout sends SIGINT at the end; ktop exits 0 on it, 124 means it ignored it.
if [ "$ktop_status" -ne 0 ] && [ "$ktop_status" -ne 124 ] && [ "$ktop_status" -ne 130 ]; then
  echo "soak: FAIL: ktop exited with status $ktop_status"; verdict=1
fi
if [ -s "$work/first-bad.json" ]; then
  echo "soak: first frame with a source not ok, its statuses:"
  grep -o '"status":{.*}}$' "$work/first-bad.json" | head -c 2000; echo
fi
echo "soak: series kept in $work/series (elapsed seq rss_kB goroutines tick_ms not-ok processes)"
[ "$verdict" -eq 0 ] && echo "soak: PASS" || echo "soak: FAIL"
exit "$verdict"
