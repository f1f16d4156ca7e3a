#!/usr/bin/env bash
# Which technique gave what: the same captures through builds that differ by
# one group of techniques each, timed alternately in the same run (medians).
#
# Usage: tools/bench-ablation.sh [--rounds N] [--base COMMIT]
#
#   --rounds N       rounds per build and row (default 3)
#   --base COMMIT    the "before" build (default 5c42365: the state at the
#                    previous stop, 160-byte records in 1024-record chunks,
#                    five batches in flight, a 1 MiB stdio buffer; the stops
#                    before that were 83438b1 (280-byte records), b610dc4,
#                    the first with threads, and f7ba39d: timing wheel,
#                    batches of 16 with in-batch prefetch, one thread)
#
# Builds (Release, in WS_ABLATION_DIR, default /tmp/wirestate-ablation):
#   base       COMMIT, from a git worktree
#   nobatch    the working tree with -DWS_BATCH=1 -DWS_THREADS=0: one packet
#              at a time, no prefetching across packets, one thread
#   onethread  the working tree with -DWS_THREADS=0: batches pipelined with
#              the prefetch fixes, lane-drained timer wheel, pipelined
#              evictions, faster JSON and Community IDs, all on one thread
#   head       the working tree: plus the reader and writer threads
# Rows: the large capture of tools/bench.sh with --no-events and with --json
# to /dev/null, the small one with --json, the SYN flood with --no-events,
# and the million held flows with --no-events (captures shared with tools/bench.sh through
# tools/bench-captures.sh).  Prints a table; records nothing (paste it where
# it is needed).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/bench-captures.sh
. "$root/tools/bench-captures.sh"
rounds=3
base_commit=5c42365
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) [ $# -ge 2 ] || { usage >&2; exit 2; }; rounds=$2; shift ;;
    --base) [ $# -ge 2 ] || { usage >&2; exit 2; }; base_commit=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
case $rounds in ''|*[!0-9]*|0) echo "bench-ablation.sh: --rounds wants a positive number" >&2; exit 2 ;; esac

dir=${WS_ABLATION_DIR:-/tmp/wirestate-ablation}
bench_dir=${WS_BENCH_DIR:-$(bench_default_dir)}
mkdir -p "$dir"
log=$dir/build.log

release_build() {   # SOURCE BUILD [EXTRA CFLAGS]
  if ! { cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DWS_BUILD_TESTS=OFF \
           -DCMAKE_C_FLAGS="${3:-}" >>"$log" 2>&1 &&
         cmake --build "$2" -j"$(nproc)" --target wirestate >>"$log" 2>&1; }; then
    tail -n 30 "$log" >&2
    echo "bench-ablation.sh: build failed: $1" >&2
    exit 1
  fi
}

echo "== builds in $dir" >&2
: >"$log"
if [ ! -d "$dir/base-src" ] || [ "$(git -C "$dir/base-src" rev-parse HEAD 2>/dev/null)" != "$(git -C "$root" rev-parse "$base_commit")" ]; then
  git -C "$root" worktree remove --force "$dir/base-src" >/dev/null 2>&1 || rm -rf "$dir/base-src"
  git -C "$root" worktree prune
  git -C "$root" worktree add --detach "$dir/base-src" "$base_commit" >>"$log" 2>&1
fi
release_build "$dir/base-src" "$dir/base"
release_build "$root" "$dir/nobatch" "-DWS_BATCH=1 -DWS_THREADS=0"
release_build "$root" "$dir/onethread" "-DWS_THREADS=0"
release_build "$root" "$dir/head"
cmake -S "$root" -B "$dir/tools" -DCMAKE_BUILD_TYPE=Release -DWS_BUILD_TESTS=OFF >>"$log" 2>&1
cmake --build "$dir/tools" -j"$(nproc)" --target gencap >>"$log" 2>&1
large=$(bench_capture "$dir/tools/gencap" "$bench_dir" large "$(bench_capture_args large 0)").pcap
small=$(bench_capture "$dir/tools/gencap" "$bench_dir" small "$(bench_capture_args small 0)").pcap
flood=$(bench_capture "$dir/tools/gencap" "$bench_dir" flood "$(bench_capture_args flood 0)").pcap
held=$(bench_capture "$dir/tools/gencap" "$bench_dir" held "$(bench_capture_args held 0)").pcap
packets() { awk '$1 == "packets" { print $2; exit }' "${1%.pcap}.expect"; }
cat "$large" "$small" "$flood" "$held" >/dev/null   # into the page cache

builds=(base nobatch onethread head)
rows=("large --no-events|$large|--no-events" "large --json|$large|--json" "small --json|$small|--json"
      "SYN flood --no-events|$flood|--no-events"
      "held flows --no-events|$held|--no-events --max-flows 2000000")
declare -A secs
for row in "${rows[@]}"; do
  IFS='|' read -r label pcap opts <<<"$row"
  echo "== $label" >&2
  for ((i = 0; i < rounds; i++)); do
    for b in "${builds[@]}"; do
      t0=$EPOCHREALTIME
      # shellcheck disable=SC2086
      "$dir/$b/wirestate" -r "$pcap" $opts -q >/dev/null
      t1=$EPOCHREALTIME
      secs[$label,$b]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') "
    done
  done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo
echo "Ablation, $(date -u '+%Y-%m-%d %H:%M UTC'), base $base_commit, head $(git -C "$root" rev-parse --short HEAD)$([ -n "$(git -C "$root" status --porcelain -- src include)" ] && echo ' + uncommitted changes'); medians of $rounds; pkt/s"
echo
echo "| row | base | nobatch | onethread | head | base -> head | base -> onethread | nobatch -> onethread | onethread -> head |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  IFS='|' read -r label pcap _ <<<"$row"
  n=$(packets "$pcap")
  declare -A rate=()
  for b in "${builds[@]}"; do
    # shellcheck disable=SC2086
    rate[$b]=$(awk -v n="$n" -v s="$(median ${secs[$label,$b]})" 'BEGIN { printf "%.0f", n / s }')
  done
  awk -v l="$label" -v a="${rate[base]}" -v b="${rate[nobatch]}" -v c="${rate[onethread]}" -v d="${rate[head]}" 'BEGIN {
    printf "| %s | %.2f M | %.2f M | %.2f M | %.2f M | %.2fx | %.2fx | %.2fx | %.2fx |\n", l, a / 1e6, b / 1e6, c / 1e6, d / 1e6, d / a, c / a, c / b, d / c }'
done
