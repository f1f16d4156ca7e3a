#!/usr/bin/env bash
# Runs wirestate over every capture in ../shared/corpus (real captures from
# public projects, many deliberately malformed).  Each must end with status 0,
# or 1 with a one-line reason (unsupported link type, damaged file); never a
# crash, a hang or a sanitizer report.  Skips (77) when the corpus is absent.
# Usage: corpus_smoke.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
ws="$build/wirestate"
corpus="$src/../shared/corpus"
[ -d "$corpus" ] || { echo "corpus_smoke: $corpus absent, skipping"; exit 77; }
export ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1

passed=0 failed=0 unsupported=0 damaged=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT
while IFS= read -r -d '' f; do
  timeout 60 "$ws" -q -r "$f" > /dev/null 2> "$err"
  rc=$?
  ok=0
  if [ $rc -eq 0 ]; then
    ok=1
  elif [ $rc -eq 1 ] && [ "$(wc -l < "$err")" -eq 1 ] && grep -q '^wirestate: ' "$err"; then
    ok=1
    grep -q 'is not supported' "$err" && unsupported=$((unsupported + 1))
    grep -q 'damaged capture' "$err" && damaged=$((damaged + 1))
  fi
  if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$err"; then ok=0; fi
  if [ $ok -eq 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL (exit $rc): $f"
    head -20 "$err"
  fi
done < <(find "$corpus" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.trace' -o -name '*.dump' \) -print0 | sort -z)
echo "corpus: $unsupported with an unsupported link type, $damaged damaged (reported with their position)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
