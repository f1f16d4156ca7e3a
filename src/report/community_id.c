/* community_id.c - Community ID v1 over a flow key, hashed with OpenSSL's SHA-1. */
#include "wirestate/community_id.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>

#define TCP_PROTOCOL 6

/* One digest context for the whole run, initialised once and copied for
 * each flow record.  OpenSSL 3 looks the algorithm up in its provider tables
 * on every EVP_DigestInit_ex() with EVP_sha1(), which cost three times the
 * hashing itself; copying a ready context costs a memcpy.  Both live until
 * exit; wirestate hashes from one thread. */
static bool sha1(const uint8_t *in, size_t n, unsigned char *digest, unsigned int *digest_len)
{
    static EVP_MD_CTX *ready, *ctx;
    if (!ready) {
        EVP_MD_CTX *r = EVP_MD_CTX_new();
        ctx = EVP_MD_CTX_new();
        if (!r || !ctx || EVP_DigestInit_ex(r, EVP_sha1(), NULL) != 1) {
            EVP_MD_CTX_free(r);
            return false;
        }
        ready = r;
    }
    return EVP_MD_CTX_copy_ex(ctx, ready) == 1 && EVP_DigestUpdate(ctx, in, n) == 1 &&
           EVP_DigestFinal_ex(ctx, digest, digest_len) == 1;
}

const char *ws_community_id(const struct ws_flow_key *key, uint16_t seed, char *buf, size_t len)
{
    /* seed(2) addr(16) addr(16) proto(1) pad(1) port(2) port(2): at most 40 bytes */
    uint8_t in[40];
    size_t addr_len = key->family == 6 ? 16 : 4, n = 0;
    in[n++] = (uint8_t)(seed >> 8);
    in[n++] = (uint8_t)seed;
    /* The key's side 0 is the numerically smaller address:port, which is
     * the order the spec hashes in. */
    memcpy(in + n, key->addr[0], addr_len);
    n += addr_len;
    memcpy(in + n, key->addr[1], addr_len);
    n += addr_len;
    in[n++] = TCP_PROTOCOL;
    in[n++] = 0;
    for (int side = 0; side < 2; side++) {
        in[n++] = (uint8_t)(key->port[side] >> 8);
        in[n++] = (uint8_t)key->port[side];
    }

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (len < WS_COMMUNITY_ID_STRLEN || !sha1(in, n, digest, &digest_len) || digest_len != 20) {
        if (len)
            buf[0] = '\0';
        return buf;
    }
    buf[0] = '1';
    buf[1] = ':';
    EVP_EncodeBlock((unsigned char *)buf + 2, digest, (int)digest_len);   /* 28 chars and a NUL */
    return buf;
}

/* The spec's order: the smaller address first, by bytes; the smaller port on a tie. */
static bool endpoint_before(const struct ws_endpoint *a, const struct ws_endpoint *b, size_t addr_len)
{
    int c = memcmp(a->addr.bytes, b->addr.bytes, addr_len);
    return c < 0 || (c == 0 && a->port < b->port);
}

const char *ws_community_id_of_endpoints(const struct ws_endpoint *a, const struct ws_endpoint *b,
                                         uint16_t seed, char *buf, size_t len)
{
    size_t addr_len = a->addr.family == 6 ? 16 : 4;
    if (endpoint_before(b, a, addr_len)) {
        const struct ws_endpoint *t = a;
        a = b;
        b = t;
    }
    struct ws_flow_key key = { .family = a->addr.family == 6 ? 6 : 4 };
    memcpy(key.addr[0], a->addr.bytes, addr_len);
    memcpy(key.addr[1], b->addr.bytes, addr_len);
    key.port[0] = a->port;
    key.port[1] = b->port;
    return ws_community_id(&key, seed, buf, len);
}
