# shellcheck shell=bash
# bench-captures.sh - the benchmark captures, shared by tools/bench.sh and
# tools/live-bench.sh (sourced, not run).  A capture is named after its
# gencap version and arguments, so both scripts reuse what either generated.

# bench_default_dir: where the captures live unless WS_BENCH_DIR says.  In
# memory, on tmpfs, when /dev/shm has 4 GiB free: the page cache can be
# reclaimed between rounds (on the benchmark machine a kernel thread, DAMON's
# pageout, did that, and some rounds then read the disk).
bench_default_dir() {
  local free_kib
  free_kib=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
  if [ -n "$free_kib" ] && [ "$free_kib" -gt $((4 << 20)) ]; then
    echo /dev/shm/wirestate-bench
  else
    echo /tmp/wirestate-bench
  fi
}

# bench_capture_args NAME QUICK: gencap arguments of a benchmark capture.
#   large  1 M connections, ~20 000 open at a time, 10 % IPv6, 1 % VLAN
#   small  2 000 connections: every flow fits in cache
#   flood  a SYN flood from random sources
#   held   1 M connections that never close (memory per flow)
#   empty  no packets: the baseline for memory
# QUICK=1: about a tenth of each.
bench_capture_args() {
  local q=$2
  case $1 in
    large) [ "$q" = 1 ] && echo "--connections 100000 --concurrent 2000 --packets 990000 --seed 1" \
                        || echo "--connections 1000000 --concurrent 20000 --packets 9900000 --seed 1" ;;
    small) [ "$q" = 1 ] && echo "--connections 400 --concurrent 40 --packets 200000 --seed 2" \
                        || echo "--connections 2000 --concurrent 200 --packets 1000000 --seed 2" ;;
    flood) echo "--syn-flood $([ "$q" = 1 ] && echo 1000000 || echo 2000000) --rate 50000 --seed 3" ;;
    held)
      local n
      n=$([ "$q" = 1 ] && echo 200000 || echo 1000000)
      echo "--no-close --connections $n --concurrent 20000 --packets $((n * 3)) --seed 4" ;;
    empty) echo "--connections 0" ;;
    *) return 1 ;;
  esac
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
