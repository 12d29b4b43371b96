#!/usr/bin/env bash
# Installs what is needed, builds the release kiosk and hub, starts a local hub, and starts the kiosk
# demo against it. With a display it opens the kiosk in a 1920x1080 window (close the window to quit);
# without one it says so and runs the demo journey headless, writing a screenshot of every screen.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)" --target guichet guichet-hub guichetctl
build=build/release
state=build/demo-state

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec scripts/with-local-hub.sh "$build" "$state" "$build/kiosk/app/guichet" --windowed "${GUICHET_DEMO_SIZE:-1920x1080}" "$@"
fi

shots=build/demo-screenshots
echo "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set): running the demo journey headless."
rm -rf "$shots"
scripts/with-local-hub.sh "$build" "$state" "$build/kiosk/app/guichet" --headless \
  --script assets/demo/demo.gsc --screenshot-dir "$shots" "$@"
echo "The demo journey went through every screen. Screenshots:"
ls -1 "$shots"/*.png
echo "The kiosk's queue, as a technician sees it:"
"$build/kiosk/ctl/guichetctl" --config "$state/guichet.toml" status
