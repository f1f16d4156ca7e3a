#!/usr/bin/env bash
# live_netns.sh - end-to-end test of live capture, as root, in two private
# network namespaces joined by a veth pair.
#
#   bash tests/live_netns.sh BUILD_DIR SOURCE_DIR
#
# wirestate captures on the server's veth while tests/helpers/tcp_peer plays
# scripted connections between the namespaces:
#   8080/IPv4  data both ways, client half-close, the server keeps sending
#              for 1 s to the FIN_WAIT_2 client, then closes (passive close)
#   8081/IPv6  connection refused (nothing listens)
#   8082/IPv4  abortive close: the client closes with SO_LINGER 0 (RST)
# and the JSON output must show each endpoint's exact transitions, agree with
# what the kernel's own sockets say (ss) where that can be checked, answer
# SIGUSR1 with endpoint rows, and stop cleanly on SIGINT with a summary.
#
# Exit 77 (skipped) without root or network namespaces.  One PASS/FAIL line
# per check, then "N passed, M failed"; non-zero exit if anything failed.
# No traffic leaves the namespaces; they are always deleted on exit.
set -u

BUILD_DIR=${1:?usage: live_netns.sh BUILD_DIR SOURCE_DIR}
WS=$BUILD_DIR/wirestate
PEER=$BUILD_DIR/tests/tcp_peer

skip() {
    echo "SKIP: $*"
    exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces and packet capture)"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not found"
ip netns list >/dev/null 2>&1 || skip "'ip netns' is not available"
for tool in ss timeout awk sed grep; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
done
for prog in "$WS" "$PEER"; do
    if [ ! -x "$prog" ]; then
        echo "FAIL: $prog is not built"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

NS_C=wsl-client-$$
NS_S=wsl-server-$$
IF_C=wsc0                  # veth end in the client namespace
IF_S=wss0                  # veth end in the server namespace (captured)
C4=198.51.100.1 S4=198.51.100.2
C6=2001:db8:ff::1 S6=2001:db8:ff::2
FILTER='tcp and (port 8080 or port 8081 or port 8082)'

TMP=$(mktemp -d "${TMPDIR:-/tmp}/live_netns.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }
OUT=$TMP/wirestate.json
ERR=$TMP/wirestate.err
WS_PID=
BG_PIDS=()
NS_MADE=()
PASSED=0
FAILED=0

cleanup() {
    set +e
    exec 2>/dev/null   # no job-status noise for the processes killed here
    local pid ns
    for pid in "${BG_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null
    done
    for ns in "${NS_MADE[@]}"; do
        # Only processes inside our own namespaces: all started here.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null
        done
    done
    for pid in "${BG_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    for ns in "${NS_MADE[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass() {
    PASSED=$((PASSED + 1))
    echo "PASS: $1"
}

fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL: $1"
}

# check DESCRIPTION EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: expected '$2', got '$3'"
    fi
}

# check DESCRIPTION COMMAND...
check() {
    local desc=$1
    shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# Polls COMMAND... every 50 ms for at most SECONDS; true when it succeeded.
wait_until() {
    local seconds=$1 tries
    shift
    tries=$((seconds * 20))
    while [ "$tries" -gt 0 ]; do
        "$@" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    "$@"
}

# Waits at most SECONDS for PID to end; kills it after that.  Sets WAIT_RC to
# its exit status, 124 when it had to be killed.
wait_pid() {
    local pid=$1 seconds=$2
    if wait_until "$seconds" eval "! kill -0 $pid 2>/dev/null"; then
        wait "$pid"
        WAIT_RC=$?
    else
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        WAIT_RC=124
    fi
}

bg() {
    "$@" &
    BG_PIDS+=("$!")
}

dump() {
    local f
    for f in "$@"; do
        [ -s "$f" ] || continue
        echo "---- ${f#"$TMP"/}"
        sed 's/^/    /' "$f"
    done
}

# The local endpoint a tcp_peer printed ("local ADDR:PORT").
peer_local() {
    sed -n 's/^local //p' "$1" | head -n 1
}

# ---- JSON, read by key order (wirestate writes keys in a fixed order) ----

# One line per transition: flow, endpoint, peer, role, from, to, cause,
# midstream, tab-separated.
transitions() {
    sed -n 's/^{"ts":[0-9.]*,"type":"transition","flow":\([0-9]*\),"endpoint":"\([^"]*\)","peer":"\([^"]*\)","role":"\([a-z]*\)","from":"\([A-Z0-9_]*\)","to":"\([A-Z0-9_]*\)","cause":"\(.*\)","midstream":\(true\|false\)}$/\1\t\2\t\3\t\4\t\5\t\6\t\7\t\8/p' "$OUT"
}

# "ROLE FROM->TO->TO..." for ENDPOINT; a FROM that is not the previous TO
# shows as "!FROM", a change of role as "!role=ROLE".
chain() {
    transitions | awk -F'\t' -v ep="$1" '
        $2 == ep {
            if (n == 0) { s = $4 " " $5; role = $4 }
            else if ($5 != prev) s = s " !" $5
            if ($4 != role) s = s " !role=" $4
            s = s "->" $6; prev = $6; n++
        }
        END { print s }'
}

# "FLOWS PEERS MIDSTREAMS" (distinct values, comma-joined) over ENDPOINT's transitions.
chain_facts() {
    transitions | awk -F'\t' -v ep="$1" '
        function add(list, v) { return index("," list ",", "," v ",") ? list : (list == "" ? v : list "," v) }
        $2 == ep { f = add(f, $1); p = add(p, $3); m = add(m, $8) }
        END { print f " " p " " m }'
}

# The cause of ENDPOINT's last transition.
last_cause() {
    transitions | awk -F'\t' -v ep="$1" '$2 == ep { c = $7 } END { print c }'
}

last_state() {
    transitions | awk -F'\t' -v ep="$1" '$2 == ep { s = $6 } END { print s }'
}

has_state() {
    [ "$(last_state "$1")" = "$2" ]
}

# Endpoint rows (SIGUSR1 table) after line SKIP of the output:
# "ROLE STATE PEER FLOW" for ENDPOINT.
endpoint_row() {
    tail -n +"$(($2 + 1))" "$OUT" |
        sed -n 's/^{"ts":[0-9.]*,"type":"endpoint","flow":\([0-9]*\),"endpoint":"\([^"]*\)","peer":"\([^"]*\)","role":"\([a-z]*\)","state":"\([A-Z0-9_]*\)".*/\2\t\4 \5 \3 \1/p' |
        awk -F'\t' -v ep="$1" '$1 == ep { print $2 }' | tail -n 1
}

has_endpoint_row() {
    [ -n "$(endpoint_row "$1" "$2")" ]
}

# The kernel's state for the socket LOCAL->REMOTE in namespace NS, as ss
# spells it (ESTAB, FIN-WAIT-2, TIME-WAIT, ...); empty when there is none.
kernel_state() {
    ip netns exec "$1" ss -tanH 2>/dev/null | awk -v l="$2" -v r="$3" '$4 == l && $5 == r { print $1 }'
}

kernel_in_state() {
    [ "$(kernel_state "$1" "$2" "$3")" = "$4" ]
}

# True when STRING contains every TEXT.
contains() {
    local s=$1
    shift
    while [ $# -gt 0 ]; do
        [[ $s == *"$1"* ]] || return 1
        shift
    done
}

# True when ENDPOINT's last transition's cause contains every TEXT.
cause_has() {
    local ep=$1
    shift
    contains "$(last_cause "$ep")" "$@"
}

has_line() {
    grep -q "$2" "$1" 2>/dev/null
}

# ---- the namespaces --------------------------------------------------------

ip netns add "$NS_C" 2>"$TMP/netns.err" || skip "cannot create a network namespace: $(head -n 1 "$TMP/netns.err")"
NS_MADE+=("$NS_C")
ip netns add "$NS_S" || { echo "FAIL: ip netns add $NS_S"; exit 1; }
NS_MADE+=("$NS_S")

setup() {
    ip -n "$NS_C" link add "$IF_C" type veth peer name "$IF_S" netns "$NS_S" &&
        ip -n "$NS_C" addr add "$C4/24" dev "$IF_C" &&
        ip -n "$NS_S" addr add "$S4/24" dev "$IF_S" &&
        ip -n "$NS_C" -6 addr add "$C6/64" dev "$IF_C" nodad &&
        ip -n "$NS_S" -6 addr add "$S6/64" dev "$IF_S" nodad &&
        ip -n "$NS_C" link set lo up &&
        ip -n "$NS_S" link set lo up &&
        ip -n "$NS_C" link set "$IF_C" up &&
        ip -n "$NS_S" link set "$IF_S" up
}
link_up() {
    ip -n "$NS_C" link show "$IF_C" | grep -q 'state UP' &&
        ip -n "$NS_S" link show "$IF_S" | grep -q 'state UP'
}
if ! setup; then
    echo "FAIL: setting up the veth pair"
    echo "0 passed, 1 failed"
    exit 1
fi
check "veth pair $IF_C/$IF_S is up" wait_until 5 link_up

# ---- errors that need no traffic -------------------------------------------

ip netns exec "$NS_S" timeout 10 "$WS" -i nonexistent0 >"$TMP/noif.out" 2>"$TMP/noif.err"
check_eq "-i nonexistent0 exits 1" 1 "$?"
check_eq "-i nonexistent0 writes one line on stderr" 1 "$(wc -l <"$TMP/noif.err")"
check "-i nonexistent0 says 'no such interface'" grep -q "no such interface" "$TMP/noif.err"
check "-i nonexistent0 writes nothing on stdout" test ! -s "$TMP/noif.out"

ip netns exec "$NS_S" timeout 10 "$WS" -i "$IF_S" --json 'tcp portt 80' >"$TMP/badbpf.out" 2>"$TMP/badbpf.err"
check_eq "a bad BPF expression exits 2" 2 "$?"
check "a bad BPF expression is explained on stderr" test -s "$TMP/badbpf.err"

# ---- start the capture -----------------------------------------------------

ip netns exec "$NS_S" "$WS" -i "$IF_S" --json -q "$FILTER" >"$OUT" 2>"$ERR" &
WS_PID=$!
BG_PIDS+=("$WS_PID")

# Capturing once its packet socket exists; the filter goes on right after.
capturing() {
    local fd
    kill -0 "$WS_PID" 2>/dev/null || return 2
    for fd in /proc/"$WS_PID"/fd/*; do
        [[ $(readlink "$fd" 2>/dev/null) == socket:* ]] && return 0
    done
    return 1
}
if wait_until 5 capturing; then
    sleep 0.5
    pass "wirestate is capturing on $IF_S"
else
    fail "wirestate did not start capturing on $IF_S"
    dump "$ERR"
    echo "$PASSED passed, $FAILED failed"
    exit 1
fi

# ---- privileges: root is given up once the capture is open (-Z default) ----
# Real, effective, saved and filesystem uid all belong to the unprivileged
# user (wirestate if it exists, else nobody), and no capability is left.
RUN_AS=nobody
id -u wirestate >/dev/null 2>&1 && RUN_AS=wirestate
WANT_UID=$(id -u "$RUN_AS")
read -r _ UIDS <<<"$(grep '^Uid:' /proc/"$WS_PID"/status)"
check_eq "wirestate runs as $RUN_AS after start-up (uids: $UIDS)" "$WANT_UID $WANT_UID $WANT_UID $WANT_UID" "$(echo $UIDS)"
check_eq "wirestate keeps no capability" "0000000000000000" "$(awk '/^CapEff:/ {print $2}' /proc/"$WS_PID"/status)"

# ---- 8080/IPv4: half-close, the server keeps sending, passive close ----------

S1=$TMP/s8080.out C1=$TMP/c8080.out
bg ip netns exec "$NS_S" "$PEER" server "$S4" 8080 'recv:1000,send:2000,waiteof,trickle:500:1000,close' >"$S1" 2>"$TMP/s8080.err"
S1_PID=$!
check "8080: server listening" wait_until 5 has_line "$S1" '^listening '
bg ip netns exec "$NS_C" "$PEER" client "$S4" 8080 'send:1000,recv:2000,shutwr,waiteof,close' >"$C1" 2>"$TMP/c8080.err"
C1_PID=$!

wait_until 5 has_line "$C1" '^ok shutwr'
CLI1=$(peer_local "$C1")
SRV1=$S4:8080
# While the server is still sending: the kernel's view, then wirestate's.
check "8080: kernel has the client in FIN-WAIT-2" wait_until 2 kernel_in_state "$NS_C" "$CLI1" "$SRV1" FIN-WAIT-2
check_eq "8080: kernel has the server in CLOSE-WAIT" CLOSE-WAIT "$(kernel_state "$NS_S" "$SRV1" "$CLI1")"
check "8080: wirestate reports the client in FIN_WAIT_2 while it is" wait_until 1 has_state "$CLI1" FIN_WAIT_2
check "8080: wirestate reports the server in CLOSE_WAIT while it is" wait_until 1 has_state "$SRV1" CLOSE_WAIT

wait_pid "$C1_PID" 10
check_eq "8080: client script ran" 0 "$WAIT_RC"
wait_pid "$S1_PID" 10
check_eq "8080: server script ran" 0 "$WAIT_RC"
check "8080: the client read the server's data after its half-close" grep -q '^ok waiteof ([1-9][0-9]* bytes' "$C1"

check "8080: wirestate reports the client in TIME_WAIT" wait_until 2 has_state "$CLI1" TIME_WAIT
check "8080: wirestate reports the server CLOSED" wait_until 2 has_state "$SRV1" CLOSED
check_eq "8080: kernel has the client in TIME-WAIT" TIME-WAIT "$(kernel_state "$NS_C" "$CLI1" "$SRV1")"
check_eq "8080: kernel has no server socket left" "" "$(kernel_state "$NS_S" "$SRV1" "$CLI1")"
check_eq "8080: client transitions" \
    "client CLOSED->SYN_SENT->ESTABLISHED->FIN_WAIT_1->FIN_WAIT_2->TIME_WAIT" "$(chain "$CLI1")"
check_eq "8080: server transitions" \
    "server LISTEN->SYN_RECEIVED->ESTABLISHED->CLOSE_WAIT->LAST_ACK->CLOSED" "$(chain "$SRV1")"
FLOW1=$(chain_facts "$CLI1" | cut -d' ' -f1)
check_eq "8080: client: one flow, peer, not midstream" "$FLOW1 $SRV1 false" "$(chain_facts "$CLI1")"
check_eq "8080: server: same flow, peer, not midstream" "$FLOW1 $CLI1 false" "$(chain_facts "$SRV1")"

# SIGUSR1: the table, as endpoint rows, while the capture goes on.
LINES=$(wc -l <"$OUT")
kill -USR1 "$WS_PID"
check "SIGUSR1: endpoint rows appear within 3 s (the interface is idle)" wait_until 3 has_endpoint_row "$SRV1" "$LINES"
check_eq "SIGUSR1: client row" "client TIME_WAIT $SRV1 $FLOW1" "$(endpoint_row "$CLI1" "$LINES")"
check_eq "SIGUSR1: server row" "server CLOSED $CLI1 $FLOW1" "$(endpoint_row "$SRV1" "$LINES")"
check "SIGUSR1: wirestate keeps running" kill -0 "$WS_PID"

# ---- 8081/IPv6: connection refused -------------------------------------------

C2=$TMP/c8081.out
bg ip netns exec "$NS_C" "$PEER" client "$S6" 8081 refused >"$C2" 2>"$TMP/c8081.err"
wait_pid "$!" 10
check_eq "8081: the client's connect was refused" 0 "$WAIT_RC"
CLI2=$(peer_local "$C2")
SRV2="[$S6]:8081"
check "8081: wirestate reports the client CLOSED" wait_until 2 has_state "$CLI2" CLOSED
check_eq "8081: client transitions" "client CLOSED->SYN_SENT->CLOSED" "$(chain "$CLI2")"
check "8081: cause says connection refused" cause_has "$CLI2" "connection refused"
check_eq "8081: client: one flow, peer, not midstream" \
    "$(chain_facts "$CLI2" | cut -d' ' -f1) $SRV2 false" "$(chain_facts "$CLI2")"
check_eq "8081: the closed server port is reported CLOSED (nothing listens)" "server UNKNOWN->CLOSED" "$(chain "$SRV2")"

# ---- 8082/IPv4: abortive close (SO_LINGER 0) ---------------------------------

S3=$TMP/s8082.out C3=$TMP/c8082.out
bg ip netns exec "$NS_S" "$PEER" server "$S4" 8082 'recv:100,send:100,waitrst,close' >"$S3" 2>"$TMP/s8082.err"
S3_PID=$!
check "8082: server listening" wait_until 5 has_line "$S3" '^listening '
bg ip netns exec "$NS_C" "$PEER" client "$S4" 8082 'send:100,recv:100,linger0' >"$C3" 2>"$TMP/c8082.err"
C3_PID=$!
wait_pid "$C3_PID" 10
check_eq "8082: client script ran" 0 "$WAIT_RC"
wait_pid "$S3_PID" 10
check_eq "8082: server script ran (saw the reset)" 0 "$WAIT_RC"
CLI3=$(peer_local "$C3")
SRV3=$S4:8082
check "8082: wirestate reports the server CLOSED" wait_until 2 has_state "$SRV3" CLOSED
check_eq "8082: kernel has no client socket left" "" "$(kernel_state "$NS_C" "$CLI3" "$SRV3")"
check_eq "8082: kernel has no server socket left" "" "$(kernel_state "$NS_S" "$SRV3" "$CLI3")"
check_eq "8082: client transitions" "client CLOSED->SYN_SENT->ESTABLISHED->CLOSED" "$(chain "$CLI3")"
check_eq "8082: server transitions" "server LISTEN->SYN_RECEIVED->ESTABLISHED->CLOSED" "$(chain "$SRV3")"
check "8082: the client closed by sending RST" cause_has "$CLI3" RST "to peer"
check "8082: the server closed on the RST" cause_has "$SRV3" RST "from peer"
FLOW3=$(chain_facts "$CLI3" | cut -d' ' -f1)
check_eq "8082: client: one flow, peer, not midstream" "$FLOW3 $SRV3 false" "$(chain_facts "$CLI3")"
check_eq "8082: server: same flow, peer, not midstream" "$FLOW3 $CLI3 false" "$(chain_facts "$SRV3")"

# ---- SIGINT: clean stop --------------------------------------------------------

kill -INT "$WS_PID"
wait_pid "$WS_PID" 5
check_eq "SIGINT: wirestate exits 0 within 5 s" 0 "$WAIT_RC"
check_eq "nothing on stderr with -q" "" "$(cat "$ERR")"
check_eq "exactly one summary record" 1 "$(grep -c '^{"ts":[0-9.]*,"type":"summary",' "$OUT")"
LAST=$(tail -n 1 "$OUT")
check "the summary is the last line" contains "$LAST" '"type":"summary",'
check "summary: 3 flows" contains "$LAST" '"flows":3,'
check "summary: no anomalies" contains "$LAST" '"anomalies":0,'
check "summary: kernel counters, nothing dropped" contains "$LAST" '"kernel":{"received":' '"dropped":0,'
check_eq "every line is a transition, endpoint, flow or summary record" "" \
    "$(grep -v -E '^\{"ts":[0-9.]+,"type":"(transition|endpoint|flow|summary)",' "$OUT")"

if [ "$FAILED" -ne 0 ]; then
    echo "---- logs"
    dump "$OUT" "$ERR" "$TMP"/*.out "$TMP"/*.err
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
