#!/usr/bin/env bash
# Peak memory of a kiosk session holding five scanned A4 colour pages (issue 18: goal ≤ 80 MB), against the
# same session stopped at the document step with no page: the whole `guichet` process, headless, on SANE's
# test backend (its grid), measured by /usr/bin/time (maximum resident set size). Five runs each, the median.
#   tests/bench/bench_document_memory.sh BUILD_DIR        (a release build: build/release)
set -euo pipefail
build=$(cd "${1:?usage: bench_document_memory.sh BUILD_DIR}" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/assets" "$work/assets"
# The housing certificate's document, in colour and up to five pages.
/usr/bin/python3 - "$work/assets/procedures/housing-certificate.json" <<'PY'
import json, sys
path = sys.argv[1]
procedure = json.load(open(path))
for step in procedure["steps"]:
    if step["kind"] == "document":
        step["document"].update(max_pages=5, color=True)
json.dump(procedure, open(path, "w"), ensure_ascii=False)
PY
mkdir -p "$work/sane"
echo test > "$work/sane/dll.conf"
printf 'number_of_devices 1\nmode Gray\ntest-picture "Grid"\ngeometry_min 0.0\ngeometry_max 300.0\ngeometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 210.0\nbr_y 297.0\n' > "$work/sane/test.conf"
cat > "$work/guichet.toml" <<TOML
[ui]
assets_dir = "$work/assets"
[storage]
outbox = "$work/outbox.sqlite"
staff = "$work/staff.sqlite"
[scanner]
device = "test:0"
TOML
to_step='tap id:welcome.start
tap id:catalog.previous
tap id:procedure.housing-certificate
tap id:intro.start
type "Yvonne Le Goff"
tap id:step.next
type "01"
type "09"
type "2024"
tap id:step.next
expect-text "Le justificatif"'
printf '%s\n' "$to_step" > "$work/none.gsc"
{ printf '%s\n' "$to_step"; for page in 1 2 3 4 5; do printf 'tap id:document.scan\nexpect-text "Page %s numérisée"\n' "$page"; done
  printf 'tap id:step.next\nexpect-screen review\n'; } > "$work/five.gsc"
peak() { # the median peak RSS in MB of five runs of a script
  for _ in 1 2 3 4 5; do
    rm -f "$work"/outbox.sqlite*
    SANE_CONFIG_DIR="$work/sane" SDL_AUDIODRIVER=dummy /usr/bin/time -f %M "$build/kiosk/app/guichet" --config "$work/guichet.toml" \
      --headless --script "$work/$1" 2>&1 >/dev/null | tail -1
  done | sort -n | sed -n 3p | awk '{ printf "%.1f", $1 / 1024 }'
}
echo "peak memory of the guichet process (median of 5, MB):"
echo "  session at the document step, no page: $(peak none.gsc)"
echo "  session holding five colour A4 pages:  $(peak five.gsc)   (goal: at most 80)"
