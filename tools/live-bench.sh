#!/usr/bin/env bash
# Live benchmark: tcpreplay sends the small benchmark capture over a veth
# pair between two private network namespaces at increasing rates; wirestate
# captures on the far end.  For each rate: packets sent, packets wirestate
# read, the kernel's drop counts, and how late transition lines are (the
# packet's capture timestamp to the moment the line comes out of the pipe).
# Ends with the highest rate with zero drops.
#
# Usage (as root): tools/live-bench.sh [--quick] [--capture FILE] [--record] [-- WIRESTATE-OPTIONS]
#
#   --quick         3 rates and shorter steps (under a minute in all)
#   --capture FILE  replay FILE instead of the small capture of tools/bench.sh
#   --record        also append the results to tools/BENCHMARK.md
#   -- OPTIONS      more options for wirestate, e.g. -- -B 32768 or -- -s 256
#
# Environment: WS_BENCH_DIR (captures; default as tools/bench.sh's, shared
# with tools/bench.sh), WS_LIVE_BUILD (build directory; default build/).
#
# A rate holds when wirestate read every packet tcpreplay sent and the kernel
# reported no drops (pcap_stats ps_drop, ring full, plus ps_ifdrop, which on
# a veth is the receive backlog overflowing).  Latency is measured by
# tools/linestamp.c over "transition" lines only: on a live capture "ts" is
# the kernel's receive time (CLOCK_REALTIME), and wirestate flushes every
# line when live, so the delay covers the ring, wirestate and the pipe.
# Ring size matters more than speed here: with immediate mode libpcap uses
# TPACKET_V2, one fixed-size slot per packet sized by the snap length.  With
# tcpdump's 262144-byte snap length on a veth (which offloads GRO/GSO) a
# 2 MiB ring holds 32 packets and every rate dropped; wirestate's defaults
# (-s 256, -B 8192) hold about 30 000.  -- -s 262144 -B 2048 shows the old case.
# Nothing leaves the two namespaces: the veth ends are created inside them,
# have no addresses and no IPv6, and both namespaces are deleted on exit.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/bench-captures.sh
. "$root/tools/bench-captures.sh"
quick=0
record=0
capture=
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --record) record=1 ;;
    --capture) [ $# -ge 2 ] || { usage >&2; exit 2; }; capture=$2; shift ;;
    --) shift; break ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "live-bench.sh: run as root (namespaces, veth, live capture)" >&2; exit 1; }
[ -z "$capture" ] || [ -r "$capture" ] || { echo "live-bench.sh: cannot read $capture" >&2; exit 1; }
[ -z "$capture" ] || capture=$(realpath "$capture")   # tcpreplay runs from ip netns exec
ws_opts=(-n --json -tt -Z root "$@")

# Rates in packets per second ("top" = tcpreplay --topspeed), how long a step
# may send, and a packet cap for --topspeed, chosen to fit the time budget.
if [ $quick = 1 ]; then
  rates=(25000 100000 top)
  step_seconds=3
  max_step_packets=300000
else
  rates=(10000 25000 50000 100000 200000 400000 800000 top)
  step_seconds=8
  max_step_packets=0   # 0: the whole capture
fi

bench_dir=${WS_BENCH_DIR:-$(bench_default_dir)}
build=${WS_LIVE_BUILD:-$root/build}
tmp=$(mktemp -d)
tx_ns=wsbench-tx-$$
rx_ns=wsbench-rx-$$
tx_if=wsbt$$     # interface names are at most 15 bytes
rx_if=wsbr$$
ws_pid='' ls_pid=''

# ---- cleanup ----------------------------------------------------------------
# Everything this script started or created, and nothing else: our own
# processes by pid, our two namespaces by name (deleting a namespace takes its
# veth end with it, and the pair goes when either end goes).
cleanup() {
  local pid
  for pid in $ws_pid $ls_pid; do
    kill "$pid" 2>/dev/null || true
  done
  ip netns del "$tx_ns" 2>/dev/null || true
  ip netns del "$rx_ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "live-bench.sh: $*" >&2; exit 1; }

# ---- tools ---------------------------------------------------------------------
ensure_packages() {
  local missing=()
  command -v tcpreplay >/dev/null || missing+=(tcpreplay)
  command -v ip >/dev/null || missing+=(iproute2)
  [ ${#missing[@]} = 0 ] && return
  echo "== installing ${missing[*]}" >&2
  # Update the package lists only when the install needs it.
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    die "cannot install ${missing[*]}"
}

# The tools/*.c helpers are CMake targets (CMakeLists.txt builds every
# tools/*.c as one program), as for tools/bench.sh.  Configuring again first
# makes a fresh checkout of tools/linestamp.c known to an older build tree.
build_binaries() {
  echo "== building wirestate, linestamp, gencap, pcap_count in $build" >&2
  if [ ! -f "$build/CMakeCache.txt" ]; then
    "$root/tools/build.sh" || die "tools/build.sh failed"
  fi
  cmake -S "$root" -B "$build" >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log" >&2; die "cmake failed"; }
  cmake --build "$build" -j"$(nproc)" --target wirestate linestamp gencap pcap_count >"$tmp/build.log" 2>&1 ||
    { cat "$tmp/build.log" >&2; die "build failed"; }
  ws=$build/wirestate
  linestamp=$build/linestamp
}

# ---- capture ------------------------------------------------------------------
# The small capture of tools/bench.sh (tools/bench-captures.sh), so that
# either script reuses what the other generated.
find_capture() {
  if [ -n "$capture" ]; then
    cap_packets=$("$build/pcap_count" "$capture" | awk '{ print $2 }')
    return
  fi
  local base
  base=$(bench_capture "$build/gencap" "$bench_dir" small "$(bench_capture_args small 0)") || die "gencap failed"
  capture=$base.pcap
  cap_packets=$(awk '$1 == "packets" { print $2; exit }' "$base.expect")
}

# ---- network ------------------------------------------------------------------
# Two fresh namespaces joined by a veth pair created directly inside them: no
# end ever exists in the host's namespace, there are no addresses or routes,
# and IPv6 is off before the links come up, so neither router solicitations
# nor DAD probes join the replayed packets.
setup_network() {
  ip netns add "$tx_ns"
  ip netns add "$rx_ns"
  local ns
  for ns in "$tx_ns" "$rx_ns"; do
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip link add "$tx_if" netns "$tx_ns" type veth peer name "$rx_if" netns "$rx_ns"
  ip -n "$tx_ns" link set "$tx_if" up
  ip -n "$rx_ns" link set "$rx_if" up
  rx_ifindex=$(ip netns exec "$rx_ns" cat "/sys/class/net/$rx_if/ifindex")
}

# ---- one step -------------------------------------------------------------------
# Waits until wirestate has a packet socket bound to the receiving veth (the
# namespace is ours, so any such socket is its), then a little longer for
# libpcap to finish setting up the ring behind it.
wait_capture_open() {
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$ws_pid" 2>/dev/null || { cat "$tmp/ws.err" >&2; die "wirestate exited before capturing"; }
    # shellcheck disable=SC2016
    if ip netns exec "$rx_ns" awk -v ix="$rx_ifindex" 'NR > 1 && $5 == ix { found = 1 } END { exit !found }' /proc/net/packet; then
      sleep 0.3
      return
    fi
    sleep 0.05
  done
  die "wirestate did not open $rx_if within 5 s"
}

# Waits until wirestate has read what the kernel buffered: its CPU time stops
# growing (under 2 clock ticks in 0.25 s).  A SIGINT any earlier would leave
# packets in the ring, counted neither as read nor as dropped.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$ws_pid/stat"; }
wait_idle() {
  local prev cur i
  prev=$(cpu_ticks)
  for ((i = 0; i < 80; i++)); do
    sleep 0.25
    cur=$(cpu_ticks)
    [ $((cur - prev)) -lt 2 ] && return
    prev=$cur
  done
  echo "live-bench.sh: wirestate still busy 20 s after tcpreplay ended; stopping it anyway" >&2
}

# run_step RATE: one capture, one replay; appends a row to rows[].
run_step() {
  local rate=$1 limit speed
  if [ "$rate" = top ]; then
    limit=$cap_packets
    [ "$max_step_packets" -gt 0 ] && [ "$limit" -gt "$max_step_packets" ] && limit=$max_step_packets
    speed=--topspeed
  else
    limit=$((rate * step_seconds))
    [ "$limit" -gt "$cap_packets" ] && limit=$cap_packets
    speed=--pps=$rate
  fi
  echo "== rate ${rate}: $limit packets" >&2

  # wirestate's output goes through a FIFO so that $! is wirestate itself
  # (ip netns exec execs it) and SIGINT reaches it, not a pipeline's tail.
  rm -f "$tmp/ws.fifo"
  mkfifo "$tmp/ws.fifo"
  "$linestamp" <"$tmp/ws.fifo" >"$tmp/ls.out" &
  ls_pid=$!
  ip netns exec "$rx_ns" "$ws" -i "$rx_if" "${ws_opts[@]}" >"$tmp/ws.fifo" 2>"$tmp/ws.err" &
  ws_pid=$!
  wait_capture_open

  # -K: load the packets into memory first, so disk reads cannot pace them.
  ip netns exec "$tx_ns" tcpreplay --intf1="$tx_if" "$speed" --limit="$limit" -K "$capture" \
    >"$tmp/tr.out" 2>&1 || { cat "$tmp/tr.out" >&2; die "tcpreplay failed"; }

  wait_idle
  kill -INT "$ws_pid"
  local ws_status=0
  wait "$ws_pid" || ws_status=$?
  wait "$ls_pid" || true
  ws_pid='' ls_pid=''
  [ $ws_status = 0 ] || { cat "$tmp/ws.err" >&2; die "wirestate exited with status $ws_status"; }

  local sent achieved failed got drop ifdrop events med p99 max holds
  sent=$(awk '/Successful packets:/ { print $3 }' "$tmp/tr.out")
  failed=$(awk '/Failed packets:/ { print $3 }' "$tmp/tr.out")
  achieved=$(awk '/^Rated:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^pps/) printf "%.0f", $i }' "$tmp/tr.out")
  got=$(sed -n 's/^\([0-9]*\) packets read,.*/\1/p' "$tmp/ws.err")
  drop=$(sed -n 's/.* \([0-9]*\) dropped by kernel,.*/\1/p' "$tmp/ws.err")
  ifdrop=$(sed -n 's/.* \([0-9]*\) dropped by interface.*/\1/p' "$tmp/ws.err")
  read -r events med p99 max < <(awk '{ print $4, $8, $10, $12 }' "$tmp/ls.out")
  if [ -z "$sent" ] || [ -z "$got" ] || [ -z "$drop" ] || [ -z "$ifdrop" ]; then
    cat "$tmp/tr.out" "$tmp/ws.err" >&2
    die "could not read the counts of this step"
  fi
  holds=no
  [ "$drop" = 0 ] && [ "$ifdrop" = 0 ] && [ "$got" = "$sent" ] && holds=yes
  # A sender slower than asked is tcpreplay's (or this machine's) limit, not wirestate's.
  if [ "$rate" != top ] && [ -n "$achieved" ] && [ $((achieved * 100)) -lt $((rate * 95)) ]; then
    notes+=("rate $rate: tcpreplay reached only $achieved pps.")
  fi
  [ "${failed:-0}" = 0 ] || notes+=("rate $rate: tcpreplay failed to send $failed packets.")
  [ "$got" -le "$sent" ] || notes+=("rate $rate: wirestate read $((got - sent)) packets more than were sent (stray traffic?).")

  local label=$rate
  [ "$rate" = top ] && label=topspeed
  rows+=("| $label | ${achieved:-?} | $sent | $got | $drop + $ifdrop | $events | $med / $p99 / $max | $holds |")
  if [ $holds = yes ] && { [ -z "$best" ] || [ "${achieved:-0}" -gt "$best" ]; }; then
    best=$achieved
    best_label=$label
  fi
}

# ---- main ---------------------------------------------------------------------------
ensure_packages
build_binaries
find_capture
setup_network
echo "== capture: $capture ($cap_packets packets)" >&2
cat "$capture" >/dev/null   # page cache, so that tcpreplay's preload is quick

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" status --porcelain -- src include CMakeLists.txt 2>/dev/null)" ]; then
  commit="$commit + uncommitted changes in src/include"
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rows=() notes=() best='' best_label=''
for rate in "${rates[@]}"; do
  run_step "$rate"
done

cpu=$(awk -F: '/^model name/ { sub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo)
mode=$([ $quick = 1 ] && echo quick || echo full)
{
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — live ($mode run, tools/live-bench.sh), commit $commit"
  echo
  echo "- CPU: ${cpu:-unknown} ($(nproc) logical CPUs); kernel $(uname -r); $(tcpreplay --version 2>&1 | head -n 1); $("$build/pcap_count" --version)"
  echo "- Load average (1/5/15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- \`tcpreplay -K --pps=RATE --limit=N\` (or \`--topspeed\`) in one namespace onto a veth; \`wirestate -i VETH ${ws_opts[*]}\` (immediate mode; wirestate's default -s 256 and -B 8192 unless given) in the other, its output read by tools/linestamp.c"
  echo "- Capture: $capture ($cap_packets packets); each step sends up to $step_seconds s of packets from its start"
  echo
  echo "| target pps | achieved pps | sent | wirestate read | kernel drops (ring + interface) | events | transition delay median / p99 / max (µs) | holds |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if [ -n "$best" ]; then
    if [ "$best_label" = topspeed ]; then
      echo "highest rate with zero drops: $best pps (target topspeed: as fast as tcpreplay could send here)"
    else
      echo "highest rate with zero drops: $best pps (target $best_label)"
    fi
  else
    echo "highest rate with zero drops: none of the rates tried"
  fi
  for n in "${notes[@]}"; do echo; echo "$n"; done
  echo
} >"$tmp/section.md"

cat "$tmp/section.md"
if [ $record = 1 ]; then
  cat "$tmp/section.md" >>"$root/tools/BENCHMARK.md"
  echo "(appended to $root/tools/BENCHMARK.md)" >&2
fi
