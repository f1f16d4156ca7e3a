# shellcheck shell=bash
# bench-captures.sh - the benchmark captures, shared by tools/bench.sh and
# tools/live-bench.sh (sourced, not run).  A capture is named after its
# gencap version and arguments, so both scripts reuse what either generated.

# bench_small_args QUICK: gencap arguments of the "small" capture (flows fit in cache).
bench_small_args() {
  if [ "$1" = 1 ]; then
    echo "--connections 400 --concurrent 40 --packets 200000 --seed 2"
  else
    echo "--connections 2000 --concurrent 200 --packets 1000000 --seed 2"
  fi
}

# bench_capture GENCAP DIR NAME ARGS: prints the capture's base path (add
# .pcap, .expect, .eps, .gen), generating it first when missing.  Generation
# writes to temporary names and renames at the end, so an interrupted run
# never leaves a half-written capture that looks complete.
bench_capture() {
  local gencap=$1 dir=$2 name=$3 args=$4
  local gv sig base
  gv=$("$gencap" --version | awk '{ print $2 }')
  sig=$(echo "$args" | md5sum | cut -c1-8)
  base=$dir/$name-v$gv-$sig
  if ! { [ -s "$base.pcap" ] && [ -s "$base.expect" ] && [ -s "$base.gen" ]; }; then
    echo "== generating $name capture: gencap $args" >&2
    mkdir -p "$dir"
    local t0=$EPOCHREALTIME log
    log=$(mktemp)
    # shellcheck disable=SC2086
    if ! "$gencap" $args --out "$base.pcap.tmp" --expect "$base.expect.tmp" \
      --expect-endpoints "$base.eps.tmp" 2>"$log"; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    rm -f "$log"
    local t1=$EPOCHREALTIME
    mv "$base.eps.tmp" "$base.eps"
    mv "$base.expect.tmp" "$base.expect"
    mv "$base.pcap.tmp" "$base.pcap"
    awk -v a="$t0" -v b="$t1" -v sz="$(stat -c %s "$base.pcap")" \
      'BEGIN { printf "seconds %.1f\nbytes %d\n", b - a, sz }' >"$base.gen"
  fi
  echo "$base"
}
