#!/usr/bin/env bash
# Rebuilds assets/data/postcodes.tsv from the codes-postaux npm package, at the exact version pinned in
# scripts/postcodes/package-lock.json, so the same lock always gives the same file.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "build-postcodes: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 1
}

# npm ci installs exactly what the lock says and fails if package.json and the lock disagree.
(cd scripts/postcodes && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

# Written beside the target and moved into place, so a failed run never leaves half a table.
tmp=$(mktemp assets/data/.postcodes.tsv.XXXXXX)
trap 'rm -f "$tmp"' EXIT
node scripts/postcodes/build-table.mjs "$tmp"
chmod 644 "$tmp"
mv "$tmp" assets/data/postcodes.tsv
trap - EXIT
echo "build-postcodes: wrote assets/data/postcodes.tsv ($(wc -c <assets/data/postcodes.tsv) bytes)"
