/* test_community_id.c - Community ID v1 against the published baseline values
 * (community-id-spec baseline_deflt.json and Zeek's own test), both directions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "wirestate/community_id.h"

static struct ws_segment tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
    struct ws_segment s;
    memset(&s, 0, sizeof s);
    int family = strchr(src, ':') ? 6 : 4;
    s.src.family = s.dst.family = (uint8_t)family;
    assert_int_equal(inet_pton(family == 6 ? AF_INET6 : AF_INET, src, s.src.bytes), 1);
    assert_int_equal(inet_pton(family == 6 ? AF_INET6 : AF_INET, dst, s.dst.bytes), 1);
    s.sport = sport;
    s.dport = dport;
    return s;
}

static struct ws_endpoint endpoint(const struct ws_addr *addr, uint16_t port)
{
    return (struct ws_endpoint){ .addr = *addr, .port = port };
}

/* The published value from the flow key built either way round, and from
 * the two endpoints given either way round (what reporters do). */
static void expect_id(const char *src, uint16_t sport, const char *dst, uint16_t dport, const char *want)
{
    char buf[WS_COMMUNITY_ID_STRLEN];
    struct ws_flow_key key;
    int side;
    struct ws_segment there = tcp(src, sport, dst, dport), back = tcp(dst, dport, src, sport);
    ws_flow_key_from_segment(&there, &key, &side);
    assert_string_equal(ws_community_id(&key, 0, buf, sizeof buf), want);
    ws_flow_key_from_segment(&back, &key, &side);
    assert_string_equal(ws_community_id(&key, 0, buf, sizeof buf), want);

    struct ws_endpoint a = endpoint(&there.src, sport), b = endpoint(&there.dst, dport);
    assert_string_equal(ws_community_id_of_endpoints(&a, &b, 0, buf, sizeof buf), want);
    assert_string_equal(ws_community_id_of_endpoints(&b, &a, 0, buf, sizeof buf), want);
}

/* Same address both sides: the ports decide the order. */
static void test_endpoints_same_address_ordered_by_port(void **state)
{
    (void)state;
    char from_key[WS_COMMUNITY_ID_STRLEN], ab[WS_COMMUNITY_ID_STRLEN], ba[WS_COMMUNITY_ID_STRLEN];
    struct ws_flow_key key;
    int side;
    struct ws_segment s = tcp("127.0.0.1", 40000, "127.0.0.1", 8080);
    ws_flow_key_from_segment(&s, &key, &side);
    ws_community_id(&key, 0, from_key, sizeof from_key);
    struct ws_endpoint a = endpoint(&s.src, 40000), b = endpoint(&s.dst, 8080);
    ws_community_id_of_endpoints(&a, &b, 0, ab, sizeof ab);
    ws_community_id_of_endpoints(&b, &a, 0, ba, sizeof ba);
    assert_string_equal(ab, from_key);
    assert_string_equal(ba, from_key);
}

static void test_ipv4_baseline(void **state)
{
    (void)state;
    expect_id("128.232.110.120", 34855, "66.35.250.204", 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    expect_id("1.2.3.4", 1122, "5.6.7.8", 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
}

static void test_ipv6_baseline(void **state)
{
    (void)state;
    expect_id("2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25,
              "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
}

static void test_seed_changes_the_id(void **state)
{
    (void)state;
    char a[WS_COMMUNITY_ID_STRLEN], b[WS_COMMUNITY_ID_STRLEN];
    struct ws_flow_key key;
    int side;
    struct ws_segment s = tcp("1.2.3.4", 1122, "5.6.7.8", 3344);
    ws_flow_key_from_segment(&s, &key, &side);
    ws_community_id(&key, 0, a, sizeof a);
    ws_community_id(&key, 1, b, sizeof b);
    assert_string_not_equal(a, b);
    assert_int_equal(strlen(b), 30);
}

static void test_short_buffer_gives_empty_string(void **state)
{
    (void)state;
    char small[8] = "x";
    struct ws_flow_key key;
    int side;
    struct ws_segment s = tcp("1.2.3.4", 1, "5.6.7.8", 2);
    ws_flow_key_from_segment(&s, &key, &side);
    assert_string_equal(ws_community_id(&key, 0, small, sizeof small), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_baseline),
        cmocka_unit_test(test_ipv6_baseline),
        cmocka_unit_test(test_endpoints_same_address_ordered_by_port),
        cmocka_unit_test(test_seed_changes_the_id),
        cmocka_unit_test(test_short_buffer_gives_empty_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
