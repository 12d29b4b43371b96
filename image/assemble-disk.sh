#!/usr/bin/env bash
# Makes the kiosk's bootable GPT disk image from the OS tree that mkosi built, without mounting
# anything (so it works where the kernel lacks vfat or loop devices): an EFI system partition (FAT,
# written with mtools: systemd-boot, the kernel, the initrd, a provisioning example) and an ext4 root
# (mkfs.ext4 -d). systemd-boot boots the kernel with root=PARTUUID=<the root partition>.
#   image/assemble-disk.sh TREE IMAGE     (writes IMAGE, IMAGE.bmap and SHA256SUMS beside it)
set -euo pipefail
tree=$1 image=$2
esp_mib=256 root_mib=${GUICHET_ROOT_MIB:-3072}
work=$(mktemp -d "$(dirname "$image")/.assemble.XXXXXX")
trap 'rm -rf "$work"' EXIT

kernel=$(ls "$tree"/boot/vmlinuz-* | sort -V | tail -n 1)
version=${kernel##*/vmlinuz-}
initrd=$tree/boot/initrd.img-$version
[ -f "$initrd" ] || { echo "assemble-disk: no initrd for kernel $version in $tree/boot" >&2; exit 1; }
bootloader=$tree/usr/lib/systemd/boot/efi/systemd-bootx64.efi
[ -f "$bootloader" ] || { echo "assemble-disk: no $bootloader (package systemd-boot)" >&2; exit 1; }
root_uuid=$(cat /proc/sys/kernel/random/uuid)
esp_uuid=$(cat /proc/sys/kernel/random/uuid)
esp_type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
root_type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709 # Linux root (x86-64), discoverable partitions spec
options="root=PARTUUID=$root_uuid rw quiet loglevel=3"

# The EFI system partition.
esp=$work/esp.img
mkfs.fat -C -F 32 -n ESP "$esp" $((esp_mib * 1024)) > /dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/EFI/systemd ::/loader ::/loader/entries ::/guichet
mcopy -i "$esp" "$bootloader" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$bootloader" ::/EFI/systemd/systemd-bootx64.efi
mcopy -i "$esp" "$kernel" ::/guichet/vmlinuz
mcopy -i "$esp" "$initrd" ::/guichet/initrd.img
printf 'timeout 0\ndefault guichet.conf\neditor no\n' > "$work/loader.conf"
mcopy -i "$esp" "$work/loader.conf" ::/loader/loader.conf
printf 'title Guichet kiosk\nversion %s\nlinux /guichet/vmlinuz\ninitrd /guichet/initrd.img\noptions %s\n' \
  "$version" "$options" > "$work/guichet.conf"
mcopy -i "$esp" "$work/guichet.conf" ::/loader/entries/guichet.conf
cat > "$work/provision.env.example" <<'ENV'
# Copy to provision.env (same folder), fill in, boot the kiosk: it is applied, then deleted.
# See README.md, "Provisioning: hub, token, keys".
KIOSK_ID=mairie-12
PLACE="Mairie de Saint-Martin"
HUB_URL=https://hub.example.org
TOKEN=
SUBMISSION_KEY=
SIGNING_KEYS=""
SSH_KEYS="ssh-ed25519 AAAA... technician@laptop"
ENV
mcopy -i "$esp" "$work/provision.env.example" ::/guichet/provision.env.example

# The root file system: the kernel and initrd live on the ESP; the ESP is mounted at /efi.
mkdir -p "$tree/efi"
printf 'PARTUUID=%s / ext4 defaults,noatime 0 1\nPARTUUID=%s /efi vfat umask=0077,nofail 0 2\n' \
  "$root_uuid" "$esp_uuid" > "$tree/etc/fstab"
root=$work/root.img
mkfs.ext4 -q -L guichet-root -d "$tree" "$root" "${root_mib}M"

# The disk: 1 MiB before the first partition, 1 MiB after the last (the backup GPT).
rm -f "$image"
truncate -s $(( (1 + esp_mib + root_mib + 1) * 1024 * 1024 )) "$image"
sfdisk -q "$image" <<TABLE
label: gpt
start=1MiB, size=${esp_mib}MiB, type=$esp_type, uuid=$esp_uuid, name="esp"
start=$((1 + esp_mib))MiB, size=${root_mib}MiB, type=$root_type, uuid=$root_uuid, name="root-x86-64"
TABLE
dd if="$esp" of="$image" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$root" of="$image" bs=1M seek=$((1 + esp_mib)) conv=notrunc,sparse status=none

bmaptool create "$image" > "$image.bmap"
(cd "$(dirname "$image")" && sha256sum "$(basename "$image")" "$(basename "$image").bmap" > SHA256SUMS)
