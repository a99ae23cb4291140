#!/usr/bin/env bash
# Fetches the demo video, Megamind.avi from Debian's opencv-doc package, into
# data/samples/ and checks its sha256. Prints the path. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/data/samples/Megamind.avi"
want=0057387cb7e75c8fd1663b62cfdc51fa53f527795d0fe3c1fea2fd159d3130b5

check() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$want" ]; }

if check "$dest"; then echo "$dest"; exit 0; fi
mkdir -p "$root/data/samples"
installed=/usr/share/doc/opencv-doc/examples/data/Megamind.avi
if check "$installed"; then
  cp "$installed" "$dest.tmp"
else
  # Images that exclude /usr/share/doc from installs still let us unpack the .deb ourselves.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download opencv-doc >/dev/null 2>&1) || {
    apt-get update -qq && (cd "$work" && apt-get download opencv-doc >/dev/null)
  }
  dpkg-deb -x "$work"/opencv-doc_*.deb "$work/x"
  cp "$work/x/usr/share/doc/opencv-doc/examples/data/Megamind.avi" "$dest.tmp"
fi
if ! check "$dest.tmp"; then
  echo "fetch-sample: $dest.tmp: sha256 mismatch (want $want); remove it and re-run $0" >&2
  exit 1
fi
mv "$dest.tmp" "$dest"
echo "$dest"
