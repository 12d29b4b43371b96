#!/usr/bin/env bash
# Checks image/mkosi/mkosi.extra/usr/lib/guichet/usb-stick without a VM, as root on any Linux with ext4
# and loop devices (a container will do): an ext4 "stick" on a loop device is mounted as
# guichet-usb@<loop>.service would mount it, read-only for root and for a "kiosk" in its own mount
# namespace made before the stick (as guichet.service's sandbox is), writable for that kiosk only between
# export-begin and export-end, and unmounted (lazily, a file still open) when it goes. The USB check is
# skipped (GUICHET_USB_ANY_BUS); vfat and exfat are checked in the VM (image/qemu-test.sh).
# With a build directory (scripts/build-package.sh's, or any with guichet, guichetctl and guichet-hub),
# the real kiosk then runs headless in such a namespace, with the helper where the image has it (an
# overlay on /usr/lib seen by that namespace only), and a technician installs a signed pack from a
# read-only stick and exports the logs onto it.
#   image/usb-stick-test.sh [BUILD_DIR]
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
script=$source_dir/image/mkosi/mkosi.extra/usr/lib/guichet/usb-stick
build=${1:+$(cd "$1" && pwd)}
work=$(mktemp -d /tmp/usb-stick-test.XXXXXX)
chmod 755 "$work"
export GUICHET_USB_RUN=$work/run GUICHET_USB_MEDIA=$work/media GUICHET_USB_USER=nobody GUICHET_USB_ANY_BUS=1
loop="" watcher="" kiosk=""
cleanup() {
  [ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
  [ -z "$kiosk" ] || kill "$kiosk" 2>/dev/null || true
  [ -z "$loop" ] || "$script" unmount "${loop#/dev/}" 2>/dev/null || true
  umount "$work/media" 2>/dev/null || true
  [ -z "$loop" ] || losetup -d "$loop" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "usb-stick-test: $*" >&2; exit 1; }

mkdir -p "$work/run/mounts" "$work/run/export" "$work/media" "$work/files/guichet-pack" "$work/files/logs"
chgrp nogroup "$work/run/export" && chmod 770 "$work/run/export"
echo '{}' > "$work/files/guichet-pack/manifest.json"
chown nobody "$work/files/logs" # ext4 keeps owners: the kiosk writes where it may
truncate -s 32M "$work/stick.img"
mkfs.ext4 -q -L "Clé de test" -d "$work/files" "$work/stick.img"
loop=$(losetup -f --show "$work/stick.img")
name=${loop#/dev/}
# /media as systemd makes it (a shared mount), so that a mount made later reaches other namespaces.
mount -t tmpfs -o mode=755 usb-stick-test "$work/media"
mount --make-shared "$work/media"

# The "kiosk": the unprivileged user in its own mount namespace, a slave of this one, made now.
cat > "$work/kiosk.sh" <<'KIOSK'
set -u
while [ ! -e "$GUICHET_USB_RUN/go" ]; do sleep 0.1; done
target=$(cat "$GUICHET_USB_RUN/mounts/$1")
ls "$target/guichet-pack/manifest.json" > /dev/null || { echo "kiosk: cannot read the pack"; exit 1; }
touch "$target/logs/before" 2>/dev/null && { echo "kiosk: wrote before the export"; exit 1; }
"$2" export-begin || { echo "kiosk: export-begin failed"; exit 1; }
touch "$target/logs/during" || { echo "kiosk: could not write during the export"; exit 1; }
"$2" export-end || { echo "kiosk: export-end failed"; exit 1; }
touch "$target/logs/after" 2>/dev/null && { echo "kiosk: wrote after the export"; exit 1; }
echo "kiosk: read-only, writable during the export only"
KIOSK
unshare -m --propagation slave setpriv --reuid=nobody --regid=nogroup --clear-groups \
  env GUICHET_USB_RUN="$GUICHET_USB_RUN" sh "$work/kiosk.sh" "$name" "$script" > "$work/kiosk.out" 2>&1 &
kiosk=$!
# guichet-usb-export.path's stand-in.
( while :; do [ -e "$work/run/export/request" ] && "$script" export-open; sleep 0.1; done ) 2> "$work/open.log" &
watcher=$!

sleep 0.5
"$script" mount "$name"
target=$(cat "$work/run/mounts/$name")
[ "$target" = "$work/media/Cl_de_test" ] || fail "mounted at $target, not $work/media/Cl_de_test"
[ "$(findmnt -no FS-OPTIONS "$target" | cut -d, -f1)" = ro ] || fail "the file system is not read-only"
for flag in nosuid nodev noexec; do findmnt -no VFS-OPTIONS "$target" | grep -qw $flag || fail "no $flag"; done
touch "$target/by-root" 2>/dev/null && fail "root could write on the stick"
echo "mounted at $target: $(findmnt -no VFS-OPTIONS,FS-OPTIONS "$target")"
touch "$work/run/go"
wait $kiosk || { cat "$work/kiosk.out"; fail "the kiosk's checks failed"; }
cat "$work/kiosk.out"
[ -e "$target/logs/during" ] || fail "the kiosk's file is not on the stick"
[ "$(findmnt -no FS-OPTIONS "$target" | cut -d, -f1)" = ro ] || fail "read-write after the export"

# A namespace made after an export (a kiosk restarted, a new sandbox) copies the mount as it is then:
# it too must become writable for the next export (found in the VM: it stayed read-only).
unshare -m --propagation slave setpriv --reuid=nobody --regid=nogroup --clear-groups \
  env GUICHET_USB_RUN="$GUICHET_USB_RUN" sh -c '"$1" export-begin && touch "$2/logs/later" && "$1" export-end' \
  sh "$script" "$target" || fail "a namespace made after an export could not write during the next one"
[ -e "$target/logs/later" ] || fail "the later namespace's file is not on the stick"
echo "a namespace made after an export writes during the next one"

"$script" mount "$name" 2>/dev/null && fail "mounted twice"
"$script" mount "../x" 2>/dev/null && fail "took a path for a device name"
GUICHET_USB_ANY_BUS="" "$script" mount "$name" 2>/dev/null && fail "mounted a device that is not on USB"

# Pulled out while the kiosk holds a file open: lazily unmounted everywhere, the folder removed.
unshare -m --propagation slave sh -c "exec 3< '$target/guichet-pack/manifest.json'; sleep 1;
  ls '$work/media' | wc -l; cat <&3" > "$work/held.out" &
held=$!
sleep 0.3
"$script" unmount "$name"
wait $held
[ "$(head -1 "$work/held.out")" = 0 ] || fail "the kiosk still sees the stick after the unmount"
[ ! -e "$target" ] || fail "$target is left behind"
echo "unmounted (lazily; an open file still reads: $(tail -1 "$work/held.out"))"
losetup -d "$loop"
loop=""
[ -n "$build" ] || { echo "usb-stick-test: passed (the script; give a build directory for the kiosk too)"; exit 0; }

# The kiosk itself: a stick with a signed pack (its welcome title changed) and a folder the kiosk may
# write (ext4 keeps owners), the technician's steps on the headless kiosk in its own namespace.
state=$work/state
mkdir -p "$state" "$work/stick" "$work/overlay/upper/guichet" "$work/overlay/work"
"$build/sync/hub/guichet-hub" pack keygen --out "$work/pack.key" > /dev/null 2>&1
cp -r "$source_dir/assets" "$work/assets"
sed -i 's/^  "welcome.title": "Bienvenue",/  "welcome.title": "Bienvenue, contenu de la clé USB",/' "$work/assets/strings/fr.json"
"$build/sync/hub/guichet-hub" pack build "$work/assets" --key "$work/pack.key" --version 2 \
  --out "$work/stick/guichet-pack" > /dev/null 2>&1
truncate -s 64M "$work/stick2.img"
mkfs.ext4 -q -L GUICHET -E root_owner=65534:65534 -d "$work/stick" "$work/stick2.img"
sed -e "s|/var/lib/guichet|$state|g" -e "s|^usb_dir = \"/media\"|usb_dir = \"$work/media\"|" \
  -e "s|^# assets_dir = .*|assets_dir = \"$source_dir/assets\"|" \
  -e "s|^signing_keys = \[\]|signing_keys = [\"$(cat "$work/pack.key.pub")\"]|" \
  "$source_dir/assets/config/guichet.toml" > "$work/guichet.toml"
chmod 644 "$work/guichet.toml"
chown nobody "$state"
as_kiosk() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
echo 70318264 | as_kiosk "$build/kiosk/ctl/guichetctl" --config "$work/guichet.toml" set-pin technician > /dev/null
cat > "$work/technician.gsc" <<'GSC'
key Ctrl+Alt+s
type "70318264"
tap id:staff.pin_submit
expect-screen technician
tap id:staff.tab_content
tap id:staff.install_usb
expect-text "Nouveau contenu installé"
tap id:staff.tab_tools
tap id:staff.export_logs
expect-text "Journaux exportés"
tap id:staff.leave
tap id:welcome.start
expect-screen catalog
tap id:catalog.back
expect-screen welcome
expect-text "contenu de la clé USB"
GSC
cp "$script" "$work/overlay/upper/guichet/usb-stick"
rm -f "$work/run/go"
unshare -m --propagation slave sh -c 'mount -t overlay overlay -o "lowerdir=/usr/lib,upperdir=$1/overlay/upper,workdir=$1/overlay/work" /usr/lib
  while [ ! -e "$1/run/go" ]; do sleep 0.1; done
  cd "$1/state" && exec setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$1/state" SDL_AUDIODRIVER=dummy \
    LANG=C.UTF-8 "$2/kiosk/app/guichet" --headless --config "$1/guichet.toml" --script "$1/technician.gsc"' \
  sh "$work" "$build" > "$work/kiosk.out" 2>&1 &
kiosk=$!
loop=$(losetup -f --show "$work/stick2.img")
name=${loop#/dev/}
sleep 0.5
"$script" mount "$name"
target=$work/media/GUICHET
touch "$work/run/go"
wait $kiosk || { cat "$work/kiosk.out"; fail "the technician's steps failed on the kiosk"; }
ls "$target"/guichet-logs-*/state.txt > /dev/null || fail "no exported logs on the stick"
[ "$(findmnt -no FS-OPTIONS "$target" | cut -d, -f1)" = ro ] || fail "read-write after the kiosk's export"
echo "the kiosk installed the stick's pack and exported its logs ($(basename "$target"/guichet-logs-*));" \
  "the stick is read-only again"
echo "usb-stick-test: passed (the script and the kiosk)"
