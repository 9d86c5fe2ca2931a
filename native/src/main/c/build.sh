#!/usr/bin/env bash
# Compiles the DPDK shim into OUT_DIR/libsluice_dpdk.so. Called by the Maven build (generate-resources).
set -euo pipefail
OUT_DIR="$1"
SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! pkg-config --exists libdpdk; then
  echo "sluice-native: pkg-config cannot find libdpdk. Install it: apt-get install libdpdk-dev pkg-config (./sluice test does this)" >&2
  exit 1
fi
mkdir -p "$OUT_DIR"
# shellcheck disable=SC2046
gcc -O2 -g -Wall -Wextra -Werror -fPIC -shared -std=gnu11 \
  $(pkg-config --cflags libdpdk) \
  -o "$OUT_DIR/libsluice_dpdk.so" "$SRC_DIR"/*.c \
  $(pkg-config --libs libdpdk)
echo "sluice-native: built $OUT_DIR/libsluice_dpdk.so against DPDK $(pkg-config --modversion libdpdk)"
