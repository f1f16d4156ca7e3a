#!/usr/bin/env bash
# kernel_oracle.sh - wirestate against the Linux kernel's own view of every
# endpoint.
#
#   bash tests/kernel_oracle.sh BUILD_DIR SOURCE_DIR
#
# pcaps/kernel/NAME.pcap was captured by a tap between real sockets in network
# namespaces, and NAME.states holds what the kernel (ss) said each endpoint's
# state was at checkpoints (tools/oracle/record.sh writes both).  Each capture
# is replayed through `wirestate -r NAME.pcap --json -q`; for each checkpoint
# line the endpoint's state in wirestate is the "to" of its last transition
# (matched on "endpoint" and "peer") at or before the checkpoint's time, or
# UNKNOWN if it has none yet, and must equal the kernel's.  Lines marked
# "unobservable:REASON" (nothing on the wire could tell the tap) are counted
# apart and never fail.  A scenario passes when all its observable lines agree
# (and it has some).
#
# Live part: as root, with `ip netns` and WS_ORACLE_LIVE not 0, one scenario
# (close-by-client) is also recorded afresh into a temporary directory and
# compared the same way.
#
# Output: per scenario "NAME: AGREE/TOTAL agree (+ U unobservable, A of them
# agree)", a DISAGREE line per observable disagreement, totals, and last
# "N passed, M failed" (scenarios).  Exit 77 (skipped) if there is nothing to
# compare; non-zero if a scenario failed.
set -u
export LC_ALL=C

BUILD_DIR=${1:?usage: kernel_oracle.sh BUILD_DIR SOURCE_DIR}
SOURCE_DIR=${2:?usage: kernel_oracle.sh BUILD_DIR SOURCE_DIR}
WS=$BUILD_DIR/wirestate
KDIR=$SOURCE_DIR/pcaps/kernel

if [ ! -x "$WS" ]; then
    echo "FAIL: $WS is not built"
    echo "0 passed, 1 failed"
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kernel_oracle.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSED=0
FAILED=0
T_AGREE=0 T_TOTAL=0 T_UNOBS=0 T_UNOBS_AGREE=0

# compare NAME PCAP STATES: prints the scenario's lines; returns 1 if it failed
compare() {
    local name=$1 pcap=$2 states=$3 json=$TMP/$1.json
    if ! "$WS" -r "$pcap" --json -q > "$json" 2> "$TMP/$name.err"; then
        echo "$name: wirestate failed: $(head -3 "$TMP/$name.err")"
        echo "COUNTS 0 1 0 0"
        return 1
    fi
    grep '"type":"transition"' "$json" | awk -v name="$name" '
        # seconds.micros as an exact integer number of microseconds
        function us(t,    p) {
            p = index(t, ".")
            if (!p) return t * 1000000
            return substr(t, 1, p - 1) * 1000000 + substr(substr(t, p + 1) "000000", 1, 6)
        }
        function field(line, key,    m) {
            if (!match(line, "\"" key "\":\"[^\"]*\"")) return ""
            m = substr(line, RSTART + length(key) + 4, RLENGTH - length(key) - 5)
            return m
        }
        FNR == NR {
            if (!match($0, /"ts":[0-9.]+/)) next
            t = us(substr($0, RSTART + 5, RLENGTH - 5))
            k = field($0, "endpoint") " " field($0, "peer")
            n = ++N[k]; TS[k, n] = t; TO[k, n] = field($0, "to")
            next
        }
        /^#/ || NF < 5 { next }
        {
            t = us($1); k = $3 " " $4; kernel = $5
            ws = "UNKNOWN"; best = -1
            for (i = 1; i <= N[k]; i++)
                if (TS[k, i] <= t && TS[k, i] >= best) { best = TS[k, i]; ws = TO[k, i] }
            unobs = ($6 ~ /^unobservable:/)
            if (unobs) { u++; if (ws == kernel) ua++ }
            else {
                total++
                if (ws == kernel) agree++
                else printf "  DISAGREE %s %s %s %s (peer %s) kernel=%s wirestate=%s\n", name, $1, $2, $3, $4, kernel, ws
            }
        }
        END {
            printf "%s: %d/%d agree (+ %d unobservable, %d of them agree)\n", name, agree, total, u, ua
            printf "COUNTS %d %d %d %d\n", agree, total, u, ua
        }' - "$states"
}

run_one() {
    local name=$1 pcap=$2 states=$3 out counts a t u ua
    out=$(compare "$name" "$pcap" "$states")
    printf '%s\n' "$out" | grep -v '^COUNTS '
    counts=$(printf '%s\n' "$out" | grep '^COUNTS ' | tail -1)
    read -r _ a t u ua <<< "$counts"
    T_AGREE=$((T_AGREE + a)) T_TOTAL=$((T_TOTAL + t)) T_UNOBS=$((T_UNOBS + u)) T_UNOBS_AGREE=$((T_UNOBS_AGREE + ua))
    if [ "$t" -gt 0 ] && [ "$a" = "$t" ]; then
        PASSED=$((PASSED + 1))
    else
        # no observable line at all means a broken recording, not a pass
        [ "$t" -gt 0 ] || echo "  $name: no observable checkpoint to compare"
        FAILED=$((FAILED + 1))
    fi
}

found=0
for pcap in "$KDIR"/*.pcap; do
    [ -e "$pcap" ] || continue
    name=$(basename "$pcap" .pcap)
    states=$KDIR/$name.states
    if [ ! -f "$states" ]; then
        echo "$name: no $name.states"
        FAILED=$((FAILED + 1))
        continue
    fi
    found=$((found + 1))
    run_one "$name" "$pcap" "$states"
done

# ---- live: record close-by-client now and compare ----------------------------
live_reason=
if [ "${WS_ORACLE_LIVE:-1}" = 0 ]; then
    live_reason="WS_ORACLE_LIVE=0"
elif [ "$(id -u)" -ne 0 ]; then
    live_reason="not root"
elif ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
    live_reason="no 'ip netns'"
elif ! command -v ss >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
    live_reason="ss or cc missing"
fi
if [ -n "$live_reason" ]; then
    echo "live: skipped ($live_reason)"
else
    if timeout 60 bash "$SOURCE_DIR/tools/oracle/record.sh" --out "$TMP/live" close-by-client > "$TMP/live.log" 2>&1 &&
        [ -f "$TMP/live/close-by-client.pcap" ]; then
        found=$((found + 1))
        run_one "live:close-by-client" "$TMP/live/close-by-client.pcap" "$TMP/live/close-by-client.states"
    else
        echo "live:close-by-client: recording failed: $(tail -3 "$TMP/live.log")"
        FAILED=$((FAILED + 1))
    fi
fi

if [ "$found" = 0 ] && [ "$FAILED" = 0 ]; then
    echo "SKIP: no captures in $KDIR and no live recording"
    exit 77
fi
echo "total: $T_AGREE/$T_TOTAL observable checkpoints agree (+ $T_UNOBS unobservable, $T_UNOBS_AGREE of them agree)"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
