#!/usr/bin/env bash
# Checks image/mkosi/mkosi.extra/usr/lib/guichet/usb-stick without a VM, as root on any Linux with ext4
# and loop devices (a container will do): an ext4 "stick" on a loop device is mounted as
# guichet-usb@<loop>.service would mount it, read-only for root and for a "kiosk" in its own mount
# namespace made before the stick (as guichet.service's sandbox is), writable for that kiosk only between
# export-begin and export-end, and unmounted (lazily, a file still open) when it goes. The USB check is
# skipped (GUICHET_USB_ANY_BUS); vfat and exfat are checked in the VM (image/qemu-test.sh).
#   image/usb-stick-test.sh
set -euo pipefail
script=$(cd "$(dirname "$0")" && pwd)/mkosi/mkosi.extra/usr/lib/guichet/usb-stick
work=$(mktemp -d /tmp/usb-stick-test.XXXXXX)
chmod 755 "$work"
export GUICHET_USB_RUN=$work/run GUICHET_USB_MEDIA=$work/media GUICHET_USB_USER=nobody GUICHET_USB_ANY_BUS=1
loop="" watcher=""
cleanup() {
  [ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
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
echo "usb-stick-test: passed"
