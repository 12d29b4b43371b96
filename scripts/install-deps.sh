#!/usr/bin/env bash
# Installs the Debian 12 packages Guichet builds, runs and tests with. Idempotent: it installs only
# what is missing, and does nothing (not even apt-get update) when everything is there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsdl2-dev libimgui-dev libfreetype-dev libstb-dev   # window, UI, font rasterizer, PNG
  libtomlplusplus-dev nlohmann-json3-dev libsystemd-dev # config, data, sd_notify
  libsqlite3-dev libsodium-dev libcurl4-openssl-dev     # outbox, sealing, uploads
  zlib1g-dev                                            # compressed upload bodies
  libespeak-ng-dev espeak-ng-data                       # voice guidance (speech synthesis)
  libcpp-httplib-dev                                    # the reference hub
  libpq-dev postgresql                                  # the hub's PostgreSQL engine; its tests start a real server
  libqrencode-dev                                       # the receipt's QR code
  libsane-dev libturbojpeg0-dev                         # documents: scanning through SANE (its test backend in the tests and the demo), JPEG in memory
  libcups2-dev libcairo2-dev libpango1.0-dev            # the take-home receipt: CUPS, and its A4 PDF drawn by cairo and pango
  cups cups-client printer-driver-cups-pdf poppler-utils # tests: a real cupsd with a PDF queue (pdftops), the PDF read back (pdftotext, pdftoppm)
  libcli11-dev                                          # the command lines of guichet, guichetctl, guichet-hub
  catch2 fonts-noto-core zbar-tools                     # tests (zbarimg reads the QR code back), the font
  openssl python3-jsonschema                            # tests: TLS certificates, the procedure schema
  dpkg-dev file lintian debootstrap systemd curl        # the .deb packages and their checks (check-package.sh)
  nginx-light                                           # tests: the nginx example in front of two hubs (docs/hub-operations.md)
  clang-19 libclang-rt-19-dev llvm-19                   # the fuzz targets: C++23 with libFuzzer, symbolized reports (scripts/fuzz.sh)
  chromium chromium-l10n chromium-driver python3-selenium # the back office's browser test (tests/office/test_office_browser.py), in French
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm builds the hub's back office files (sync/hub/office). Debian's npm would pull Debian's nodejs, which
# conflicts with NodeSource's on machines that have it: install it only when there is no npm at all.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root, or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
