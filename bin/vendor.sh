#!/usr/bin/env bash
# Build the vendored front-end code from the npm registry (CONVENTIONS.md habit 14): the versions pinned in
# vendor/package.json and vendor/package-lock.json, bundled once with esbuild, written with their licences
# under desktop/static/desktop/vendor/ and committed. Run it after changing a pinned version; `--check`
# rebuilds into a temporary directory and fails if the committed files differ (a hand edit, a stale build).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out="$root/desktop/static/desktop/vendor"
if [[ "${1:-}" == "--check" ]]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

echo "==> npm ci (vendor/package-lock.json)"
(cd vendor && npm ci --no-audit --no-fund --loglevel=error)
modules="$root/vendor/node_modules"
version() { node -p "require('$modules/$1/package.json').version"; }

# JsSIP ships CommonJS modules since 3.11: one IIFE file exposing window.JsSIP for the desktop's softphone
jssip=$(version jssip)
echo "==> jssip $jssip"
"$modules/.bin/esbuild" "$modules/jssip/lib/JsSIP.js" --bundle --format=iife --global-name=JsSIP \
    --minify --legal-comments=none --target=es2019 --log-level=warning \
    --banner:js="/* JsSIP $jssip (MIT) with debug, ms, events, sdp-transform: licences in jssip.LICENSE.txt; built by bin/vendor.sh */" \
    --outfile="$out/jssip.min.js"
{
    for package in jssip debug ms events sdp-transform; do
        licence=$(find "$modules/$package" -maxdepth 1 -iname 'licen[cs]e*' | head -n 1)
        echo "==== $package $(version "$package") ($(node -p "require('$modules/$package/package.json').license"))"
        echo
        cat "$licence"
        echo
    done
} > "$out/jssip.LICENSE.txt"
(cd "$out" && sha256sum jssip.min.js jssip.LICENSE.txt) > "$out/SHA256SUMS"

if [[ "${1:-}" == "--check" ]]; then
    if diff -r "$out" "$root/desktop/static/desktop/vendor"; then
        echo "==> vendored files match the pinned build"
    else
        echo "vendored files differ from what bin/vendor.sh builds: run bin/vendor.sh and commit" >&2
        exit 1
    fi
else
    echo "==> wrote $out"
fi
