#!/usr/bin/env bash
# The writer thread under ThreadSanitizer: tests/test_async_sink.c built with
# -fsanitize=thread together with the two source files it needs (the rest of
# wirestate is single-threaded, so a TSan build of everything adds nothing).
# Any data race report fails the test.  Skipped (77) when the compiler has no
# TSan runtime.
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
# shellcheck disable=SC2086
"$cc" -std=c11 -D_DEFAULT_SOURCE -fsanitize=thread -g -O1 -Wall -Wextra -I"$src/include" \
  "$src/src/report/async_sink.c" "$src/src/common/error.c" "$src/tests/test_async_sink.c" \
  $cmocka_flags -pthread -o "$tmp/test_async_sink" || { echo "FAIL: TSan build"; exit 1; }
if TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$tmp/test_async_sink" >"$tmp/out" 2>&1 &&
   ! grep -q "ThreadSanitizer" "$tmp/out"; then
  echo "PASS: writer thread under ThreadSanitizer ($(grep -c '\[       OK \]' "$tmp/out") tests)"
  exit 0
fi
cat "$tmp/out"
echo "FAIL: writer thread under ThreadSanitizer"
exit 1
