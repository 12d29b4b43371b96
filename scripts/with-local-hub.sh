#!/usr/bin/env bash
# Runs a guichet command against a local guichet-hub on 127.0.0.1, so the whole loop works on one
# machine: the administration's key pair, an enrolled kiosk, a back-office agent, the hub serving
# (with the shipped procedures' labels), and a kiosk configuration that points at it. The hub stops
# when the command ends. A scanner for document steps: SANE's test backend (SANE_CONFIG_DIR=STATE_DIR/sane).
#   scripts/with-local-hub.sh BUILD_DIR STATE_DIR PROGRAM [ARGS...]   (runs PROGRAM --config STATE_DIR/guichet.toml ARGS...)
#   scripts/with-local-hub.sh BUILD_DIR STATE_DIR --serve             (serves until interrupted: for the back office)
# GUICHET_HUB_PORT chooses the hub's port (default: any free one).
set -euo pipefail
build=$1 state=$2
shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)
hub=$build/sync/hub/guichet-hub
mkdir -p "$state"
state=$(cd "$state" && pwd)

[ -f "$state/keys/submission.pub" ] || "$hub" keygen --out "$state/keys" > /dev/null 2>&1
if [ ! -s "$state/token" ]; then
  rm -f "$state/hub.sqlite"* "$state/agent-password"
  "$hub" enroll demo-kiosk --db "$state/hub.sqlite" > "$state/token" 2>/dev/null
fi
# The back office's demonstration agent: a supervisor who sees every procedure.
if [ ! -s "$state/agent-password" ]; then
  echo "demo-guichet-2026" > "$state/agent-password"
  "$hub" agent add demo --db "$state/hub.sqlite" --role supervisor --procedures '*' < "$state/agent-password" > /dev/null
fi
rm -f "$state/hub.port"
"$hub" serve --db "$state/hub.sqlite" --listen "127.0.0.1:${GUICHET_HUB_PORT:-0}" --port-file "$state/hub.port" \
  --procedures "$repo/assets/procedures" 2> "$state/hub.log" &
hub_pid=$!
trap 'kill $hub_pid 2>/dev/null; wait $hub_pid 2>/dev/null || true' EXIT
for _ in $(seq 500); do [ -s "$state/hub.port" ] && break; sleep 0.02; done
[ -s "$state/hub.port" ] || { echo "with-local-hub: the hub did not start:" >&2; cat "$state/hub.log" >&2; exit 1; }

cat > "$state/guichet.toml" <<TOML
# Written by scripts/with-local-hub.sh: a kiosk that sends to the local hub.
[kiosk]
id = "demo-kiosk"
place_name = "France Services · démonstration"
opening_hours = "du lundi au vendredi, 9 h – 12 h et 14 h – 17 h"
phone = "05 55 00 00 00"

[sync]
hub_url = "http://127.0.0.1:$(cat "$state/hub.port")"
token_file = "$state/token"
submission_public_key = "$(cat "$state/keys/submission.pub")"

[storage]
outbox = "$state/outbox.sqlite"
staff = "$state/staff.sqlite"

[staff]
usb_dir = "$state/usb"

# Document steps scan through SANE; here its test backend, a virtual flatbed drawing a test pattern.
[scanner]
device = "test:0"

# The take-home receipt goes to a file-backed ESC/POS printer; guichetctl print-render shows the paper.
[printer]
kind = "escpos"
device = "$state/receipt-printer.escpos"
TOML
# SANE's test backend only (a real kiosk's SANE_CONFIG_DIR is /etc/sane.d), with a glass an A4 page fits on,
# drawing a grid (black lines 10 mm apart on white), what JPEG makes of a printed page.
mkdir -p "$state/sane"
echo test > "$state/sane/dll.conf"
cat > "$state/sane/test.conf" <<CONF
number_of_devices 1
mode Gray
test-picture "Grid"
geometry_min 0.0
geometry_max 300.0
geometry_quant 1.0
tl_x 0.0
tl_y 0.0
br_x 210.0
br_y 297.0
CONF
export SANE_CONFIG_DIR="$state/sane"
# Demonstration PINs for the staff screens (hold the top-right corner, or Ctrl+Alt+S).
ctl=$build/kiosk/ctl/guichetctl
if [ -x "$ctl" ] && [ ! -s "$state/staff.sqlite" ]; then
  echo 246810 | "$ctl" --config "$state/guichet.toml" set-pin mediator > /dev/null
  echo 135790 | "$ctl" --config "$state/guichet.toml" set-pin technician > /dev/null
fi
mkdir -p "$state/usb"
url="http://127.0.0.1:$(cat "$state/hub.port")"
echo "with-local-hub: hub on $url (log: $state/hub.log), kiosk configuration: $state/guichet.toml"
echo "with-local-hub: back office $url/office/ — agent 'demo', password '$(cat "$state/agent-password")'; to open the demands, load the key file $state/keys/submission.key"
program=$1
shift
if [ "$program" = --serve ]; then
  echo "with-local-hub: serving until interrupted (Ctrl+C)."
  wait $hub_pid
  exit
fi
"$program" --config "$state/guichet.toml" "$@"
