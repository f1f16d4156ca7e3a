#!/usr/bin/env bash
# Fuzzes for a bounded time: configures and builds the libFuzzer harnesses
# with clang (ASan + UBSan + LeakSanitizer) in BUILD_DIR/fuzz, reused between
# runs, then runs fuzz_frames and fuzz_capture side by side for
# WS_FUZZ_SECONDS each (default 60), starting from tests/fuzz/seeds/, the
# reproducers in tests/fuzz/regressions/, SOURCE_DIR/pcaps and, when present,
# ../shared/corpus/tcpdump-malformed.  Fails on any crash, leak, sanitizer
# report, timeout or failed output check (the input is kept in
# BUILD_DIR/fuzz/artifacts-<harness>/); prints executions and coverage.
# Skips (77) when clang or its libFuzzer runtime is missing (Debian: clang
# and libclang-rt-dev, see tools/setup-debian.sh).
# Usage: fuzz_smoke.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
# The harnesses get their own clang build with ASan+UBSan, so one run per
# suite is enough: the sanitizer build of the suite leaves it to the plain one.
if grep -q '^WS_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: the fuzz run happens once, from the plain build (its harnesses are sanitized)"
  exit 77
fi
seconds=${WS_FUZZ_SECONDS:-60}
cc=${WS_FUZZ_CC:-clang}
dir="$build/fuzz"

command -v "$cc" > /dev/null || { echo "fuzz_smoke: $cc not found, skipping"; exit 77; }
mkdir -p "$dir"
probe="$dir/probe"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' > "$probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" > "$probe.log" 2>&1; then
  echo "fuzz_smoke: $cc cannot build a libFuzzer program, skipping:"
  head -5 "$probe.log"
  exit 77
fi

echo "fuzz_smoke: building the harnesses in $dir"
if ! CC=$cc cmake -S "$src" -B "$dir" -DWS_FUZZ=ON -DWS_SANITIZE=ON -DWS_BUILD_TESTS=OFF \
       -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-O1 > "$dir/configure.log" 2>&1; then
  cat "$dir/configure.log"; echo "fuzz_smoke: configure failed"; exit 1
fi
if ! cmake --build "$dir" -j"$(nproc)" --target fuzz_frames fuzz_capture > "$dir/build.log" 2>&1; then
  tail -40 "$dir/build.log"; echo "fuzz_smoke: build failed"; exit 1
fi

export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# run HARNESS MAX_LEN SEED_DIR... (in the background; log in $dir/HARNESS.log)
run() {
  local name=$1 max_len=$2
  shift 2
  local seeds=()
  for d in "$@"; do [ -d "$d" ] && seeds+=("$d"); done
  rm -rf "$dir/corpus-$name" "$dir/artifacts-$name"
  mkdir -p "$dir/corpus-$name" "$dir/artifacts-$name"
  "$dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len="$max_len" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts-$name/" \
    "$dir/corpus-$name" "${seeds[@]}" > "$dir/$name.log" 2>&1
}

fuzz="$src/tests/fuzz"
run frames 8192 "$fuzz/seeds/frames" "$fuzz/regressions/frames" &
pid_frames=$!
run capture 32768 "$fuzz/seeds/capture" "$fuzz/regressions/capture" "$src/pcaps" \
  "$src/../shared/corpus/tcpdump-malformed" &
pid_capture=$!

status=0
for name in frames capture; do
  pid_var=pid_$name
  wait "${!pid_var}"
  rc=$?
  log="$dir/$name.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -n 's/.*\(cov: [0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.*\(ft: [0-9]*\).*/\1/p' <<< "$last")
  corp=$(sed -n 's/.*corp: \([0-9]*\)\/.*/\1/p' <<< "$last")
  echo "fuzz_$name: exit $rc, ${execs:-?} executions (${rate:-?}/s), $cov $ft, corpus ${corp:-?} inputs"
  if [ $rc -ne 0 ] || grep -qE '^==[0-9]+==ERROR|runtime error|fuzz check failed|^SUMMARY' "$log"; then
    status=1
    echo "FAIL: fuzz_$name found a problem; log $log, input:"
    ls "$dir/artifacts-$name"
    grep -E 'runtime error|ERROR: |fuzz check failed|SUMMARY|^    #[0-9]' "$log" | head -25
  fi
done
if [ $status -eq 0 ]; then echo "2 passed, 0 failed"; else echo "fuzzing found problems"; fi
exit $status
