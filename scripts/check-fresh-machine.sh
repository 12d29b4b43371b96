#!/usr/bin/env bash
# Runs the README's two set-up commands as a newcomer would on a fresh CI machine: each from its own
# clean clone of this repository's HEAD, as root, in a chroot that holds the packages of the CI
# machine's image (scripts/fresh-machine/packages.txt), not a bare minbase that hides what an image
# brings (man-db, a pyenv python3 first on PATH, NodeSource's node). Prints how long each took.
# Run as root on Debian 12; see docs/fresh-machine.md.
#   scripts/check-fresh-machine.sh [test] [demo]        (default: both, one after the other)
#   scripts/check-fresh-machine.sh base                 (only make the image-like chroot)
# GUICHET_FRESH_BASE caches the image-like chroot (default /var/tmp/guichet-fresh-base); each run
# gets a throw-away overlay of it, so the base stays as new.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
base=${GUICHET_FRESH_BASE:-/var/tmp/guichet-fresh-base}
logs=${GUICHET_FRESH_LOGS:-$repo/build/fresh-machine}
commands=("$@")
[ ${#commands[@]} -gt 0 ] || commands=(test demo)
fail() { echo "check-fresh-machine: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root (it builds a chroot)"
for command in "${commands[@]}"; do
  case $command in test | demo | base) ;; *) fail "unknown command '$command' (test, demo, base)" ;; esac
done
mkdir -p "$logs"

# npm as the host has it, whole: an npm that updated itself on the host no longer matches the files
# dpkg lists for nodejs, and half of each would not run.
copy_host_npm() {
  if [ -d /usr/lib/node_modules/npm ]; then
    rm -rf "$base/usr/lib/node_modules/npm"
    mkdir -p "$base/usr/lib/node_modules"
    cp -a /usr/lib/node_modules/npm "$base/usr/lib/node_modules/"
  fi
}

# The base: Debian 12 with every package of the CI image, made once and kept.
if [ ! -e "$base/.complete" ]; then
  command -v debootstrap > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "== fresh machine: debootstrap, then the image's packages into $base (once; about 15 minutes)"
  for mount in proc dev; do mountpoint -q "$base/$mount" && umount -l "$base/$mount"; done
  rm -rf "$base"
  debootstrap --variant=minbase bookworm "$base" "$mirror" > "$logs/debootstrap.log" 2>&1 \
    || { tail -20 "$logs/debootstrap.log"; fail "debootstrap failed"; }
  cp /etc/apt/sources.list.d/debian.sources "$base/etc/apt/sources.list.d/" 2>/dev/null \
    && rm -f "$base/etc/apt/sources.list"
  cp /etc/resolv.conf "$base/etc/resolv.conf"
  mount --bind /dev "$base/dev"
  mount -t proc proc "$base/proc"
  trap 'umount -l "$base/proc" "$base/dev" 2>/dev/null || true' EXIT
  chroot "$base" apt-get update -qq
  grep -v '^#' scripts/fresh-machine/packages.txt > "$base/tmp/packages.txt"
  # One install of the whole list; a name this archive does not have (the image also has a few from
  # other vendors' archives, which this machine cannot reach) is left out and listed.
  chroot "$base" apt-cache pkgnames | sort -u > "$logs/archive-names.txt"
  sort -u "$base/tmp/packages.txt" > "$logs/wanted.txt"
  comm -12 "$logs/wanted.txt" "$logs/archive-names.txt" > "$base/tmp/install.txt"
  missing=$(comm -23 "$logs/wanted.txt" "$logs/archive-names.txt" | tr '\n' ' ')
  [ -z "$missing" ] || echo "not in Debian's archive, left out: $missing"
  chroot "$base" env DEBIAN_FRONTEND=noninteractive sh -c \
    'xargs apt-get install -y -qq --no-install-recommends < /tmp/install.txt' > "$logs/packages.log" 2>&1 \
    || { tail -30 "$logs/packages.log"; fail "the image's packages did not install"; }
  # The image's node and npm come from NodeSource, which this machine cannot reach: the host's own.
  if dpkg-query -W -f='${Status}' nodejs 2>/dev/null | grep -q "install ok installed"; then
    dpkg -L nodejs | while read -r path; do [ -f "$path" ] || [ -L "$path" ] && echo "$path"; done \
      | tar -cf - -T - 2>/dev/null | tar -xf - -C "$base"
  fi
  copy_host_npm
  umount -l "$base/proc" "$base/dev"
  trap - EXIT
  touch "$base/.complete"
fi

[ -e "$base/.complete" ] && copy_host_npm

# One README command in a throw-away overlay of the base, from a clean clone; prints its wall time.
run_in_fresh_machine() {
  local name=$1 script=$2 work
  work=$(mktemp -d /var/tmp/guichet-fresh-run.XXXXXX)
  mkdir -p "$work/upper" "$work/work" "$work/root"
  local root=$work/root
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/work" "$root"
  cleanup_run() {
    set +e
    for mount in dev/pts dev sys proc; do mountpoint -q "$root/$mount" && umount -l "$root/$mount"; done
    umount -l "$root"
    rm -rf "$work"
  }
  trap cleanup_run RETURN
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # This kind of machine reaches the npm registry through its own certificate authority, which it
  # trusts system-wide and in npm's configuration: the network's setting, like resolv.conf, not ours.
  [ -d /usr/local/share/ca-certificates ] && cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  for npmrc in /etc/npmrc /root/.npmrc; do [ -f "$npmrc" ] && cp "$npmrc" "$root$npmrc"; done
  git clone -q "$repo" "$root/root/guichet"
  echo "== fresh machine: $script (log: $logs/$name.log)"
  local start=$SECONDS status=0
  # The environment CI gives .ci/run: root's PATH with pyenv's shims first (absent here, as python3
  # packages from pip are), no display, no terminal.
  chroot "$root" env -i HOME=/root LANG=C.UTF-8 CI=true ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS} \
    PATH=/root/.pyenv/shims:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    sh -c "cd /root/guichet && $script" < /dev/null > "$logs/$name.log" 2>&1 || status=$?
  local took=$((SECONDS - start))
  printf '%s: exit %d after %dm%02ds\n' "$script" "$status" $((took / 60)) $((took % 60)) | tee -a "$logs/summary.txt"
  [ "$status" -eq 0 ] || { tail -40 "$logs/$name.log"; return 1; }
}

: > "$logs/summary.txt"
result=0
for command in "${commands[@]}"; do
  [ "$command" = base ] && continue
  run_in_fresh_machine "$command" "./scripts/$command.sh" || result=1
done
cat "$logs/summary.txt"
exit $result
