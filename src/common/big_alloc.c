/* big_alloc.c - see big_alloc.h: big arrays mapped whole, small ones from calloc. */
#include "wirestate/big_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* The mapping's length: whole huge pages, so that its end is aligned too. */
static size_t mapped_length(size_t bytes)
{
    return (bytes + WS_BIG_ALLOC_MIN - 1) & ~(WS_BIG_ALLOC_MIN - 1);
}

void *ws_big_alloc(size_t bytes, size_t small_head)
{
    if (bytes < WS_BIG_ALLOC_MIN)
        return calloc(1, bytes ? bytes : 1);
    size_t len = mapped_length(bytes);
    if (len < bytes || len + WS_BIG_ALLOC_MIN < len)
        return NULL;   /* overflows size_t */
    /* Mapped one huge page longer, then trimmed to an aligned start. */
    unsigned char *m = mmap(NULL, len + WS_BIG_ALLOC_MIN, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    uintptr_t start = ((uintptr_t)m + WS_BIG_ALLOC_MIN - 1) & ~(uintptr_t)(WS_BIG_ALLOC_MIN - 1);
    unsigned char *p = (unsigned char *)start;
    size_t head = (size_t)(p - m), tail = WS_BIG_ALLOC_MIN - head;
    if (head)
        munmap(m, head);
    if (tail)
        munmap(p + len, tail);
    size_t skip = mapped_length(small_head < len ? small_head : len);
    if (skip < len)   /* advice only: without THP the pages are small */
        (void)madvise(p + skip, len - skip, MADV_HUGEPAGE);
    return p;
}

void ws_big_free(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes < WS_BIG_ALLOC_MIN)
        free(p);
    else
        munmap(p, mapped_length(bytes));
}
