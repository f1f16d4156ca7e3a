#!/usr/bin/env bash
# Installs what building and testing wirestate needs on Debian 12, if missing.
# Idempotent and quiet when everything is there already.  Needs root (or sudo).
set -eu
# clang, libclang-rt-dev (libFuzzer, ASan, UBSan runtimes; Debian 12: LLVM 14)
# and llvm (llvm-symbolizer, for readable stacks) are for tests/fuzz_smoke.sh,
# which skips without them; clang only recommends the runtime, so with
# --no-install-recommends it has to be named.
# libssl-dev: SHA-1 for the Community ID; valgrind: tests/valgrind.sh.
packages="build-essential cmake pkg-config libpcap-dev uthash-dev libcmocka-dev libssl-dev iproute2 valgrind clang libclang-rt-dev llvm"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
