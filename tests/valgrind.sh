#!/usr/bin/env bash
# The unit tests and wirestate on every scenario capture (text, JSON, table)
# under valgrind: no errors, no leaks.  Skipped (77) without valgrind and in
# the sanitizer build (the two cannot share a process).
# Usage: valgrind.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }
if grep -q '^WS_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: sanitizer build"; exit 77
fi
vg=(valgrind -q --error-exitcode=97 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible)
passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() {   # description, command...
  local what=$1; shift
  if "${vg[@]}" "$@" > /dev/null 2> "$log"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $what"; head -40 "$log"; failed=$((failed + 1))
  fi
}
for t in "$build"/tests/test_*; do
  [ -x "$t" ] && run "$(basename "$t")" "$t"
done
for p in "$src"/pcaps/scenarios/*.pcap; do
  run "$(basename "$p") text" "$build/wirestate" -q -Z root --table -r "$p"
  run "$(basename "$p") json" "$build/wirestate" -q -Z root --json --table -r "$p"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
