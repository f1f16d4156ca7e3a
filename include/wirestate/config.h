/* config.h - every tunable default in one place.
 *
 * Things you may reasonably want to change live here; each one is also a
 * command-line option (see wirestate(1)). */
#ifndef WIRESTATE_CONFIG_H
#define WIRESTATE_CONFIG_H

#define WS_USEC_PER_SEC 1000000LL
#define WS_SECONDS(s) ((int64_t)(s) * WS_USEC_PER_SEC)

/* --msl: Linux's TIME_WAIT lasts 60 s (TCP_TIMEWAIT_LEN), i.e. 2 * 30 s. */
#define WS_DEFAULT_MSL_S 30
/* --half-closed: one half_closed event after this long in CLOSE_WAIT / FIN_WAIT_2. */
#define WS_DEFAULT_HALF_CLOSED_S 60
/* --syn-timeout: an endpoint in SYN_SENT or SYN_RECEIVED on a flow silent this
 * long has given up.  Linux's last SYN retransmission (tcp_syn_retries = 6) is
 * followed by a 64 s wait, so a client gives up 64 s after its last SYN. */
#define WS_DEFAULT_SYN_TIMEOUT_S 64
/* --idle-timeout: a flow with no packet for this long is expired (reported). */
#define WS_DEFAULT_IDLE_TIMEOUT_S 3600
/* A flow whose two endpoints are both closed is kept this long, so late
 * retransmissions fall into it instead of opening a mid-stream flow. */
#define WS_CLOSED_LINGER_S 10
/* --max-flows: the flow table's hard limit; the least recently active flow is
 * evicted (and reported) to make room.  About 300 bytes per flow (a 280-byte
 * record, 36 more for an IPv6 key, and 16 for its hash bucket once the table
 * is full), so about 80 MiB at the default. */
#define WS_DEFAULT_MAX_FLOWS 262144
/* When the table is full, an established flow silent this long is as
 * expendable as a half-open one (the least recently active of the two goes). */
#define WS_EVICT_STALE_S 300
/* Flow records are put to use (first written) this many at a time, never
 * one per packet. */
#define WS_FLOW_CHUNK_RECORDS 1024

/* Live capture. */
/* -s: wirestate needs headers only (payload lengths come from the IP
 * header).  256 bytes cover Ethernet, two VLAN tags, IPv6 with extension
 * headers and a TCP header with every option.  It matters live: in
 * immediate mode libpcap's ring has one slot per packet sized by the snap
 * length, so 262144 (tcpdump's default) on an interface with offloads leaves
 * the default ring room for only a few dozen packets.  -s 0 means 262144. */
#define WS_DEFAULT_SNAPLEN 256
#define WS_MAX_SNAPLEN 262144
/* -B: the kernel ring, in KiB: about 30 000 packets at the default snap length. */
#define WS_DEFAULT_BUFFER_KIB 8192
#define WS_LIVE_POLL_MS 100

#endif
