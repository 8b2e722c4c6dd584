#!/usr/bin/env bash
# How long `eegctl status` takes against a running daemon (a benchmark, not a
# test), next to curl asking the same socket the same question in the same run:
#   bench/eegctl_status.sh
# The ratio says what eegctl's own start-up and formatting cost on top of the
# request, which is the part the daemon controls.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/release}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

"$build/eegd" serve --pipeline "$root/configs/pipelines/default.yaml" --http 127.0.0.1:0 \
  --runtime-dir "$tmp/run" --state-dir "$tmp/state" --log-level warn > "$tmp/eegd.log" 2>&1 &
for _ in $(seq 200); do [ -S "$tmp/run/eegd.sock" ] && break; sleep 0.05; done

hyperfine --warmup 20 --runs 300 -N --export-json "$tmp/h.json" \
  -n "curl --unix-socket (reference)" "curl -s --unix-socket $tmp/run/eegd.sock http://localhost/api/status" \
  -n "eegctl status" "$build/eegctl --runtime-dir $tmp/run status" \
  -n "eegctl status --json" "$build/eegctl --runtime-dir $tmp/run status --json"
# Without a daemon eegctl must say so (exit 3) at once: a script polling for
# eegd, or a shell prompt showing its state, should not wait.
mkdir -p "$tmp/none"
hyperfine --warmup 20 --runs 300 -N -i --export-json "$tmp/none.json" \
  -n "eegctl status (no daemon)" "$build/eegctl --runtime-dir $tmp/none status"
/usr/bin/python3 - "$tmp/h.json" "$tmp/none.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
ref = r[0]["median"]
for x in r:
    print(f"{x['command']:32s} median {x['median']*1e3:6.2f} ms  p95 {sorted(x['times'])[int(len(x['times'])*0.95)]*1e3:6.2f} ms  x{x['median']/ref:4.2f} of curl")
PY
