#!/usr/bin/env bash
# Boots a built kiosk image in QEMU (KVM, UEFI) and checks it as a technician would: the first-boot
# provisioning file is applied, SSH lets a key in, guichet.service runs cage and the kiosk, the kiosk
# is READY, a frozen kiosk is restarted by the systemd watchdog, and a USB stick plugged in (a virtual
# usb-storage on qemu-xhci) is mounted read-only under /media, a signed pack on it is installed and the
# logs exported from the technician page, and the stick is unmounted when pulled out. Writes a screenshot.
#   image/qemu-test.sh IMAGE [OUT_DIR]     (needs qemu-system-x86, ovmf, socat, dosfstools and mtools;
#                                          the image is not modified)
# The stick's pack is signed here with guichet-hub (GUICHET_HUB, default build/package/sync/hub/guichet-hub
# or the one on PATH) from this tree's assets/.
set -euo pipefail
image=$1 out=${2:-$(dirname "$image")/qemu-test}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
hub=${GUICHET_HUB:-$source_dir/build/package/sync/hub/guichet-hub}
[ -x "$hub" ] || hub=$(command -v guichet-hub) || { echo "qemu-test: no guichet-hub to sign the stick's pack (GUICHET_HUB)" >&2; exit 1; }
mkdir -p "$out"

# The USB stick: FAT, label GUICHET, a pack (version 2, its welcome title changed) signed with a new key.
rm -rf "$out/pack-work" "$out/stick.img"
mkdir -p "$out/pack-work"
"$hub" pack keygen --out "$out/pack-work/pack.key" > /dev/null
cp -r "$source_dir/assets" "$out/pack-work/assets"
sed -i 's/^  "welcome.title": "Bienvenue",/  "welcome.title": "Bienvenue, contenu de la clé USB",/' "$out/pack-work/assets/strings/fr.json"
grep -q "contenu de la clé USB" "$out/pack-work/assets/strings/fr.json"
"$hub" pack build "$out/pack-work/assets" --key "$out/pack-work/pack.key" --version 2 --out "$out/pack-work/pack" > /dev/null
truncate -s 64M "$out/stick.img"
mkfs.vfat -n GUICHET "$out/stick.img" > /dev/null
MTOOLS_SKIP_CHECK=1 mcopy -s -i "$out/stick.img" "$out/pack-work/pack" ::/guichet-pack
disk=$out/disk.raw
cp --sparse=always "$image" "$disk"
rm -f "$out/id" "$out/id.pub"
ssh-keygen -q -t ed25519 -N "" -f "$out/id" -C qemu-test
cat > "$out/provision.env" <<ENV
KIOSK_ID=qemu-test
PLACE="Mairie de test"
SSH_KEYS="$(cat "$out/id.pub")"
SIGNING_KEYS="$(cat "$out/pack-work/pack.key.pub")"
ENV
MTOOLS_SKIP_CHECK=1 mcopy -o -i "$disk@@1M" "$out/provision.env" ::/guichet/provision.env
port=${GUICHET_QEMU_SSH_PORT:-2222}
# GUICHET_QEMU_ACCEL="-accel tcg" where KVM is missing or nested KVM fails (slower: minutes to boot).
qemu-system-x86_64 ${GUICHET_QEMU_ACCEL:--enable-kvm -cpu host} -m 2048 -smp 2 -bios /usr/share/ovmf/OVMF.fd \
  -drive file="$disk",format=raw,if=virtio -vga std -display none -device qemu-xhci,id=xhci \
  -netdev user,id=net0,hostfwd=tcp:127.0.0.1:$port-:22 -device virtio-net-pci,netdev=net0 \
  -monitor unix:"$out/monitor",server,nowait -serial file:"$out/serial.log" &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM
kiosk() { ssh -q -i "$out/id" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
  -o ConnectTimeout=5 -o BatchMode=yes root@127.0.0.1 "$@"; }
started=$(date +%s)
until kiosk true 2>/dev/null; do
  [ $(( $(date +%s) - started )) -lt 900 ] || { echo "qemu-test: no SSH after 900 s" >&2; exit 1; }
  sleep 5
done
echo "SSH with the provisioned key after $(( $(date +%s) - started )) s"
for _ in $(seq 30); do kiosk systemctl is-active --quiet guichet && break; sleep 2; done
kiosk 'systemctl status --no-pager guichet | head -20; journalctl -b --no-pager -u guichet-firstboot | tail -3;
  grep -E "^(id|place_name|renderer) " /etc/guichet/guichet.toml; nft list ruleset | grep -c dport;
  journalctl -b --no-pager -u guichet | tail -15'
sleep 3
echo "screendump $out/screen.ppm" | socat - UNIX-CONNECT:"$out/monitor" > /dev/null 2>&1 || true
echo "== the watchdog: the kiosk is frozen with SIGSTOP; systemd must restart it within WatchdogSec"
kiosk 'before=$(systemctl show -P NRestarts guichet); kill -STOP $(pidof guichet);
  for i in $(seq 60); do sleep 2; [ "$(systemctl show -P NRestarts guichet)" != "$before" ] && break; done;
  echo "restarts: $before -> $(systemctl show -P NRestarts guichet)";
  journalctl -b --no-pager -u guichet | grep -i -m3 "watchdog"'

echo "== a USB stick: plugged in, mounted read-only under /media, a pack installed and logs exported from the"
echo "   technician page (the kiosk headless, in guichet.service's sandbox), then pulled out"
monitor() { echo "$1" | socat - UNIX-CONNECT:"$out/monitor" > /dev/null; }
usb_started=$(date +%s)
monitor "drive_add 0 if=none,id=stick,format=raw,file=$out/stick.img"
monitor "device_add usb-storage,bus=xhci.0,drive=stick,id=stick0"
kiosk 'set -e
  for i in $(seq 60); do mountpoint -q /media/GUICHET && break; sleep 1; done
  mountpoint -q /media/GUICHET || { journalctl -b --no-pager -u "guichet-usb@*" | tail; echo "no stick under /media" >&2; exit 1; }
  echo "mounted: $(findmnt -no SOURCE,FSTYPE,VFS-OPTIONS,FS-OPTIONS /media/GUICHET)"
  systemctl --no-pager --plain list-units "guichet-usb@*" | head -3
  if touch /media/GUICHET/written-by-root 2>/dev/null; then echo "root could write on the stick" >&2; exit 1; fi
  echo "root cannot write: read-only"
  # The live kiosk (started before the stick) sees it in its own mount namespace, read-only, until an
  # export makes it writable.
  pid=$(systemctl show -P MainPID guichet) # cage, in the namespace of the service, READY or not
  [ "$pid" != 0 ]
  as_kiosk() { nsenter -t "$pid" -m setpriv --reuid=guichet --regid=guichet --init-groups sh -c "$1"; }
  as_kiosk "ls /media/GUICHET/guichet-pack/manifest.json"
  if as_kiosk "touch /media/GUICHET/x" 2>/dev/null; then echo "the kiosk could write outside an export" >&2; exit 1; fi
  as_kiosk "/usr/lib/guichet/usb-stick export-begin && touch /media/GUICHET/kiosk-export-test && /usr/lib/guichet/usb-stick export-end"
  if as_kiosk "touch /media/GUICHET/y" 2>/dev/null; then echo "the stick stayed writable after the export" >&2; exit 1; fi
  echo "the kiosk wrote only during the export; read-only again: $(findmnt -no FS-OPTIONS /media/GUICHET | cut -d, -f1)"'
# The technician's path: the PIN, Content, "Install from a USB stick", Tools, "Export the logs". The kiosk
# runs headless with the image's configuration (the pack key came with the provisioning file), as the
# guichet user in guichet.service's sandbox.
kiosk "set -e
  grep -q '^signing_keys = \\[\"' /etc/guichet/guichet.toml # from the provisioning file
  systemctl stop guichet
  echo 70318264 | setpriv --reuid=guichet --regid=guichet --init-groups guichetctl set-pin technician
  cat > /run/guichet-usb-test.gsc <<'GSC'
key Ctrl+Alt+s
type \"70318264\"
tap id:staff.pin_submit
expect-screen technician
tap id:staff.tab_content
tap id:staff.install_usb
expect-text \"Nouveau contenu installé\"
tap id:staff.tab_tools
tap id:staff.export_logs
expect-text \"Journaux exportés\"
tap id:staff.leave
tap id:welcome.start
expect-screen catalog
tap id:catalog.back
expect-screen welcome
expect-text \"contenu de la clé USB\"
GSC
  chmod 644 /run/guichet-usb-test.gsc
  started=\$(date +%s)
  systemd-run --quiet --wait --pipe --collect -p User=guichet -p WorkingDirectory=/var/lib/guichet \
    -p ProtectSystem=full -p ProtectHome=yes -p PrivateTmp=yes -p NoNewPrivileges=yes -p UMask=0077 \
    -E LANG=C.UTF-8 -E HOME=/var/lib/guichet -E SDL_AUDIODRIVER=dummy \
    /usr/bin/guichet --headless --config /etc/guichet/guichet.toml --script /run/guichet-usb-test.gsc
  echo \"the technician page's script passed in \$(( \$(date +%s) - started )) s\"
  # As the kiosk's user: root would leave files in /var/lib/guichet that the kiosk cannot open.
  setpriv --reuid=guichet --regid=guichet --init-groups guichetctl pack status | head -2
  setpriv --reuid=guichet --regid=guichet --init-groups guichetctl audit | grep -E 'install-usb|export-logs'
  ls /media/GUICHET
  findmnt -no FS-OPTIONS /media/GUICHET | grep -q '^ro' || { echo 'the stick is writable after the export' >&2; exit 1; }
  systemctl start guichet"
monitor "device_del stick0"
kiosk 'for i in $(seq 30); do mountpoint -q /media/GUICHET || break; sleep 1; done
  if mountpoint -q /media/GUICHET; then echo "still mounted after the stick was pulled out" >&2; exit 1; fi
  echo "pulled out: /media holds [$(ls /media)]"
  systemctl --no-pager --plain list-units --all "guichet-usb@*" | head -3
  journalctl -b --no-pager -u "guichet-usb@*" -u guichet-usb-export | grep usb-stick'
echo "USB stick checks: $(( $(date +%s) - usb_started )) s"
kill $qemu 2>/dev/null; wait $qemu 2>/dev/null || true
echo "on the stick afterwards: $(MTOOLS_SKIP_CHECK=1 mdir -b -i "$out/stick.img" ::/ | tr '\n' ' ')"
MTOOLS_SKIP_CHECK=1 mdir -b -i "$out/stick.img" ::/ | grep -q "guichet-logs-qemu-test-" \
  || { echo "qemu-test: no exported logs on the stick" >&2; exit 1; }
echo "qemu-test: passed"
