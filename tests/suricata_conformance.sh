#!/usr/bin/env bash
# Suricata conformance: every eve "flow" check of
# ../shared/corpus/suricata-verify/expected/flow-tcp-checks.tsv (tcp.state of
# the flow records Suricata writes at shutdown) is compared with wirestate's
# view of the same pcap (`wirestate -q --json -r`).
#
# Suricata keeps ONE state per TCP session (stream-tcp.c); wirestate keeps one
# RFC 9293 state per endpoint.  Suricata's names follow the client until the
# first FIN, then the server: a FIN to the server (client closes first) gives
# close_wait, the server's FIN then last_ack, the client's next ACK closed; a
# FIN to the client (server closes first) gives fin_wait1, the client's ACK
# fin_wait2, the client's FIN|ACK time_wait (also when it does not acknowledge
# the server's FIN: a simultaneous close), the next ACK closed.  An accepted
# RST closes (closed) in any state.  Without stream.midstream=true a session
# that does not start with a SYN gets no TCP state at all ("none" below;
# tcp_state empty in the check).  So from wirestate's final endpoint states
# (C = client, S = server; roles from the transitions) and the role that sent
# the first FIN (the endpoint that went to FIN_WAIT_1):
#
#   midstream flow (no SYN seen), check without midstream=true -> none
#   stray record (a lone segment, no state kept)                -> none
#   C = CLOSED and S = CLOSED (RST, refused, 2MSL over)         -> closed
#   no FIN:  C = SYN_SENT, S != SYN_RECEIVED                    -> syn_sent
#            S = SYN_RECEIVED (SYN+ACK seen, not the ACK)       -> syn_recv
#            C = ESTABLISHED, S = ESTABLISHED                   -> established
#   client FIN first:  S = CLOSE_WAIT                           -> close_wait
#            S = LAST_ACK or CLOSING (server FIN not acked)     -> last_ack
#            S = TIME_WAIT or CLOSED (server FIN acked)         -> closed
#   server FIN first:  S = FIN_WAIT_1, C = CLOSE_WAIT           -> fin_wait1
#            S = FIN_WAIT_2                                     -> fin_wait2
#            C = LAST_ACK, or both CLOSING (client FIN seen,
#              not yet acknowledged)                            -> time_wait
#            C = CLOSED or TIME_WAIT (client FIN acked)         -> closed
#   anything else                                               -> ?C/S (never agrees)
#
# A check with a 4-tuple (src = Suricata's client) is compared with the
# wirestate flows of that unordered 4-tuple: `count` of them must map to the
# expected state; and wirestate's client must be Suricata's src.  A check
# without a 4-tuple ("N flows in state X") counts all of the pcap's flows in
# state X.  A check naming an app_proto only counts flows that carried
# payload (Suricata names the protocol from payload; other filters such as
# the app_proto itself, packet counts or flow_state are not evaluated).
# Checks run with --simulate-ips (IPS drops change what Suricata
# tracks) or stream.async-oneside=true (Suricata accepts one-sided sessions
# that wirestate does not model) are not comparable: printed, not judged.
# stream.midstream=true makes midstream flows map as above instead of "none".
# Checks whose test had its own suricata.yaml (not in the corpus) are
# compared; the yaml files enable app-layer parsers or outputs there.
#
# Every disagreement must be listed in tests/data/suricata_explained.tsv
# (test, src, dst, field, expected, wirestate, reason; src/dst "-" for checks
# without a 4-tuple); otherwise the check fails.  An entry that matches no
# disagreement is stale and fails.  Ends with "N passed, M failed" (one per
# comparable check).
#
# Usage: suricata_conformance.sh BUILD_DIR SOURCE_DIR   (77 = corpus absent)
# SURI_CONF_VERBOSE=1 prints the reason of each explained disagreement;
# SURI_CONF_DUMP=FILE writes the unexplained ones in the explained-file format.
# Needs only bash, awk (POSIX; mawk is fine), grep and sort.
set -u
build=$1 src=$2
ws="$build/wirestate"
corpus="$src/../shared/corpus/suricata-verify"
checks="$corpus/expected/flow-tcp-checks.tsv"
explained="$src/tests/data/suricata_explained.tsv"
[ -f "$checks" ] || { echo "suricata_conformance: $corpus absent, skipping"; exit 77; }
[ -x "$ws" ] || { echo "suricata_conformance: $ws not built"; exit 1; }
[ -f "$explained" ] || { echo "suricata_conformance: $explained missing"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

awk_lib='
function pad4(g) { while (length(g) < 4) g = "0" g; return g }
function expand6(a,   n, i, k, head, tail, h, t, nh, nt, out, parts, last, v4, zeros) {
  a = tolower(a)
  if (a ~ /\.[0-9]+$/) {
    n = split(a, parts, ":"); last = parts[n]; split(last, v4, ".")
    a = substr(a, 1, length(a) - length(last)) sprintf("%x:%x", v4[1] * 256 + v4[2], v4[3] * 256 + v4[4])
  }
  k = index(a, "::")
  if (k) { head = substr(a, 1, k - 1); tail = substr(a, k + 2) } else { head = a; tail = "" }
  nh = (head == "") ? 0 : split(head, h, ":")
  nt = (tail == "") ? 0 : split(tail, t, ":")
  out = ""
  for (i = 1; i <= nh; i++) out = out (out == "" ? "" : ":") pad4(h[i])
  if (k) for (zeros = 8 - nh - nt; zeros > 0; zeros--) out = out (out == "" ? "" : ":") "0000"
  for (i = 1; i <= nt; i++) out = out (out == "" ? "" : ":") pad4(t[i])
  return out
}
function norm_addr(a) { return (index(a, ":") ? expand6(a) : a) }
function norm_ep2(a, p) { return norm_addr(a) "/" (p + 0) }
function norm_ep(e,   k) {
  if (e == "-" || e == "*") return e
  if (substr(e, 1, 1) == "[") { k = index(e, "]"); return norm_ep2(substr(e, 2, k - 2), substr(e, k + 2)) }
  k = match(e, /:[0-9]+$/)
  return norm_ep2(substr(e, 1, k - 1), substr(e, k + 1))
}
function show_ep(a, p) { return (index(a, ":") ? "[" a "]" : a) ":" p }
function jstr(line, name,   n) {
  if (!match(line, "\"" name "\":\"[^\"]*\"")) return ""
  n = length(name) + 4
  return substr(line, RSTART + n, RLENGTH - n - 1)
}
function jnum(line, name,   n) {
  if (!match(line, "\"" name "\":[-0-9.eE+a-z]+")) return ""
  n = length(name) + 3
  return substr(line, RSTART + n, RLENGTH - n)
}
'

# One line per wirestate flow of every pcap the checks use:
# pcap flow client server C S first_fin midstream stray start payload_bytes
tab=$(printf '\t')
cut -f2 "$checks" | tail -n +2 | sort -u > "$tmp/pcaps"
: > "$tmp/flows"
: > "$tmp/errors"
while IFS= read -r pcap; do
  timeout 60 "$ws" -q --json -r "$corpus/pcaps/$pcap" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  [ $rc -ne 0 ] && printf '%s\twirestate exited %d: %s\n' "$pcap" $rc "$(head -1 "$tmp/err")" >> "$tmp/errors"
  awk -v pcap="$pcap" "$awk_lib"'
    /"type":"transition"/ {
      f = jnum($0, "flow"); role[f, jstr($0, "endpoint")] = jstr($0, "role")
      if (jstr($0, "to") == "FIN_WAIT_1" && !((f) in ff)) ff[f] = jstr($0, "role")
      next
    }
    /"type":"flow"/ {
      f = jnum($0, "flow"); o = jstr($0, "orig"); r = jstr($0, "resp")
      os = jstr($0, "orig_state"); rs = jstr($0, "resp_state")
      stray = (jstr($0, "reason") == "stray")
      if (role[f, r] == "client" || role[f, o] == "server") { c = r; s = o; cs = rs; ss = os }
      else { c = o; s = r; cs = os; ss = rs }
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\n", pcap, f, c, s, cs, ss,
             ((f) in ff ? ff[f] : "-"), jnum($0, "midstream"), stray, jnum($0, "start"),
             jnum($0, "orig_bytes") + jnum($0, "resp_bytes")
    }' "$tmp/out" >> "$tmp/flows"
done < "$tmp/pcaps"

# Judge every check, then join with the explanations.
awk -F '\t' -v show_all="${SURI_CONF_VERBOSE:-0}" -v dump="${SURI_CONF_DUMP:-}" "$awk_lib"'
  # Suricata state equivalent to a wirestate flow (see the table above).
  function suri(i, midstream_on,   C, S, F) {
    if (fstray[i]) return "none"
    if (fmid[i] == "true" && !midstream_on) return "none"
    C = fc_state[i]; S = fs_state[i]; F = ffin[i]
    if (C == "CLOSED" && S == "CLOSED") return "closed"
    if (F == "-") {
      if (S == "SYN_RECEIVED") return "syn_recv"
      if (C == "SYN_SENT") return "syn_sent"
      if (C == "ESTABLISHED" && S == "ESTABLISHED") return "established"
    } else if (F == "client") {
      if (S == "CLOSE_WAIT") return "close_wait"
      if (S == "LAST_ACK" || S == "CLOSING") return "last_ack"
      if (S == "TIME_WAIT" || S == "CLOSED") return "closed"
    } else {
      if (S == "FIN_WAIT_1" && C == "CLOSE_WAIT") return "fin_wait1"
      if (S == "FIN_WAIT_2") return "fin_wait2"
      if (C == "LAST_ACK" || (C == "CLOSING" && S == "CLOSING")) return "time_wait"
      if (C == "CLOSED" || C == "TIME_WAIT") return "closed"
    }
    return "?" C "/" S
  }
  function count_ok(spec, n) {
    if (spec ~ /^lt:/) return n < substr(spec, 4) + 0
    if (spec ~ /^gt:/) return n > substr(spec, 4) + 0
    return n == spec + 0
  }
  function diff(k, field, e, g,   key, why) {
    ndiff++
    key = test[k] SUBSEP norm_ep(srcep[k]) SUBSEP norm_ep(dstep[k]) SUBSEP field SUBSEP e SUBSEP g
    if (key in ex) { used[key]++; why = ex[key]; nexpl++; cz = why; sub(/:.*/, "", cz); cause[cz]++ }
    else {
      why = ""; bad[k] = 1
      if (dump != "") printf "%s\t%s\t%s\t%s\t%s\t%s\tREASON\n", test[k], srcep[k], dstep[k], field, e, g > dump
    }
    out[k] = out[k] sprintf("    %s %s: suricata %s, wirestate %s%s\n", (why == "" ? "UNEXPLAINED" : "explained  "),
                            field, e, g, (why != "" && show_all ? "\n        (" why ")" : ""))
  }
  FILENAME == ARGV[1] {
    if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/ || $1 == "test") next
    if (NF < 7 || $7 == "") { printf "malformed explanation line %d: %s\n", FNR, $0; malformed++; next }
    key = $1 SUBSEP norm_ep($2) SUBSEP norm_ep($3) SUBSEP $4 SUBSEP $5 SUBSEP $6
    ex[key] = $7; exline[key] = FNR; exshow[key] = $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6
    nex++; exorder[nex] = key
    next
  }
  FILENAME == ARGV[2] { err[$1] = $2; next }
  FILENAME == ARGV[3] {
    nf++; fpcap[nf] = $1; fc[nf] = $3; fs[nf] = $4; fc_state[nf] = $5; fs_state[nf] = $6
    ffin[nf] = $7; fmid[nf] = $8; fstray[nf] = $9; fbytes[nf] = $11
    fkey[nf] = (norm_ep($3) < norm_ep($4)) ? norm_ep($3) SUBSEP norm_ep($4) : norm_ep($4) SUBSEP norm_ep($3)
    next
  }
  FNR == 1 { next }
  {
    nk++; test[nk] = $1; pcap[nk] = $2; cnt[nk] = $3; args = $17
    srcep[nk] = ($4 == "" ? "-" : show_ep($4, $5)); dstep[nk] = ($6 == "" ? "-" : show_ep($6, $7))
    exp_state = ($8 == "" ? "none" : $8); estate[nk] = exp_state
    midon = (args ~ /stream\.midstream=true/)
    nc = ""
    if (args ~ /--simulate-ips/) nc = "--simulate-ips"
    else if (args ~ /stream\.async-oneside=true/) nc = "stream.async-oneside=true"
    notcomp[nk] = nc
    # wirestate flows this check looks at
    got = ""; match_n = 0; nsel = 0; orient = ""
    if ($4 != "") key = (norm_ep2($4, $5) < norm_ep2($6, $7)) ? norm_ep2($4, $5) SUBSEP norm_ep2($6, $7) : norm_ep2($6, $7) SUBSEP norm_ep2($4, $5)
    split("", tally)
    for (i = 1; i <= nf; i++) {
      if (fpcap[i] != $2) continue
      if ($4 != "" && fkey[i] != key) continue
      if ($16 != "" && fbytes[i] == 0) continue   # no payload: Suricata cannot name its app_proto
      nsel++
      st = suri(i, midon)
      if (st == exp_state) match_n++
      tally[st]++
      if ($4 != "" && st != "none" && norm_ep(fc[i]) != norm_ep2($4, $5)) orient = fc[i]
    }
    summary = ""
    for (st in tally) summary = summary (summary == "" ? "" : ",") st "=" tally[st]
    # deterministic order of the tally text
    summary = sort_csv(summary)
    if ($4 != "") wstate[nk] = (nsel ? summary : "no flow")
    else wstate[nk] = match_n " " exp_state " (" (nsel ? summary : "no flows") ")"
    if (nc != "") { ncount++; if (count_ok($3, match_n)) ncagree++; next }
    ncomp++
    if (pcap[nk] in err) bad[nk] = 1
    if (count_ok($3, match_n)) agree++
    else if ($4 != "") diff(nk, "tcp_state", (cnt[nk] == 1 ? "" : cnt[nk] " x ") exp_state, wstate[nk])
    else diff(nk, "count", cnt[nk] " " exp_state, wstate[nk])
    if (orient != "") diff(nk, "orient", srcep[nk], orient)
  }
  function sort_csv(s,   n, a, i, j, t, r) {
    n = split(s, a, ",")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    r = ""; for (i = 1; i <= n; i++) r = r (i > 1 ? "," : "") a[i]
    return r
  }
  END {
    printf "%-48s %-44s %-12s %-28s %s\n", "check", "client -> server", "suricata", "wirestate", "result"
    for (k = 1; k <= nk; k++) {
      tuple = (srcep[k] == "-") ? "(" cnt[k] " flow" (cnt[k] == 1 ? "" : "s") " in state)" : srcep[k] " -> " dstep[k]
      if (notcomp[k] != "") res = "not comparable (" notcomp[k] ")"
      else if (k in bad) res = "FAIL"
      else res = (out[k] == "" ? "ok" : "ok (explained)")
      printf "%-48s %-44s %-12s %-28s %s\n", test[k], tuple, estate[k], wstate[k], res
      if (pcap[k] in err) printf "    ERROR: %s\n", err[pcap[k]]
      printf "%s", out[k]
      if (notcomp[k] != "") continue
      if (k in bad) failed++; else passed++
    }
    for (i = 1; i <= nex; i++) {
      key = exorder[i]
      if (!(key in used)) { printf "STALE explanation (line %d): %s\n", exline[key], exshow[key]; failed++; nstale++ }
    }
    printf "\ncomparable checks: %d, tcp.state agrees on %d (%.1f%%); not comparable: %d (wirestate agrees anyway on %d)\n",
           ncomp, agree, (ncomp ? 100 * agree / ncomp : 100), ncount, ncagree
    printf "%d disagreement(s), %d explained, %d unexplained\n", ndiff, nexpl, ndiff - nexpl
    causes = ""
    for (cz in cause) causes = causes sprintf("%s%s %d", (causes == "" ? "" : ", "), cz, cause[cz])
    if (causes != "") printf "explained, by cause: %s\n", causes
    if (nstale) printf "%d stale explanation(s)\n", nstale
    if (malformed) { printf "%d malformed explanation line(s)\n", malformed; failed++ }
    printf "%d passed, %d failed\n", passed, failed
    exit(failed ? 1 : 0)
  }' "$explained" "$tmp/errors" "$tmp/flows" "$checks"
