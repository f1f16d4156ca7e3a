/* sanitizer_defaults.c - sanitizer settings built into sanitized binaries.
 *
 * Sanitizers read ASAN_OPTIONS/UBSAN_OPTIONS lazily, from /proc/self/environ,
 * which is unreadable once wirestate has given up root (-Z).  Built-in
 * defaults keep a sanitizer report distinguishable from wirestate's own exit
 * status 1 whatever the privileges: 99 for ASan, 98 for UBSan. */
#if defined(__SANITIZE_ADDRESS__) || defined(__has_feature)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WS_ASAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define WS_ASAN 1
#endif
#endif

#ifdef WS_ASAN
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
    return "exitcode=99:detect_leaks=1";
}

const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:exitcode=98:print_stacktrace=1";
}
#else
/* An empty translation unit is not valid C. */
typedef int ws_no_sanitizer_defaults;
#endif
