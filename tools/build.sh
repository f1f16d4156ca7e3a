#!/usr/bin/env bash
# Installs the build dependencies if needed, then builds wirestate into build/.
# Usage: tools/build.sh [extra cmake arguments]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup-debian.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
echo "built $root/build/wirestate" >&2
