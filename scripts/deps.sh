#!/usr/bin/env bash
# Installs the Debian 12 packages eegd needs to build, test and run.
# Idempotent and fast when everything is present: one dpkg-query, no apt call.
# Boost comes from libboost-dev (1.74): python3-scipy pulls it in, and Debian's
# 1.81 packages conflict with it.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang lld libclang-rt-14-dev
  # libraries
  libboost-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libfftw3-dev libgpiod-dev libnats-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3-scipy python3-mne
  nats-server chromium nodejs wrk hyperfine valgrind tmux procps psmisc
)

missing=()
while IFS=' ' read -r name state; do
  [ "$state" = "installed" ] || missing+=("$name")
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
# dpkg-query prints nothing for packages it has never heard of.
for p in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Debian's nodejs ships npm separately; NodeSource's nodejs bundles it.
command -v npm >/dev/null 2>&1 || missing+=(npm)
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Browser UI packages, pinned by web/package-lock.json (npm ci is offline-friendly
# when the cache is warm and reinstalls only when the lock file changed).
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$here/web/package-lock.json" ]; then
  stamp="$here/web/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$here/web/package-lock.json" "$stamp"; then
    echo "deps: npm ci in web/"
    (cd "$here/web" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$here/web/package-lock.json" "$stamp"
  fi
fi
