#!/usr/bin/env bash
# Records this machine with `ktop record` and `atop -w` side by side, both at 1 s, and prints
# each file's size per hour with the processes on the host over the same window.
#
#   scripts/record-size.sh [-t SECONDS] [-K KTOP_BINARY] [-n N]
#
# -n N starts N idle `sleep` processes first (killed at exit), to bring a quiet host to a
# given process count, as scripts/bench-overhead.sh -n does.
#
# Both recorders run at once over the same seconds, so the ratio holds whatever the machine
# was doing; the absolute sizes depend on how many processes there were and how many started
# (printed: median processes and new processes a second, from the ktop recording itself).
# MB/hour scales the whole file, fixed parts included (ktop's dictionary is about 50 kB), so
# a window much shorter than the default 10 minutes overstates both.
# Needs: atop, python3, go (unless -K names a built ktop).
set -euo pipefail
secs=600
ktop=""
extra=0
while getopts "t:K:n:" opt; do
  case $opt in
    t) secs=$OPTARG ;;
    K) ktop=$OPTARG ;;
    n) extra=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-K KTOP_BINARY] [-n N]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
for tool in atop python3; do
  command -v $tool >/dev/null || { echo "missing $tool (apt-get install atop python3)" >&2; exit 1; }
done
work=$(mktemp -d /var/tmp/ktop-recsize.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "$ktop" ]; then
  go build -o "$work/ktop" ./cmd/ktop
  ktop=$work/ktop
fi

for ((i = 0; i < extra; i++)); do
  sleep $((secs + 60)) &
done
[ "$extra" -gt 0 ] && sleep 2 # let them settle before the window

# atop -w FILE INTERVAL writes one sample per interval until killed; ktop stops by itself.
timeout $((secs + 1)) atop -w "$work/atop.raw" 1 >/dev/null 2>&1 &
apid=$!
"$ktop" record -o "$work/k.ktop" --duration "${secs}s" 2>"$work/k.log"
wait $apid || true

"$ktop" export "$work/k.ktop" --format jsonl >"$work/k.jsonl"
python3 - "$work" "$secs" <<'PY'
import json, os, statistics, sys
work, secs = sys.argv[1], float(sys.argv[2])
procs, forks = [], []
for line in open(os.path.join(work, "k.jsonl")):
    d = json.loads(line)
    procs.append(d["proc_summary"]["total"])
    forks.append(d.get("proc_s") or 0)
n = len(procs)
k = os.path.getsize(os.path.join(work, "k.ktop"))
a = os.path.getsize(os.path.join(work, "atop.raw"))
kh = k / n * 3600 / 1e6  # per sample, as a file of 3600 samples
ah = a / secs * 3600 / 1e6
print(f"window {secs:.0f} s, {n} ktop samples; processes median {statistics.median(procs):.0f} "
      f"(min {min(procs)}, max {max(procs)}), new processes {sum(forks)/n:.1f}/s")
print(f"{'recorder':<8} {'bytes':>10} {'MB/hour':>8}")
print(f"{'ktop':<8} {k:>10} {kh:>8.2f}")
print(f"{'atop':<8} {a:>10} {ah:>8.2f}")
print(f"atop / ktop: {ah / kh:.1f}x")
PY
