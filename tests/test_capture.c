/* test_capture.c - the capture module: record times, and errors that say
 * which file and what is wrong with it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wirestate/capture.h"

static int64_t time_of(int64_t sec, int64_t usec)
{
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)sec;
    h.ts.tv_usec = (suseconds_t)usec;
    return ws_capture_time_us(&h);
}

static void test_time_ordinary(void **state)
{
    (void)state;
    assert_int_equal(time_of(1700000000, 123456), 1700000000123456LL);
    assert_int_equal(time_of(0, 0), 0);
}

static void test_time_clamped_both_ways(void **state)
{
    (void)state;
    assert_int_equal(time_of(-5, 0), 0);
    assert_int_equal(time_of(INT64_MAX / 2, 999999), WS_CAPTURE_MAX_TIME_US);
    assert_int_equal(time_of(INT64_MAX, 0), WS_CAPTURE_MAX_TIME_US);
    /* Room left for the longest timeout the options accept (1e9 s). */
    assert_true(WS_CAPTURE_MAX_TIME_US < INT64_MAX - 2000000000LL * 1000000LL);
}

static void expect_open_error(const char *path, const char *needle)
{
    struct ws_capture c;
    struct ws_error err = { 0 };
    assert_int_equal(ws_capture_open_offline(&c, path, &err), WS_ERR_RUNTIME);
    assert_non_null(strstr(err.message, needle));
    assert_null(strchr(err.message, '\n'));
}

static void test_open_errors_name_the_cause(void **state)
{
    (void)state;
    expect_open_error("/nonexistent/x.pcap", "No such file");
    expect_open_error("/", "is a directory");
    char empty[] = "/tmp/ws-test-empty-XXXXXX";
    int fd = mkstemp(empty);
    assert_true(fd >= 0);
    close(fd);
    expect_open_error(empty, "empty file");
    char junk[] = "/tmp/ws-test-junk-XXXXXX";
    fd = mkstemp(junk);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "this is not a capture file at all\n", 34), 34);
    close(fd);
    expect_open_error(junk, "not a pcap or pcapng capture");
    unlink(empty);
    unlink(junk);
}

static void test_link_names(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(ws_capture_link_name(DLT_EN10MB, buf, sizeof buf), "EN10MB");
    assert_string_equal(ws_capture_link_name(4242, buf, sizeof buf), "DLT 4242");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_ordinary),
        cmocka_unit_test(test_time_clamped_both_ways),
        cmocka_unit_test(test_open_errors_name_the_cause),
        cmocka_unit_test(test_link_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
