#!/usr/bin/env bash
# Zeek conformance: every trace of ../shared/corpus/zeek (80 in INDEX.tsv, 4
# in INDEX-partial.tsv) is run through `wirestate -q --json -r`, and its
# `flow` records are compared with the TCP rows of Zeek's conn.log baseline
# (expected/<trace>.tsv: orig_h orig_p resp_h resp_p conn_state history).
#
# Matching: rows are joined on the unordered 4-tuple, addresses normalised
# (IPv6 fully expanded, so "2001:db8::1" and "[2001:db8:0:0::1]" are one
# address).  When Zeek lists a 4-tuple several times (it splits a 4-tuple by
# its timers), its rows are taken in baseline order, which for one 4-tuple is
# time order, and wirestate's flows in order of `start`; the k-th pairs with
# the k-th.  Disagreements, each one line:
#   missing  a Zeek row with no wirestate flow (expected "CONN_STATE HISTORY")
#   extra    a wirestate flow with no Zeek row (wirestate "CONN_STATE HISTORY")
#   orient   paired, but wirestate's orig is Zeek's resp
#   conn_state, history   paired, values differ
# Every disagreement must be listed in tests/data/zeek_explained.tsv
# (trace, orig, resp, field, expected, wirestate, reason; orig/resp as
# wirestate prints endpoints, Zeek's orientation for paired and missing rows,
# wirestate's for extra ones; "*" in both orig and resp covers every 4-tuple
# of that trace with that field and those values).  An unexplained
# disagreement fails its trace; an explained entry that matches nothing is
# stale and fails too, so the file stays honest.  One pass/fail per trace.
#
# Usage: zeek_conformance.sh BUILD_DIR SOURCE_DIR   (77 = corpus absent)
# ZEEK_CONF_VERBOSE=1 also prints the reason of each explained disagreement;
# ZEEK_CONF_DUMP=FILE writes the unexplained ones to FILE in the format of
# zeek_explained.tsv (reason column "REASON", to be replaced by an analysis).
# Needs only bash, awk (POSIX; mawk is fine), grep and sort.
set -u
build=$1 src=$2
ws="$build/wirestate"
corpus="$src/../shared/corpus/zeek"
explained="$src/tests/data/zeek_explained.tsv"
[ -d "$corpus" ] || { echo "zeek_conformance: $corpus absent, skipping"; exit 77; }
[ -x "$ws" ] || { echo "zeek_conformance: $ws not built"; exit 1; }
[ -f "$explained" ] || { echo "zeek_conformance: $explained missing"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

# Shared awk: endpoint normalisation.  norm_ep("[2001:db8::1]:80") and
# norm_ep2("2001:db8::1", 80) both give "2001:0db8:0000:...:0001/80".
awk_lib='
function pad4(g) { while (length(g) < 4) g = "0" g; return g }
function expand6(a,   n, i, k, head, tail, h, t, nh, nt, out, parts, last, v4, zeros) {
  a = tolower(a)
  if (a ~ /\.[0-9]+$/) {                       # embedded IPv4 (::ffff:1.2.3.4)
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
function norm_ep(e,   k) {              # wirestate text: 1.2.3.4:80 or [v6]:80
  if (e == "*") return e
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
  if (!match(line, "\"" name "\":[-0-9.eE+]+")) return ""
  n = length(name) + 3
  return substr(line, RSTART + n, RLENGTH - n)
}
'

# compare TRACE EXPECTED_TSV JSON_OUT TUNNEL(0/1) CS_GIVEN(1 = compare conn_state when not "-")
# prints one "T" line (per-trace counts) and "D" lines (disagreements).
compare() {
  grep -F '"type":"flow"' "$3" | awk "$awk_lib"'
    { o = jstr($0, "orig"); r = jstr($0, "resp")
      printf "%s\t%s\t%s\t%s\t%s\n", jnum($0, "start"), o, r, jstr($0, "conn_state"), jstr($0, "history") }' |
    sort -t "$(printf '\t')" -k1,1n > "$tmp/got"
  awk -F '\t' -v trace="$1" -v tunnel="$4" "$awk_lib"'
    FILENAME == ARGV[1] {
      if (FNR == 1) next
      o = norm_ep2($1, $2); r = norm_ep2($3, $4)
      key = (o < r) ? o SUBSEP r : r SUBSEP o
      if (!(key in ne)) keys[++nkeys] = key
      i = ++ne[key]
      eo[key, i] = o; eshow_o[key, i] = show_ep($1, $2); eshow_r[key, i] = show_ep($3, $4)
      ecs[key, i] = $5; eh[key, i] = $6
      next
    }
    {
      o = norm_ep($2); r = norm_ep($3)
      key = (o < r) ? o SUBSEP r : r SUBSEP o
      if (!(key in ne) && !(key in ng)) keys[++nkeys] = key
      i = ++ng[key]
      go[key, i] = o; gshow_o[key, i] = $2; gshow_r[key, i] = $3
      gcs[key, i] = $4; gh[key, i] = ($5 == "" ? "-" : $5)
    }
    function diff(o, r, field, e, g) { printf "D\t%s\t%s\t%s\t%s\t%s\t%s\n", trace, o, r, field, e, g }
    function pcost(key, i, j,   c) {
      c = (eo[key, i] != go[key, j]) + (eh[key, i] != gh[key, j])
      if (ecs[key, i] != "-" && ecs[key, i] != gcs[key, j]) c++
      return c
    }
    # Pairs Zeek rows with wirestate flows of one 4-tuple, both in time order.
    # Equal counts: the k-th with the k-th.  Otherwise the alignment with the
    # fewest differences (a differing field costs 1, an unpaired row 2, so a
    # pair is always preferred to a missing row plus an extra one): when Zeek
    # splits one connection in two, the part that agrees is paired; on a tie
    # the earlier rows are paired.
    function align(key, ke, kg,   i, j, c, d, best, n) {
      npairs = 0
      if (ke == kg || ke == 0 || kg == 0) {
        for (i = 1; i <= ke || i <= kg; i++) { npairs++; pe[npairs] = (i <= ke) ? i : 0; pg[npairs] = (i <= kg) ? i : 0 }
        return
      }
      for (i = 0; i <= ke; i++) for (j = 0; j <= kg; j++) {
        if (i == 0 && j == 0) { cost[0, 0] = 0; continue }
        best = -1
        if (i > 0 && j > 0) { best = cost[i - 1, j - 1] + pcost(key, i, j); how[i, j] = "p" }
        if (i > 0) { c = cost[i - 1, j] + 2; if (best < 0 || c <= best) { best = c; how[i, j] = "e" } }
        if (j > 0) { c = cost[i, j - 1] + 2; if (best < 0 || c <= best) { best = c; how[i, j] = "g" } }
        cost[i, j] = best
      }
      n = 0; i = ke; j = kg
      while (i > 0 || j > 0) {
        d = how[i, j]; n++
        if (d == "p") { re[n] = i; rg[n] = j; i--; j-- }
        else if (d == "e") { re[n] = i; rg[n] = 0; i-- }
        else { re[n] = 0; rg[n] = j; j-- }
      }
      for (i = n; i >= 1; i--) { npairs++; pe[npairs] = re[i]; pg[npairs] = rg[i] }
    }
    END {
      exp_rows = found = cs_ok = h_ok = cs_skip = pskip = 0
      for (n = 1; n <= nkeys; n++) {
        key = keys[n]; ke = ne[key] + 0; kg = ng[key] + 0
        exp_rows += ke
        align(key, ke, kg)
        for (p = 1; p <= npairs; p++) {
          i = pe[p]; j = pg[p]
          if (i && j) {
            found++
            so = eshow_o[key, i]; sr = eshow_r[key, i]
            if (eo[key, i] != go[key, j]) diff(so, sr, "orient", so, gshow_o[key, j])
            if (ecs[key, i] == "-") { cs_skip++; pskip++ }
            else if (ecs[key, i] == gcs[key, j]) cs_ok++
            else diff(so, sr, "conn_state", ecs[key, i], gcs[key, j])
            if (eh[key, i] == gh[key, j]) h_ok++
            else diff(so, sr, "history", eh[key, i], gh[key, j])
          } else if (i) {
            diff(eshow_o[key, i], eshow_r[key, i], "missing", ecs[key, i] " " eh[key, i], "-")
            if (ecs[key, i] == "-") cs_skip++
          } else
            diff(gshow_o[key, j], gshow_r[key, j], "extra", "-", gcs[key, j] " " gh[key, j])
        }
      }
      # conn_state is compared on rows where Zeek gives it (partial baselines may not)
      printf "T\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", trace, tunnel, exp_rows, found, cs_ok, exp_rows - cs_skip, h_ok, found - pskip
    }' "$2" "$tmp/got"
}

run_set() {   # INDEX EXPECTED_DIR SET_NAME
  local index=$1 expdir=$2 set=$3
  local trace tags rc tunnel
  while IFS="$(printf '\t')" read -r trace _ _ _ _ _ _ _ _ _ tags _; do
    [ "$trace" = trace ] && continue
    if [ "$set" = main ]; then
      case ",$tags," in *,tunnel:*) tunnel=1 ;; *) tunnel=0 ;; esac
    else
      tunnel=0
    fi
    timeout 60 "$ws" -q --json -r "$corpus/traces/$trace" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ $rc -gt 1 ]; then
      printf 'E\t%s\twirestate exited %d: %s\n' "$trace" $rc "$(head -1 "$tmp/err")"
    elif [ $rc -eq 1 ]; then
      printf 'N\t%s\t%s\n' "$trace" "$(head -1 "$tmp/err")"
    fi
    if [ ! -f "$expdir/$trace.tsv" ]; then
      printf 'E\t%s\tno expected file %s\n' "$trace" "$expdir/$trace.tsv"
      continue
    fi
    compare "$trace" "$expdir/$trace.tsv" "$tmp/out" $tunnel | sed "s/^T/T$set/"
  done < "$index"
}

{
  run_set "$corpus/INDEX.tsv" "$corpus/expected" main
  [ -f "$corpus/INDEX-partial.tsv" ] && run_set "$corpus/INDEX-partial.tsv" "$corpus/expected-partial" partial
} > "$tmp/results"

# Join with the explanations and report.
awk -F '\t' -v show_all="${ZEEK_CONF_VERBOSE:-0}" -v dump="${ZEEK_CONF_DUMP:-}" "$awk_lib"'
  FILENAME == ARGV[1] {
    if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/ || $1 == "trace") next
    if (NF < 7 || $7 == "") { printf "malformed explanation line %d: %s\n", FNR, $0; bad++; next }
    k = $1 SUBSEP norm_ep($2) SUBSEP norm_ep($3) SUBSEP $4 SUBSEP $5 SUBSEP $6
    ex[k] = $7; exline[k] = FNR; exshow[k] = $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6; nex++; exorder[nex] = k
    next
  }
  $1 == "E" { err[$2] = $3; failtr[$2] = 1; next }
  $1 == "N" { note[$2] = $3; next }
  $1 == "D" {
    ndiff++
    k = $2 SUBSEP norm_ep($3) SUBSEP norm_ep($4) SUBSEP $5 SUBSEP $6 SUBSEP $7
    kw = $2 SUBSEP "*" SUBSEP "*" SUBSEP $5 SUBSEP $6 SUBSEP $7
    why = ""
    if (k in ex) { used[k]++; why = ex[k] }
    else if (kw in ex) { used[kw]++; why = ex[kw] }
    if (why != "") { nexpl[$2]++; nexpl_all++; cz = why; sub(/:.*/, "", cz); cause[cz]++ }
    else { nunexpl[$2]++; failtr[$2] = 1; if (dump != "") printf "%s\t%s\t%s\t%s\t%s\t%s\tREASON\n", $2, $3, $4, $5, $6, $7 > dump }
    line = sprintf("    %s %s %s  %s: zeek %s, wirestate %s%s", (why == "" ? "UNEXPLAINED" : "explained  "), $3, $4, $5, $6, $7, (why != "" && show_all ? "\n        (" why ")" : ""))
    dl[$2] = dl[$2] line "\n"
    next
  }
  $1 ~ /^T/ {
    set = substr($1, 2); ntr++; tr[ntr] = $2; trset[ntr] = set
    tun[$2] = $3; e[$2] = $4; f[$2] = $5; c[$2] = $6; cn[$2] = $7; h[$2] = $8; pc[$2] = $9
  }
  END {
    for (i = 1; i <= nex; i++) {
      k = exorder[i]
      if (!(k in used)) { split(k, p, SUBSEP); stale[p[1]] = stale[p[1]] "    STALE explanation (line " exline[k] "): " exshow[k] "\n"; failtr[p[1]] = 1; nstale++ }
    }
    printf "%-50s %6s %6s %6s %6s  %s\n", "trace", "rows", "found", "state", "hist", "result"
    last = ""
    for (i = 1; i <= ntr; i++) {
      t = tr[i]; s = trset[i]
      if (s != last) { printf "-- %s traces --\n", (s == "main" ? "zeek/INDEX.tsv" : "zeek/INDEX-partial.tsv (conn_state only where given)"); last = s }
      res = (t in failtr) ? "FAIL" : "ok"
      printf "%-50s %6d %6d %6s %6d  %s%s%s\n", t, e[t], f[t], c[t] "/" cn[t], h[t], res,
             (nexpl[t] ? " (" nexpl[t] " explained)" : ""), (tun[t] ? " [tunnel]" : "")
      if (t in note) printf "    note: %s\n", note[t]
      if (t in err) printf "    ERROR: %s\n", err[t]
      printf "%s", dl[t]
      if (t in stale) printf "%s", stale[t]
      if (res == "FAIL") failed++; else passed++
      g = (s == "main") ? (tun[t] ? "tunnel" : "plain") : "partial"
      if (s == "main") nmain++
      E[g] += e[t]; F[g] += f[t]; C[g] += c[t]; CN[g] += cn[t]; H[g] += h[t]; PC[g] += pc[t]
    }
    # a stale entry naming a trace that is not in the index
    for (i = 1; i <= nex; i++) { k = exorder[i]; split(k, p, SUBSEP); if (!(k in used) && !((p[1]) in e)) { printf "STALE explanation (line %d), unknown trace: %s\n", exline[k], exshow[k]; failed++ } }
    E["all"] = E["plain"] + E["tunnel"]; F["all"] = F["plain"] + F["tunnel"]; C["all"] = C["plain"] + C["tunnel"]
    CN["all"] = CN["plain"] + CN["tunnel"]; H["all"] = H["plain"] + H["tunnel"]; PC["all"] = PC["plain"] + PC["tunnel"]
    printf "\n"
    split("plain all partial", gs, " ")
    split("traces without tunnels|all " nmain " traces|partial baselines", gn, "|")
    for (j = 1; j <= 3; j++) {
      g = gs[j]
      if (E[g] == 0) continue
      printf "%-24s rows %5d, found %5d; conn_state %5d/%-5d (%.1f%%; of rows found %.1f%%), history %5d/%-5d (%.1f%%; of rows found %.1f%%)\n", gn[j] ":",
             E[g], F[g], C[g], CN[g], (CN[g] ? 100 * C[g] / CN[g] : 100), (PC[g] ? 100 * C[g] / PC[g] : 100),
             H[g], E[g], 100 * H[g] / E[g], (F[g] ? 100 * H[g] / F[g] : 100)
    }
    printf "%d disagreement(s), %d explained, %d unexplained\n", ndiff, nexpl_all, ndiff - nexpl_all
    causes = ""
    for (cz in cause) causes = causes sprintf("%s%s %d", (causes == "" ? "" : ", "), cz, cause[cz])
    if (causes != "") printf "explained, by cause: %s\n", causes
    if (nstale) printf "%d stale explanation(s)\n", nstale
    if (bad) { printf "%d malformed explanation line(s)\n", bad; failed++ }
    printf "%d passed, %d failed\n", passed, failed
    exit(failed ? 1 : 0)
  }' "$explained" "$tmp/results"
