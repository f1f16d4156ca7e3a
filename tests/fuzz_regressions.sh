#!/usr/bin/env bash
# Replays every fuzz reproducer kept in tests/fuzz/regressions/<harness>/ and
# the seed corpora in tests/fuzz/seeds/<harness>/ through the harnesses,
# without libFuzzer: each tests/fuzz/fuzz_<harness>.c is compiled with
# replay_main.c, by the build's own compiler and sanitizer flags, against
# BUILD_DIR/libwirestate_core.a, into BUILD_DIR/fuzz-replay/.  Each input is
# one run; it passes when the harness exits 0 with no sanitizer report.
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
pcap_libs=$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap)
pcap_cflags=$(pkg-config --cflags libpcap 2>/dev/null || true)

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
       $pcap_libs -lm > "$log" 2>&1; then
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
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
