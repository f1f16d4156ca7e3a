/* tcp_state.c - the per-endpoint TCP transition table and state names. */
#include "wirestate/tcp_state.h"

#include <string.h>

/* Short aliases so each row of the table fits on one line. */
#define sNO WS_NONE
#define sCL WS_CLOSED
#define sLI WS_LISTEN
#define sSS WS_SYN_SENT
#define sSR WS_SYN_RECEIVED
#define sES WS_ESTABLISHED
#define sF1 WS_FIN_WAIT_1
#define sF2 WS_FIN_WAIT_2
#define sCW WS_CLOSE_WAIT
#define sCG WS_CLOSING
#define sLA WS_LAST_ACK
#define sTW WS_TIME_WAIT

/* ws_tcp_transitions[direction][segment class][current state].
 *
 * SENT: the endpoint sent the segment.  RCVD: the segment was delivered to it.
 * A cell equal to its column header means "no change".  Cells the kernel
 * cannot reach are filled with what the segment proves about the endpoint
 * ("it acknowledges the peer's FIN, so it has received it"), so the tap
 * catches up whatever it missed before.  RFC references are to RFC 9293. */
const unsigned char ws_tcp_transitions[WS_DIR_COUNT][WS_SEG_CLASS_COUNT][WS_STATE_COUNT] = {
  [WS_DIR_SENT] = {
/*                  sNO  sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW */
/* SYN         */ { sSS, sSS, sSS, sSS, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* SYNACK      */ { sSR, sSR, sSR, sSR, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* ACK         */ { sES, sCL, sLI, sES, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* ACK_FIN     */ { sCW, sCL, sLI, sCW, sCW, sCW, sCG, sTW, sCW, sCG, sLA, sTW },
/* FIN         */ { sF1, sCL, sLI, sF1, sF1, sF1, sF1, sF2, sCG, sCG, sLA, sTW },
/* FIN_ACK_FIN */ { sLA, sCL, sLI, sLA, sLA, sLA, sCG, sTW, sLA, sCG, sLA, sTW },
/* RST         */ { sCL, sCL, sLI, sSS, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
  },
  [WS_DIR_RCVD] = {
/*                  sNO  sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW */
/* SYN         */ { sNO, sCL, sLI, sSR, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* SYNACK      */ { sES, sCL, sLI, sES, sES, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* ACK         */ { sES, sCL, sLI, sSS, sES, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* ACK_FIN     */ { sES, sCL, sLI, sSS, sES, sES, sF2, sF2, sCW, sTW, sCL, sTW },
/* FIN         */ { sCW, sCL, sLI, sSS, sCW, sCW, sCG, sTW, sCW, sCG, sLA, sTW },
/* FIN_ACK_FIN */ { sCW, sCL, sLI, sSS, sCW, sCW, sTW, sTW, sCW, sTW, sCL, sTW },
/* RST         */ { sNO, sCL, sLI, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
  },
};
/* Why the cells that are not obvious are what they are:
 *  SENT SYN      sCL->sSS  a new connect() on a finished 4-tuple (§3.5).
 *  SENT SYNACK   sNO->sSR  a passive open: the endpoint was LISTENing and got the
 *                          SYN; decided only now, because a closed or filtered
 *                          port never answers with SYN+ACK (§3.10.7.2).
 *                sSS->sSR  simultaneous open, answering the peer's SYN (§3.5, fig. 8).
 *  SENT ACK      sSS->sES  the tap missed the SYN+ACK; the ACK proves it arrived.
 *                sNO->sES  capture joined mid-connection.
 *  SENT FIN      sSR->sF1  CLOSE in SYN-RECEIVED sends FIN (§3.10.4).
 *                sCW->sCG  simultaneous close: this FIN does not acknowledge the
 *                          peer's FIN, so it left before that FIN arrived (§3.6 case 2).
 *  SENT ACK_FIN  sSS->sCW  the tap missed the SYN+ACK and the peer's FIN; acking
 *                          that FIN proves both arrived.
 *  SENT FIN_ACK_FIN sCW->sLA  passive close (§3.10.4 CLOSE in CLOSE-WAIT).
 *  SENT RST      sSS stays: the only RST SYN-SENT sends refuses an old duplicate's
 *                          unacceptable ACK, and the endpoint keeps waiting
 *                          (§3.10.7.3, §3.5 figure 9); closing in SYN-SENT sends none.
 *  SENT RST      sNO->sCL  a port answering a SYN with RST has no socket: now known
 *                          CLOSED, as a SYN+ACK shows LISTEN (a stray RST opens no
 *                          flow, so only a responder reaches this cell).
 *  RCVD RST      sNO stays: an endpoint never seen has no connection to reset.
 *  RCVD SYN      sNO stays: listener or closed port is decided by the answer.
 *                sSS->sSR  simultaneous open (§3.10.7.3 SYN-SENT, fourth check).
 *                sES.. stay: a SYN in a synchronized state draws a challenge ACK
 *                and changes nothing (RFC 5961 §4).
 *  RCVD SYNACK   sNO->sES  the capture missed the client's SYN.
 *                sSR->sES  simultaneous open completes (§3.10.7.4).
 *  RCVD ACK      sSR->sES  the handshake's final ACK (§3.10.7.4).
 *                sSS stays: an ACK without SYN is unacceptable in SYN-SENT (§3.10.7.3).
 *  RCVD ACK_FIN  sF1->sF2, sCG->sTW, sLA->sCL (§3.10.7.4, fifth check); in sNO and
 *                sSR it is an acceptable ACK like any other (sSR->sES).
 *  RCVD FIN      sSS stays: FIN is not processed in SYN-SENT (§3.10.7.4, eighth).
 *                sF1->sCG  our FIN not yet acknowledged: CLOSING.
 *  RCVD FIN_ACK_FIN sF1->sTW  FIN and ACK of our FIN together skip FIN-WAIT-2.
 *  RCVD RST      sSR->sCL  RFC 9293 returns a passive open to LISTEN; the
 *                          listener is another socket, this 4-tuple is gone.
 *                sTW->sCL  Linux's default (tcp_rfc1337=0) lets RST end
 *                          TIME-WAIT, the hazard RFC 1337 describes. */

enum ws_tcp_state ws_tcp_implied_prior(enum ws_tcp_state next, enum ws_seg_class cls,
                                       enum ws_direction dir)
{
    if (next == WS_SYN_SENT)
        return WS_CLOSED;
    if (next == WS_SYN_RECEIVED && cls == WS_SEG_SYNACK && dir == WS_DIR_SENT)
        return WS_LISTEN;
    if (next == WS_ESTABLISHED && cls == WS_SEG_SYNACK && dir == WS_DIR_RCVD)
        return WS_SYN_SENT;
    return WS_NONE;
}

struct state_name {
    const char *rfc;
    const char *netstat;
};

static const struct state_name state_names[WS_STATE_COUNT] = {
    [WS_NONE]         = { "UNKNOWN", "UNKNOWN" },
    [WS_CLOSED]       = { "CLOSED", "CLOSE" },
    [WS_LISTEN]       = { "LISTEN", "LISTEN" },
    [WS_SYN_SENT]     = { "SYN_SENT", "SYN_SENT" },
    [WS_SYN_RECEIVED] = { "SYN_RECEIVED", "SYN_RECV" },
    [WS_ESTABLISHED]  = { "ESTABLISHED", "ESTABLISHED" },
    [WS_FIN_WAIT_1]   = { "FIN_WAIT_1", "FIN_WAIT1" },
    [WS_FIN_WAIT_2]   = { "FIN_WAIT_2", "FIN_WAIT2" },
    [WS_CLOSE_WAIT]   = { "CLOSE_WAIT", "CLOSE_WAIT" },
    [WS_CLOSING]      = { "CLOSING", "CLOSING" },
    [WS_LAST_ACK]     = { "LAST_ACK", "LAST_ACK" },
    [WS_TIME_WAIT]    = { "TIME_WAIT", "TIME_WAIT" },
};

const char *ws_tcp_state_name(enum ws_tcp_state s, enum ws_state_names style)
{
    if ((unsigned)s >= WS_STATE_COUNT)
        return "INVALID";
    return style == WS_NAMES_NETSTAT ? state_names[s].netstat : state_names[s].rfc;
}

bool ws_tcp_state_parse(const char *name, enum ws_tcp_state *out)
{
    for (int s = 0; s < WS_STATE_COUNT; s++) {
        if (strcmp(name, state_names[s].rfc) == 0 || strcmp(name, state_names[s].netstat) == 0) {
            *out = (enum ws_tcp_state)s;
            return true;
        }
    }
    return false;
}

const char *ws_seg_class_name(enum ws_seg_class c)
{
    static const char *const names[WS_SEG_CLASS_COUNT + 1] = {
        "SYN", "SYNACK", "ACK", "ACK_FIN", "FIN", "FIN_ACK_FIN", "RST", "IGNORE",
    };
    return (unsigned)c <= WS_SEG_CLASS_COUNT ? names[c] : "INVALID";
}
