#!/usr/bin/env bash
# bench-overhead.sh - what does ktop cost while it runs, beside top, htop and btop?
#
# ktop's version of the shared monitor-overhead.sh: each monitor runs alone in a detached tmux
# session of fixed size, refreshing once a second, and the CPU time it burned (the run time of
# its threads and its children's, see proc_ticks) and its peak RSS (VmHWM) are reported. Monitors are
# interleaved within each repetition, so a noisy host hits them all alike; a summary of medians
# per tool and ktop's ratio to the cheapest other monitor closes the run. Optionally spawns N
# extra idle processes (or N threads) first, to simulate a busy host. Everything it starts is
# killed by PID on exit.
#
# Usage: scripts/bench-overhead.sh [-n N] [-m proc|thread] [-d SECS] [-w SECS] [-r REPS]
#                                  [-t tool,tool,...] [-g WxH] [-o CSV] [-K KTOP]
#                                  [-c 'name=command line' ...] [-F] [-S] [-k]
#   -n N     extra idle tasks to spawn (default 0 = whatever is running)
#   -m MODE  proc: N `sleep` processes; thread: one python3 process with N threads
#   -d SECS  measured window (default 60)
#   -w SECS  warm-up before the window starts (default 5; excluded from rate)
#   -r REPS  repetitions; tools are interleaved per repetition (default 1)
#   -t LIST  tools (default top,htop,btop,ktop,ktop-b); known: top htop btop atop glances
#            nmon, ktop (the dashboard, no flags), ktop-b (batch mode, `ktop -b -d 1`, output
#            to /dev/null: the sampling without the UI)
#   -c DEF   add a custom tool, e.g. -c 'ktop-2s={ktop} -d 2' ({ktop} is replaced by the binary;
#            it runs from the current directory); list it in -t to run it
#   -K PATH  the ktop binary (default: built from this checkout into the temp dir)
#   -g WxH   tmux pane size (default 200x50)
#   -o CSV   append one CSV row per run to this file
#   -F       measure time to first frame instead: from exec to the first output that shows
#            the tool's marker (ktop: "tick <digit>", the header once a sample is on screen;
#            top, htop: "PID"; btop: "cpu"), seen through a tmux control-mode client;
#            -r repetitions, no -d window (needs python3)
#   -S       self check instead: the mean of the "ktop N%" the dashboard shows, captured once a
#            second over the -d window, against its CPU time from /proc (-t ktop)
#   -k       keep the temp dir (last screen of each monitor is saved there)
#
# Columns: cpu_s/min = CPU seconds consumed per minute of wall time in the measured window;
# %core = the same as a percentage of one core; start_s = CPU seconds spent from exec to the
# end of the warm-up (startup cost); hwm_MB = VmHWM (peak RSS); tmux% = CPU of the tmux server
# that renders the output (terminal-side cost, not the monitor's); sys% = whole-machine busy %
# (all cores) during the window, and forks/min = processes created on the host per minute
# during the window (process churn makes monitors read more /proc entries); both show how noisy
# the host was.

set -u
export LC_ALL=C

N=0; MODE=proc; DUR=60; WARM=5; REPS=1; TOOLS=top,htop,btop,ktop,ktop-b
GEOM=200x50; CSV=; KEEP=0; KTOP=; FIRST=0; SELF=0
declare -A CUSTOM=()
while getopts "n:m:d:w:r:t:g:o:c:K:FSkh" opt; do
  case $opt in
    n) N=$OPTARG;; m) MODE=$OPTARG;; d) DUR=$OPTARG;; w) WARM=$OPTARG;;
    r) REPS=$OPTARG;; t) TOOLS=$OPTARG;; g) GEOM=$OPTARG;; o) CSV=$OPTARG;;
    c) CUSTOM[${OPTARG%%=*}]=${OPTARG#*=};;
    K) KTOP=$OPTARG;; F) FIRST=1;; S) SELF=1;; k) KEEP=1;;
    *) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 2;;
  esac
done
for t in tmux awk; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
COLS=${GEOM%x*}; ROWS=${GEOM#*x}
HZ=$(getconf CLK_TCK)
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/ktopbench.XXXXXX")
SOCK="ktopbench.$$"
SPAWNED=()      # idle load processes
MON_PID=; SRV_PID=
RESULTS="$TMPD/results"   # tool %core hwm_MB, one line per run, for the summary

cleanup() {
  local p
  [ -n "$MON_PID" ] && kill -9 "$MON_PID" 2>/dev/null
  [ -n "$SRV_PID" ] && kill -9 "$SRV_PID" 2>/dev/null
  for p in "${SPAWNED[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ "$KEEP" = 1 ] && echo "temp dir kept: $TMPD" >&2 || rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$KTOP" ]; then
  (cd "$(dirname "$0")/.." && go build -o "$TMPD/ktop" ./cmd/ktop) || exit 1
  KTOP=$TMPD/ktop
fi
KTOP=$(readlink -f "$KTOP")

# ---- helpers ---------------------------------------------------------------
# CPU of one process in ticks (1/HZ s, fractional): the run time of its live threads from
# /proc/PID/task/*/schedstat (nanoseconds, where the kernel has schedstats) plus the ticks of
# its waited-for children (cutime+cstime). utime+stime alone count whole ticks: over 30 s a
# monitor at 0.2 % of a core has 6 of them, so one tick more or less moved a ratio by 15 %.
# Without per-task schedstat, utime+stime+cutime+cstime (fields 14-17).
proc_ticks() {
  local s ns pid=$1
  s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  s=${s##*) }
  set -- $s
  if ns=$(cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{ t += $1 } END { if (NR) printf "%d", t; else exit 1 }'); then
    awk -v ns="$ns" -v c=$(( ${14} + ${15} )) -v hz="$HZ" 'BEGIN { printf "%.4f\n", ns * hz / 1e9 + c }'
  else
    echo $(( ${12} + ${13} + ${14} + ${15} ))
  fi
}
# ticks of a process and all its live descendants
tree_ticks() {
  local total=0 p
  for p in $(ps -e -o pid=,ppid= | awk -v root="$1" '
      { par[$1]=$2 } END { for (p in par) { q=p
        while (q in par && q!=root && q>1) q=par[q]
        if (q==root) print p } }'); do
    total=$(awk -v a="$total" -v b="$(proc_ticks "$p")" 'BEGIN { printf "%.4f", a + b }')
  done
  echo "$total"
}
sys_busy_idle() {  # prints "busy idle forks" (jiffies, jiffies, count) from /proc/stat
  awk '/^cpu /{ idle=$5+$6; b=0; for(i=2;i<=9;i++) b+=$i; b-=idle } /^processes /{ f=$2 }
       END { print b, idle, f }' /proc/stat
}
kb_field() { awk -v k="$2:" '$1==k{print $2; exit}' "/proc/$1/status" 2>/dev/null; }

tool_cmd() {   # the command line that runs inside tmux, 1 s refresh each
  if [ -n "${CUSTOM[$1]:-}" ]; then echo "${CUSTOM[$1]//\{ktop\}/$KTOP}"; return; fi
  case $1 in
    top)     echo "top -d 1";;
    htop)    echo "htop -d 10";;                 # tenths of a second
    btop)    echo "btop";;                       # update_ms=1000 via config
    atop)    echo "atop 1";;
    glances) echo "glances -t 1";;
    nmon)    echo "nmon -s 1";;                  # views from NMON env
    ktop)    echo "$KTOP";;                      # the dashboard, 1 s by default
    ktop-b)  echo "sh -c 'exec $KTOP -b -d 1 >/dev/null'";;
    *) return 1;;
  esac
}

tool_marker() {  # what the first full screen of each tool shows (a regular expression)
  case $1 in
    ktop*) echo "tick [0-9]";;     # the header's own tick time: the first sample is on screen
    top|htop) echo "PID";; btop) echo "cpu";; *) echo ".";;
  esac
}

spawn_load() {
  local i
  [ "$N" -gt 0 ] || return 0
  case $MODE in
    proc)
      for ((i = 0; i < N; i++)); do sleep 100000 & SPAWNED+=($!); done;;
    thread)
      python3 -c '
import sys, threading, time
threading.stack_size(256 * 1024)
for _ in range(int(sys.argv[1])):
    threading.Thread(target=time.sleep, args=(100000,), daemon=True).start()
time.sleep(100000)' "$N" & SPAWNED+=($!);;
    *) echo "bad mode $MODE" >&2; exit 2;;
  esac
  sleep 2   # let them settle
}

start_session() {  # tool rep: starts the monitor in tmux; sets MON_PID and SRV_PID
  local tool=$1 rep=$2 cmd home
  cmd=$(tool_cmd "$tool") || { echo "unknown tool $tool" >&2; return 1; }
  command -v "${cmd%% *}" >/dev/null || { echo "$tool: not installed" >&2; return 1; }
  home="$TMPD/home.$tool.$rep"; mkdir -p "$home/.config/btop"
  printf 'update_ms = 1000\n' > "$home/.config/btop/btop.conf"
  tmux -L "$SOCK" -f /dev/null new-session -d -s mon -x "$COLS" -y "$ROWS" \
    "exec env HOME='$home' XDG_CONFIG_HOME='$home/.config' TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 NMON=cmt $cmd"
  SRV_PID=$(tmux -L "$SOCK" display -p '#{pid}')
  MON_PID=$(tmux -L "$SOCK" list-panes -t mon -F '#{pane_pid}')
}

stop_session() {
  kill "$MON_PID" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -d "/proc/$MON_PID" ] || break; sleep 0.2; done
  kill -9 "$MON_PID" 2>/dev/null; MON_PID=
  kill "$SRV_PID" 2>/dev/null; sleep 0.3; kill -9 "$SRV_PID" 2>/dev/null; SRV_PID=
}

run_one() {  # tool rep
  local tool=$1 rep=$2 t0 t1 s0 s1 b0 i0 f0 b1 i1 f1 w0 w1 hwm rss thr state
  start_session "$tool" "$rep" || return
  sleep "$WARM"
  w0=$(date +%s.%N); t0=$(tree_ticks "$MON_PID"); s0=$(proc_ticks "$SRV_PID")
  read -r b0 i0 f0 < <(sys_busy_idle)
  sleep "$DUR"
  w1=$(date +%s.%N); t1=$(tree_ticks "$MON_PID"); s1=$(proc_ticks "$SRV_PID")
  read -r b1 i1 f1 < <(sys_busy_idle)
  hwm=$(kb_field "$MON_PID" VmHWM); rss=$(kb_field "$MON_PID" VmRSS)
  thr=$(kb_field "$MON_PID" Threads)
  state=ok; [ -d "/proc/$MON_PID" ] || state=died
  tmux -L "$SOCK" capture-pane -p -t mon > "$TMPD/screen.$tool.$rep.txt" 2>/dev/null
  [ -s "$TMPD/screen.$tool.$rep.txt" ] || state=noscreen
  stop_session
  awk -v tool="$tool" -v mode="$MODE" -v n="$N" -v rep="$rep" -v hz="$HZ" \
      -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v w0="$w0" -v w1="$w1" \
      -v b0="$b0" -v b1="$b1" -v i0="$i0" -v i1="$i1" -v f0="$f0" -v f1="$f1" -v hwm="${hwm:-0}" \
      -v rss="${rss:-0}" -v thr="${thr:-0}" -v procs="$PROCS" -v st="$state" -v csv="$CSV" \
      -v res="$RESULTS" '
    BEGIN {
      wall = w1 - w0; cpu = (t1 - t0) / hz
      permin = cpu * 60 / wall; pct = cpu / wall * 100
      tm = (s1 - s0) / hz / wall * 100
      sysb = (b1 - b0) / ((b1 - b0) + (i1 - i0)) * 100
      forks = (f1 - f0) * 60 / wall
      printf "%-14s %-6s %6d %6d %3d %6.1f %9.3f %6.2f %8.2f %7.1f %7.1f %4d %6.2f %6.1f %7.0f %s\n",
        tool, mode, n, procs, rep, wall, permin, pct, t0 / hz, hwm / 1024, rss / 1024, thr, tm, sysb, forks, st
      if (st == "ok") printf "%s %.4f %.1f %.1f %.0f\n", tool, pct, hwm / 1024, sysb, forks >> res
      if (csv != "")
        printf "%s,%s,%d,%d,%d,%.1f,%.3f,%.2f,%.2f,%.1f,%.1f,%d,%.2f,%.1f,%.0f,%s\n",
          tool, mode, n, procs, rep, wall, permin, pct, t0 / hz, hwm / 1024, rss / 1024, thr, tm, sysb, forks, st >> csv
    }'
}

first_frame() {  # tool rep: ms from exec until the screen shows the tool's marker
  # The pane's shell waits on a fifo; a tmux control-mode client (which sees the pane's output
  # as it arrives) is attached first, then the fifo releases the exec and the clock starts;
  # the clock stops when the output, escape sequences removed, shows the marker.
  local tool=$1 rep=$2 cmd home ms
  cmd=$(tool_cmd "$tool") || { echo "unknown tool $tool" >&2; return; }
  home="$TMPD/home.$tool.$rep"; mkdir -p "$home/.config/btop"
  printf 'update_ms = 1000\n' > "$home/.config/btop/btop.conf"
  rm -f "$TMPD/go"; mkfifo "$TMPD/go"
  tmux -L "$SOCK" -f /dev/null new-session -d -s mon -x "$COLS" -y "$ROWS" \
    "exec env HOME='$home' XDG_CONFIG_HOME='$home/.config' TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 NMON=cmt sh -c 'read _ < $TMPD/go; exec $cmd'"
  SRV_PID=$(tmux -L "$SOCK" display -p '#{pid}')
  MON_PID=$(tmux -L "$SOCK" list-panes -t mon -F '#{pane_pid}')
  ms=$(python3 - "$SOCK" "$TMPD/go" "$(tool_marker "$tool")" <<'PY'
import re, subprocess, sys, time
sock, fifo, marker = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
ctl = subprocess.Popen(['tmux', '-L', sock, '-C', 'attach', '-t', 'mon'],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
ctl.stdout.readline()                      # the control client is attached
t0 = time.monotonic()
with open(fifo, 'w') as f:
    f.write('\n')
esc = re.compile(r'\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHM])')
text, ms = '', 'timeout'
deadline = t0 + 10
while time.monotonic() < deadline:
    line = ctl.stdout.readline()
    if not line:
        break
    if not line.startswith(b'%output '):
        continue
    data = line.split(b' ', 2)[2].rstrip(b'\n')
    data = re.sub(rb'\\([0-7]{3})', lambda m: bytes([int(m.group(1), 8)]), data)
    text = esc.sub('', text + data.decode('utf-8', 'replace'))[-20000:]
    if marker.search(text):
        ms = '%d' % ((time.monotonic() - t0) * 1000)
        break
ctl.stdin.close()
ctl.terminate()
print(ms)
PY
)
  stop_session
  printf "%-14s %3d %8s\n" "$tool" "$rep" "$ms"
  [ "$ms" != timeout ] && echo "$tool $ms" >> "$RESULTS"
}

self_check() {  # tool: ktop's on-screen %CPU (header "ktop N%") against /proc/PID/stat
  # Captures the screen once a second for the window; the mean of the shown values (each the
  # CPU of one interval) is compared with its CPU time over the same window (proc_ticks).
  local tool=$1 t0 t1 w0 w1 shown
  start_session "$tool" 1 || return
  sleep "$WARM"
  : > "$TMPD/shown"
  w0=$(date +%s.%N); t0=$(proc_ticks "$MON_PID")
  for ((i = 0; i < DUR; i++)); do
    sleep 1
    tmux -L "$SOCK" capture-pane -p -t mon 2>/dev/null |
      grep -o 'ktop [0-9.]*%' | head -1 | tr -dc '0-9.\n' >> "$TMPD/shown"
  done
  w1=$(date +%s.%N); t1=$(proc_ticks "$MON_PID")
  stop_session
  awk -v t0="$t0" -v t1="$t1" -v w0="$w0" -v w1="$w1" -v hz="$HZ" -v tool="$tool" '
    NF { s += $1; n++ }
    END { printf "%-14s shown mean %.2f %%CPU over %d screens; /proc/PID/stat %.2f %%CPU over %.1f s\n",
          tool, n ? s / n : 0, n, (t1 - t0) / hz / (w1 - w0) * 100, w1 - w0 }' "$TMPD/shown"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
  print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

summary() {  # medians per tool, their spread, and ktop's ratio to the cheapest other monitor
  local t med lo hi hwm cheapest=
  [ -s "$RESULTS" ] || return
  echo "# summary over $REPS repetition(s): median %core [min-max], median peak RSS"
  for t in ${TOOLS//,/ }; do
    grep -q "^$t " "$RESULTS" || continue
    med=$(awk -v t="$t" '$1 == t { print $2 }' "$RESULTS" | median)
    lo=$(awk -v t="$t" '$1 == t { print $2 }' "$RESULTS" | sort -g | head -1)
    hi=$(awk -v t="$t" '$1 == t { print $2 }' "$RESULTS" | sort -g | tail -1)
    hwm=$(awk -v t="$t" '$1 == t { print $3 }' "$RESULTS" | median)
    printf "%-14s %7.3f %%core [%.3f-%.3f]  hwm %5.1f MB\n" "$t" "$med" "$lo" "$hi" "$hwm"
    case $t in ktop*) ;; *)
      if [ -z "$cheapest" ] || awk -v a="$med" -v b="${cheapest#* }" 'BEGIN { exit !(a < b) }'; then
        cheapest="$t $med"
      fi;;
    esac
  done
  [ -n "$cheapest" ] || return
  for t in ${TOOLS//,/ }; do
    case $t in ktop*) ;; *) continue;; esac
    grep -q "^$t " "$RESULTS" || continue
    med=$(awk -v t="$t" '$1 == t { print $2 }' "$RESULTS" | median)
    awk -v t="$t" -v m="$med" -v c="${cheapest% *}" -v cm="${cheapest#* }" \
      'BEGIN { printf "%-14s %.2f x %s (the cheapest other monitor)\n", t, m / cm, c }'
  done
}

# ---- main --------------------------------------------------------------------
spawn_load
PROCS=$(ls -d /proc/[0-9]* | wc -l)
THREADS=$(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l)
echo "# $(date -u +%FT%TZ) $(nproc) cpus, HZ=$HZ, pane ${COLS}x${ROWS}, N=$N ($MODE): $PROCS processes / $THREADS threads on host; $(uptime)"
echo "# ktop: $KTOP ($("$KTOP" version 2>/dev/null))"
if [ "$SELF" = 1 ]; then
  for t in ${TOOLS//,/ }; do self_check "$t"; done
  exit 0
fi
if [ "$FIRST" = 1 ]; then
  printf "%-14s %3s %8s\n" tool rep first_ms
  for ((r = 1; r <= REPS; r++)); do
    for t in ${TOOLS//,/ }; do first_frame "$t" "$r"; done
  done
  echo "# median first frame (ms), exec to marker on screen"
  for t in ${TOOLS//,/ }; do
    grep -q "^$t " "$RESULTS" 2>/dev/null || continue
    printf "%-14s %6s ms\n" "$t" "$(awk -v t="$t" '$1 == t { print $2 }' "$RESULTS" | median)"
  done
  exit 0
fi
echo "# window ${DUR}s after ${WARM}s warm-up"
printf "%-14s %-6s %6s %6s %3s %6s %9s %6s %8s %7s %7s %4s %6s %6s %7s %s\n" \
  tool mode N procs rep wall_s cpu_s/min %core start_s hwm_MB rss_MB thr tmux% sys% forks/m state
[ -n "$CSV" ] && [ ! -s "$CSV" ] && echo "tool,mode,n,procs,rep,wall_s,cpu_s_per_min,pct_core,start_cpu_s,hwm_mb,rss_mb,threads,tmux_pct,sys_busy_pct,forks_per_min,state" > "$CSV"
for ((r = 1; r <= REPS; r++)); do
  for t in ${TOOLS//,/ }; do run_one "$t" "$r"; done
done
echo "# $(uptime)"
summary
