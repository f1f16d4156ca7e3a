#!/usr/bin/env bash
# Hostile traffic: memory stays flat at the --max-flows bound, and garbage
# cannot close or push out real connections.  Captures come from
# tests/helpers/flood_gen (deterministic).  Prints the peak RSS of each run.
# Usage: flood.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
ws="$build/wirestate"
gen="$build/tests/flood_gen"
[ -x "$gen" ] || { echo "flood: $gen not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0
check() {   # description, command...
  local what=$1; shift
  if "$@"; then echo "PASS: $what"; passed=$((passed + 1)); else echo "FAIL: $what"; failed=$((failed + 1)); fi
}
# field NAME: a numeric field of the summary record (the last line).
field() { tail -n 1 "$tmp/out" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
run() {   # capture, extra options...
  local pcap=$1; shift
  "$ws" -q --json --no-events "$@" -r "$pcap" > "$tmp/out" 2> "$tmp/err"
}
count_rows() { grep -c "\"type\":\"endpoint\".*\"state\":\"$1\"" "$tmp/out"; }

# SYN flood from spoofed sources: the table stays at the bound, RSS stays flat.
"$gen" syn 200000 "$tmp/syn-small.pcap"
"$gen" syn 2000000 "$tmp/syn-large.pcap"
run "$tmp/syn-small.pcap" --max-flows 10000
small_rss=$(field peak_rss_kib)
run "$tmp/syn-large.pcap" --max-flows 10000
large_rss=$(field peak_rss_kib)
echo "SYN flood, --max-flows 10000: peak RSS ${small_rss} KiB after 200k SYNs, ${large_rss} KiB after 2M"
check "SYN flood: 2M flows seen" test "$(field flows)" -eq 2000000
check "SYN flood: table holds exactly the bound" test "$(field flows_tracked)" -eq 10000
check "SYN flood: every flow beyond the bound evicted and counted" test "$(field evicted)" -eq 1990000
check "SYN flood: RSS flat (2M vs 200k SYNs differ by < 2 MiB)" test $((large_rss - small_rss)) -lt 2048
check "SYN flood: RSS under 32 MiB at 10000 flows" test "$large_rss" -lt 32768

# RST flood with random sequence numbers against 1000 established flows.
"$gen" rst 500000 1000 "$tmp/rst.pcap"
run "$tmp/rst.pcap" --table
check "RST flood: every blind RST is an anomaly" test "$(field anomalies)" -eq 500000
check "RST flood: all 2000 endpoints still ESTABLISHED" test "$(count_rows ESTABLISHED)" -eq 2000
check "RST flood: only the handshakes' transitions" test "$(field transitions)" -eq 4000
echo "RST flood: peak RSS $(field peak_rss_kib) KiB"

# Port scan: 65535 SYNs, most refused; the scanner's flows are bounded.
"$gen" scan 65535 "$tmp/scan.pcap"
run "$tmp/scan.pcap" --max-flows 1000 --table
check "scan: table bounded at 1000" test "$(field flows_tracked)" -le 1000
check "scan: no endpoint left established" test "$(count_rows ESTABLISHED)" -eq 0
echo "scan: peak RSS $(field peak_rss_kib) KiB"

# ACK flood without handshakes while 100 real connections idle: the flood's
# one-sided flows are expendable, the real ones survive a full table.
"$gen" ack 500000 100 "$tmp/ack.pcap"
run "$tmp/ack.pcap" --max-flows 5000 --table
# Still the original flows (an evicted one would come back as a new,
# mid-stream flow when it speaks again after the flood).
real=$(grep '"type":"endpoint"' "$tmp/out" | grep '"endpoint":"192.0.2.10:80"' | grep -c '"midstream":false')
check "ACK flood: the 100 real connections kept their original flows" test "$real" -eq 100
check "ACK flood: none of them was evicted" test "$(grep '"type":"endpoint"' "$tmp/out" | grep -c '"endpoint":"192.0.2.10:80".*"midstream":true')" -eq 0
check "ACK flood: table bounded at 5000" test "$(field flows_tracked)" -le 5000
echo "ACK flood: peak RSS $(field peak_rss_kib) KiB"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
