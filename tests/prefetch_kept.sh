#!/usr/bin/env bash
# The flow table's prefetch helpers survive optimisation.  GCC 12's mod/ref
# analysis deleted calls to functions whose only work is __builtin_prefetch,
# which silently removed the eviction pipelining (see WS_KEEP_HINTS in
# flow_table.h).  A probe calling each helper from a function of its own is
# compiled with the build's compiler at -O2 and -O3; every probe function
# must still contain a prefetch instruction.
# Usage: prefetch_kept.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
[ -n "$cc" ] || cc=cc
case $(uname -m) in
  x86_64|i?86) insn='prefetch' ;;
  aarch64) insn='prfm' ;;
  *) echo "SKIP: no prefetch mnemonic known for $(uname -m)"; exit 77 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/probe.c" <<'PROBE'
#include "wirestate/flow_table.h"
void probe_bucket(struct ws_flow_table *t, struct ws_flow *f) { ws_flow_prefetch_bucket(t, f->hh.hashv); }
void probe_chain(struct ws_flow_table *t, struct ws_flow *f) { ws_flow_prefetch_chain(t, f->hh.hashv, 2); }
void probe_record(struct ws_flow_table *t, struct ws_flow *f) { ws_flow_prefetch_record(t, f); }
void probe_removal(struct ws_flow_table *t, struct ws_flow *f) { ws_flow_prefetch_removal(t, f); }
void probe_neighbours(struct ws_flow_table *t, struct ws_flow *f) { ws_flow_prefetch_activity_neighbours(t, f); }
PROBE
passed=0 failed=0
for opt in -O2 -O3; do
  if ! "$cc" -std=c11 $opt -I"$src/include" -S -o "$tmp/probe.s" "$tmp/probe.c" 2> "$tmp/err"; then
    echo "FAIL: probe does not compile with $cc $opt: $(head -n 1 "$tmp/err")"
    exit 1
  fi
  for fn in probe_bucket probe_chain probe_record probe_removal probe_neighbours; do
    # The function's body: from its label to its .size directive.
    n=$(awk -v fn="$fn" '$0 == fn ":" {on = 1} on && /\.size/ {on = 0} on' "$tmp/probe.s" | grep -c "$insn")
    if [ "$n" -gt 0 ]; then
      echo "PASS: $fn keeps its prefetches at $opt ($n)"; passed=$((passed + 1))
    else
      echo "FAIL: $fn lost its prefetches at $opt"; failed=$((failed + 1))
    fi
  done
done
echo "prefetch_kept: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
