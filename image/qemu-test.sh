#!/usr/bin/env bash
# Boots a built kiosk image in QEMU (KVM, UEFI) and checks it as a technician would: the first-boot
# provisioning file is applied, SSH lets a key in, guichet.service runs cage and the kiosk, the kiosk
# is READY, and a frozen kiosk is restarted by the systemd watchdog. Writes a screenshot of the screen.
#   image/qemu-test.sh IMAGE [OUT_DIR]     (needs qemu-system-x86 and ovmf; the image is not modified)
set -euo pipefail
image=$1 out=${2:-$(dirname "$image")/qemu-test}
mkdir -p "$out"
disk=$out/disk.raw
cp --sparse=always "$image" "$disk"
rm -f "$out/id" "$out/id.pub"
ssh-keygen -q -t ed25519 -N "" -f "$out/id" -C qemu-test
cat > "$out/provision.env" <<ENV
KIOSK_ID=qemu-test
PLACE="Mairie de test"
SSH_KEYS="$(cat "$out/id.pub")"
ENV
MTOOLS_SKIP_CHECK=1 mcopy -o -i "$disk@@1M" "$out/provision.env" ::/guichet/provision.env
port=${GUICHET_QEMU_SSH_PORT:-2222}
# GUICHET_QEMU_ACCEL="-accel tcg" where KVM is missing or nested KVM fails (slower: minutes to boot).
qemu-system-x86_64 ${GUICHET_QEMU_ACCEL:--enable-kvm -cpu host} -m 2048 -smp 2 -bios /usr/share/ovmf/OVMF.fd \
  -drive file="$disk",format=raw,if=virtio -vga std -display none \
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
