#!/usr/bin/env bash
# Install the Debian packages that the test suite needs (listed in scripts/system-packages.txt)
# when they are missing. Runs apt-get as root, or through sudo when that is available.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
missing=()
while read -r pkg cmd; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    command -v "${cmd:-$pkg}" >/dev/null 2>&1 || missing+=("$pkg")
done < "$here/system-packages.txt"
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "system-deps: installing ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "system-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
