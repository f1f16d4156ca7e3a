/* community_id.h - the Community ID flow hash, version 1.
 *
 * The string Zeek, Suricata, Arkime and others attach to a flow so records
 * from different tools can be joined: "1:" + base64(SHA-1(seed, the two
 * endpoints in numeric order, protocol, a zero byte, the two ports)). */
#ifndef WIRESTATE_COMMUNITY_ID_H
#define WIRESTATE_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#include "wirestate/event.h"
#include "wirestate/flow_table.h"

/* "1:" + 28 base64 characters + NUL. */
#define WS_COMMUNITY_ID_STRLEN 32

/* The flow key is already in the order the spec wants (side 0 first).
 * Returns buf, or "" if the hash could not be computed. */
const char *ws_community_id(const struct ws_flow_key *key, uint16_t seed, char *buf, size_t len);

/* The same for a connection given by its two endpoints, in either order
 * (a flow record's originator and responder).  Reporters hash when they
 * write a record, so the work stays off the thread that tracks packets. */
const char *ws_community_id_of_endpoints(const struct ws_endpoint *a, const struct ws_endpoint *b,
                                         uint16_t seed, char *buf, size_t len);

#endif
