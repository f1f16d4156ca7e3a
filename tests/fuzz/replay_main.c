/* replay_main.c - runs a libFuzzer harness without libFuzzer: every file
 * named on the command line, and every regular file under every directory
 * named (recursively, in sorted order, skipping names that start with '.'
 * and README files), goes once through LLVMFuzzerTestOneInput().
 *
 * Linked with a harness it makes an ordinary program, built by any C
 * compiler, so reproducers replay in every build (with sanitizers when the
 * library has them).  A crash or a failed check aborts, as under libFuzzer.
 * Prints one line per input with -v, and "replayed N inputs" at the end;
 * exits 1 if a path cannot be read. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int verbose;
static unsigned long replayed;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "%s: out of memory\n", path);
            fclose(f);
            return 1;
        }
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        cap *= 2;
        uint8_t *bigger = realloc(buf, cap);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: read error\n", path);
        free(buf);
        return 1;
    }
    if (verbose)
        fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
    /* An exact-size copy, so reads past the end are caught as under libFuzzer. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    replayed++;
    return 0;
}

static int skip_name(const char *name)
{
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    struct dirent **names;
    int n = scandir(path, &names, NULL, by_name);
    if (n < 0) {
        perror(path);
        return 1;
    }
    int status = 0;
    for (int i = 0; i < n; i++) {
        if (!skip_name(names[i]->d_name)) {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *child = malloc(len);
            if (!child) {
                status = 1;
            } else {
                size_t plen = strlen(path);
                snprintf(child, len, "%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/",
                         names[i]->d_name);
                status |= replay_path(child);
                free(child);
            }
        }
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int status = 0;
    for (int i = first; i < argc; i++)
        status |= replay_path(argv[i]);
    printf("replayed %lu inputs\n", replayed);
    return status;
}
