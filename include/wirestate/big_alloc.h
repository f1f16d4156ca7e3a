/* big_alloc.h - zeroed memory for the flow table's big arrays, in huge pages.
 *
 * The flow records and the hash buckets are read at random, a few of them per
 * packet: with 4 KiB pages nearly every one of those reads also misses the
 * TLB, and in a virtual machine the page walk behind it is several more
 * memory reads.  2 MiB pages cover the same records with 512 times fewer TLB
 * entries (SYN flood benchmark: 337 -> 296 ms, median of 16 runs).
 *
 * Arrays of at least WS_BIG_ALLOC_MIN bytes are mapped by the kernel, aligned
 * to 2 MiB and offered to transparent huge pages (madvise MADV_HUGEPAGE;
 * where THP is off they are ordinary pages).  Address space is only
 * reserved: a page takes memory when first written, so a table sized for
 * millions of flows that holds a few thousand costs what those use; the
 * caller may keep the head of such an array in small pages, so that a small
 * table does not take 2 MiB at its first record.  Smaller arrays come from
 * calloc(). */
#ifndef WIRESTATE_BIG_ALLOC_H
#define WIRESTATE_BIG_ALLOC_H

#include <stddef.h>

#define WS_BIG_ALLOC_MIN ((size_t)2 << 20)   /* one huge page */

/* bytes of zeroes, NULL without memory (or address space).  The first
 * small_head bytes are not offered to huge pages (0: all of it is). */
void *ws_big_alloc(size_t bytes, size_t small_head);

/* Frees what ws_big_alloc(bytes) returned; bytes must be the same. */
void ws_big_free(void *p, size_t bytes);

#endif
