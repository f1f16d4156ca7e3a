/* test_big_alloc.c - zeroed arrays, big ones mapped on 2 MiB boundaries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wirestate/big_alloc.h"

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static bool huge_aligned(const void *p)
{
    return ((uintptr_t)p & (WS_BIG_ALLOC_MIN - 1)) == 0;
}

/* Below a huge page: calloc's memory, zeroed, usable to its last byte. */
static void test_small_arrays_are_zeroed(void **state)
{
    (void)state;
    size_t sizes[] = { 0, 1, 16, 4096, WS_BIG_ALLOC_MIN - 1 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = ws_big_alloc(sizes[i], 0);
        assert_non_null(p);
        assert_true(all_zero(p, sizes[i]));
        memset(p, 0xab, sizes[i]);
        ws_big_free(p, sizes[i]);
    }
    ws_big_free(NULL, 0);
    ws_big_free(NULL, WS_BIG_ALLOC_MIN);
}

/* From a huge page up: aligned to one, zeroed, every byte writable, however
 * the size falls against the 2 MiB grid. */
static void test_big_arrays_are_aligned_and_zeroed(void **state)
{
    (void)state;
    size_t sizes[] = { WS_BIG_ALLOC_MIN, WS_BIG_ALLOC_MIN + 1, 3 * WS_BIG_ALLOC_MIN - 100,
                       5 * WS_BIG_ALLOC_MIN };
    size_t heads[] = { 0, 1, WS_BIG_ALLOC_MIN, SIZE_MAX };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
            unsigned char *p = ws_big_alloc(sizes[i], heads[h]);
            assert_non_null(p);
            assert_true(huge_aligned(p));
            assert_true(all_zero(p, sizes[i]));
            memset(p, 0x5a, sizes[i]);
            assert_int_equal(p[sizes[i] - 1], 0x5a);
            ws_big_free(p, sizes[i]);
        }
    }
}

/* Freed big arrays give their address space back: mincore() finds nothing
 * mapped where one was. */
static void test_freed_arrays_are_unmapped(void **state)
{
    (void)state;
    const size_t size = 3 * WS_BIG_ALLOC_MIN + 12345;
    long page = sysconf(_SC_PAGESIZE);
    assert_true(page > 0);
    unsigned char *vec = malloc(size / (size_t)page + 2);
    assert_non_null(vec);
    unsigned char *p = ws_big_alloc(size, WS_BIG_ALLOC_MIN);
    assert_non_null(p);
    p[0] = 1;
    p[size - 1] = 1;
    assert_int_equal(mincore(p, size, vec), 0);
    ws_big_free(p, size);
    errno = 0;
    assert_int_equal(mincore(p, size, vec), -1);
    assert_int_equal(errno, ENOMEM);
    free(vec);
}

/* Too big for the address space: NULL, not a crash; a size near SIZE_MAX
 * must not wrap around to a small mapping. */
static void test_impossible_sizes_fail(void **state)
{
    (void)state;
    assert_null(ws_big_alloc(SIZE_MAX, 0));
    assert_null(ws_big_alloc(SIZE_MAX - WS_BIG_ALLOC_MIN, 0));
    assert_null(ws_big_alloc(SIZE_MAX / 2, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_arrays_are_zeroed),
        cmocka_unit_test(test_big_arrays_are_aligned_and_zeroed),
        cmocka_unit_test(test_freed_arrays_are_unmapped),
        cmocka_unit_test(test_impossible_sizes_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
