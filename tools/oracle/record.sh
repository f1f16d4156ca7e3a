#!/usr/bin/env bash
# record.sh - record the kernel oracle: real TCP connections between network
# namespaces, a capture of them, and what the kernel said each endpoint's
# state was at checkpoints.
#
#   tools/oracle/record.sh [--out DIR] [--list] [SCENARIO...]
#
# Needs root, ip (iproute2), ss and a C compiler with libpcap.  Writes, for
# each scenario (default: all, see --list), into DIR (default pcaps/kernel):
#
#   NAME.pcap    what the tap saw (Ethernet, full frames, microseconds)
#   NAME.states  per checkpoint, one line per endpoint of every connection:
#                "TS SIDE LOCAL PEER STATE [unobservable:REASON]" (see
#                tools/oracle/classify.awk); "#" lines say how it was recorded
#   NAME.frames  the relay's log: when each frame left, passed the tap and
#                arrived (tools/oracle/relay.c), the evidence for the reasons
#   NAME.ss      the raw `ss -tanoH` snapshots behind the states
#
# Topology, rebuilt for every scenario (fresh namespaces, default sysctls
# unless the scenario sets some):
#
#   client ns  c0 192.0.2.1 2001:db8:77::1 --veth-- tc | tap ns | ts --veth-- s0 192.0.2.2 2001:db8:77::2  server ns
#
# The tap namespace runs tools/oracle/relay.c: an L2 relay over AF_PACKET
# sockets that delays each direction (default: 200 ms before the tap, none
# after it, so a frame is captured the instant it is delivered), drops
# chosen frames, and writes the pcap.  Neighbours are static (no ARP/ND
# through the delay); offloads are kept out of the way (GSO off; checksums the
# sender left to the NIC are completed by the relay).
#
# Each scenario runs tests/helpers/tcp_peer.c (scripted TCP endpoints, many
# connections at once, with wall-clock steps) on a timeline whose origin T0 is
# shared by the peers and the checkpoints; a checkpoint runs `ss -tanoH` in the
# client namespace, then in the server namespace, with CLOCK_REALTIME stamps
# around each.
#
# Only traffic inside the three namespaces made here; they and every process
# started here are removed on exit.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$ROOT/pcaps/kernel
MARGIN_US=3000

ALL_SCENARIOS="close-by-client close-by-server half-close leak-close-wait leak-killed-server
simultaneous-close abortive-close refused silent-host loss-before-tap loss-after-tap late-capture
close-by-client-v6 half-close-v6 reuse-server-time-wait reuse-client-tw-reuse hundred-mixed
close-by-client-tap-near-server"

die() {
    echo "record.sh: $*" >&2
    exit 1
}

WANT=()
while [ $# -gt 0 ]; do
    case $1 in
    --out) OUT=${2:?--out DIR}; shift 2 ;;
    --list) echo $ALL_SCENARIOS | tr ' ' '\n'; exit 0 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) WANT+=("$1"); shift ;;
    esac
done
[ ${#WANT[@]} -gt 0 ] || read -r -a WANT <<< "$(echo $ALL_SCENARIOS)"
for s in "${WANT[@]}"; do
    case " $(echo $ALL_SCENARIOS) " in *" $s "*) ;; *) die "no scenario '$s' (see --list)" ;; esac
done

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, AF_PACKET)"
for tool in ip ss cc awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
mkdir -p "$OUT" || die "cannot create $OUT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/oracle.XXXXXX") || die "mktemp"
NS_C= NS_T= NS_S=
PIDS=()
RELAY_PID=

stop_processes() {
    local pid
    for pid in "${PIDS[@]}" $RELAY_PID; do
        kill -KILL "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}" $RELAY_PID; do
        wait "$pid" 2>/dev/null
    done
    PIDS=()
    RELAY_PID=
}

topo_down() {
    local ns pid
    for ns in $NS_C $NS_T $NS_S; do
        # only our own namespaces, so only processes started here
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null
    done
    NS_C= NS_T= NS_S=
}

cleanup() {
    set +e
    exec 2>/dev/null
    stop_processes
    topo_down
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- build --------------------------------------------------------------

CFLAGS="-std=c11 -O2 -Wall -Wextra"
cc $CFLAGS -o "$WORK/relay" "$HERE/relay.c" -lpcap || die "cannot build relay.c (libpcap-dev?)"
cc $CFLAGS -pthread -o "$WORK/tcp_peer" "$ROOT/tests/helpers/tcp_peer.c" || die "cannot build tests/helpers/tcp_peer.c"
RELAY=$WORK/relay
PEER=$WORK/tcp_peer

# ---- clock ----------------------------------------------------------------

NOW=0
now_us() {
    local t=$EPOCHREALTIME
    NOW=$((${t%.*} * 1000000 + 10#${t#*.}))
}

# sleep_until MS: until T0 + MS milliseconds
sleep_until() {
    now_us
    local d=$((T0 + $1 * 1000 - NOW))
    [ "$d" -gt 0 ] && sleep "$((d / 1000000)).$(printf '%06d' $((d % 1000000)))"
}

# ---- topology -------------------------------------------------------------

C4=192.0.2.1 S4=192.0.2.2 C6=2001:db8:77::1 S6=2001:db8:77::2
MAC_C=02:00:5e:00:77:01 MAC_S=02:00:5e:00:77:02

topo_up() {
    local tag=$$-$RANDOM
    NS_C=wsko-c-$tag NS_T=wsko-t-$tag NS_S=wsko-s-$tag
    ip netns add "$NS_C" && ip netns add "$NS_T" && ip netns add "$NS_S" || die "ip netns add"
    local ns
    for ns in $NS_C $NS_T $NS_S; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
            net.ipv6.conf.default.router_solicitations=0 >/dev/null
    done
    ip netns exec "$NS_T" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
    ip -n "$NS_T" link add tc type veth peer name c0 netns "$NS_C" gso_max_segs 1 address $MAC_C || die "veth"
    ip -n "$NS_T" link add ts type veth peer name s0 netns "$NS_S" gso_max_segs 1 address $MAC_S || die "veth"
    ip -n "$NS_T" link set tc gso_max_segs 1 2>/dev/null
    ip -n "$NS_T" link set ts gso_max_segs 1 2>/dev/null
    ip -n "$NS_C" addr add $C4/24 dev c0
    ip -n "$NS_C" addr add $C6/64 dev c0 nodad
    ip -n "$NS_S" addr add $S4/24 dev s0
    ip -n "$NS_S" addr add $S6/64 dev s0 nodad
    ip -n "$NS_C" neigh replace $S4 lladdr $MAC_S dev c0 nud permanent
    ip -n "$NS_C" neigh replace $S6 lladdr $MAC_S dev c0 nud permanent
    ip -n "$NS_S" neigh replace $C4 lladdr $MAC_C dev s0 nud permanent
    ip -n "$NS_S" neigh replace $C6 lladdr $MAC_C dev s0 nud permanent
    for ns in $NS_C $NS_T $NS_S; do
        ip -n "$ns" link set lo up
    done
    ip -n "$NS_T" link set tc up && ip -n "$NS_T" link set ts up
    ip -n "$NS_C" link set c0 up && ip -n "$NS_S" link set s0 up || die "link up"
}

SYSCTL_NOTE=()
# ns_sysctl client|server KEY=VALUE...
ns_sysctl() {
    local side=$1 ns
    shift
    [ "$side" = client ] && ns=$NS_C || ns=$NS_S
    ip netns exec "$ns" sysctl -qw "$@" || die "sysctl $*"
    SYSCTL_NOTE+=("$side: $*")
}

RELAY_ARGS_NOTE=
RELAY_DELAYS=
# relay_start [relay options]: delays RELAY_DELAYS, by default 200 ms before
# the tap each way and none after it
relay_start() {
    local args=(${RELAY_DELAYS:---delay c2s:200:0 --delay s2c:200:0} "$@")
    RELAY_ARGS_NOTE="${args[*]}"
    ip netns exec "$NS_T" "$RELAY" -c tc -s ts -w "$WORK/cap.pcap" -l "$WORK/frames" "${args[@]}" \
        > "$WORK/relay.out" 2> "$WORK/relay.err" &
    RELAY_PID=$!
    local tries=100
    until grep -q ready "$WORK/relay.out" 2>/dev/null; do
        tries=$((tries - 1))
        [ $tries -gt 0 ] && kill -0 $RELAY_PID 2>/dev/null || die "relay did not start: $(cat "$WORK/relay.err")"
        sleep 0.02
    done
}

declare -A PID_OF
PEER_NAMES=()
# peer NAME client|server ADDR PORT [OPTION...] SCRIPT...: tcp_peer in the
# side's namespace.  Any one wait may last 30 s (silent-host's server waits in
# accept until it is killed at about +12 s) and the whole run 60 s.
peer() {
    local name=$1 side=$2 addr=$3 port=$4 ns
    shift 4
    [ "$side" = client ] && ns=$NS_C || ns=$NS_S
    ip netns exec "$ns" env ORACLE_T0_US="$T0" "$PEER" "$side" "$addr" "$port" -w 30000 -t 60 "$@" \
        > "$WORK/$name.out" 2> "$WORK/$name.err" &
    PID_OF[$name]=$!
    PIDS+=($!)
    PEER_NAMES+=("$name")
}

CP_N=0
# checkpoint MS LABEL: ss in both namespaces, stamped
checkpoint() {
    local ms=$1 label=$2 ta tb tc
    CP_N=$((CP_N + 1))
    now_us; ta=$NOW
    ip netns exec "$NS_C" ss -tanoH > "$WORK/ss.c" 2>&1
    now_us; tb=$NOW
    ip netns exec "$NS_S" ss -tanoH > "$WORK/ss.s" 2>&1
    now_us; tc=$NOW
    {
        echo "@ $CP_N client $ta $tb $ms $label"
        cat "$WORK/ss.c"
        echo "@ $CP_N server $tb $tc $ms $label"
        cat "$WORK/ss.s"
    } >> "$WORK/snaps"
}

# timeline: lines "MS ACTION ARGS" on stdin, in time order.  Actions:
#   cp LABEL     checkpoint
#   kill NAME    SIGKILL the peer NAME
#   capture      the relay starts writing the pcap (with relay --late)
timeline() {
    local ms action rest
    while read -r ms action rest <&3; do
        [ -z "$ms" ] && continue
        case $ms in '#'*) continue ;; esac
        sleep_until "$ms"
        case $action in
        cp) checkpoint "$ms" "$rest" ;;
        kill)
            kill -KILL "${PID_OF[$rest]}" 2>/dev/null
            wait "${PID_OF[$rest]}" 2>/dev/null   # reaped here: no "Killed" notice
            ;;
        capture) kill -USR1 "$RELAY_PID" ;;
        *) die "timeline: unknown action $action" ;;
        esac
    done 3<&0
}

DESCRIPTION=
KILLED=()

# ---- scenarios --------------------------------------------------------------
# Times are milliseconds after T0.  With 200 ms each way a segment sent at t
# is captured and delivered at t+200; checkpoints sit between those instants.

HANDSHAKE_CPS="100 cp SYN on its way to the tap
300 cp SYN delivered, SYN+ACK on its way
500 cp SYN+ACK delivered, the handshake's ACK on its way
1000 cp established, data exchanged"

close_by_client() {
    local a=$1 port=${2:-8080}
    DESCRIPTION="client closes first at +1500 ms, server closes at +2500 ms (RFC 9293 fig. 12)"
    relay_start "${@:3}"
    peer server server "$a" "$port" "recv:1000,send:2000,waiteof,at:2500,close"
    peer client client "$a" "$port" "at:0,connect,send:1000,recv:2000,at:1500,close"
    timeline <<EOF
$HANDSHAKE_CPS
1600 cp client FIN on its way
1800 cp FIN delivered, its ACK on its way
2000 cp client FIN_WAIT_2, server CLOSE_WAIT
2600 cp server FIN on its way
2800 cp server FIN delivered, last ACK on its way
3000 cp client TIME_WAIT, server closed
3500 cp settled
EOF
}

sc_close-by-client() { close_by_client $S4; }
sc_close-by-client-v6() { close_by_client "[$S6]"; }
sc_close-by-client-tap-near-server() {
    RELAY_DELAYS="--delay c2s:200:0 --delay s2c:0:200"
    close_by_client $S4 8080
    DESCRIPTION="$DESCRIPTION; the tap sits at the server: server->client segments are captured 200 ms before the client gets them"
}

sc_close-by-server() {
    DESCRIPTION="server closes first at +1500 ms, client closes at +2500 ms"
    relay_start
    peer server server $S4 8080 "recv:1000,send:2000,at:1500,close"
    peer client client $S4 8080 "at:0,connect,send:1000,recv:2000,waiteof,at:2500,close"
    timeline <<EOF
$HANDSHAKE_CPS
1600 cp server FIN on its way
1800 cp FIN delivered, its ACK on its way
2000 cp server FIN_WAIT_2, client CLOSE_WAIT
2600 cp client FIN on its way
2800 cp client FIN delivered, last ACK on its way
3000 cp server TIME_WAIT, client closed
3500 cp settled
EOF
}

half_close() {
    local a=$1
    DESCRIPTION="client shutdown(SHUT_WR) at +1000 ms; the server keeps sending 100 bytes every 100 ms for 2.8 s, then closes at +4200 ms"
    relay_start
    peer server server "$a" 8080 "recv:500,waiteof,trickle:100:2800,at:4200,close"
    peer client client "$a" 8080 "at:0,connect,send:500,at:1000,shutwr,waiteof,close"
    timeline <<EOF
$HANDSHAKE_CPS
1100 cp client FIN on its way
1300 cp FIN delivered, its ACK on its way
1600 cp client FIN_WAIT_2 receiving, server CLOSE_WAIT sending
2500 cp half-closed, data flowing
3500 cp half-closed, data flowing
4300 cp server FIN on its way
4500 cp server FIN delivered, last ACK on its way
5000 cp client TIME_WAIT, server closed
EOF
}
sc_half-close() { half_close $S4; }
sc_half-close-v6() { half_close "[$S6]"; }

sc_leak-close-wait() {
    DESCRIPTION="client closes at +1000 ms; the server application never closes (CLOSE_WAIT) until +7000 ms; client tcp_fin_timeout=3 drops its orphaned FIN_WAIT_2 after 3 s, so the server's late FIN draws a RST"
    ns_sysctl client net.ipv4.tcp_fin_timeout=3
    relay_start
    peer server server $S4 8080 "recv:100,waiteof,at:7000,close"
    peer client client $S4 8080 "at:0,connect,send:100,at:1000,close"
    timeline <<EOF
$HANDSHAKE_CPS
1100 cp client FIN on its way
1300 cp FIN delivered, its ACK on its way
1600 cp client FIN_WAIT_2 (orphan), server CLOSE_WAIT
3000 cp leak
4000 cp leak, client FIN_WAIT_2 about to expire
5000 cp client FIN_WAIT_2 expired (tcp_fin_timeout, no packet)
6500 cp server still CLOSE_WAIT
7100 cp server FIN on its way
7300 cp server FIN delivered to no socket, RST on its way
7500 cp both closed
EOF
}

sc_leak-killed-server() {
    DESCRIPTION="the server process is killed at +1000 ms (the kernel closes its socket: FIN); the client never closes (CLOSE_WAIT); server tcp_fin_timeout=3 drops the orphaned FIN_WAIT_2; at +6000 ms the client sends data and draws a RST"
    ns_sysctl server net.ipv4.tcp_fin_timeout=3
    relay_start
    peer server server $S4 8080 "recv:100,send:100,hold"
    peer client client $S4 8080 "at:0,connect,send:100,recv:100,waiteof,at:6000,send:100,sleep:1000,close"
    KILLED+=(server)
    timeline <<EOF
$HANDSHAKE_CPS
1000 kill server
1100 cp server FIN on its way
1300 cp FIN delivered, its ACK on its way
1600 cp server FIN_WAIT_2 (orphan), client CLOSE_WAIT
3000 cp leak
4000 cp leak, server FIN_WAIT_2 about to expire
5000 cp server FIN_WAIT_2 expired (tcp_fin_timeout, no packet)
6100 cp client data on its way
6300 cp data delivered to no socket, RST on its way
6500 cp both closed
EOF
}

sc_simultaneous-close() {
    DESCRIPTION="both sides close at +1500 ms: the FINs cross (CLOSING)"
    relay_start
    peer server server $S4 8080 "recv:100,send:100,at:1500,close"
    peer client client $S4 8080 "at:0,connect,send:100,recv:100,at:1500,close"
    timeline <<EOF
$HANDSHAKE_CPS
1600 cp both FINs on their way
1800 cp both FINs delivered, both ACKs on their way
2000 cp both TIME_WAIT
2500 cp settled
EOF
}

sc_abortive-close() {
    DESCRIPTION="client closes with SO_LINGER {1, 0} at +1500 ms: RST"
    relay_start
    peer server server $S4 8080 "recv:100,send:100,waitrst,close"
    peer client client $S4 8080 "at:0,connect,send:100,recv:100,at:1500,linger0"
    timeline <<EOF
$HANDSHAKE_CPS
1600 cp RST on its way
1800 cp RST delivered
2500 cp settled
EOF
}

sc_refused() {
    DESCRIPTION="connect to a port nobody listens on: RST+ACK"
    relay_start
    peer client client $S4 8081 "at:0,connect,refused"
    timeline <<EOF
100 cp SYN on its way
300 cp SYN delivered, RST on its way
500 cp refused
1000 cp settled
EOF
}

sc_silent-host() {
    DESCRIPTION="every frame toward the server is lost after the tap: SYN retransmitted at 1, 3, 7 s; the client gives up at +10000 ms (close: no packet)"
    relay_start --drop c2s:any:all:post
    peer server server $S4 8080 "hold"
    peer client client $S4 8080 "at:0,connect,noanswer:10000"
    timeline <<EOF
100 cp SYN on its way
500 cp SYN lost after the tap
1500 cp first retransmission lost
2500 cp waiting
4000 cp second retransmission lost
6000 cp waiting
8500 cp third retransmission lost
9800 cp about to give up
10500 cp the client gave up (no packet)
11000 cp settled
EOF
}

loss() {
    local where=$1
    relay_start --drop c2s:data:1:$where --drop c2s:fin:1:$where --drop s2c:fin:1:$where
    peer server server $S4 8080 "recv:1000,send:1000,waiteof,at:6000,close"
    peer client client $S4 8080 "at:0,connect,send:1000,recv:1000,at:3000,close"
    timeline <<EOF
$HANDSHAKE_CPS
1500 cp first data segment retransmitted
2000 cp data exchanged
2500 cp established
3100 cp client FIN on its way
3300 cp client FIN lost
3600 cp waiting for the FIN's retransmission
4000 cp FIN retransmitted?
4500 cp after the FIN's retransmission
5000 cp client FIN_WAIT_2, server CLOSE_WAIT
6100 cp server FIN on its way
6300 cp server FIN lost
6600 cp waiting for the FIN's retransmission
7000 cp server FIN retransmitted?
7500 cp after the FIN's retransmission
8000 cp client TIME_WAIT, server closed
9000 cp settled
EOF
}
sc_loss-before-tap() {
    DESCRIPTION="the first client data segment, the first client FIN and the first server FIN are lost BEFORE the tap (the tap sees only the retransmissions); client closes at +3000 ms, server at +6000 ms"
    loss pre
}
sc_loss-after-tap() {
    DESCRIPTION="the first client data segment, the first client FIN and the first server FIN are lost AFTER the tap (the tap sees them, the receiver never does); client closes at +3000 ms, server at +6000 ms"
    loss post
}

sc_late-capture() {
    DESCRIPTION="three connections made before the capture starts at +2000 ms: #0 exchanges data after it and the client closes at +4000 ms (server at +5000 ms); #1 was half-closed by the client at +1000 ms, the server sends at +3000 ms and closes at +5000 ms; #2 stays idle"
    relay_start --late
    peer server server $S4 8080 -n 3 -b 40000 \
        "recv:100,send:100,recv:100,send:100,waiteof,at:5000,close" \
        "recv:100,waiteof,at:3000,send:100,at:5000,close" \
        "recv:100,hold"
    peer client client $S4 8080 -n 3 -b 40000 \
        "at:0,connect,send:100,recv:100,at:3000,send:100,recv:100,at:4000,close" \
        "at:0,connect,send:100,at:1000,shutwr,waiteof,close" \
        "at:0,connect,send:100,hold"
    timeline <<EOF
1500 cp before the capture
2000 capture
2500 cp capture running, nothing sent yet
3300 cp data on #0 and #1 seen
3500 cp after data
4100 cp #0 client FIN on its way
4300 cp #0 FIN delivered, ACK on its way
4600 cp #0 client FIN_WAIT_2
5100 cp server FINs on their way
5300 cp server FINs delivered, last ACKs on their way
5600 cp settled
EOF
}

sc_reuse-server-time-wait() {
    DESCRIPTION="client port 40000 to 8080 twice: the server closes first (server TIME_WAIT), and at +4000 ms a new connection on the same 4-tuple replaces the TIME_WAIT"
    relay_start
    peer server server $S4 8080 -n 2 "recv:100,send:100,at:1500,close" "recv:100,send:100,waiteof,close"
    peer client1 client $S4 8080 -b 40000 "at:0,connect,send:100,recv:100,waiteof,at:2500,close"
    peer client2 client $S4 8080 -b 40000 "at:4000,connect,send:100,recv:100,at:5500,close"
    timeline <<EOF
$HANDSHAKE_CPS
1600 cp server FIN on its way
1800 cp server FIN delivered
2000 cp server FIN_WAIT_2, client CLOSE_WAIT
2600 cp client FIN on its way
2800 cp last ACK on its way
3000 cp server TIME_WAIT, client closed
3500 cp server TIME_WAIT
4100 cp new SYN on its way
4300 cp SYN delivered to the TIME_WAIT, SYN+ACK on its way
4500 cp SYN+ACK delivered
5000 cp second connection established
5600 cp client FIN on its way
5800 cp FIN delivered
6100 cp server FIN on its way, or delivered
6500 cp client TIME_WAIT, server closed
EOF
}

sc_reuse-client-tw-reuse() {
    DESCRIPTION="client port 40000 to 8080 twice: the client closes first (client TIME_WAIT); with net.ipv4.tcp_tw_reuse=1 in the client namespace a new connect from the same port at +4000 ms takes over the TIME_WAIT"
    ns_sysctl client net.ipv4.tcp_tw_reuse=1
    relay_start
    peer server server $S4 8080 -n 2 "recv:100,send:100,waiteof,close" "recv:100,send:100,waiteof,close"
    peer client1 client $S4 8080 -b 40000 "at:0,connect,send:100,recv:100,at:1500,close"
    peer client2 client $S4 8080 -b 40000 "at:4000,connect,send:100,recv:100,at:5500,close"
    timeline <<EOF
$HANDSHAKE_CPS
1600 cp client FIN on its way
1800 cp client FIN delivered, server closes at once
2000 cp server FIN delivered, last ACK on its way
2500 cp client TIME_WAIT, server closed
3500 cp client TIME_WAIT
4100 cp new SYN on its way (TIME_WAIT gone)
4300 cp SYN delivered, SYN+ACK on its way
4500 cp SYN+ACK delivered
5000 cp second connection established
5600 cp client FIN on its way
5800 cp FIN delivered, server closes at once
6000 cp server FIN delivered
6500 cp client TIME_WAIT, server closed
EOF
}

sc_hundred-mixed() {
    DESCRIPTION="100 concurrent connections (client ports 40000-40099, connection I runs kind I mod 12) in mixed states at +4000 ms: 0 idle; 1 client closed, server never (FIN_WAIT_2/CLOSE_WAIT); 2 server closed, client never; 3 client then server closed (TIME_WAIT/closed); 4 server then client; 5 client RST (SO_LINGER 0); 6 client FIN on its way; 7 client FIN delivered, ACK on its way; 8 server FIN delivered, last ACK on its way; 9 simultaneous close, ACKs on their way (CLOSING); 10 SYN delivered, SYN+ACK on its way; 11 SYN+ACK delivered, ACK on its way"
    relay_start
    peer server server $S4 8080 -n 100 -b 40000 \
        "recv:100,hold" \
        "recv:100,waiteof,hold" \
        "recv:100,at:1500,close" \
        "recv:100,waiteof,at:2500,close" \
        "recv:100,at:1500,close" \
        "recv:100,waitrst,close" \
        "recv:100,waiteof,hold" \
        "recv:100,waiteof,hold" \
        "recv:100,waiteof,at:3700,close" \
        "recv:100,at:3700,close" \
        "recv:100,hold" \
        "recv:100,hold"
    peer client client $S4 8080 -n 100 -b 40000 \
        "at:0,connect,send:100,hold" \
        "at:0,connect,send:100,at:1500,close" \
        "at:0,connect,send:100,waiteof,hold" \
        "at:0,connect,send:100,at:1500,close" \
        "at:0,connect,send:100,waiteof,at:2500,close" \
        "at:0,connect,send:100,at:1500,linger0" \
        "at:0,connect,send:100,at:3900,close" \
        "at:0,connect,send:100,at:3700,close" \
        "at:0,connect,send:100,at:1500,close" \
        "at:0,connect,send:100,at:3700,close" \
        "at:3700,connect,send:100,hold" \
        "at:3500,connect,send:100,hold"
    timeline <<EOF
1000 cp all established
4000 cp mixed states
5000 cp settled
EOF
}

# ---- running one ----------------------------------------------------------

sysctl_summary() {
    local side=$1 ns
    [ "$side" = client ] && ns=$NS_C || ns=$NS_S
    ip netns exec "$ns" sysctl -n net.ipv4.tcp_fin_timeout net.ipv4.tcp_tw_reuse net.ipv4.tcp_syn_retries \
        net.ipv4.tcp_synack_retries net.ipv4.tcp_rfc1337 net.ipv4.tcp_timestamps net.ipv4.tcp_sack \
        net.ipv4.tcp_ecn 2>/dev/null | paste -sd' ' |
        awk '{ printf "tcp_fin_timeout=%s tcp_tw_reuse=%s tcp_syn_retries=%s tcp_synack_retries=%s tcp_rfc1337=%s tcp_timestamps=%s tcp_sack=%s tcp_ecn=%s", $1, $2, $3, $4, $5, $6, $7, $8 }'
}

FAILED_SCENARIOS=()

run_scenario() {
    local name=$1 started
    now_us; started=$NOW
    rm -f "$WORK"/*.out "$WORK"/*.err "$WORK/snaps" "$WORK/frames" "$WORK/cap.pcap"
    : > "$WORK/snaps"
    SYSCTL_NOTE=() PEER_NAMES=() KILLED=() CP_N=0 DESCRIPTION= RELAY_ARGS_NOTE= RELAY_DELAYS=
    PID_OF=()
    topo_up
    now_us
    T0=$((NOW + 500000))    # time for the peers to start
    "sc_$name"
    sleep 0.5               # whatever was in flight at the last checkpoint lands
    local ok=1 p
    kill -TERM "$RELAY_PID" 2>/dev/null
    wait "$RELAY_PID" 2>/dev/null
    RELAY_PID=
    for p in "${PEER_NAMES[@]}"; do
        local pid=${PID_OF[$p]} killed=0 k
        for k in "${KILLED[@]}"; do [ "$k" = "$p" ] && killed=1; done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null   # holding on purpose, or stuck
            wait "$pid" 2>/dev/null
        elif ! wait "$pid" && [ $killed = 0 ]; then
            ok=0
        fi
        if [ -s "$WORK/$p.err" ] && [ $killed = 0 ]; then
            echo "record.sh: $name: $p: $(head -3 "$WORK/$p.err")" >&2
            ok=0
        fi
    done
    PIDS=()
    local client_sysctl server_sysctl
    client_sysctl=$(sysctl_summary client)
    server_sysctl=$(sysctl_summary server)
    topo_down
    [ -s "$WORK/relay.err" ] && echo "record.sh: $name: relay: $(head -3 "$WORK/relay.err")" >&2

    {
        echo "# kernel oracle scenario: $name"
        echo "# $DESCRIPTION"
        echo "# recorded $(date -u +%Y-%m-%dT%H:%M:%SZ) on Linux $(uname -r) by tools/oracle/record.sh; T0 = $(awk -v t=$T0 'BEGIN { printf "%.0f.%06.0f", int(t / 1e6), t % 1e6 }')"
        echo "# client $C4 / [$C6] (client namespace), server $S4 / [$S6] (server namespace)"
        echo "# relay: $RELAY_ARGS_NOTE (DIR:MS_BEFORE_TAP:MS_AFTER_TAP; drops DIR:MATCH:WHICH:WHERE)"
        echo "# sysctl client: $client_sysctl"
        echo "# sysctl server: $server_sysctl"
        local n
        for n in "${SYSCTL_NOTE[@]}"; do echo "# set by the scenario: $n"; done
        echo "# line: CHECKPOINT_TS SIDE LOCAL PEER KERNEL_STATE [unobservable:REASON] (reasons: tools/oracle/classify.awk)"
        awk -v margin_us=$MARGIN_US -f "$HERE/classify.awk" "$WORK/frames" "$WORK/snaps"
    } > "$WORK/states" || ok=0

    cp "$WORK/cap.pcap" "$OUT/$name.pcap"
    cp "$WORK/states" "$OUT/$name.states"
    {
        echo "# relay frame log of $name: ID DIR INGRESS_US TAP_US EGRESS_US PROTO SRC DST FLAGS SEQ ACK LEN"
        echo "# (CLOCK_REALTIME microseconds; TAP_US 0 = never captured, EGRESS_US 0 = never delivered)"
        sort -n "$WORK/frames"
    } > "$OUT/$name.frames"
    {
        echo "# ss -tanoH snapshots of $name: \"@ CHECKPOINT SIDE START_US END_US MS LABEL\", then what ss printed"
        cat "$WORK/snaps"
    } > "$OUT/$name.ss"
    local lines unobs
    lines=$(grep -vc '^#' "$OUT/$name.states")
    unobs=$(grep -v "^#" "$OUT/$name.states" | grep -c "unobservable:")
    now_us
    printf '%-32s %3d checkpoints, %4d endpoint lines (%d unobservable), %s bytes pcap, %d.%01d s%s\n' \
        "$name" "$CP_N" "$lines" "$unobs" "$(stat -c %s "$OUT/$name.pcap")" \
        $(((NOW - started) / 1000000)) $(((NOW - started) / 100000 % 10)) "$([ $ok = 1 ] || echo '  PEER ERRORS')"
    [ $ok = 1 ] || FAILED_SCENARIOS+=("$name")
}

for s in "${WANT[@]}"; do
    run_scenario "$s"
done
if [ ${#FAILED_SCENARIOS[@]} -gt 0 ]; then
    echo "record.sh: scenarios with errors: ${FAILED_SCENARIOS[*]}" >&2
    exit 1
fi
exit 0
