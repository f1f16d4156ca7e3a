#!/usr/bin/env bash
# The whole test suite: installs dependencies if needed, builds wirestate
# twice (plain, and with AddressSanitizer + UndefinedBehaviorSanitizer), and
# runs every test in both builds: cmocka unit tests, golden scenarios, the
# corpus run and, as root, the live capture in network namespaces.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup-debian.sh"
jobs=$(nproc)
status=0
for variant in plain asan; do
  dir="$root/build"
  flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
  if [ "$variant" = asan ]; then
    dir="$root/build-asan"
    flags=(-DCMAKE_BUILD_TYPE=Debug -DWS_SANITIZE=ON)
  fi
  echo "== $variant build ($dir)"
  cmake -S "$root" -B "$dir" "${flags[@]}" >/dev/null
  log="$dir/build.log"
  if ! cmake --build "$dir" -j"$jobs" > "$log" 2>&1; then
    cat "$log"; echo "$variant build failed"; exit 1
  fi
  if grep -E 'warning:' "$log"; then echo "$variant build has warnings"; status=1; fi
  ASAN_OPTIONS=detect_leaks=1:exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1 \
    ctest --test-dir "$dir" --output-on-failure -j"$jobs" || status=1
done
exit $status
