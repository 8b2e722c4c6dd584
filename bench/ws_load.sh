#!/usr/bin/env bash
# WebSocket load and idle figures for eegd serve (a benchmark, not a test).
#   bench/ws_load.sh [CLIENTS] [SECONDS]
# 1. 100 clients on a 4 kS/s x 32 ch topic: delivered packets, gaps, latency
#    from a packet's last frame to its receipt, daemon CPU; then the same
#    clients on bench/ws_reference_server (the leanest Beast broadcast, no
#    pipeline) as a reference from the same run, and eegd's ratio to it.
# 2. The timer floor: how late a sleeping thread wakes on this machine, which
#    every timer-paced source (and so every latency above) inherits.
# 3. Idle (no clients) for 30 s on the default and on the streaming pipeline:
#    daemon CPU and resident memory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/release}
clients=${1:-100}
seconds=${2:-20}
idle_seconds=${IDLE_SECONDS:-30}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# The daemon's own memory: RSS minus the shared, file-backed pages of its code
# and libraries (which the page cache may share and reclaim).
anon_kb() { awk '/RssAnon/ {print $2}' "/proc/$1/status"; }

start_daemon() {  # pipeline runtime_dir -> sets pid and url
  "$build/eegd" serve --pipeline "$1" --http 127.0.0.1:0 --runtime-dir "$2" --state-dir "$2/state" \
    --log-level warn > "$2.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -f "$2/eegd.json" ] && break; sleep 0.05; done
  url=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['http'])" "$2/eegd.json")
}

echo "== $clients WebSocket clients, 32 ch x 4000 Hz, batch 32, ${seconds}s"
start_daemon "$root/configs/pipelines/bench_stream.yaml" "$tmp/load"
hostport=${url#http://}
sleep 1
c0=$(cpu_ticks "$pid")
"$build/bench/ws_load_client" "${hostport%:*}" "${hostport##*:}" eeg "$clients" "$seconds" 2 > "$tmp/load.json"
c1=$(cpu_ticks "$pid")
cat "$tmp/load.json"
python3 - "$tmp/load.json" "$c0" "$c1" "$ticks" "$seconds" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c0, c1, hz, s = map(float, sys.argv[2:6])
cpu = (c1 - c0) / hz / (s + 2) * 100
print(f"daemon CPU: {cpu:.1f}% of one core while serving {r['clients']} clients "
      f"({r['packets_per_client_per_s']:.1f} packets/s each, expected 125)")
print(f"latency last frame -> client: p50 {r['latency_us']['p50']:.0f} us, p99 {r['latency_us']['p99']:.0f} us, "
      f"max {r['latency_us']['max']:.0f} us; gaps seen by clients: {r['gaps']}")
PY
status=$(curl -s "$url/api/status")
echo "daemon says: client drops $(echo "$status" | python3 -c 'import json,sys;print(json.load(sys.stdin)["drops"]["clients"])')"
kill -TERM "$pid"; wait "$pid" || true

echo "== reference: the same $clients clients on bench/ws_reference_server"
"$build/bench/ws_reference_server" "$((seconds + 3))" > "$tmp/reference.port" &
ref_pid=$!
for _ in $(seq 100); do [ -s "$tmp/reference.port" ] && break; sleep 0.05; done
r0=$(cpu_ticks "$ref_pid")
"$build/bench/ws_load_client" 127.0.0.1 "$(awk '{print $2}' "$tmp/reference.port")" eeg "$clients" "$seconds" 2 \
  > "$tmp/reference.json"
r1=$(cpu_ticks "$ref_pid")
wait "$ref_pid" || true
python3 - "$tmp/load.json" "$tmp/reference.json" "$c0" "$c1" "$r0" "$r1" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))['latency_us']; r = json.load(open(sys.argv[2]))['latency_us']
eegd_ticks, ref_ticks = float(sys.argv[4]) - float(sys.argv[3]), float(sys.argv[6]) - float(sys.argv[5])
if r['p50'] <= 0 or r['p99'] <= 0 or ref_ticks <= 0:
    sys.exit("the reference server delivered nothing to measure")
print(f"reference latency: p50 {r['p50']:.0f} us, p99 {r['p99']:.0f} us, max {r['max']:.0f} us")
print(f"eegd / reference: p50 {e['p50'] / r['p50']:.2f}x, p99 {e['p99'] / r['p99']:.2f}x, "
      f"CPU {eegd_ticks / ref_ticks:.2f}x")
PY

echo "== this machine's timer floor, same run: a thread sleeping to a deadline every 8 ms wakes late by"
"$build/bench/eegd_bench" --benchmark_filter=BM_TimerWakeLateness --benchmark_format=json 2>/dev/null |
  python3 -c "import json,sys; b=json.load(sys.stdin)['benchmarks'][0]; print(f\"p50 {b['slack1ns_p50_us']:.0f} us, p99 {b['slack1ns_p99_us']:.0f} us, max {b['slack1ns_max_us']:.0f} us (timer slack 1 ns, as eegd's sources)\")" ||
  echo "(unavailable: build eegd_bench, make bench)"

for pipeline in default bench_stream; do
  echo "== idle, no clients, ${idle_seconds}s: $pipeline"
  start_daemon "$root/configs/pipelines/$pipeline.yaml" "$tmp/idle-$pipeline"
  sleep 2
  c0=$(cpu_ticks "$pid")
  sleep "$idle_seconds"
  c1=$(cpu_ticks "$pid")
  python3 -c "import sys; c0,c1,hz,s=map(float,sys.argv[1:5]); print(f'daemon CPU: {(c1-c0)/hz/s*100:.2f}% of one core; RSS {int(sys.argv[5])/1024:.1f} MB, of which anonymous {int(sys.argv[6])/1024:.1f} MB')" \
    "$c0" "$c1" "$ticks" "$idle_seconds" "$(rss_kb "$pid")" "$(anon_kb "$pid")"
  kill -TERM "$pid"; wait "$pid" || true
done
