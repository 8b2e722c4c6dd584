#!/usr/bin/env bash
# Recording throughput: 32 channels at 4000 S/s from the synthetic ADS1299 to a
# BDF+ file, one minute of data as fast as possible (`eegd run --fast`). Prints
# the file size, MB/s of file written per wall second, and CPU seconds spent per
# recorded second. Usage: bench/recording_bench.sh [build/release] [seconds of data]
set -euo pipefail
build=${1:-build/release}
seconds=${2:-60}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/pipeline.yaml" <<YAML
stages:
  - synthetic: { channels: 32, rate: 4000, batch: 64 }
  - bdf_sink: { path: bench.bdf, fsync_seconds: 1 }
YAML
/usr/bin/time -f '%e %U %S' -o "$dir/time" "$build/eegd" run --fast --duration "$seconds" "$dir/pipeline.yaml" > /dev/null
read -r wall user sys < "$dir/time"
bytes=$(stat -c %s "$dir/bench.bdf")
awk -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v d="$seconds" 'BEGIN {
  printf "recorded %d s of 32 ch x 4000 S/s: %.1f MB in %.2f s wall = %.1f MB/s; CPU %.2f s = %.1f ms per recorded second\n",
         d, b / 1e6, w, b / 1e6 / w, u + s, (u + s) * 1000 / d }'
