#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: the debug build, the Debian packages
# (scripts/check-package.sh), then the same tests built with AddressSanitizer and UndefinedBehaviorSanitizer,
# then a short run of every fuzz target (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/install-deps.sh
for preset in debug asan; do
  echo "== $preset: build"
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: tests"
  ctest --preset "$preset" -j "$jobs"
  if [ "$preset" = debug ]; then
    echo "== package: build, inspect, install in a clean chroot, run"
    scripts/check-package.sh build/package
  fi
done
echo "== fuzz: build, regression inputs, a short run of each target"
FUZZ_BUILD_JOBS="$jobs" scripts/fuzz.sh
