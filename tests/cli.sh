#!/usr/bin/env bash
# cli.sh - the command line seen from outside: exit statuses (0 ok, 1 runtime
# error, 2 usage), one-line error messages on stderr, damaged and unusual
# inputs (truncated files, absurd record lengths, trailing garbage, FIFOs,
# standard input, unsupported link types) and the output options.
# Usage: cli.sh BUILD_DIR SOURCE_DIR
# Prints PASS/FAIL per check and ends with "N passed, M failed"; exit 0 only if
# nothing failed.  Only bash and coreutils (printf, head, dd, od, grep, awk).
set -u
build=${1:?usage: cli.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: cli.sh BUILD_DIR SOURCE_DIR}
ws="$build/wirestate"
scen="$src/pcaps/scenarios"
base="$scen/close-client.pcap"

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

if [ ! -x "$ws" ] || [ ! -f "$base" ]; then
  fail setup "need $ws and $base"
  finish
fi

# A sanitizer failure must not look like exit status 1.
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=99}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:exitcode=98:print_stacktrace=1}"
export TZ=UTC
export LC_ALL=C

tmp=$(mktemp -d) || { fail setup "mktemp -d"; finish; }
bg_pids=()
cleanup() {
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# ---- running wirestate ------------------------------------------------------

# run [args...]: stdout -> $tmp/out, stderr -> $tmp/err, status -> $rc.
# Standard input is /dev/null unless the caller redirects run's input.
rc=0
run() {
  timeout 60 "$ws" "$@" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  if [ $rc -eq 98 ] || [ $rc -eq 99 ] ||
     grep -qE 'runtime error:|AddressSanitizer|LeakSanitizer' "$tmp/err"; then
    fail "sanitizer report (exit $rc) from: wirestate $*" "$(grep -m1 -E 'runtime error:|Sanitizer' "$tmp/err")"
  fi
  [ $rc -ne 124 ] || fail "timeout from: wirestate $*"
}
run_stdin() {   # run_stdin FILE args...: FILE on standard input
  local in=$1; shift
  run "$@" < "$in"
}

# expect_rc NAME WANT
expect_rc() {
  if [ "$rc" -eq "$2" ]; then pass "$1: exit $2"; else fail "$1: exit $2" "got $rc; stderr: $(head -c 300 "$tmp/err")"; fi
}

# expect_error NAME STATUS REGEX...: exit STATUS, and stderr is exactly one line
# "wirestate: ..." matching every REGEX (grep -E).  A usage error (2) may add the
# one-line "usage: ..." hint after it, nothing else.
expect_error() {
  local name=$1 want=$2; shift 2
  expect_rc "$name" "$want"
  local lines first extra
  lines=$(wc -l < "$tmp/err")
  first=$(head -n 1 "$tmp/err")
  extra=$(tail -n +2 "$tmp/err")
  if [ "$want" -eq 2 ] && [ "$lines" -eq 2 ] && [[ $extra == usage:* ]]; then
    lines=1
  fi
  if [ "$lines" -ne 1 ] || [[ $first != "wirestate: "* ]]; then
    fail "$name: one 'wirestate: ' line on stderr" "got $(wc -l < "$tmp/err") lines: $(head -c 400 "$tmp/err")"
    return
  fi
  local re
  for re in "$@"; do
    if ! grep -qE -- "$re" <<< "$first"; then
      fail "$name: message matches /$re/" "got: $first"
      return
    fi
  done
  pass "$name: message '$first'"
}

# expect_same NAME FILE_A FILE_B
expect_same() {
  if cmp -s "$2" "$3"; then pass "$1"; else fail "$1" "$(diff "$2" "$3" | head -n 8)"; fi
}

expect_out_grep() {   # NAME REGEX: stdout has a matching line
  if grep -qE -- "$2" "$tmp/out"; then pass "$1"; else fail "$1" "no line matches /$2/ in: $(head -n 3 "$tmp/out")"; fi
}
expect_out_no_grep() {
  if grep -qE -- "$2" "$tmp/out"; then fail "$1" "unexpected: $(grep -m1 -E -- "$2" "$tmp/out")"; else pass "$1"; fi
}
expect_err_grep() {
  if grep -qE -- "$2" "$tmp/err"; then pass "$1"; else fail "$1" "stderr: $(head -c 300 "$tmp/err")"; fi
}
expect_err_empty() {
  if [ ! -s "$tmp/err" ]; then pass "$1"; else fail "$1" "stderr: $(head -c 300 "$tmp/err")"; fi
}

# ---- reading capture files byte by byte --------------------------------------

le32() {   # le32 FILE OFFSET: little-endian 32-bit value
  od -A n -t u1 -j "$2" -N 4 "$1" | awk '{ print $1 + 256 * $2 + 65536 * $3 + 16777216 * $4 }'
}
# Record start offsets of a little-endian microsecond pcap, one per line.
record_offsets() {
  local f=$1 size off=24 caplen
  size=$(stat -c %s "$f")
  while [ $off -lt "$size" ]; do
    echo $off
    caplen=$(le32 "$f" $((off + 8)))
    off=$((off + 16 + caplen))
  done
}
# patch FILE OFFSET BYTES(printf escapes): overwrite in place
patch() {
  printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

magic=$(od -A n -t x1 -N 4 "$base" | tr -d ' \n')
if [ "$magic" != d4c3b2a1 ]; then
  fail setup "$base is not a little-endian microsecond pcap (magic $magic)"
  finish
fi
mapfile -t offs < <(record_offsets "$base")
nrec=${#offs[@]}
last=${offs[$((nrec - 1))]}
size=$(stat -c %s "$base")

# Reference runs of the undamaged capture.
run -q -tt -r "$base"
cp "$tmp/out" "$tmp/full.out"
[ $rc -eq 0 ] && [ -s "$tmp/full.out" ] && pass "reference run: exit 0, transitions printed" ||
  fail "reference run" "exit $rc, $(wc -l < "$tmp/full.out") lines"
run -q -tt -c $((nrec - 1)) -r "$base"
cp "$tmp/out" "$tmp/all-but-last.out"
# The last record of close-client is the UDP tick whose only effect is to fire
# the client's 2MSL timer: losing it loses exactly that line.
grep -v '2MSL timer expired' "$tmp/full.out" > "$tmp/full-minus-tick.out"
expect_same "without its last packet the capture loses only the 2MSL line" \
  "$tmp/full-minus-tick.out" "$tmp/all-but-last.out"

# ---- files that are not captures ---------------------------------------------

run -r "$tmp/no-such-file.pcap"
expect_error "missing file" 1 "no-such-file\.pcap" "No such file or directory"

mkdir "$tmp/adir"
run -r "$tmp/adir"
expect_error "directory" 1 "adir" "directory"

: > "$tmp/empty.pcap"
run -r "$tmp/empty.pcap"
expect_error "empty file" 1 "empty\.pcap" "empty"

printf 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' > "$tmp/text.pcap"
run -r "$tmp/text.pcap"
expect_error "text file (bad magic)" 1 "text\.pcap" "not a pcap or pcapng"

head -c 20 "$base" > "$tmp/short-header.pcap"
run -r "$tmp/short-header.pcap"
expect_error "truncated pcap file header" 1 "short-header\.pcap" "truncated|header"

run_stdin /dev/null -r -
expect_error "empty standard input" 1 "standard input" "empty"

# ---- damaged captures: everything before the damage is still reported ---------

# Cut the last record short by 6 bytes.
head -c $((size - 6)) "$base" > "$tmp/cut.pcap"
run -q -tt -r "$tmp/cut.pcap"
cp "$tmp/out" "$tmp/cut.out"
expect_error "record cut short" 1 "cut\.pcap" "damaged" "record $((nrec - 1))([^0-9]|$)" \
  "byte offset $((size - 6))([^0-9]|$)"
expect_same "record cut short: every transition before the damage is printed" \
  "$tmp/all-but-last.out" "$tmp/cut.out"
run -tt -r "$tmp/cut.pcap"
if [ $rc -eq 1 ] && [ "$(grep -c '^wirestate: ' "$tmp/err")" -eq 1 ] &&
   grep -q "^$((nrec - 1)) packets read" "$tmp/err"; then
  pass "record cut short, without -q: one error line and the summary of $((nrec - 1)) packets"
else
  fail "record cut short, without -q" "exit $rc, stderr: $(cat "$tmp/err")"
fi

# The same damaged capture on standard input: no offset to give, still the record.
run_stdin "$tmp/cut.pcap" -q -tt -r -
cp "$tmp/out" "$tmp/cut-stdin.out"
expect_error "record cut short, on stdin" 1 "standard input" "record $((nrec - 1))([^0-9]|$)"
expect_same "record cut short, on stdin: transitions before the damage" \
  "$tmp/all-but-last.out" "$tmp/cut-stdin.out"

# The last record's caplen patched to 0x7fffffff: libpcap refuses it.
cp "$base" "$tmp/huge-caplen.pcap"
patch "$tmp/huge-caplen.pcap" $((last + 8)) '\377\377\377\177'
run -q -tt -r "$tmp/huge-caplen.pcap"
cp "$tmp/out" "$tmp/huge.out"
expect_error "absurd caplen in the last record" 1 "huge-caplen\.pcap" "damaged" \
  "record $((nrec - 1))([^0-9]|$)" "byte offset $((last + 16))([^0-9]|$)" "2147483647"
expect_same "absurd caplen: transitions before the damage" "$tmp/all-but-last.out" "$tmp/huge.out"

# The same in the middle of the file (record index 5): the first 5 records count.
mid=${offs[5]}
cp "$base" "$tmp/mid-caplen.pcap"
patch "$tmp/mid-caplen.pcap" $((mid + 8)) '\377\377\377\177'
run -q -tt -c 5 -r "$base"
cp "$tmp/out" "$tmp/first5.out"
run -q -tt -r "$tmp/mid-caplen.pcap"
cp "$tmp/out" "$tmp/mid.out"
expect_error "absurd caplen in record 6 of $nrec" 1 "record 5([^0-9]|$)" "byte offset $((mid + 16))([^0-9]|$)"
expect_same "absurd caplen mid-file: transitions of the first 5 packets" "$tmp/first5.out" "$tmp/mid.out"

# Garbage after the last valid record.
cp "$base" "$tmp/trailing.pcap"
printf 'trailing garbage, definitely not a record header\n' >> "$tmp/trailing.pcap"
run -q -tt -r "$tmp/trailing.pcap"
cp "$tmp/out" "$tmp/trailing.out"
expect_error "garbage after the last record" 1 "trailing\.pcap" "damaged" "record $nrec([^0-9]|$)" \
  "byte offset $((size + 16))([^0-9]|$)"
expect_same "garbage after the last record: every transition printed" "$tmp/full.out" "$tmp/trailing.out"

# Fewer garbage bytes than a record header.
cp "$base" "$tmp/trailing7.pcap"
printf 'garbage' >> "$tmp/trailing7.pcap"
run -q -tt -r "$tmp/trailing7.pcap"
cp "$tmp/out" "$tmp/trailing7.out"
expect_error "7 stray bytes after the last record" 1 "record $nrec([^0-9]|$)" "byte offset $((size + 7))([^0-9]|$)"
expect_same "7 stray bytes: every transition printed" "$tmp/full.out" "$tmp/trailing7.out"

# ---- unusual sources ------------------------------------------------------------

mkfifo "$tmp/fifo"
cat "$base" > "$tmp/fifo" &
bg_pids=($!)
run -q -tt -r "$tmp/fifo"
# if wirestate never opened the FIFO, cat is still blocked in open: end it
kill -0 "${bg_pids[0]}" 2>/dev/null && kill "${bg_pids[0]}"
wait "${bg_pids[0]}" 2>/dev/null
bg_pids=()
expect_rc "FIFO" 0
expect_same "FIFO: same output as the file" "$tmp/full.out" "$tmp/out"

run_stdin "$base" -q -tt -r -
expect_rc "-r - (stdin redirected from the file)" 0
expect_same "-r -: same output as -r FILE" "$tmp/full.out" "$tmp/out"

cat "$base" | timeout 60 "$ws" -q -tt -r - > "$tmp/out" 2> "$tmp/err"
rc=$?
expect_rc "-r - (stdin is a pipe)" 0
expect_same "-r - from a pipe: same output as -r FILE" "$tmp/full.out" "$tmp/out"

# IEEE 802.11 (linktype 105) with one 4-byte record.
{
  printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\151\000\000\000'
  printf '\000\361\123\145\000\000\000\000\004\000\000\000\004\000\000\000abcd'
} > "$tmp/wifi.pcap"
run -r "$tmp/wifi.pcap"
expect_error "unsupported link type" 1 "wifi\.pcap" "not supported" "105"

# ---- usage errors (2) -------------------------------------------------------------

run -r "$base" --bogus
expect_error "unknown long option" 2 "--bogus"
run -r "$base" -x
expect_error "unknown short option" 2 "unknown option: -x\$"
# getopt's error is about the option character, not the previous word.
run -r "$base" -xq
expect_error "unknown option inside a cluster (-xq)" 2 "unknown option: -x\$"
run -r
expect_error "missing argument to -r" 2 "option needs an argument: -r"
run -r "$base" --msl
expect_error "missing argument to --msl" 2 "option needs an argument: --msl"
run -r "$base" --msl abc
expect_error "--msl abc" 2 "--msl" "abc"
run -r "$base" --max-flows 0
expect_error "--max-flows 0" 2 "--max-flows" "'0'"
# A table the process cannot have the address space for fails at the start,
# not at the first packet (ASan's shadow memory cannot live under ulimit -v).
if ! grep -q __asan_init "$ws"; then
  rc=0
  ( ulimit -v 400000; exec timeout 60 "$ws" -r "$base" --max-flows 10000000 ) > "$tmp/out" 2> "$tmp/err" || rc=$?
  expect_error "--max-flows beyond ulimit -v" 1 "cannot reserve memory" "10000000 flows" "--max-flows"
fi
run -r "$base" --names foo
expect_error "--names foo" 2 "--names" "foo"
run -r "$base" -c 0
expect_error "-c 0" 2 "-c"
run
expect_error "no -r or -i" 2 "-r FILE|-i IFACE|nothing to read"
run -q
expect_error "only -q" 2 "nothing to read"
run -r x -i y
expect_error "-r and -i together" 2 "-r" "-i"
run -r "$base" --interval 1
expect_error "--interval with -r" 2 "--interval"
run -r "$base" tcp port
expect_error "bad BPF expression with -r" 2 "filter" "tcp port"
run -r "$base" 'host 999.1.1.1'
expect_error "BPF with an impossible address" 2 "filter"

# ---- help, version --------------------------------------------------------------

run --help
expect_rc "--help" 0
if head -n 1 "$tmp/out" | grep -q '^usage: wirestate -r FILE' && [ ! -s "$tmp/err" ]; then
  pass "--help: usage on stdout, nothing on stderr"
else
  fail "--help: usage on stdout" "$(head -n 2 "$tmp/out") / $(head -c 200 "$tmp/err")"
fi
run -V
expect_rc "-V" 0
if grep -qE '^wirestate [0-9]+\.[0-9]+\.[0-9]+ \(.*libpcap' "$tmp/out" && [ ! -s "$tmp/err" ]; then
  pass "-V: version and libpcap version on stdout"
else
  fail "-V" "$(cat "$tmp/out" "$tmp/err")"
fi

# ---- options that shape the output ----------------------------------------------

run -tt -c 3 -r "$base"
expect_rc "-c 3" 0
expect_err_grep "-c 3: summary says 3 packets read" '^3 packets read, 3 TCP segments$'
run -q --json -c 3 -r "$base"
expect_rc "-c 3 --json" 0
expect_out_grep "-c 3 --json: summary record has \"packets\":3" '^\{"ts":[0-9]+\.[0-9]{6},"type":"summary","packets":3,'
# the 3 packets are the handshake: 4 transitions, the same as the full run's first 4
head -n 4 "$tmp/full.out" > "$tmp/first4.out"
run -q -tt -c 3 -r "$base"
expect_same "-c 3: the handshake's 4 transitions" "$tmp/first4.out" "$tmp/out"

run -q -r "$base" --names netstat
expect_rc "--names netstat" 0
expect_out_grep "--names netstat: FIN_WAIT1 in text" ' ESTABLISHED -> FIN_WAIT1 '
expect_out_grep "--names netstat: SYN_RECV in text" ' LISTEN -> SYN_RECV '
expect_out_grep "--names netstat: CLOSE in text" ' LAST_ACK -> CLOSE '
expect_out_no_grep "--names netstat: no RFC spelling in text" 'FIN_WAIT_1|SYN_RECEIVED|CLOSED'
run -q -r "$base" --names netstat --json
expect_out_grep "--names netstat --json: JSON keeps FIN_WAIT_1" '"to":"FIN_WAIT_1"'
expect_out_grep "--names netstat --json: JSON keeps SYN_RECEIVED" '"to":"SYN_RECEIVED"'
expect_out_no_grep "--names netstat --json: no netstat spelling in JSON" 'FIN_WAIT1|SYN_RECV"|"CLOSE"'

run --json -q -r "$base"
bad=$(grep -cvE '^\{"ts":[0-9]+\.[0-9]{6},"type":"[a-z_]+",.*\}$' "$tmp/out")
if [ $rc -eq 0 ] && [ "$bad" -eq 0 ] && [ "$(tail -n 1 "$tmp/out" | grep -c '"type":"summary"')" -eq 1 ]; then
  pass "--json: every line an object starting with ts/type, summary record last"
else
  fail "--json lines" "exit $rc, $bad malformed lines"
fi

run -q -r "$base"
expect_rc "-q" 0
expect_err_empty "-q: nothing on stderr"
run -r "$base"
expect_err_grep "without -q: summary on stderr" "^$nrec packets read, "

run -q -r "$base" 'host 203.0.113.99'
expect_rc "BPF filter matching nothing" 0
if [ ! -s "$tmp/out" ]; then pass "BPF filter matching nothing: no transitions"; else fail "BPF filter matching nothing" "$(head -n 2 "$tmp/out")"; fi
run -r "$base" 'host 203.0.113.99'
expect_err_grep "BPF filter matching nothing: 0 packets read" '^0 packets read'
run -q -tt -r "$base" tcp
expect_same "BPF 'tcp' drops the UDP tick, so the 2MSL timer never fires" "$tmp/full-minus-tick.out" "$tmp/out"

run -q -n -tt -r "$base"
expect_same "-n is accepted (tcpdump habit)" "$tmp/full.out" "$tmp/out"

run -q -t -r "$scen/closewait-leak.pcap" --table
expect_rc "--table" 0
expect_out_grep "--table: header row" '^Proto Role   Local Address +Foreign Address +State +Age\(s\) +Flow$'
expect_out_grep "--table: a CLOSE_WAIT server row" '^tcp +server +192\.0\.2\.10:8080 +[0-9.:]+ +CLOSE_WAIT +[0-9]+\.[0-9] +[0-9]+$'
# close-client ends with every flow gone: the table is the header alone.
run -q -r "$base" --table
expect_rc "--table with no flow left" 0
if [ "$(tail -n 1 "$tmp/out")" = "Proto Role   Local Address   Foreign Address State           Age(s)     Flow" ]; then
  pass "--table with no flow left: header alone"
else
  fail "--table with no flow left: header alone" "last line: $(tail -n 1 "$tmp/out")"
fi
run -q --json -r "$scen/closewait-leak.pcap" --table
expect_out_grep "--table --json: endpoint records" '^\{"ts":[0-9]+\.[0-9]{6},"type":"endpoint","flow":[0-9]+,"endpoint":"[^"]+","peer":"[^"]+","role":"(client|server)","state":"CLOSE_WAIT","since":[0-9]+\.[0-9]{6},"age":[0-9.]+,"midstream":false\}$'

first_line() { head -n 1 "$tmp/out"; }
run -q -r "$base"
[[ $(first_line) == "22:13:20.000000 192.0.2.1:40001 client CLOSED -> SYN_SENT  "* ]] &&
  pass "default time: time of day (TZ=UTC)" || fail "default time" "$(first_line)"
run -q -t -r "$base"
[[ $(first_line) == "192.0.2.1:40001 client CLOSED -> SYN_SENT  "* ]] &&
  pass "-t: no time" || fail "-t" "$(first_line)"
run -q -tt -r "$base"
[[ $(first_line) == "1700000000.000000 192.0.2.1:40001 client "* ]] &&
  pass "-tt: epoch seconds with 6 decimals" || fail "-tt" "$(first_line)"
run -q -ttt -r "$base"
if [[ $(first_line) == "00:00:00.000000 "* ]] && [ "$(sed -n 2p "$tmp/out" | cut -d' ' -f1)" = 00:00:00.002000 ]; then
  pass "-ttt: delta since the previous line"
else
  fail "-ttt" "$(head -n 2 "$tmp/out")"
fi
run -q -tttt -r "$base"
[[ $(first_line) == "2023-11-14 22:13:20.000000 192.0.2.1:40001 client "* ]] &&
  pass "-tttt: date and time" || fail "-tttt" "$(first_line)"
run -q -ttttt -r "$base"
if [[ $(first_line) == "00:00:00.000000 "* ]] && [ "$(tail -n 1 "$tmp/out" | cut -d' ' -f1)" = 00:01:00.016000 ]; then
  pass "-ttttt: since the first line"
else
  fail "-ttttt" "$(head -n 1 "$tmp/out") ... $(tail -n 1 "$tmp/out")"
fi

run -q -r "$scen/ipv6.pcap" -t
expect_out_grep "IPv6 endpoints in brackets" '^\[2001:db8::1\]:40140 client CLOSED -> SYN_SENT  .*\(peer \[2001:db8::2\]:443, flow 1\)$'

# ---- batched reading: -c and damage at every place in a batch -------------------

# Packets are read 32 at a time (WS_BATCH in src/cli/reader.h): -c must still
# stop at exactly N packets, on either side of a batch boundary, and a capture
# damaged in the middle of a batch must still have every packet before the
# damage tracked.  rst-states has 49 packets (a full batch and 17 more), the
# last one a UDP tick.  (The counts and cuts at 15-17 are from when batches
# held 16: kept, they fall inside a batch now.)
many="$scen/rst-states.pcap"
mapfile -t many_offs < <(record_offsets "$many")
many_n=${#many_offs[@]}
if [ "$(od -A n -t x1 -N 4 "$many" | tr -d ' \n')" != d4c3b2a1 ] || [ "$many_n" -le 34 ]; then
  fail "batched reading setup" "$many: need a little-endian microsecond pcap of more than 34 packets, got $many_n"
else
  # first_records N OUT: the capture's first N records as a file of their own.
  first_records() {
    if [ "$1" -ge "$many_n" ]; then cp "$many" "$2"; else head -c "${many_offs[$1]}" "$many" > "$2"; fi
  }
  for n in 1 15 16 17 31 32 33 $((many_n - 1)) "$many_n"; do
    run -tt -c "$n" -r "$many"
    expect_rc "-c $n of $many_n packets" 0
    tcp=$n; [ "$n" -lt "$many_n" ] || tcp=$((many_n - 1))   # the last packet is not TCP
    expect_err_grep "-c $n: summary says $n packets read" "^$n packets read, $tcp TCP segments\$"
    run -q --json -c "$n" -r "$many"
    expect_out_grep "-c $n --json: summary record has \"packets\":$n" "\"type\":\"summary\",\"packets\":$n,"
    # Exactly the first n packets were tracked: the same transitions as a
    # capture that holds only those.
    run -q -tt -c "$n" -r "$many"
    cp "$tmp/out" "$tmp/c$n.out"
    first_records "$n" "$tmp/first$n.pcap"
    run -q -tt -r "$tmp/first$n.pcap"
    expect_same "-c $n: the transitions of the first $n packets" "$tmp/out" "$tmp/c$n.out"
  done
  [ -s "$tmp/c33.out" ] && pass "-c 33: some transitions printed" || fail "-c 33: some transitions printed"
  for n in $((many_n + 1)) 1000; do
    run -tt -c "$n" -r "$many"
    expect_rc "-c $n, more than the $many_n packets there are" 0
    expect_err_grep "-c $n: summary says $many_n packets read" "^$many_n packets read, "
  done
  run -q -tt -r "$many"
  expect_same "-c $many_n: the whole capture" "$tmp/out" "$tmp/c$many_n.out"

  # Cut short inside record k's data (k = 32: first of a batch; 16, 17, 33
  # and 37: inside one), and inside record k's 16-byte header: exit 1,
  # one error line naming record k and where the file ended, and everything
  # before record k reported, summary included.
  for cut in data:16 data:17 data:31 data:32 data:33 data:37 header:17 header:32 header:37 header:$((many_n - 1)); do
    k=${cut#*:}
    off=${many_offs[$k]}
    if [ "${cut%%:*}" = data ]; then
      caplen=$(le32 "$many" $((off + 8)))
      end=$((off + 16 + caplen / 2))
    else
      end=$((off + 7))
    fi
    head -c "$end" "$many" > "$tmp/cut-$k.pcap"
    run -q -tt -r "$tmp/cut-$k.pcap"
    cp "$tmp/out" "$tmp/cut-$k.out"
    expect_error "cut inside the $cut" 1 "cut-$k\.pcap" "damaged" "record $k([^0-9]|\$)" \
      "byte offset $end([^0-9]|\$)"
    run -q -tt -c "$k" -r "$many"
    expect_same "cut inside the $cut: the transitions of the $k packets before it" "$tmp/out" "$tmp/cut-$k.out"
    run -tt -r "$tmp/cut-$k.pcap"
    if [ $rc -eq 1 ] && grep -q "^$k packets read, $k TCP segments\$" "$tmp/err" &&
       [ "$(grep -c '^wirestate: ' "$tmp/err")" -eq 1 ] && [[ $(tail -n 1 "$tmp/err") == "wirestate: "* ]]; then
      pass "cut inside the $cut, without -q: summary of $k packets, then the error line"
    else
      fail "cut inside the $cut, without -q" "exit $rc, stderr: $(cat "$tmp/err")"
    fi
    # With -c below the damage, the damage is never reached.
    run -q -tt -c $((k - 1)) -r "$tmp/cut-$k.pcap"
    expect_rc "cut inside the $cut, -c $((k - 1)) stops before it" 0
  done
fi

# A file on disk is read by a reader thread, tracked, and written by a writer
# thread; the same bytes on standard input go through one thread.  Both must
# print the same lines, in the same order (peak memory aside).
same_both_ways=0 differ_both_ways=""
for f in "$scen"/*.pcap; do
  for opts in "--json --table" "-tt --flows --table"; do
    # shellcheck disable=SC2086
    "$ws" $opts -r "$f" 2>&1 | sed 's/"peak_rss_kib":[0-9]*//; s/peak memory [0-9.]* MiB//' > "$tmp/threads.out"
    # shellcheck disable=SC2086
    "$ws" $opts -r - < "$f" 2>&1 | sed 's/"peak_rss_kib":[0-9]*//; s/peak memory [0-9.]* MiB//' > "$tmp/one.out"
    if cmp -s "$tmp/threads.out" "$tmp/one.out"; then
      same_both_ways=$((same_both_ways + 1))
    else
      differ_both_ways+=" $(basename "$f") ($opts)"
    fi
  done
done
if [ -z "$differ_both_ways" ] && [ "$same_both_ways" -gt 0 ]; then
  pass "file (three threads) and stdin (one thread) print the same: $same_both_ways runs"
else
  fail "file and stdin print the same" "differ:$differ_both_ways"
fi

# Output that cannot be written is an error (1), not silence.
if [ -w /dev/full ]; then
  timeout 60 "$ws" -q -r "$base" > /dev/full 2> "$tmp/err"
  rc=$?
  expect_error "stdout is /dev/full" 1 "error writing output"
fi

finish
