#!/usr/bin/env bash
# Replays every fuzz reproducer kept in tests/fuzz/regressions/<harness>/ and
# the seed corpora in tests/fuzz/seeds/<harness>/ through the harnesses,
# without libFuzzer: each tests/fuzz/fuzz_<harness>.c is compiled with
# replay_main.c, by the build's own compiler and sanitizer flags, against
# BUILD_DIR/libwirestate_core.a, into BUILD_DIR/fuzz-replay/.  Each input is
# one run; it passes when the harness exits 0 with no sanitizer report.
# The capture reproducers also go through BUILD_DIR/wirestate itself.
# WS_FUZZ_SEEDS=N replays every Nth seed only (default 1: all of them).
# Skips (77) when the library has not been built.
# Usage: fuzz_regressions.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
lib="$build/libwirestate_core.a"
fuzz="$src/tests/fuzz"
[ -f "$lib" ] || { echo "fuzz_regressions: $lib absent, skipping"; exit 77; }

cache_var() {   # value of a CMakeCache.txt entry, or empty
  sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null | head -n 1
}
cc=$(cache_var CMAKE_C_COMPILER)
[ -n "$cc" ] && [ -x "$cc" ] || cc=${CC:-cc}
flags=(-std=c11 -D_DEFAULT_SOURCE -g -O1 -w -I"$src/include")
uthash=$(cache_var UTHASH_INCLUDE_DIR)
[ -n "$uthash" ] && flags+=(-I"$uthash")
case "$(cache_var WS_SANITIZE)" in
  ON|on|1|TRUE|true|YES|yes)
    flags+=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer) ;;
esac
pcap_cflags=$(pkg-config --cflags libpcap 2>/dev/null || true)
# The libraries the library needs: what the CLI is linked with after it.
libs=$(sed -n 's/.*libwirestate_core\.a//p' "$build/CMakeFiles/wirestate.dir/link.txt" 2>/dev/null)
[ -n "$libs" ] || libs="$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap) -lcrypto -lm"

out="$build/fuzz-replay"
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=98:print_stacktrace=1}
every=${WS_FUZZ_SEEDS:-1}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

passed=0 failed=0
for harness_src in "$fuzz"/fuzz_*.c; do
  name=$(basename "$harness_src" .c)
  short=${name#fuzz_}
  bin="$out/${name}_replay"
  # shellcheck disable=SC2086
  if ! "$cc" "${flags[@]}" $pcap_cflags -o "$bin" "$harness_src" "$fuzz/replay_main.c" "$lib" \
       $libs > "$log" 2>&1; then
    echo "FAIL: cannot build $name replay with $cc"
    head -30 "$log"
    failed=$((failed + 1))
    continue
  fi
  inputs=()
  if [ -d "$fuzz/regressions/$short" ]; then
    while IFS= read -r -d '' f; do inputs+=("$f"); done < <(
      find "$fuzz/regressions/$short" -type f ! -name '.*' ! -name 'README*' -print0 | sort -z)
  fi
  n=0
  if [ -d "$fuzz/seeds/$short" ]; then
    while IFS= read -r -d '' f; do
      [ $((n++ % every)) -eq 0 ] && inputs+=("$f")
    done < <(find "$fuzz/seeds/$short" -type f ! -name '.*' -print0 | sort -z)
  fi
  h_pass=0 h_fail=0
  for f in "${inputs[@]}"; do
    timeout 60 "$bin" "$f" > /dev/null 2> "$log"
    rc=$?
    if [ $rc -eq 0 ] && ! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error|fuzz check failed' "$log"; then
      h_pass=$((h_pass + 1))
    else
      h_fail=$((h_fail + 1))
      echo "FAIL ($name, exit $rc): ${f#"$src"/}"
      grep -E 'runtime error|ERROR: |fuzz check failed|SUMMARY|^    #[0-9]' "$log" | head -12
    fi
  done
  echo "$name: ${#inputs[@]} inputs replayed, $h_fail failed"
  passed=$((passed + h_pass)) failed=$((failed + h_fail))
done
# The capture reproducers are capture files: the CLI must also read each one,
# in text and in JSON with the table, and end with status 0, or 1 with a
# one-line reason, never with a crash or a sanitizer report.
ws="$build/wirestate"
if [ -x "$ws" ] && [ -d "$fuzz/regressions/capture" ]; then
  n=0 c_fail=0
  while IFS= read -r -d '' f; do
    for mode in "--table -tt" "--json --table"; do
      n=$((n + 1))
      # shellcheck disable=SC2086
      timeout 60 "$ws" -q $mode -r "$f" > /dev/null 2> "$log"
      rc=$?
      ok=0
      if [ $rc -eq 0 ] || { [ $rc -eq 1 ] && [ "$(wc -l < "$log")" -eq 1 ] && grep -q '^wirestate: ' "$log"; }; then
        ok=1
      fi
      grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$log" && ok=0
      if [ $ok -eq 1 ]; then
        passed=$((passed + 1))
      else
        c_fail=$((c_fail + 1))
        echo "FAIL (wirestate $mode, exit $rc): ${f#"$src"/}"
        head -12 "$log"
      fi
    done
  done < <(find "$fuzz/regressions/capture" -type f ! -name '.*' ! -name 'README*' -print0 | sort -z)
  echo "wirestate: $n runs over the capture reproducers, $c_fail failed"
  failed=$((failed + c_fail))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
