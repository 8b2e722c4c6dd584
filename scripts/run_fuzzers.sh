#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzzers for SECONDS each, starting
# from its seed corpus in fuzz/corpus/<name>/. New inputs go to a scratch
# directory so the committed corpus stays small. Fails on the first crash.
set -euo pipefail
build=${1:-build/asan}
seconds=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for fuzzer in "$build"/fuzzers/*; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer")
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  seeds="$root/fuzz/corpus/$name"
  echo "fuzz: $name for ${seconds}s"
  if ! "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
      -artifact_prefix="$scratch/" "$scratch" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
      > "$scratch/log" 2>&1; then
    tail -n 60 "$scratch/log"
    echo "fuzz: $name found a failing input; it is in $scratch" >&2
    trap - EXIT
    exit 1
  fi
  grep -E "^(#[0-9]+ +DONE|Done)" "$scratch/log" | tail -n 1 || true
  rm -rf "$scratch"
  trap - EXIT
done
