#!/usr/bin/env bash
# Refresh the vendored browser JavaScript under src/zerocity/web/static/vendor/ (development time only).
#
# ZeroCity never loads scripts from a CDN: member cities run it behind firewalls and the CSP is
# `default-src 'self'` (STACK.md 2.9). This script fetches the published npm tarball with `npm pack` (the
# registry checks the tarball's integrity hash), copies the minified build and its licence next to each other,
# and prints the version it vendored. Nothing is installed into node_modules; the temp dir is removed on exit.
#
# Usage: scripts/vendor-js.sh            # newest htmx 2.0.x
#        HTMX_VERSION=2.0.11 scripts/vendor-js.sh
# Commit the changed files under static/vendor/ together with the version in the commit message.
set -euo pipefail
cd "$(dirname "$0")/.."

HTMX_VERSION=${HTMX_VERSION:-2.0.x}
VENDOR_DIR=src/zerocity/web/static/vendor

command -v npm >/dev/null || { echo "vendor-js: npm is needed (apt-get install npm)" >&2; exit 1; }

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

# `npm pack <spec>` resolves a range to the newest matching release and writes <name>-<version>.tgz.
tarball=$(cd "$workdir" && npm pack --silent "htmx.org@${HTMX_VERSION}" | tail -n 1)
tar -xzf "$workdir/$tarball" -C "$workdir"
resolved=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$workdir/package/package.json" | head -n 1)

mkdir -p "$VENDOR_DIR"
install -m 0644 "$workdir/package/dist/htmx.min.js" "$VENDOR_DIR/htmx.min.js"
licence=$(find "$workdir/package" -maxdepth 1 -iname 'licen[cs]e*' | head -n 1)
[ -n "$licence" ] || { echo "vendor-js: no licence file in htmx.org@${resolved}" >&2; exit 1; }
install -m 0644 "$licence" "$VENDOR_DIR/htmx.LICENSE"

echo "vendor-js: htmx.org@${resolved} -> $VENDOR_DIR/htmx.min.js (+ htmx.LICENSE)"
