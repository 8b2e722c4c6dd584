#!/usr/bin/env bash
# The biquad engine against scipy's sosfilt on the same job, measured in one
# run on this machine: 32 channels at 4 kHz through notch 60 Hz + 4th-order
# Butterworth band-pass 1-40 Hz (5 sections), streamed in 32-frame blocks that
# carry the filter state from block to block (sosfilt's zi), float32 and float64.
#
# scipy gets its most favourable layout (channels x frames, C-contiguous,
# axis=-1) and the same dtype as the C++ state. Prints channel-samples per
# second for both and the ratio.
#
# Usage: bench/dsp_vs_scipy.sh [build dir, default build/release]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
bench="$build/bench/eegd_bench"
[[ -x "$bench" ]] || { echo "build $bench first (cmake --build --preset release --target eegd_bench)" >&2; exit 1; }

json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_filter='BM_SosCascade/32/5/32/' --benchmark_min_time=2 \
  --benchmark_format=json --benchmark_out="$json" --benchmark_out_format=json >/dev/null

/usr/bin/python3 - "$json" <<'PY'
import json
import sys
import time

import numpy as np
from scipy import signal

fs, channels, block, seconds = 4000.0, 32, 32, 10
sos = np.concatenate([np.concatenate(signal.iirnotch(60, 30, fs=fs))[None, :],
                      signal.butter(4, [1, 40], "bandpass", fs=fs, output="sos")])
rng = np.random.default_rng(1)
frames = int(fs * seconds) // block * block


def scipy_rate(dtype):
    x = (1000 + 20 * rng.standard_normal((channels, frames))).astype(dtype)
    s = sos.astype(dtype)
    blocks = [np.ascontiguousarray(x[:, i:i + block]) for i in range(0, frames, block)]
    best = float("inf")
    for _ in range(3):
        zi = np.zeros((s.shape[0], channels, 2), dtype=dtype)
        t0 = time.perf_counter()
        for b in blocks:
            _, zi = signal.sosfilt(s, b, axis=-1, zi=zi)
        best = min(best, time.perf_counter() - t0)
    return channels * frames / best


cpp = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    cpp[b["label"]] = b["items_per_second"]

print("32 ch x 4 kHz, 5 sections (notch 60 + bandpass 1-40 order 4), 32-frame blocks")
print("%-8s %18s %18s %8s %14s" % ("state", "eegd ch-samples/s", "scipy ch-samples/s", "ratio", "eegd x realtime"))
for name, dtype in (("float32", np.float32), ("float64", np.float64)):
    py = scipy_rate(dtype)
    c = cpp[name]
    print("%-8s %18.3e %18.3e %7.1fx %14.0f" % (name, c, py, c / py, c / (channels * fs)))
PY
