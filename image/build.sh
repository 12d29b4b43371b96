#!/usr/bin/env bash
# Builds the Guichet kiosk OS image (Debian 12, UEFI) with Debian's mkosi 14 from image/mkosi/: the
# Guichet package (scripts/build-package.sh), cage, espeak-ng data, fonts, ALSA, SSH (keys only),
# nftables, a size-capped persistent journal, the kiosk started at boot. Run as root on Debian 12; it
# downloads ~400 MB of Debian packages (kept in the cache for the next build).
#   image/build.sh [OUTPUT_DIR]      (default build/image)
# Writes OUTPUT_DIR/guichet-kiosk.raw (a whole-disk GPT image), its .bmap for bmaptool and SHA256SUMS.
# GUICHET_MKOSI_CACHE keeps the downloaded packages (default /var/tmp/guichet-mkosi-cache);
# GUICHET_DEB=FILE uses that guichet .deb instead of building one (GUICHET_PACKAGE_BUILD, default build/package).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/image}
cache=${GUICHET_MKOSI_CACHE:-/var/tmp/guichet-mkosi-cache}
started=$(date +%s)

needed=(mkosi debootstrap systemd-container dosfstools mtools e2fsprogs fdisk bmap-tools cmake)
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-image: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
scripts/install-deps.sh

echo "== image: the Guichet package"
deb=${GUICHET_DEB:-$(scripts/build-package.sh "${GUICHET_PACKAGE_BUILD:-build/package}" | grep '/guichet_')}
skeleton=$(mktemp -d)
trap 'rm -rf "$skeleton"' EXIT
mkdir -p "$skeleton/var/cache/guichet-image" "$cache" "$out"
cp -a image/mkosi/mkosi.skeleton/. "$skeleton/"
cp "$deb" "$skeleton/var/cache/guichet-image/"
out=$(cd "$out" && pwd)

echo "== image: mkosi (Debian 12, $(mkosi --version))"
# The package's dependencies come with the Debian packages (mkosi.postinst then needs no network).
depends=$(dpkg-deb --field "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | paste -sd, -)
(cd image/mkosi && mkosi --force --skeleton-tree "$skeleton" --cache "$cache" --output-dir "$out" \
  --package "$depends" build)

tree=$out/debian~bookworm/guichet-kiosk # where mkosi 14 puts a directory image
[ -d "$tree/usr" ] || { echo "build-image: mkosi made no OS tree in $tree" >&2; exit 1; }

echo "== image: the disk (GPT: EFI system partition, ext4 root)"
image=$out/guichet-kiosk.raw
image/assemble-disk.sh "$tree" "$image"
rm -rf "$tree"

elapsed=$(( $(date +%s) - started ))
echo "== image: $image"
echo "   size $(du -h --apparent-size "$image" | cut -f1) (disk), $(du -h "$image" | cut -f1) of data (sparse);" \
  "built in $((elapsed / 60)) min $((elapsed % 60)) s"
echo "   flash: bmaptool copy $image /dev/sdX   (README.md, \"Kiosk technicians\")"
