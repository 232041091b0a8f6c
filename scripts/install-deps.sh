#!/usr/bin/env bash
# Installs the Debian 12 packages classplan builds and runs with, if any is missing.
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libhiredis-dev libsqlite3-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev libcli11-dev
  golang-github-gogo-googleapis-dev
  redis-server redis-tools grpc-proto
  openssl
  clang clang-tidy clang-format
  libclang-rt-14-dev llvm  # sanitizer and libFuzzer runtimes; llvm-symbolizer for their stacks
  ccache
  postgresql libpq-dev
  prometheus-cpp-dev  # metrics: prometheus-cpp core and pull (civetweb serves /metrics)
  prometheus  # promtool: `promtool check metrics` (tests) and `check rules` (check-deploy)
  python3-yaml  # scripts/check-deploy.py (kubectl, for `kubectl kustomize`, is expected on the image)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: not root; run this first, then try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts a system-wide redis-server on install; classplan runs its own private ones.
# The same for the Prometheus server that comes with promtool (it would hold port 9090).
if command -v systemctl >/dev/null 2>&1; then
  for unit in redis-server prometheus; do systemctl disable --now "$unit" >/dev/null 2>&1 || true; done
fi
echo "install-deps: done"
