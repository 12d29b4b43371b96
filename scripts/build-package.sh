#!/usr/bin/env bash
# Builds the Debian packages guichet and guichet-hub (CPack DEB, image/packaging/packaging.cmake): a
# release build with the installed paths (/usr, assets in /usr/share/guichet), no tests.
#   scripts/build-package.sh [BUILD_DIR]     (default build/package; prints the paths of the two .deb files)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/package}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DGUICHET_BUILD_TESTS=OFF -DGUICHET_BUILD_BENCH=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr -DGUICHET_ASSETS_DIR=/usr/share/guichet "${launcher[@]}" > "$build/cmake.log" 2>&1 \
  || { cat "$build/cmake.log" >&2; echo "build-package: cmake failed" >&2; exit 1; }
cmake --build "$build" -j "$(nproc)" >&2
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB > cpack.log 2>&1) || { cat "$build/cpack.log" >&2; echo "build-package: cpack failed" >&2; exit 1; }
build=$(cd "$build" && pwd)
ls "$build"/guichet_*.deb "$build"/guichet-hub_*.deb
