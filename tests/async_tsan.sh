#!/usr/bin/env bash
# The thread hand-offs under ThreadSanitizer: tests/test_spsc_ring.c and
# tests/test_async_sink.c built with -fsanitize=thread together with the
# source files they need (everything else runs on one thread at a time, so a
# TSan build of all of wirestate adds nothing).  Any data race report fails
# the test.  Skipped (77) when the compiler has no TSan runtime.
# Usage: async_tsan.sh BUILD_DIR SOURCE_DIR
set -u
src=$2
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! echo 'int main(void){return 0;}' | "$cc" -x c -fsanitize=thread - -o "$tmp/probe" 2>/dev/null; then
  echo "SKIP: $cc cannot build with -fsanitize=thread"
  exit 77
fi
cmocka_flags=$(pkg-config --cflags --libs cmocka 2>/dev/null || echo -lcmocka)
failed=0
for test in test_spsc_ring test_async_sink; do
  # shellcheck disable=SC2086
  "$cc" -std=c11 -D_DEFAULT_SOURCE -fsanitize=thread -g -O1 -Wall -Wextra -I"$src/include" \
    "$src/src/common/spsc_ring.c" "$src/src/common/thread.c" "$src/src/report/async_sink.c" "$src/src/common/error.c" \
    "$src/tests/$test.c" $cmocka_flags -pthread -o "$tmp/$test" || { echo "FAIL: TSan build of $test"; exit 1; }
  if TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$tmp/$test" >"$tmp/out" 2>&1 &&
     ! grep -q "ThreadSanitizer" "$tmp/out"; then
    echo "PASS: $test under ThreadSanitizer ($(grep -c '\[       OK \]' "$tmp/out") tests)"
  else
    cat "$tmp/out"
    echo "FAIL: $test under ThreadSanitizer"
    failed=1
  fi
done
exit $failed
