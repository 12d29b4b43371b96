#!/usr/bin/env bash
# Installs what is needed, builds the release kiosk and hub, starts a local hub with its back office, and
# starts the kiosk demo against it. With a display it opens the kiosk in a 1920x1080 window (close the
# window to quit) and prints the back office's address, agent and key file; without one it says so and
# runs the whole loop headless: the citizen's journey at the kiosk, an agent in headless Chromium who
# opens the demand and marks it done, and the kiosk hearing back; a screenshot of every screen.
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
rm -f "$state/receipt-printer.escpos" # the demo's receipt printer is a file: this run's receipts only
scripts/with-local-hub.sh "$build" "$state" "$build/kiosk/app/guichet" --headless \
  --script assets/demo/demo.gsc --screenshot-dir "$shots" "$@"
echo "The demo journey went through every screen. The kiosk's queue, as a technician sees it:"
"$build/kiosk/ctl/guichetctl" --config "$state/guichet.toml" status
echo "The receipt the citizen took home, as the ESC/POS printer would print it:"
"$build/kiosk/ctl/guichetctl" print-render "$state/receipt-printer.escpos" --out "$shots/07p-printed-receipt.png"
echo "Now the administration's side: an agent processes the demand in the back office (headless Chromium)."
scripts/with-local-hub.sh "$build" "$state" scripts/demo-office.py --build "$build" --shots "$shots"
echo "Screenshots of both sides:"
ls -1 "$shots"/*.png
echo "To use the back office yourself: scripts/with-local-hub.sh $build $state --serve, then open the address it prints."
