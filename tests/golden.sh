#!/usr/bin/env bash
# Golden scenarios: each pcaps/scenarios/NAME.pcap has NAME.expect beside it,
# written by hand from the rules (not by running wirestate).  This runs
# wirestate -tt on the capture, keeps the fields the expectation names
# (time, endpoint, role, from, to; or the event kind) and compares in order.
# Usage: golden.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
ws="$build/wirestate"
dir="$src/pcaps/scenarios"
[ -x "$ws" ] || { echo "golden: $ws not built"; exit 1; }
ls "$dir"/*.expect >/dev/null 2>&1 || { echo "golden: no scenarios in $dir"; exit 1; }

project() {
  awk '
    $5 == "->" { line = $1 " " $2 " " $3 " " $4 " " $6
                 if (index($0, ", midstream)")) line = line " midstream"
                 print line; next }
    $4 == "half_closed" { print $1, $2, $3, "half_closed", $5; next }
    $4 == "anomaly" { k = $5; sub(/:$/, "", k); print $1, $2, $3, "anomaly", k; next }
  '
}

passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for expect in "$dir"/*.expect; do
  name=$(basename "$expect" .expect)
  args=()
  [ -f "$dir/$name.args" ] && read -r -a args < "$dir/$name.args"
  TZ=UTC "$ws" -tt -q --flows "${args[@]}" -r "$dir/$name.pcap" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  project < "$tmp/out" > "$tmp/got"
  # Events come out in time order, flow records included.
  if ! awk '{print $1}' "$tmp/out" | sort -n -c 2> "$tmp/order"; then
    echo "FAIL $name: event times go backwards: $(cat "$tmp/order")"
    failed=$((failed + 1))
    continue
  fi
  grep -v '^[[:space:]]*#' "$expect" | sed '/^[[:space:]]*$/d' > "$tmp/want"
  if [ $rc -eq 0 ] && diff -u "$tmp/want" "$tmp/got" > "$tmp/diff"; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name (exit $rc)"
    cat "$tmp/diff" "$tmp/err"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
