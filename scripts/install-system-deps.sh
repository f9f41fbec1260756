#!/usr/bin/env bash
# System packages the tests use: Java for the HermiT reasoner, raptor2 (rapper) as an
# independent RDF parser, Chromium as a real browser, Virtuoso Open Source as the remote
# SPARQL store (tests/test_remote_store.py starts its own server on loopback). Installed only
# when missing; never fatal when apt is unavailable, since the tests that need them skip with
# a reason.
set -u
need=()
command -v java   >/dev/null 2>&1 || need+=(default-jre-headless)
command -v rapper >/dev/null 2>&1 || need+=(raptor2-utils)
# Headless Chromium loads the published pages in the publish and server tests (no browser
# is downloaded at test time: Debian's package is used).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
# graphology-gexf (npm; versions pinned in tests/js/package-lock.json) reads the GEXF exports
# back in the network tests. Without npm, or offline, those tests skip.
js_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/js"
if command -v npm >/dev/null 2>&1 && [ -f "$js_dir/package.json" ] && [ ! -d "$js_dir/node_modules/graphology-gexf" ]; then
  (cd "$js_dir" && npm ci --no-audit --no-fund --silent) >/dev/null 2>&1 \
    || echo "warning: could not install tests/js npm packages; the GEXF read-back test will skip" >&2
fi
[ ${#need[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
  echo "installing system packages: ${need[*]}"
  ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
    || echo "warning: could not install ${need[*]}; tests needing them will skip" >&2
fi
exit 0
