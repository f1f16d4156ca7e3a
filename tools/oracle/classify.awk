# classify.awk - turns a recording into the kernel oracle's .states lines.
#
#   awk -v margin_us=3000 -f classify.awk FRAMES SNAPSHOTS
#
# FRAMES is the relay's frame log (see relay.c): every frame with the instant
# it left its sender (ingress), the instant the tap saw it (0: never) and the
# instant it was delivered (0: never).  SNAPSHOTS holds, per checkpoint and
# namespace, a line "@ N SIDE START_US END_US MS LABEL" followed by that
# namespace's `ss -tanoH` output taken between START and END.
#
# Connections are the 4-tuples on which a bare SYN passed; the SYN's sender is
# the client (client namespace), the other end the server.  For each
# checkpoint and each connection begun by then, one line per endpoint:
#
#   START_SECONDS.MICROS SIDE LOCAL PEER STATE [unobservable:REASON]
#
# STATE is what ss said, in RFC spelling; not listed = CLOSED.  LISTEN is
# ignored.  A line is unobservable when the tap could not have known the
# kernel's state at that instant.  What changes an endpoint's state is one of
# its "control" segments: one it sends with SYN, FIN or RST (keyed by the
# sequence number the flag occupies), one it receives with those flags, or
# one it receives that acknowledges its own SYN or FIN for the first time.
# The reasons, first match wins:
#
#   race:...                 a control segment left, passed the tap or arrived
#                            (for the first time) within margin_us of the
#                            snapshot: it may or may not be counted in it
#   nothing-captured         the tap has seen no segment of the connection
#   in-flight-to-tap:FLAG    the endpoint sent a control segment the tap has
#                            not seen yet (it is on the wire before the tap)
#   lost-before-tap:FLAG     ... and it was lost before the tap (not yet
#                            retransmitted)
#   sent-before-capture:FLAG ... it passed before the capture started
#   delivered-before-capture:FLAG  the endpoint received a control segment
#                            while the tap was not capturing
#                            (a missed handshake -- SYN, ACK of a SYN -- stops
#                            counting once the tap has seen an ACK without SYN
#                            on the connection: both ends are synchronized)
#   in-flight-after-tap:FLAG the tap saw a control segment toward the endpoint
#                            that has not arrived yet
#   lost-after-tap:FLAG      ... that was lost after the tap (not yet
#                            retransmitted)
#   no-packet:OLD->NEW       the kernel changed the endpoint's state with no
#                            segment sent or received in between (a timer, or
#                            a close that sends nothing); it stays unobservable
#                            until the tap sees a segment of the connection
#                            after that checkpoint.

function fmt_ts(us,    s) {
    s = int(us / 1000000)
    return sprintf("%.0f.%06.0f", s, us - s * 1000000)
}

# mawk prints integers above 2^31 as %.6g: every number that becomes text goes through n2s
function n2s(x) { return sprintf("%.0f", x) }

function u32(x) { return n2s(x % 4294967296) }

function flagname(k) {
    k = substr(k, 1, 1)
    return k == "S" ? "SYN" : k == "F" ? "FIN" : k == "R" ? "RST" : k == "a" ? "ACK-of-SYN" : "ACK-of-FIN"
}

function ss_state(s) {
    if (s == "ESTAB") return "ESTABLISHED"
    if (s == "SYN-SENT") return "SYN_SENT"
    if (s == "SYN-RECV") return "SYN_RECEIVED"
    if (s == "FIN-WAIT-1") return "FIN_WAIT_1"
    if (s == "FIN-WAIT-2") return "FIN_WAIT_2"
    if (s == "CLOSE-WAIT") return "CLOSE_WAIT"
    if (s == "CLOSING") return "CLOSING"
    if (s == "LAST-ACK") return "LAST_ACK"
    if (s == "TIME-WAIT") return "TIME_WAIT"
    if (s == "UNCONN" || s == "CLOSE") return "CLOSED"
    return "?" s
}

# keep the earliest nonzero time in array a[k]
function first_time(a, k, t) {
    if (t > 0 && (!(k in a) || a[k] == 0 || t < a[k]))
        a[k] = t
    else if (!(k in a))
        a[k] = 0
}

BEGIN { M = margin_us + 0; nf = 0; nsnap = 0; nconn = 0 }

FNR == NR {
    if ($6 != "tcp")
        next
    nf++
    F_ing[nf] = $3 + 0; F_tap[nf] = $4 + 0; F_egr[nf] = $5 + 0
    F_src[nf] = $7; F_dst[nf] = $8; F_fl[nf] = $9
    F_seq[nf] = $10 + 0; F_ack[nf] = $11 + 0; F_len[nf] = $12 + 0
    next
}

{ nsnap++; S[nsnap] = $0 }

END {
    # connections and each endpoint's control sequence numbers
    for (i = 1; i <= nf; i++) {
        fl = F_fl[i]
        if (index(fl, "S") && !index(fl, "A")) {
            ck = F_src[i] " " F_dst[i]
            if (!(ck in C_start)) {
                nconn++; C_key[nconn] = ck; C_cli[nconn] = F_src[i]; C_srv[nconn] = F_dst[i]
                C_start[ck] = F_ing[i]
            }
        }
        pair = F_src[i] ">" F_dst[i]
        if (index(fl, "S")) CTL[pair, u32(F_seq[i] + 1)] = "a"
        if (index(fl, "F")) CTL[pair, u32(F_seq[i] + F_len[i] + (index(fl, "S") ? 1 : 0) + 1)] = "A"
    }
    # keys per frame; earliest sent/captured/delivered time per (pair, key)
    for (i = 1; i <= nf; i++) {
        fl = F_fl[i]
        keys = ""
        if (index(fl, "S")) keys = keys " S" n2s(F_seq[i])
        if (index(fl, "F")) keys = keys " F" u32(F_seq[i] + F_len[i] + (index(fl, "S") ? 1 : 0))
        if (index(fl, "R")) keys = keys " R" n2s(F_seq[i])
        F_skeys[i] = keys
        back = F_dst[i] ">" F_src[i]
        if (index(fl, "A") && ((back, n2s(F_ack[i])) in CTL)) keys = keys " " CTL[back, n2s(F_ack[i])] n2s(F_ack[i])
        F_rkeys[i] = keys
        sp = F_src[i] ">" F_dst[i]      # the sender, facing its peer
        rp = back                       # the receiver, facing its peer
        n = split(F_skeys[i], ks, " ")
        for (j = 1; j <= n; j++) {
            first_time(SENT, sp SUBSEP ks[j], F_ing[i])
            first_time(SCAP, sp SUBSEP ks[j], F_tap[i])
        }
        n = split(F_rkeys[i], ks, " ")
        for (j = 1; j <= n; j++) {
            first_time(RCAP, rp SUBSEP ks[j], F_tap[i])
            first_time(RDEL, rp SUBSEP ks[j], F_egr[i])
        }
        CONNF[F_src[i] " " F_dst[i]] = CONNF[F_src[i] " " F_dst[i]] " " i
        CONNF[F_dst[i] " " F_src[i]] = CONNF[F_dst[i] " " F_src[i]] " " i
    }

    for (s = 1; s <= nsnap; s++) {
        if (substr(S[s], 1, 2) != "@ ")
            continue
        split(S[s], h, " ")
        cp = h[2]; side = h[3]; ta = h[4] + 0; tb = h[5] + 0; ms = h[6]
        label = S[s]; sub(/^@ [^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ ?/, "", label)
        delete KS
        for (t = s + 1; t <= nsnap && substr(S[t], 1, 2) != "@ "; t++) {
            split(S[t], w, " ")
            if (w[1] == "LISTEN") continue
            if (!((w[4] " " w[5]) in KS)) KS[w[4] " " w[5]] = ss_state(w[1])
        }
        if (side == "client" && cp != last_cp) {
            printf "# checkpoint %s at +%s ms: %s\n", cp, ms, label
            last_cp = cp
        }
        lo = ta - M; hi = tb + M; T = ta
        for (c = 1; c <= nconn; c++) {
            if (C_start[C_key[c]] > hi) continue
            if (side == "client") { E = C_cli[c]; P = C_srv[c] } else { E = C_srv[c]; P = C_cli[c] }
            ep = E ">" P
            K = ((E " " P) in KS) ? KS[E " " P] : "CLOSED"
            reason = classify(E, P, ep, T, lo, hi)
            # no-packet changes, tracked across checkpoints
            prevK = (ep in PK) ? PK[ep] : "CLOSED"
            prevT = (ep in PT) ? PT[ep] : 0
            if (K != prevK && !packet_at(E, P, prevT, T)) {
                TAINT[ep] = T; TAINTR[ep] = "no-packet:" prevK "->" K
            } else if ((ep in TAINT) && captured_since(E, P, TAINT[ep], T)) {
                delete TAINT[ep]
            }
            PK[ep] = K; PT[ep] = T
            if (reason == "" && (ep in TAINT)) reason = TAINTR[ep]
            printf "%s %s %s %s %s%s\n", fmt_ts(T), side, E, P, K, reason == "" ? "" : " unobservable:" reason
        }
    }
}

# Was a segment of the connection sent by E or delivered to E in (t1, t2]?
function packet_at(E, P, t1, t2,    n, idx, j, i) {
    n = split(CONNF[E " " P], idx, " ")
    for (j = 1; j <= n; j++) {
        i = idx[j]
        if (F_src[i] == E && F_ing[i] > t1 && F_ing[i] <= t2) return 1
        if (F_dst[i] == E && F_egr[i] > t1 && F_egr[i] <= t2) return 1
    }
    return 0
}

# Did the tap see a segment of the connection in (t1, t2]?
function captured_since(E, P, t1, t2,    n, idx, j, i) {
    n = split(CONNF[E " " P], idx, " ")
    for (j = 1; j <= n; j++) {
        i = idx[j]
        if (F_tap[i] > t1 && F_tap[i] <= t2) return 1
    }
    return 0
}

# A handshake the capture missed stops mattering once the tap has seen a
# segment past it (ACK without SYN): both ends are synchronized, which is all
# the handshake decided.  A FIN or RST the capture missed never stops mattering.
function handshake_key(k) { k = substr(k, 1, 1); return k == "S" || k == "a" }

function synchronized_by(idx, n, T,    j, i) {
    for (j = 1; j <= n; j++) {
        i = idx[j]
        if (F_tap[i] > 0 && F_tap[i] <= T && index(F_fl[i], "A") && !index(F_fl[i], "S")) return 1
    }
    return 0
}

function in_window(t, lo, hi) { return t > 0 && t >= lo && t <= hi }

function classify(E, P, ep, T, lo, hi,    n, idx, j, i, m, ks, q, k, any, why) {
    n = split(CONNF[E " " P], idx, " ")
    # race: a control segment's first departure, capture or arrival near the snapshot
    for (j = 1; j <= n; j++) {
        i = idx[j]
        if (F_src[i] == E) {
            m = split(F_skeys[i], ks, " ")
            for (q = 1; q <= m; q++) {
                k = ep SUBSEP ks[q]
                if (in_window(SENT[k], lo, hi)) return "race:sent-" flagname(ks[q])
                if (in_window(SCAP[k], lo, hi)) return "race:tap-saw-" flagname(ks[q])
            }
        } else {
            m = split(F_rkeys[i], ks, " ")
            for (q = 1; q <= m; q++) {
                k = ep SUBSEP ks[q]
                if (in_window(RDEL[k], lo, hi)) return "race:received-" flagname(ks[q])
                if (in_window(RCAP[k], lo, hi)) return "race:tap-saw-" flagname(ks[q])
            }
        }
    }
    any = 0
    for (j = 1; j <= n; j++)
        if (F_tap[idx[j]] > 0 && F_tap[idx[j]] <= T) any = 1
    if (!any) return "nothing-captured"
    # control segments the endpoint sent that the tap has not seen
    for (j = 1; j <= n; j++) {
        i = idx[j]
        if (F_src[i] != E || F_ing[i] > T) continue
        m = split(F_skeys[i], ks, " ")
        for (q = 1; q <= m; q++) {
            k = ep SUBSEP ks[q]
            if (SCAP[k] > 0 && SCAP[k] <= T) continue
            if (F_tap[i] > T) why = "in-flight-to-tap"
            else if (F_egr[i] > 0) why = "sent-before-capture"
            else why = "lost-before-tap"
            if (why == "sent-before-capture" && handshake_key(ks[q]) && synchronized_by(idx, n, T)) continue
            return why ":" flagname(ks[q])
        }
    }
    # control segments toward the endpoint: delivered unseen, or seen undelivered
    for (j = 1; j <= n; j++) {
        i = idx[j]
        if (F_dst[i] != E) continue
        m = split(F_rkeys[i], ks, " ")
        for (q = 1; q <= m; q++) {
            k = ep SUBSEP ks[q]
            if (F_egr[i] > 0 && F_egr[i] <= T && !(RCAP[k] > 0 && RCAP[k] <= T) &&
                !(F_tap[i] == 0 && handshake_key(ks[q]) && synchronized_by(idx, n, T)))
                return "delivered-before-capture:" flagname(ks[q])
            if (F_tap[i] > 0 && F_tap[i] <= T && !(RDEL[k] > 0 && RDEL[k] <= T))
                return (F_egr[i] > T ? "in-flight-after-tap:" : "lost-after-tap:") flagname(ks[q])
        }
    }
    return ""
}
