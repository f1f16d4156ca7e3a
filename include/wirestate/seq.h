/* seq.h - TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4). */
#ifndef WIRESTATE_SEQ_H
#define WIRESTATE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool ws_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool ws_seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool ws_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool ws_seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

#endif
