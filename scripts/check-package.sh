#!/usr/bin/env bash
# Builds the Debian packages (guichet, guichet-hub) and checks them as a technician meets them: their
# contents, lintian, the systemd units, then an install with apt into a clean Debian 12 chroot, where
# the packaged programs run with the packaged configuration: guichet --version, the packaged hub
# serving GET /v1/health, a kiosk provisioned for that hub by guichet-provision, and the demo journey
# (headless) delivering a submission that the hub stores. Run as root on Debian 12; a few minutes.
#   scripts/check-package.sh [BUILD_DIR]      (default build/package; the .deb files are left there)
# GUICHET_CHROOT_BASE caches the debootstrapped chroot (default /var/tmp/guichet-bookworm-minbase).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/package}
base=${GUICHET_CHROOT_BASE:-/var/tmp/guichet-bookworm-minbase}
hub_port=8480 # the packaged /etc/default/guichet-hub
step() { echo "== package: $*"; }
fail() { echo "check-package: $*" >&2; exit 1; }

step "build (release, installed paths) in $build"
scripts/build-package.sh "$build" > /dev/null
build=$(cd "$build" && pwd)
kiosk_deb=$(ls "$build"/guichet_*.deb)
hub_deb=$(ls "$build"/guichet-hub_*.deb)

step "contents"
for deb in "$kiosk_deb" "$hub_deb"; do
  echo "-- $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"
  dpkg-deb --field "$deb" Package Version Installed-Size Depends
  dpkg-deb --contents "$deb" > "$deb.contents"
  grep -v '/$' "$deb.contents" | awk '{print "   " $1, $2, $3, $6}'
done
expect_in() {
  local deb=$1
  shift
  for path in "$@"; do
    grep -q " \./${path#/}\$" "$deb.contents" || fail "$(basename "$deb") lacks $path"
  done
}
expect_in "$kiosk_deb" /usr/bin/guichet /usr/bin/guichetctl /usr/sbin/guichet-provision /etc/guichet/guichet.toml \
  /etc/default/guichet /etc/pam.d/guichet-kiosk /lib/systemd/system/guichet.service \
  /usr/share/guichet/strings/fr.json /usr/share/guichet/themes/default.json /usr/share/guichet/data/postcodes.tsv \
  /usr/share/guichet/demo/demo.gsc /usr/share/doc/guichet/copyright
expect_in "$hub_deb" /usr/bin/guichet-hub /etc/default/guichet-hub /lib/systemd/system/guichet-hub.service \
  /usr/share/doc/guichet-hub/copyright /usr/share/doc/guichet-hub/hub-operations.md \
  /usr/share/doc/guichet-hub/examples/nginx-guichet-hub.conf
! grep -q "guichet-hub" <(grep -v '/$' "$kiosk_deb.contents" | grep -v doc/) || fail "the hub leaked into the kiosk package"
dpkg-deb --field "$kiosk_deb" Depends | grep -q "libsdl2-2.0-0" || fail "the kiosk package does not depend on SDL"
dpkg-deb --field "$kiosk_deb" Depends | grep -q "cage" || fail "the kiosk package does not depend on cage"

step "lintian"
if command -v lintian >/dev/null; then
  # Errors fail the check; warnings are printed. No man pages yet (the binaries have --help).
  lintian --fail-on error --suppress-tags no-manual-page "$kiosk_deb" "$hub_deb"
else
  echo "lintian is not installed: skipped"
fi

step "systemd units"
units=$(mktemp -d)
root=""
cleanup() {
  set +e
  [ -n "${hub_pid:-}" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null
  if [ -n "$root" ]; then
    for mount in var/cache/apt/archives dev/pts dev proc; do
      mountpoint -q "$root/$mount" && umount -l "$root/$mount"
    done
    rm -rf "$root"
  fi
  rm -rf "$units"
}
trap cleanup EXIT
cp image/systemd/*.service "$units/"
# verify checks every ExecStart program exists: it runs against the installed chroot below; here the
# syntax and the directives alone, with the programs' paths stubbed.
sed -i 's|/usr/bin/cage |/bin/true |; s|ExecStart=/usr/bin/guichet-hub |ExecStart=/bin/true |' "$units"/*.service
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$units"/guichet.service "$units"/guichet-hub.service

step "install into a clean Debian 12 chroot"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
if [ ! -x "$base/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/install-deps.sh)"
  rm -rf "$base.tmp"
  debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" > /tmp/guichet-debootstrap.log 2>&1 \
    || { tail -20 /tmp/guichet-debootstrap.log; fail "debootstrap failed"; }
  mv "$base.tmp" "$base"
fi
root=$(mktemp -d /var/tmp/guichet-pkgtest.XXXXXX)
cp -a "$base/." "$root/"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mkdir -p /var/cache/apt/archives "$root/var/cache/apt/archives"
mount --bind /var/cache/apt/archives "$root/var/cache/apt/archives" # downloads are kept between runs
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp "$kiosk_deb" "$hub_deb" "$root/tmp/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
in_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends \
  "/tmp/$(basename "$kiosk_deb")" "/tmp/$(basename "$hub_deb")" > "$build/chroot-install.log" 2>&1 \
  || { tail -30 "$build/chroot-install.log"; fail "apt could not install the packages"; }
in_root dpkg-query -W guichet guichet-hub
in_root getent passwd guichet guichet-hub
[ "$(in_root stat -c %U /var/lib/guichet)" = guichet ] || fail "/var/lib/guichet is not the guichet user's"
[ "$(in_root stat -c %U /var/lib/guichet-hub)" = guichet-hub ] || fail "/var/lib/guichet-hub is not guichet-hub's"
[ -L "$root/etc/systemd/system/multi-user.target.wants/guichet-hub.service" ] || fail "guichet-hub.service is not enabled"

step "the installed units (systemd-analyze verify --root)"
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no --root="$root" /lib/systemd/system/guichet.service \
  /lib/systemd/system/guichet-hub.service

step "guichet --version"
in_root guichet --version
in_root guichet-hub --help > /dev/null

step "the packaged hub, started as its unit starts it, serves GET /v1/health"
exec_start=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/guichet-hub.service")
chroot "$root" env -i PATH=/usr/bin:/bin sh -c \
  "set -a; . /etc/default/guichet-hub; set +a; cd /var/lib/guichet-hub; exec setpriv --reuid=guichet-hub --regid=guichet-hub --init-groups $exec_start" \
  2> "$build/chroot-hub.log" &
hub_pid=$!
health=""
for _ in $(seq 100); do
  health=$(curl -fsS "http://127.0.0.1:$hub_port/v1/health" 2>/dev/null) && break
  kill -0 "$hub_pid" 2>/dev/null || { cat "$build/chroot-hub.log"; fail "the packaged hub stopped"; }
  sleep 0.1
done
[ -n "$health" ] || { cat "$build/chroot-hub.log"; fail "no answer from the packaged hub on port $hub_port"; }
echo "GET /v1/health: $health"
[ "$(in_root stat -c %U /var/lib/guichet-hub/hub.sqlite)" = guichet-hub ] || fail "the hub's database is not its user's"

step "provision the kiosk for that hub, then run the demo journey headless as the guichet user"
in_root guichet-hub keygen --out /root/keys > /dev/null 2>&1
token=$(in_root setpriv --reuid=guichet-hub --regid=guichet-hub --init-groups \
  guichet-hub enroll package-test --db /var/lib/guichet-hub/hub.sqlite 2>/dev/null)
in_root guichet-provision --kiosk-id package-test --hub-url "http://127.0.0.1:$hub_port" --token "$token" \
  --submission-key "$(cat "$root/root/keys/submission.pub")" --ssh-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPackageTestKeyOnly technician@test"
grep -q '^hub_url = "http://127.0.0.1:' "$root/etc/guichet/guichet.toml" || fail "guichet-provision did not set hub_url"
[ "$(in_root stat -c '%a %G' /etc/guichet/token)" = "640 guichet" ] || fail "the token file is not 0640 root:guichet"
mkdir -p "$root/tmp/shots"
in_root chown guichet /tmp/shots
# The demo scans a page: SANE's test backend (in libsane1, which the package depends on) stands for the
# scanner, its glass A4-sized, as scripts/with-local-hub.sh sets it up.
mkdir -p "$root/tmp/sane"
echo test > "$root/tmp/sane/dll.conf"
printf 'number_of_devices 1\nmode Gray\ntest-picture "Grid"\ngeometry_min 0.0\ngeometry_max 300.0\ngeometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 210.0\nbr_y 297.0\n' \
  > "$root/tmp/sane/test.conf"
# The demo prints the receipt: an ESC/POS printer that is a file (the [printer] section's two keys).
sed -i 's|^kind = "none" .*|kind = "escpos"|; s|^device = "" .*# escpos:.*|device = "/tmp/shots/receipt.escpos"|' "$root/etc/guichet/guichet.toml"
chroot "$root" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/var/lib/guichet \
  SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE=/tmp/shots/voice.raw SANE_CONFIG_DIR=/tmp/sane \
  setpriv --reuid=guichet --regid=guichet --init-groups \
  guichet --headless --config /etc/guichet/guichet.toml --script /usr/share/guichet/demo/demo.gsc \
  --screenshot-dir /tmp/shots
ls "$root/tmp/shots" | grep -c '\.png$' | xargs echo "screenshots:"
[ -s "$root/tmp/shots/voice.raw" ] || fail "the packaged kiosk said nothing (espeak-ng-data?)"
echo "voice: $(du -k "$root/tmp/shots/voice.raw" | cut -f1) KiB of audio"
[ -s "$root/tmp/shots/receipt.escpos" ] || fail "the packaged kiosk printed no receipt"
in_root guichetctl print-render /tmp/shots/receipt.escpos --out /tmp/shots/receipt.png
[ -f "$root/var/lib/guichet/outbox.sqlite" ] || fail "the kiosk made no outbox in /var/lib/guichet"
exported=$(in_root guichet-hub export --db /var/lib/guichet-hub/hub.sqlite | wc -l)
[ "$exported" -ge 1 ] || fail "the packaged hub stored no submission from the packaged kiosk"
echo "the hub stored $exported submission(s) from the packaged kiosk"
in_root guichetctl status

step "remove and purge"
kill "$hub_pid"
wait "$hub_pid" 2>/dev/null || true
hub_pid=""
DEBIAN_FRONTEND=noninteractive in_root apt-get purge -y -qq guichet guichet-hub > "$build/chroot-purge.log" 2>&1 \
  || { tail -20 "$build/chroot-purge.log"; fail "purge failed"; }
[ ! -e "$root/usr/bin/guichet" ] || fail "guichet is still installed after purge"
[ -e "$root/var/lib/guichet-hub/hub.sqlite" ] || fail "purge removed the hub's database"
echo "package checks: 2 packages built, inspected, installed, run and purged"
