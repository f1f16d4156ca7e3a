/* community_id.c - Community ID v1 over a flow key, hashed with OpenSSL's SHA-1. */
#include "wirestate/community_id.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#define TCP_PROTOCOL 6

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
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    if (len < WS_COMMUNITY_ID_STRLEN ||
        EVP_Digest(in, n, digest, &digest_len, EVP_sha1(), NULL) != 1 || digest_len != 20) {
        if (len)
            buf[0] = '\0';
        return buf;
    }
    EVP_EncodeBlock(b64, digest, (int)digest_len);
    snprintf(buf, len, "1:%s", (const char *)b64);
    return buf;
}
