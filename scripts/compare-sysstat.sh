#!/usr/bin/env bash
# Runs ktop beside sysstat and procps under load and prints the side-by-side comparison.
#
#   scripts/compare-sysstat.sh [-t SECONDS] [-o OUTFILE]
#
# Load: one busy loop (CPU), direct-I/O writes to a file (disk), loopback TCP with connection
# churn (network, TCP). Over the same window, ktop -b --json and mpstat/iostat/sar/vmstat/free
# each report; the averages are compared with the tolerances of ktop's issues.
# Needs: sysstat, procps, python3, go. Only loopback traffic; everything stops by itself.
set -euo pipefail
secs=10
out=""
while getopts "t:o:" opt; do
  case $opt in
    t) secs=$OPTARG ;;
    o) out=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-o OUTFILE]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
for tool in mpstat iostat sar vmstat free python3; do
  command -v $tool >/dev/null || { echo "missing $tool (apt-get install sysstat procps python3)" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/ktop-compare.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/ktop" ./cmd/ktop

# The disk under the work directory, for iostat.
disk=$(lsblk -no PKNAME "$(df --output=source "$work" | tail -1)" 2>/dev/null || true)
[ -n "$disk" ] || disk=$(basename "$(df --output=source "$work" | tail -1)")

# Load generators, bounded in time.
runfor=$((secs + 6))
timeout $runfor sh -c 'while :; do :; done' & pids+=($!)
timeout $runfor sh -c "while :; do dd if=/dev/zero of=$work/io bs=64k count=400 oflag=direct conv=notrunc status=none; done" & pids+=($!)
python3 - "$runfor" <<'PY' & pids+=($!)
import socket, sys, threading, time
end = time.time() + float(sys.argv[1])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(128); port = srv.getsockname()[1]
def serve():
    while time.time() < end:
        srv.settimeout(0.5)
        try: c, _ = srv.accept()
        except OSError: continue
        try:
            while c.recv(65536): pass
        except OSError: pass
        c.close()
threading.Thread(target=serve, daemon=True).start()
buf = b"x" * 32768
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port)); s.sendall(buf * 4); s.close()
    except OSError: pass
    time.sleep(0.002)
PY
sleep 2 # let the load settle

# Everything starts together and reports once per second for $secs seconds.
"$work/ktop" -b --json -d 1 -n "$secs" > "$work/ktop.jsonl" &
k=$!
mpstat -P ALL -o JSON 1 "$secs" > "$work/mpstat.json" &
iostat -xdy -o JSON "$disk" 1 "$secs" > "$work/iostat.json" &
LC_ALL=C sar -n DEV,TCP,ETCP 1 "$secs" > "$work/sar.txt" &
vmstat -n 1 $((secs + 1)) > "$work/vmstat.txt" &
sleep $((secs / 2)); free -k > "$work/free.txt"
"$work/ktop" -b --json -d 0.2 -n 1 > "$work/ktop-mem.jsonl"
wait $k; wait

python3 - "$work" "$disk" <<'PY' | tee ${out:+"$out"}
import json, sys, statistics as st
work, disk = sys.argv[1], sys.argv[2]
frames = [json.loads(l) for l in open(f"{work}/ktop.jsonl")]
def kmean(get):
    vals = [get(f) for f in frames]
    vals = [v for v in vals if v is not None]
    return st.mean(vals) if vals else None

rows = []  # (metric, ktop, reference, tolerance description, ok)
def cmp(name, kv, rv, rel=None, absd=None):
    if kv is None or rv is None:
        rows.append((name, kv, rv, "", "MISSING")); return
    d = abs(kv - rv)
    ok = False; tol = []
    if rel is not None:
        tol.append(f"{rel*100:.0f}%"); ok |= d <= rel * max(abs(rv), 1e-9)
    if absd is not None:
        tol.append(f"±{absd:g}"); ok |= d <= absd
    rows.append((name, kv, rv, " or ".join(tol), "ok" if ok else "DIFF"))

# mpstat -P ALL: per-CPU and all, within 5 points.
mp = json.load(open(f"{work}/mpstat.json"))["sysstat"]["hosts"][0]["statistics"]
def mpmean(cpu, field):
    v = [c[field] for s in mp for c in s["cpu-load"] if c["cpu"] == cpu]
    return st.mean(v)
def kcpu(cpu, field):
    return kmean(lambda f: next((c[field] for c in f["cpu"] if c["cpu"] == cpu), None))
cpus = [c["cpu"] for c in mp[0]["cpu-load"]]
for cpu in cpus:
    for field, mf in (("usr", "usr"), ("sys", "sys"), ("iowait", "iowait"), ("soft", "soft"), ("idle", "idle")):
        cmp(f"mpstat cpu {cpu} %{mf}", kcpu(cpu, field), mpmean(cpu, mf), absd=5)
cmp("mpstat all %usr+%sys", kmean(lambda f: f["cpu"][0]["usr"] + f["cpu"][0]["sys"]), mpmean("all", "usr") + mpmean("all", "sys"), absd=5)

# iostat -x for the disk under the work directory.
io = json.load(open(f"{work}/iostat.json"))["sysstat"]["hosts"][0]["statistics"]
def iomean(field):
    v = [d[field] for s in io for d in s["disk"] if d["disk_device"] == disk]
    return st.mean(v) if v else None
def kdisk(field):
    return kmean(lambda f: next((d[field] for d in (f.get("disk") or []) if d["dev"] == disk), None))
# r/s also passes within ±1: the load reads almost nothing, and a burst of a few reads at the
# edge of the window falls in one tool's seconds and not the other's (they start apart).
for kf, jf, rel, absd in (("r_s", "r/s", .10, 1), ("w_s", "w/s", .10, None), ("wkB_s", "wkB/s", .10, None),
                          ("w_await", "w_await", .15, 2), ("aqu_sz", "aqu-sz", .15, 2), ("util", "util", .15, 2)):
    cmp(f"iostat {disk} {jf}", kdisk(kf), iomean(jf), rel=rel, absd=absd)

# sar -n DEV,TCP,ETCP: the Average lines.
sar = {}
hdr = {}
for line in open(f"{work}/sar.txt"):
    p = line.split()
    if not p or not p[0].startswith("Average"): continue
    if "IFACE" in p or "active/s" in p or "atmptf/s" in p:
        hdr = {"kind": p[1], "cols": p[1:]}; continue
    if hdr.get("kind") == "IFACE":
        sar[("dev", p[1])] = dict(zip(hdr["cols"][1:], map(float, p[2:])))
    elif hdr:
        sar.setdefault("tcp", {}).update(dict(zip(hdr["cols"], map(float, p[1:]))))
def knet(iface, field):
    return kmean(lambda f: next((n[field] for n in (f.get("net") or []) if n["iface"] == iface), None))
for iface in ("lo",):
    for kf, sf in (("rxpck_s", "rxpck/s"), ("txpck_s", "txpck/s"), ("rxkB_s", "rxkB/s")):
        cmp(f"sar DEV {iface} {sf}", knet(iface, kf), sar.get(("dev", iface), {}).get(sf), rel=.10, absd=1)
tcp = sar.get("tcp", {})
def ktcp(field):
    return kmean(lambda f: (f.get("tcp") or {}).get(field))
for kf, sf in (("active_s", "active/s"), ("passive_s", "passive/s"), ("retrans_s", "retrans/s"), ("iseg_s", "iseg/s"), ("oseg_s", "oseg/s")):
    cmp(f"sar TCP {sf}", ktcp(kf), tcp.get(sf), rel=.10, absd=1)

# vmstat 1: skip the since-boot first line.
vm = [l.split() for l in open(f"{work}/vmstat.txt").read().splitlines()[3:]]
vcol = open(f"{work}/vmstat.txt").read().splitlines()[1].split()
def vmean(col):
    i = vcol.index(col); return st.mean(float(r[i]) for r in vm)
cmp("vmstat in", kmean(lambda f: f["intr_s"]), vmean("in"), rel=.10)
cmp("vmstat cs", kmean(lambda f: f["cswch_s"]), vmean("cs"), rel=.10)
cmp("vmstat bi", kmean(lambda f: (f.get("paging") or {}).get("pgpgin_s")), vmean("bi"), rel=.10, absd=8)
cmp("vmstat bo", kmean(lambda f: (f.get("paging") or {}).get("pgpgout_s")), vmean("bo"), rel=.10, absd=8)

# free -k, read once in the middle, against a ktop sample taken right after.
fr = open(f"{work}/free.txt").read().splitlines()[1].split()
km = json.loads(open(f"{work}/ktop-mem.jsonl").readline())["mem"]
cmp("free used kB", km["used_kB"], float(fr[2]), rel=.01)
cmp("free available kB", km["available_kB"], float(fr[6]), rel=.01)

w = max(len(r[0]) for r in rows)
print(f"{'metric':<{w}}  {'ktop':>12}  {'reference':>12}  {'tolerance':>10}  result")
fmt = lambda v: "—" if v is None else f"{v:12.2f}"
for name, kv, rv, tol, res in rows:
    print(f"{name:<{w}}  {fmt(kv):>12}  {fmt(rv):>12}  {tol:>10}  {res}")
bad = [r for r in rows if r[4] != "ok"]
print(f"\n{len(rows) - len(bad)} passed, {len(bad)} failed")
PY
