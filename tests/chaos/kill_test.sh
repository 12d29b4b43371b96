#!/usr/bin/env bash
# The kill test: a kiosk stand-in (outbox_driver, built from the kiosk's own outbox and uploader)
# enqueues and uploads while it is killed with SIGKILL at random moments, over and over, against a
# real guichet-hub that fails on purpose (500/503/429) behind a fault proxy that resets, stalls and
# cuts answers short. Then one last run drains the queue, and the test checks that every receipt that
# was shown is at the hub exactly once, that the hub holds nothing the kiosk did not make, that every
# sealed submission opens with the administration's key, that SQLite's integrity check is ok, and
# that a marker in every submission's answers is in no file, database or log, in clear.
#   tests/chaos/kill_test.sh [KILLS=500] [BUILD_DIR=build/release] [--no-proxy]
set -euo pipefail
kills=${1:-500}
build=${2:-build/release}
use_proxy=yes
[ "${3:-}" = "--no-proxy" ] && use_proxy=no

hub=$build/sync/hub/guichet-hub
driver=$build/tests/chaos/outbox_driver
proxy=$build/tests/tools/fault_proxy
for tool in "$hub" "$driver" "$proxy"; do
  [ -x "$tool" ] || { echo "kill_test: $tool is missing: build first (cmake --build $build)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/guichet-kill-test.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for_file() { for _ in $(seq 500); do [ -s "$1" ] && return 0; sleep 0.02; done; echo "kill_test: $1 never appeared" >&2; exit 1; }

"$hub" keygen --out "$work/keys" > /dev/null 2>&1
"$hub" enroll chaos --db "$work/hub.sqlite" > "$work/token" 2>/dev/null
"$hub" serve --db "$work/hub.sqlite" --listen 127.0.0.1:0 --port-file "$work/hub.port" \
  --faults 500:0.05,503:0.05,429:0.05 --retry-after 1 2> "$work/hub.log" &
pids+=($!)
wait_for_file "$work/hub.port"
url="http://127.0.0.1:$(cat "$work/hub.port")"
if [ "$use_proxy" = yes ]; then
  "$proxy" --listen 127.0.0.1:0 --target "127.0.0.1:$(cat "$work/hub.port")" --port-file "$work/proxy.port" \
    --delay-ms 2 --reset-rate 0.1 --stall-rate 0.05 --truncate-rate 0.1 --fault-window 20000 --seed 7 > "$work/proxy.log" 2>&1 &
  proxy_pid=$!
  pids+=($proxy_pid)
  wait_for_file "$work/proxy.port"
  url="http://127.0.0.1:$(cat "$work/proxy.port")"
fi
args=(--db "$work/outbox.sqlite" --key "$(cat "$work/keys/submission.pub")" --hub "$url" --token "$(cat "$work/token")")

start=$(date +%s)
for i in $(seq "$kills"); do
  "$driver" "${args[@]}" enqueue 3 >> "$work/shown.txt" 2>> "$work/driver.log" &
  pid=$!
  # A random moment within 0-400 ms: opening the database, sealing, committing, or uploading.
  sleep "0.$(printf '%03d' $((RANDOM % 400)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
timeout 300 "$driver" "${args[@]}" drain >> "$work/shown.txt" 2>> "$work/driver.log" || { echo "kill_test: the final drain did not finish" >&2; exit 1; }
seconds=$(( $(date +%s) - start ))

grep '^RECEIPT ' "$work/shown.txt" | awk '{print $2}' | sort > "$work/shown.ids"
"$hub" export --db "$work/hub.sqlite" 2>/dev/null | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | sort > "$work/hub.ids"
"$driver" "${args[@]}" list > "$work/outbox.list"
awk '/^ITEM /{print $2}' "$work/outbox.list" | sort > "$work/outbox.ids"
opened_ok=$("$hub" export --db "$work/hub.sqlite" 2>/dev/null | "$hub" open --key "$work/keys/submission.key" 2>/dev/null | grep -c '"integrity":"ok"' || true)

shown=$(wc -l < "$work/shown.ids")
at_hub=$(wc -l < "$work/hub.ids")
lost=$(comm -23 "$work/shown.ids" <(sort -u "$work/hub.ids") | wc -l)
duplicated=$(( at_hub - $(sort -u "$work/hub.ids" | wc -l) ))
foreign=$(comm -13 "$work/outbox.ids" <(sort -u "$work/hub.ids") | wc -l)
not_sent=$(grep -c '^ITEM .* \(queued\|quarantined\)$' "$work/outbox.list" || true)
integrity=$(awk '/^INTEGRITY /{print $2}' "$work/outbox.list")
# What a citizen typed must be nowhere in clear: not in the kiosk's database, its WAL, or any log.
leaks=$(grep -rla "MARQUEUR-CITOYEN-KILL" "$work" | wc -l || true)

echo "kill test: $kills kills in ${seconds} s (link: $( [ "$use_proxy" = yes ] && echo 'resets, stalls, cut answers, hub 5xx/429' || echo 'hub 5xx/429 only'))"
echo "receipts shown: $shown; at the hub: $at_hub; committed by the kiosk: $(wc -l < "$work/outbox.ids")"
echo "lost: $lost; duplicated: $duplicated; at the hub but unknown to the kiosk: $foreign; not sent: $not_sent"
echo "sealed submissions that open with the key: $opened_ok of $at_hub; outbox integrity_check: $integrity"
echo "files holding the citizen's marker in clear (databases, WAL, logs): $leaks"
if [ -n "${proxy_pid:-}" ]; then # the proxy's count of the faults it injected
  kill -USR1 "$proxy_pid"; sleep 0.2; grep summary "$work/proxy.log" | tail -n 1
fi

if [ "$lost" -ne 0 ] || [ "$duplicated" -ne 0 ] || [ "$foreign" -ne 0 ] || [ "$not_sent" -ne 0 ] \
   || [ "$integrity" != ok ] || [ "$opened_ok" -ne "$at_hub" ] || [ "$shown" -eq 0 ] || [ "$leaks" -ne 0 ]; then
  echo "kill test FAILED (files in $work)"
  exit 1
fi
rm -rf "$work"
echo "kill test passed"
