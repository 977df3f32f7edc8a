#!/usr/bin/env bash
# cpu-side-by-side.sh - CPU of several commands run at the same time, for A/B comparisons of
# two ktop builds on a shared, noisy machine: interleaved runs (bench-overhead.sh) see the
# machine at different moments; commands running together see the same moments. Each command
# runs with its output to /dev/null (`ktop -b`), or with -T in its own detached tmux session
# of that size (the dashboard); after a warm-up the CPU time it burns (utime+stime from
# /proc/PID/stat) over the window is printed as % of one core. Run each build two or three
# times in one call and compare medians.
#
# Usage: scripts/cpu-side-by-side.sh [-d SECS] [-w SECS] [-T WxH] 'name=command line' ...
#   e.g. scripts/cpu-side-by-side.sh -d 120 'old=/tmp/ktop-old -b -d 1' 'new=/tmp/ktop -b -d 1' \
#          'old2=/tmp/ktop-old -b -d 1' 'new2=/tmp/ktop -b -d 1'
set -euo pipefail
secs=60
warm=5
size=""
while getopts "d:w:T:" opt; do
  case $opt in
    d) secs=$OPTARG ;;
    w) warm=$OPTARG ;;
    T) size=$OPTARG ;;
    *) echo "usage: $0 [-d SECS] [-w SECS] 'name=command' ..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-d SECS] [-w SECS] 'name=command' ..." >&2; exit 2; }
names=()
pids=()
sessions=()
trap 'kill "${pids[@]}" 2>/dev/null || true; for s in "${sessions[@]}"; do tmux kill-session -t "$s" 2>/dev/null; done' EXIT
for def in "$@"; do
  names+=("${def%%=*}")
  if [ -n "$size" ]; then
    s=cpu-sbs-$$-${#names[@]}
    tmux new-session -d -s "$s" -x "${size%x*}" -y "${size#*x}" "exec ${def#*=}"
    sessions+=("$s")
    pids+=("$(tmux list-panes -t "$s" -F '#{pane_pid}')")
  else
    bash -c "exec ${def#*=}" >/dev/null 2>&1 &
    pids+=($!)
  fi
done
# CPU seconds of a process: its live threads' run time from /proc/PID/task/*/schedstat
# (nanoseconds) where the kernel keeps it, else utime+stime, which count whole ticks (one
# tick in 30 s is 0.03 % of a core, a sixth of what top costs).
cpu() {
  local ns
  [ -d "/proc/$1" ] || return 1
  if ns=$(cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ t += $1 } END { if (NR) printf "%d", t; else exit 1 }'); then
    awk -v ns="$ns" 'BEGIN { printf "%.6f\n", ns / 1e9 }'
  else
    awk -v t="$(getconf CLK_TCK)" '{ printf "%.6f\n", ($14 + $15) / t }' "/proc/$1/stat"
  fi
}
sleep "$warm"
start=()
for p in "${pids[@]}"; do start+=("$(cpu "$p")"); done
sleep "$secs"
printf '%-12s %8s\n' command '%core'
for i in "${!pids[@]}"; do
  end=$(cpu "${pids[$i]}") || { echo "${names[$i]} exited early" >&2; continue; }
  awk -v n="${names[$i]}" -v a="${start[$i]}" -v b="$end" -v s="$secs" \
    'BEGIN { printf "%-12s %8.3f\n", n, (b - a) / s * 100 }'
done
