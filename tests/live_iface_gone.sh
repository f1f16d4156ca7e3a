#!/usr/bin/env bash
# Live capture whose interface goes down, or vanishes, mid-capture: wirestate
# must end by itself with a one-line reason, the final table and the summary,
# exit status 1.  Root only (77 = skipped otherwise).
# Usage: live_iface_gone.sh BUILD_DIR SOURCE_DIR
set -u
ws="$1/wirestate"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
ns="wsgone-$$"
tmp=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$ns" || { echo "SKIP: cannot create a network namespace"; exit 77; }

passed=0 failed=0
check() {   # description, command...
  local what=$1; shift
  if "$@"; then echo "PASS: $what"; passed=$((passed + 1)); else echo "FAIL: $what"; failed=$((failed + 1)); fi
}

run_case() {   # name, command that removes the interface, expected message
  local name=$1 action=$2 message=$3
  ip -n "$ns" link add va type veth peer name vb
  ip -n "$ns" link set va up; ip -n "$ns" link set vb up
  ip netns exec "$ns" timeout 10 "$ws" -i va --table > "$tmp/$name.out" 2> "$tmp/$name.err" &
  local pid=$!
  sleep 1
  eval "$action"
  wait "$pid"
  local rc=$?
  check "$name: exits 1 (got $rc)" test "$rc" -eq 1
  check "$name: says '$message'" grep -q "^wirestate: va: capture stopped: $message" "$tmp/$name.err"
  check "$name: prints the final table" grep -q '^Proto Role' "$tmp/$name.out"
  check "$name: prints the summary" grep -q 'packets received by filter' "$tmp/$name.err"
  ip -n "$ns" link del va 2>/dev/null
}

run_case down 'ip -n "$ns" link set va down' 'the interface went down'
run_case vanish 'ip -n "$ns" link del va' '[Tt]he interface disappeared'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
