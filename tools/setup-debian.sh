#!/usr/bin/env bash
# Installs what building and testing wirestate needs on Debian 12, if missing.
# Idempotent and quiet when everything is there already.  Needs root (or sudo).
set -eu
packages="build-essential cmake pkg-config libpcap-dev uthash-dev libcmocka-dev iproute2"
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
