#!/usr/bin/env bash
# One entry point for setting up, building, testing and demoing convjit on a
# fresh Debian 12 machine. Installs what it needs from Debian's archive.
#
#   tools/dev.sh demo    build, then run the demo on the embedded default spec set
#   tools/dev.sh test    build, then run the lit suite and the unit tests
#   tools/dev.sh build   install packages, configure and build only
#   tools/dev.sh bench [args]  build, then run convjit-bench (default: the
#                        anchor shapes against oneDNN and PyTorch)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVJIT_BUILD_DIR:-$root/build}"
llvm_bin=/usr/lib/llvm-22/bin

# The pinned toolchain (LLVM/MLIR 22 from bookworm-security) and what the
# build, the tests (PyTorch as the oracle's oracle) and the benchmarks
# (oneDNN as the peer) need.
build_packages=(cmake ninja-build g++ ccache pkg-config
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools libomp-22-dev
  libgtest-dev zlib1g-dev libzstd-dev libdnnl-dev)
test_packages=(python3 python3-numpy python3-torch python3-torchvision)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "convjit: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  install_packages "${build_packages[@]}"
  if [ ! -f "$build/build.ninja" ]; then
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  ninja -C "$build" "$@"
}

run_tests() {
  install_packages "${test_packages[@]}"
  build all torch-cases
  local status=0
  echo "== lit (FileCheck) tests"
  "$llvm_bin/lit" -sv "$build/test" || status=1
  echo "== unit tests"
  "$build/bin/convjit-unittests" --gtest_brief=1 || status=1
  if [ $status -eq 0 ]; then echo "convjit: all tests passed"; else echo "convjit: TESTS FAILED" >&2; fi
  return $status
}

case "${1:-}" in
  demo) build && "$build/bin/convjit" demo ;;
  test) run_tests ;;
  build) build ;;
  bench)
    install_packages "${test_packages[@]}"  # torch, the second peer
    build
    if [ $# -gt 1 ]; then
      "$build/bin/convjit-bench" "${@:2}"
    else
      "$build/bin/convjit-bench" "$root/bench/shapes/anchor-shapes.txt"
    fi ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
