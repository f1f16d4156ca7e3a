#!/usr/bin/env bash
# Speed and memory benchmark: wirestate against a bare libpcap read of the
# same captures, plus a check of wirestate's final table against the states
# the capture generator expects.
#
# Usage: tools/bench.sh [--quick] [--rounds N] [--no-record]
#
#   --quick      2 rounds and captures about a tenth of the size
#   --rounds N   rounds per measurement (default 5; --quick: 2)
#   --no-record  print the results but do not append them to tools/BENCHMARK.md
#
# Environment: WS_BENCH_DIR (captures; default /dev/shm/wirestate-bench
# when /dev/shm has 4 GiB free, else /tmp/wirestate-bench: see
# tools/bench-captures.sh),
# WS_BENCH_BUILD (Release build; default build-bench/ in the source tree;
# the one-thread build goes beside it, in the same name with -one),
# WS_BENCH_COMMIT (what to call the source when it is not a git checkout).
#
# Steps: Release build of wirestate, gencap and pcap_count; captures generated
# by tools/gencap.c if missing (deterministic, seeded; kept in WS_BENCH_DIR);
# each capture read once to warm the page cache; then per row, N rounds of
# [bare read with wirestate's stdio buffer (WS_FILE_BUFFER_KIB in
# src/capture/capture.c), bare read with libpcap's default buffer,
# wirestate], medians of the wall times (whole process, /usr/bin/time for
# peak RSS).  Ratio = wirestate pkt/s / bare pkt/s with wirestate's buffer; below the table, each round's own ratio
# (its wirestate run over the bare run just before it), whose spread shows
# how much the machine drifted.  RSS per tracked flow = (peak RSS - peak
# RSS of the same command on an empty capture) / most flows tracked at once.
# CPU per packet = median user + system time of wirestate's threads / packets,
# beside the CPU a ratio target leaves (cores / (target * bare pkt/s)).  For
# rows with a speed target, a build that does everything on one thread
# (-DWS_THREADS=0, in WS_BENCH_BUILD-one) runs as many times after the
# rounds: its CPU per packet split over all cores gives the highest ratio the
# work itself allows, whatever the threads do.
# Before the timings, each capture's final table (--table --json --no-events,
# a --max-flows nothing reaches) is compared with gencap's expected count of
# endpoints per state, flows seen and flows tracked at the end; on a
# difference, the per-endpoint diff goes to WS_BENCH_DIR/CAPTURE.diff and the
# script exits 3 after printing and recording the results.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/bench-captures.sh
. "$root/tools/bench-captures.sh"
quick=0
rounds=
record=1
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --rounds) [ $# -ge 2 ] || { usage >&2; exit 2; }; rounds=$2; shift ;;
    --no-record) record=0 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
[ -n "$rounds" ] || rounds=$([ $quick = 1 ] && echo 2 || echo 5)
case $rounds in ''|*[!0-9]*|0) echo "bench.sh: --rounds wants a positive number" >&2; exit 2 ;; esac

bench_dir=${WS_BENCH_DIR:-$(bench_default_dir)}
build=${WS_BENCH_BUILD:-$root/build-bench}
big_flows=16777216
# The bare loop reads with the stdio buffer wirestate gives libpcap.
ws_buffer=$(awk '$1 == "#define" && $2 == "WS_FILE_BUFFER_KIB" { print $3 "K" }' "$root/src/capture/capture.c")
[ -n "$ws_buffer" ] || { echo "bench.sh: no WS_FILE_BUFFER_KIB in src/capture/capture.c" >&2; exit 1; }
mkdir -p "$bench_dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -x /usr/bin/time ]; then   # GNU time reports peak RSS; install it like setup-debian.sh does
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq time >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq time >/dev/null; } \
    || { echo "bench.sh: cannot install GNU time (apt-get install time)" >&2; exit 1; }
fi

# ---- build ----------------------------------------------------------------
# What is measured: the source as it is when the build starts.
if [ -n "${WS_BENCH_COMMIT:-}" ]; then
  commit=$WS_BENCH_COMMIT
else
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$root" status --porcelain -- src include CMakeLists.txt 2>/dev/null)" ]; then
    commit="$commit + uncommitted changes in src/include"
  fi
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== Release build in $build" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWS_BUILD_TESTS=OFF >"$tmp/cmake.log" 2>&1 ||
  { cat "$tmp/cmake.log" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)" --target wirestate gencap pcap_count >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log" >&2; echo "bench.sh: build failed" >&2; exit 1; }
ws=$build/wirestate
# The same source built to do everything on one thread (WS_THREADS=0): its
# CPU time is the whole job with nothing spent on handing work between
# threads, so half of it (on two cores) is the shortest wall time any split
# of this work could reach; a ratio target beyond that ceiling needs less
# work, not better threads.
echo "== one-thread Release build in $build-one" >&2
cmake -S "$root" -B "$build-one" -DCMAKE_BUILD_TYPE=Release -DWS_BUILD_TESTS=OFF \
  -DCMAKE_C_FLAGS=-DWS_THREADS=0 >"$tmp/cmake-one.log" 2>&1 ||
  { cat "$tmp/cmake-one.log" >&2; exit 1; }
cmake --build "$build-one" -j"$(nproc)" --target wirestate >"$tmp/build-one.log" 2>&1 ||
  { cat "$tmp/build-one.log" >&2; echo "bench.sh: one-thread build failed" >&2; exit 1; }
ws_one=$build-one/wirestate
gencap=$build/gencap
pcount=$build/pcap_count
default_max_flows=$(awk '/#define WS_DEFAULT_MAX_FLOWS/ {print $3}' "$root/include/wirestate/config.h")
default_max_flows=${default_max_flows:-262144}

# ---- captures ---------------------------------------------------------------
gv=$("$gencap" --version | awk '{print $2}')
declare -A cap_args cap_file
for c in large small flood held empty; do cap_args[$c]=$(bench_capture_args $c $quick); done
captures=(large small flood held empty)

gen_capture() {   # NAME -> cap_file[NAME], generated if missing
  cap_file[$1]=$(bench_capture "$gencap" "$bench_dir" "$1" "${cap_args[$1]}") || exit 1
}
for c in "${captures[@]}"; do gen_capture "$c"; done

expect_get() { awk -v k="$2" '$1 == k { print $2; exit }' "${cap_file[$1]}.expect"; }
gen_get() { awk -v k="$2" '$1 == k { print $2; exit }' "${cap_file[$1]}.gen"; }

echo "== warming the page cache" >&2
for c in "${captures[@]}"; do cat "${cap_file[$c]}.pcap" >/dev/null; done

# Most flows tracked at once, if wirestate reports it (JSON summary key or
# human summary phrase naming flows); empty otherwise.
peak_flows_in() {
  { grep -h -o -E '"(flows_peak|peak_flows|flows_tracked_peak|peak_flows_tracked|max_flows_tracked)":[0-9]+' "$@" || true
    grep -h -o -i -E '([0-9]+ flows (tracked )?at (the |their )?(peak|most)|peak (of )?[0-9]+ (flows|tracked))' "$@" || true
  } | grep -o -E '[0-9]+' | head -n 1 || true
}

# ---- final-state check ---------------------------------------------------------
echo "== final-state check" >&2
check_lines=()
all_match=1
declare -A check_peak
for c in large small flood held; do
  pcap=${cap_file[$c]}.pcap
  "$ws" -r "$pcap" --table --json --no-events --max-flows "$big_flows" -q >"$tmp/table.json" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; check_lines+=("- $c: wirestate failed"); all_match=0; continue; }
  awk '
    /"type":"endpoint"/ {
      if (match($0, /"state":"[A-Z_0-9]+"/)) n[substr($0, RSTART + 9, RLENGTH - 10)]++
      next
    }
    /"type":"summary"/ {
      if (match($0, /"flows":[0-9]+/)) print "flows", substr($0, RSTART + 8, RLENGTH - 8)
      if (match($0, /"flows_tracked":[0-9]+/)) print "tracked_end", substr($0, RSTART + 16, RLENGTH - 16)
    }
    END { for (s in n) print "state", s, n[s] }' "$tmp/table.json" >"$tmp/got"
  grep '"type":"summary"' "$tmp/table.json" >"$tmp/summary.json" || true
  check_peak[$c]=$(peak_flows_in "$tmp/summary.json" "$tmp/err")
  grep -E '^(flows|tracked_end|state) ' "${cap_file[$c]}.expect" | awk '{ print ($1 == "state") ? $1 " " $2 : $1, $NF }' >"$tmp/want.kv"
  awk '{ print ($1 == "state") ? $1 " " $2 : $1, $NF }' "$tmp/got" >"$tmp/got.kv"
  diffs=$(awk '
    FNR == NR { k = $0; sub(/ [^ ]*$/, "", k); want[k] = $NF; keys[k] = 1; next }
    { k = $0; sub(/ [^ ]*$/, "", k); got[k] = $NF; keys[k] = 1 }
    END {
      for (k in keys) {
        w = (k in want) ? want[k] : 0; g = (k in got) ? got[k] : 0
        if (w != g) printf "%s: expected %s, wirestate %s; ", k, w, g
      }
    }' "$tmp/want.kv" "$tmp/got.kv")
  endpoints=$(awk '$1 == "state" { s += $3 } END { print s + 0 }' "$tmp/got")
  states=$(awk '$1 == "state" && $3 > 0 { n++ } END { print n + 0 }' "$tmp/got")
  if [ -z "$diffs" ]; then
    check_lines+=("- $c: MATCH ($endpoints endpoints, states seen: $states, $(expect_get "$c" flows) flows, $(expect_get "$c" tracked_end) tracked at the end)")
  else
    all_match=0
    check_lines+=("- $c: DIFFERENT: $diffs")
    if [ -s "${cap_file[$c]}.eps" ]; then
      sed -n 's/.*"type":"endpoint".*"endpoint":"\([^"]*\)","peer":"\([^"]*\)","role":"\([a-z]*\)","state":"\([A-Z_0-9]*\)".*/\1 \2 \3 \4/p' \
        "$tmp/table.json" | sort >"$tmp/got.eps"
      sort "${cap_file[$c]}.eps" >"$tmp/want.eps"
      diff "$tmp/want.eps" "$tmp/got.eps" >"$bench_dir/$c.diff" || true
      check_lines+=("  per endpoint (< expected, > wirestate): $bench_dir/$c.diff; first lines:")
      while IFS= read -r l; do check_lines+=("      $l"); done < <(grep -E '^[<>]' "$bench_dir/$c.diff" | head -n 8)
    fi
  fi
done

# ---- measuring ----------------------------------------------------------------
# measure STDOUT cmd...: sets wall (s), rss_kb, cpu (user + system s, all
# threads); stderr of cmd in $tmp/err
measure() {
  local out=$1; shift
  local t0=$EPOCHREALTIME
  if ! /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$@" >"$out" 2>"$tmp/err"; then
    echo "bench.sh: failed: $*" >&2; cat "$tmp/err" >&2; exit 1
  fi
  local t1=$EPOCHREALTIME
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
  read -r rss_kb cpu < <(tail -n 1 "$tmp/rss" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }')
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
fmt_rate() { awk -v v="$1" 'BEGIN { if (v >= 1e6) printf "%.2f M", v / 1e6; else printf "%.0f k", v / 1e3 }'; }
fmt_mib() { awk -v v="$1" 'BEGIN { printf "%.1f MiB", v / 1024 }'; }

# Rows: label | capture | wirestate options | kind of target
rows=(
  "large, --json to /dev/null|large|--json|ratio:0.33"
  "large, --no-events|large|--no-events|none"
  "small, --json to /dev/null|small|--json|ratio:0.6"
  "SYN flood, --no-events|flood|--no-events|flood:0.25"
  "held flows, --no-events --max-flows 2000000|held|--no-events --max-flows 2000000|bytes:192"
)
table=()
notes=()
for row in "${rows[@]}"; do
  IFS='|' read -r label cap opts target <<<"$row"
  pcap=${cap_file[$cap]}.pcap
  echo "== $label: $rounds rounds" >&2
  b1=() b0=() w=() r=() c=() cb=() c1=()
  for ((i = 1; i <= rounds; i++)); do
    measure "$tmp/count" "$pcount" --buffer "$ws_buffer" "$pcap"; b1+=("$wall"); cb+=("$cpu")
    packets=$(awk '{ print $2 }' "$tmp/count")
    measure "$tmp/count" "$pcount" --buffer default "$pcap"; b0+=("$wall")
    # shellcheck disable=SC2086
    measure /dev/null "$ws" -r "$pcap" $opts; w+=("$wall"); r+=("$rss_kb"); c+=("$cpu")
    cp "$tmp/err" "$tmp/ws.err"
  done
  # The one-thread build's CPU, measured after the timed rounds so that
  # they stay a plain alternation of bare read and wirestate.
  if [ "$target" != none ] && [ "${target%%:*}" != bytes ]; then
    for ((i = 1; i <= rounds; i++)); do
      # shellcheck disable=SC2086
      measure /dev/null "$ws_one" -r "$pcap" $opts; c1+=("$cpu")
    done
  fi
  base=()
  for ((i = 1; i <= 3; i++)); do
    # shellcheck disable=SC2086
    measure /dev/null "$ws" -r "${cap_file[empty]}.pcap" $opts; base+=("$rss_kb")
  done
  mb1=$(median "${b1[@]}"); mb0=$(median "${b0[@]}"); mw=$(median "${w[@]}")
  rss=$(median "${r[@]}"); rss_base=$(median "${base[@]}")
  pps_b1=$(awk -v p="$packets" -v t="$mb1" 'BEGIN { print p / t }')
  pps_b0=$(awk -v p="$packets" -v t="$mb0" 'BEGIN { print p / t }')
  pps_w=$(awk -v p="$packets" -v t="$mw" 'BEGIN { print p / t }')
  ratio=$(awk -v a="$pps_w" -v b="$pps_b1" 'BEGIN { printf "%.3f", a / b }')
  # Each round's own ratio (its wirestate run over the bare run just before
  # it): on a shared machine the bare rate drifts between rounds, and the
  # spread of these shows how much of a difference is the machine.
  pr=()
  for ((i = 0; i < rounds; i++)); do
    pr+=("$(awk -v b="${b1[$i]}" -v w="${w[$i]}" 'BEGIN { printf "%.3f", b / w }')")
  done
  pr_sorted=$(printf '%s\n' "${pr[@]}" | sort -g | tr '\n' ' ')
  pr_median=$(awk -v m="$(median "${pr[@]}")" 'BEGIN { printf "%.3f", m }')
  notes+=("$label: ratio per round, lowest to highest: ${pr_sorted% } (median $pr_median)")
  # The CPU time wirestate's threads used per packet, against what a ratio
  # target leaves on this machine: at r times the bare rate, every core
  # together has cores / (r * bare pkt/s) seconds per packet.  A run that
  # needs more CPU than that cannot meet the target whatever its threads do.
  cpu_ns=$(awk -v c="$(median "${c[@]}")" -v p="$packets" 'BEGIN { printf "%.0f", c * 1e9 / p }')
  bare_ns=$(awk -v c="$(median "${cb[@]}")" -v p="$packets" 'BEGIN { printf "%.0f", c * 1e9 / p }')
  budget=""
  case $target in
    ratio:*|flood:*)
      t=${target#*:}
      budget=$(awk -v n="$(nproc)" -v t="$t" -v b="$pps_b1" 'BEGIN { printf "%.0f", n * 1e9 / (t * b) }')
      budget="; the ${t}x target leaves $budget ns on $(nproc) cores" ;;
  esac
  notes+=("$label: CPU (user + system, all threads) $cpu_ns ns per packet, median (bare read: $bare_ns)$budget.")
  if [ ${#c1[@]} -gt 0 ]; then
    # Ceiling: the one-thread build's CPU split perfectly over every core.
    one_ns=$(awk -v c="$(median "${c1[@]}")" -v p="$packets" 'BEGIN { printf "%.0f", c * 1e9 / p }')
    ceiling=$(awk -v c="$(median "${c1[@]}")" -v p="$packets" -v n="$(nproc)" -v b="$pps_b1" \
      'BEGIN { printf "%.2f", (c > 0) ? n * p / c / b : 0 }')
    notes+=("$label: the whole job on one thread (WS_THREADS=0 build) $one_ns ns of CPU per packet; split perfectly over $(nproc) cores, it could reach at most ${ceiling}x the bare rate.")
  fi

  # Flows tracked at the end: wirestate's summary.  Most at once: wirestate's
  # if its summary reports it, else gencap's model (bounded by --max-flows).
  tracked_end=$(sed -n 's/.* \([0-9][0-9]*\) still tracked.*/\1/p' "$tmp/ws.err" | head -n 1)
  evicted=$(sed -n 's/.* \([0-9][0-9]*\) evicted.*/\1/p' "$tmp/ws.err" | head -n 1)
  peak=$(peak_flows_in "$tmp/ws.err")
  [ -n "$peak" ] || peak=${check_peak[$cap]:-}
  peak_src=wirestate
  if [ -z "$peak" ]; then
    peak=$(expect_get "$cap" tracked_peak)
    peak_src=model
    maxf=$(echo "$opts" | sed -n 's/.*--max-flows \([0-9]*\).*/\1/p')
    maxf=${maxf:-$default_max_flows}
    [ "$peak" -gt "$maxf" ] && peak=$maxf
  fi
  per_flow=$(awk -v a="$rss" -v b="$rss_base" -v n="$peak" 'BEGIN { if (n > 0) printf "%.0f", (a - b) * 1024 / n; else print "-" }')

  verdict="" tgt="-"
  case $target in
    ratio:*)
      t=${target#ratio:}; tgt=">= ${t}x bare"
      verdict=$(awk -v r="$ratio" -v t="$t" 'BEGIN { print (r >= t) ? "met" : "NOT met" }') ;;
    flood:*)
      t=${target#flood:}
      half=$((packets / 2))
      hr=()
      for ((i = 1; i <= 3; i++)); do
        # shellcheck disable=SC2086
        measure /dev/null "$ws" -r "$pcap" $opts -c "$half"; hr+=("$rss_kb")
      done
      rss_half=$(median "${hr[@]}")
      flat=$(awk -v f="$rss" -v h="$rss_half" 'BEGIN { d = f - h; print (d <= 1024 || d <= 0.02 * f) ? "flat" : "NOT flat" }')
      tgt=">= ${t}x bare, flat RSS"
      verdict=$(awk -v r="$ratio" -v t="$t" -v fl="$flat" 'BEGIN { print (r >= t && fl == "flat") ? "met" : "NOT met" }')
      notes+=("SYN flood: peak RSS $(fmt_mib "$rss_half") after $half packets, $(fmt_mib "$rss") after all $packets ($flat); ${evicted:-0} flows evicted, --max-flows $default_max_flows.") ;;
    bytes:*)
      t=${target#bytes:}; tgt="<= $t B/flow"
      verdict=$(awk -v b="$per_flow" -v t="$t" 'BEGIN { print (b <= t) ? "met" : "NOT met" }') ;;
  esac
  if [ "$cap" != flood ] && [ "${evicted:-0}" != 0 ]; then
    notes+=("$label: ${evicted} flows evicted (table full).")
  fi
  [ -n "$verdict" ] && tgt="$tgt: **$verdict**"
  table+=("| $label | $packets | $(fmt_rate "$pps_b1") | $(fmt_rate "$pps_b0") | $(fmt_rate "$pps_w") | ${ratio}x | $tgt | $(fmt_mib "$rss") (empty: $(fmt_mib "$rss_base")) | ${tracked_end:-?} / $peak ($peak_src) | $per_flow B |")
done

# ---- report ----------------------------------------------------------------------
cpu=$(awk -F: '/^model name/ { sub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo)
cc_path=$(awk -F= '/^CMAKE_C_COMPILER:/ { print $2; exit }' "$build/CMakeCache.txt")
compiler=$("${cc_path:-cc}" --version | head -n 1)
flags=$(awk -F= '/^CMAKE_C_FLAGS_RELEASE:/ { print $2; exit }' "$build/CMakeCache.txt")
pcapv=$("$pcount" --version)
mode=$([ $quick = 1 ] && echo "quick" || echo "full")

{
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — $mode run, $rounds rounds, commit $commit"
  echo
  echo "- CPU: ${cpu:-unknown} ($(nproc) logical CPUs); kernel $(uname -r); $compiler, Release ($flags); $pcapv"
  echo "- Load average (1/5/15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes the figures noisy)"
  echo "- Captures (tools/gencap.c v$gv, in $bench_dir):"
  for c in large small flood held; do
    echo "  - $c: \`gencap ${cap_args[$c]}\` — $(expect_get "$c" packets) packets, $(awk -v b="$(gen_get "$c" bytes)" 'BEGIN { printf "%.0f MB", b / 1e6 }'), $(expect_get "$c" connections) connections, $(expect_get "$c" span_s) s of traffic, ~$(expect_get "$c" open_mean) open at a time, $(expect_get "$c" tracked_peak) flows tracked at most; generated in $(gen_get "$c" seconds) s"
  done
  echo
  echo "| run | packets | bare pkt/s ($ws_buffer buffer) | bare pkt/s (default buffer) | wirestate pkt/s | ratio | target | peak RSS | flows tracked end / most | RSS per tracked flow |"
  echo "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|"
  printf '%s\n' "${table[@]}"
  echo
  echo "Ratio: wirestate pkt/s over bare pkt/s with wirestate's $ws_buffer stdio buffer; medians of $rounds alternating runs, whole-process wall time."
  echo "RSS per tracked flow: (peak RSS - peak RSS of the same command on an empty capture) / most flows tracked at once."
  for n in "${notes[@]}"; do echo "$n"; done
  echo
  echo "Final-state check (\`wirestate -r CAPTURE --table --json --no-events --max-flows $big_flows -q\` against gencap's expectations):"
  echo
  printf '%s\n' "${check_lines[@]}"
  echo
} >"$tmp/section.md"

cat "$tmp/section.md"
if [ $record = 1 ]; then
  out=$root/tools/BENCHMARK.md
  if [ ! -s "$out" ]; then
    cat >"$out" <<'EOF'
# wirestate benchmark results

Appended by `tools/bench.sh` (one section per run, newest last).  See the
comment at the top of that script for what is measured and how; the captures
come from `tools/gencap.c`, the bare baseline is `tools/pcap_count.c`.

Targets: large capture with `--json` at least 0.33x the bare read; small
capture (flows fit in cache) at least 0.6x; at most 192 B of RSS per tracked
flow with 1 M flows tracked; SYN flood with flat RSS and at least 0.25x.

EOF
  fi
  cat "$tmp/section.md" >>"$out"
  echo "(appended to $out)" >&2
fi
[ $all_match = 1 ] || exit 3
exit 0
