/* Bitmap allocators for Service ClusterIPs and NodePorts, kept in the store as Kubernetes keeps
 * them (RangeAllocation objects whose data is the bitmap as a big-endian integer), updated with
 * a compare-and-swap on mod_revision and retried on conflicts (pkg/registry/core/service/
 * allocator/storage's shape). */
#include "ipalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>

#include "b64.h"
#include "cleanup.h"
#include "xalloc.h"

#define ALLOC_RETRIES 64

/* Kubernetes' lower band: min(max(min, size / step), max), none for tiny ranges. */
static uint32_t band_offset(uint64_t range_size, uint32_t min, uint32_t max, uint32_t step)
{
    if (range_size <= min) {
        return 0;
    }
    uint64_t offset = range_size / step;
    if (offset < min) {
        return min;
    }
    return offset > max ? max : (uint32_t)offset;
}

bool ipalloc_parse_ipv4(const char *text, uint32_t *out)
{
    uint32_t ip = 0;
    const char *p = text;
    for (int part = 0; part < 4; part++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        unsigned value = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            value = value * 10 + (unsigned)(*p - '0');
            if (++digits > 3 || value > 255) {
                return false;
            }
            p++;
        }
        ip = ip << 8 | value;
        if (part < 3 && *p++ != '.') {
            return false;
        }
    }
    if (*p != '\0') {
        return false;
    }
    *out = ip;
    return true;
}

char *ipalloc_format_ipv4(uint32_t ip, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
    return buf;
}

int ipalloc_parse_cidr(const char *text, struct ipalloc_range *out, struct err *err)
{
    if (text == NULL || strchr(text, ':') != NULL) {
        return err_set(err, EINVAL, "service IP range %s: only IPv4 ranges are supported",
                       text ? text : "(none)");
    }
    const char *slash = strchr(text, '/');
    char addr[16];
    if (slash == NULL || (size_t)(slash - text) >= sizeof addr) {
        return err_set(err, EINVAL, "invalid CIDR address: %s", text);
    }
    memcpy(addr, text, (size_t)(slash - text));
    addr[slash - text] = '\0';
    char *end = NULL;
    long bits = strtol(slash + 1, &end, 10);
    uint32_t ip = 0;
    if (!ipalloc_parse_ipv4(addr, &ip) || end == slash + 1 || *end != '\0' || bits < 0 ||
        bits > 32) {
        return err_set(err, EINVAL, "invalid CIDR address: %s", text);
    }
    /* Kubernetes refuses service ranges with fewer than 8 addresses (a /30 or longer). */
    if (bits > 29) {
        return err_set(err, EINVAL,
                       "specified --service-cluster-ip-range is too small (%s): at least 8 "
                       "addresses are needed",
                       text);
    }
    uint32_t mask = bits == 0 ? 0 : ~0u << (32 - bits);
    uint64_t range_size = (uint64_t)1 << (32 - bits);
    /* Keep the bitmap reasonable: at most a /12 (kubeadm's default) ... /8 is 16M bits. */
    if (range_size > ((uint64_t)1 << 24)) {
        return err_set(err, EINVAL, "specified --service-cluster-ip-range is too large (%s)", text);
    }
    memset(out, 0, sizeof *out);
    uint32_t network = ip & mask;
    out->base = network + 1;
    out->size = (uint32_t)(range_size - 2); /* neither the network nor the broadcast address */
    out->offset = band_offset(range_size, 16, 256, 16);
    out->is_ip = true;
    char net[16];
    snprintf(out->spec, sizeof out->spec, "%s/%ld", ipalloc_format_ipv4(network, net), bits);
    return 0;
}

int ipalloc_parse_ports(const char *text, struct ipalloc_range *out, struct err *err)
{
    if (text == NULL || text[0] == '\0') {
        return err_set(err, EINVAL, "invalid port range: empty");
    }
    char *end = NULL;
    long first = strtol(text, &end, 10);
    long last = first;
    if (end == text) {
        return err_set(err, EINVAL, "unable to parse port range: %s", text);
    }
    if (*end == '-' || *end == '+') {
        char sep = *end;
        const char *rest = end + 1;
        long n = strtol(rest, &end, 10);
        if (end == rest) {
            return err_set(err, EINVAL, "unable to parse port range: %s", text);
        }
        last = sep == '-' ? n : first + n;
    }
    if (*end != '\0' || first < 0 || last > 65535 || last < first) {
        return err_set(err, EINVAL, "invalid port range: %s", text);
    }
    memset(out, 0, sizeof *out);
    out->base = (uint32_t)first;
    out->size = (uint32_t)(last - first + 1);
    out->offset = band_offset(out->size, 16, 128, 32);
    snprintf(out->spec, sizeof out->spec, "%ld-%ld", first, last);
    return 0;
}

int64_t ipalloc_offset_of(const struct ipalloc_range *range, uint32_t value)
{
    if (value < range->base || value - range->base >= range->size) {
        return -1;
    }
    return value - range->base;
}

/* ---- bitmap ---- */

void ipalloc_bitmap_init(struct ipalloc_bitmap *b, uint32_t size)
{
    b->size = size;
    b->bits = xcalloc((size + 7) / 8 + 1, 1);
}

void ipalloc_bitmap_free(struct ipalloc_bitmap *b)
{
    free(b->bits);
    b->bits = NULL;
    b->size = 0;
}

bool ipalloc_bitmap_has(const struct ipalloc_bitmap *b, uint32_t offset)
{
    return offset < b->size && (b->bits[offset / 8] & (1u << (offset % 8))) != 0;
}

void ipalloc_bitmap_set(struct ipalloc_bitmap *b, uint32_t offset, bool value)
{
    if (offset >= b->size) {
        return;
    }
    if (value) {
        b->bits[offset / 8] |= (uint8_t)(1u << (offset % 8));
    } else {
        b->bits[offset / 8] &= (uint8_t) ~(1u << (offset % 8));
    }
}

uint32_t ipalloc_bitmap_count(const struct ipalloc_bitmap *b)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < (b->size + 7) / 8; i++) {
        n += (uint32_t)__builtin_popcount(b->bits[i]);
    }
    return n;
}

/* The first free offset of [lo, lo + span) scanning from lo + start with wrap-around. */
static int64_t scan_free(const struct ipalloc_bitmap *b, uint32_t lo, uint32_t span, uint32_t start)
{
    for (uint32_t i = 0; i < span; i++) {
        uint32_t at = lo + (start + i) % span;
        if (!ipalloc_bitmap_has(b, at)) {
            return at;
        }
    }
    return -1;
}

int64_t ipalloc_bitmap_next_free(const struct ipalloc_bitmap *b, uint32_t reserved, uint64_t seed)
{
    if (reserved > b->size) {
        reserved = b->size;
    }
    uint32_t upper = b->size - reserved;
    if (upper > 0) {
        int64_t at = scan_free(b, reserved, upper, (uint32_t)(seed % upper));
        if (at >= 0) {
            return at;
        }
    }
    if (reserved > 0) {
        return scan_free(b, 0, reserved, (uint32_t)((seed >> 32) % reserved));
    }
    return -1;
}

void ipalloc_bitmap_encode(const struct ipalloc_bitmap *b, uint8_t **out, size_t *len)
{
    size_t nbytes = (b->size + 7) / 8;
    while (nbytes > 0 && b->bits[nbytes - 1] == 0) {
        nbytes--;
    }
    uint8_t *buf = xmalloc(nbytes + 1);
    for (size_t i = 0; i < nbytes; i++) {
        buf[i] = b->bits[nbytes - 1 - i];
    }
    *out = buf;
    *len = nbytes;
}

int ipalloc_bitmap_decode(struct ipalloc_bitmap *b, const uint8_t *data, size_t len,
                          struct err *err)
{
    memset(b->bits, 0, (b->size + 7) / 8);
    for (size_t i = 0; i < len; i++) {
        uint8_t byte = data[len - 1 - i];
        for (unsigned bit = 0; bit < 8; bit++) {
            if ((byte & (1u << bit)) == 0) {
                continue;
            }
            uint64_t offset = (uint64_t)i * 8 + bit;
            if (offset >= b->size) {
                return err_set(err, EINVAL, "allocation bitmap has bit %llu beyond its %u values",
                               (unsigned long long)offset, b->size);
            }
            ipalloc_bitmap_set(b, (uint32_t)offset, true);
        }
    }
    return 0;
}

/* ---- the RangeAllocation in the store ---- */

static uint64_t random_seed(void)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
        seed = (uint64_t)rand() << 32 ^ (uint64_t)rand();
    }
    return seed;
}

/* Reads the RangeAllocation at key into b (empty when missing; *revision 0 then). */
static int read_range(struct etcd3 *storage, const char *key, const struct ipalloc_range *range,
                      struct ipalloc_bitmap *b, int64_t *revision, struct err *err)
{
    struct etcd3_kv kv = {0};
    int rc = etcd3_get(storage, key, &kv, NULL, err);
    if (rc == -ENOENT) {
        *revision = 0;
        return ipalloc_bitmap_decode(b, NULL, 0, err);
    }
    if (rc != 0) {
        return rc;
    }
    *revision = kv.mod_revision;
    cleanup_json json_t *obj = json_loadb(kv.value, kv.value_len, 0, NULL);
    etcd3_kv_free(&kv);
    const char *spec = json_string_value(json_object_get(obj, "range"));
    const char *data = json_string_value(json_object_get(obj, "data"));
    if (obj == NULL || spec == NULL) {
        return err_set(err, EINVAL, "%s is not a RangeAllocation", key);
    }
    if (strcmp(spec, range->spec) != 0) {
        return err_set(err, C8S_EINVALID,
                       "the provided network does not match the current range (%s is %s, not %s)",
                       key, spec, range->spec);
    }
    cleanup_free uint8_t *bytes = NULL;
    size_t len = 0;
    if (data != NULL && (rc = b64_decode(data, strlen(data), &bytes, &len, err)) != 0) {
        return rc;
    }
    return ipalloc_bitmap_decode(b, bytes, len, err);
}

/* Writes b guarded on revision (created when revision is 0). -C8S_ECONFLICT: read again. */
static int write_range(struct etcd3 *storage, const char *key, const struct ipalloc_range *range,
                       const struct ipalloc_bitmap *b, int64_t revision, struct err *err)
{
    cleanup_free uint8_t *bytes = NULL;
    size_t len = 0;
    ipalloc_bitmap_encode(b, &bytes, &len);
    cleanup_free char *data = b64_encode(bytes, len);
    cleanup_json json_t *obj =
        json_pack("{s:s,s:s,s:{s:n},s:s,s:s}", "kind", "RangeAllocation", "apiVersion", "v1",
                  "metadata", "creationTimestamp", "range", range->spec, "data", data);
    cleanup_free char *value = json_dumps(obj, JSON_COMPACT);
    int64_t rev = 0;
    int rc;
    if (revision == 0) {
        rc = etcd3_create(storage, key, value, strlen(value), 0, &rev, err);
        return rc == -EEXIST ? -C8S_ECONFLICT : rc;
    }
    rc = etcd3_update(storage, key, value, strlen(value), revision, 0, &rev, NULL, err);
    return rc == -ENOENT ? -C8S_ECONFLICT : rc;
}

int ipalloc_store_allocate(struct etcd3 *storage, const char *key,
                           const struct ipalloc_range *range, const int64_t *want, size_t n,
                           int64_t *got, size_t *failed, struct err *err)
{
    uint64_t seed = random_seed();
    for (int attempt = 0; attempt < ALLOC_RETRIES; attempt++) {
        struct ipalloc_bitmap b;
        ipalloc_bitmap_init(&b, range->size);
        int64_t revision = 0;
        int rc = read_range(storage, key, range, &b, &revision, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            if (want[i] != IPALLOC_NEXT) {
                if (want[i] < 0 || want[i] >= range->size) {
                    rc = err_set(err, ERANGE, "offset %lld is outside the range",
                                 (long long)want[i]);
                } else if (ipalloc_bitmap_has(&b, (uint32_t)want[i])) {
                    rc = err_set(err, EEXIST, "already allocated");
                }
                got[i] = want[i];
            } else {
                got[i] = ipalloc_bitmap_next_free(&b, range->offset, seed + i);
                if (got[i] < 0) {
                    rc = err_set(err, ENOSPC, "range is full");
                }
            }
            if (rc != 0) {
                *failed = i;
            } else {
                ipalloc_bitmap_set(&b, (uint32_t)got[i], true);
            }
        }
        if (rc == 0) {
            rc = write_range(storage, key, range, &b, revision, err);
        }
        ipalloc_bitmap_free(&b);
        if (rc != -C8S_ECONFLICT) {
            return rc;
        }
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    }
    return err_set(err, C8S_ECONFLICT, "%s: too many concurrent allocations", key);
}

int ipalloc_store_release(struct etcd3 *storage, const char *key, const struct ipalloc_range *range,
                          const int64_t *offsets, size_t n, struct err *err)
{
    for (int attempt = 0; attempt < ALLOC_RETRIES; attempt++) {
        struct ipalloc_bitmap b;
        ipalloc_bitmap_init(&b, range->size);
        int64_t revision = 0;
        int rc = read_range(storage, key, range, &b, &revision, err);
        bool changed = false;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            if (offsets[i] >= 0 && offsets[i] < range->size &&
                ipalloc_bitmap_has(&b, (uint32_t)offsets[i])) {
                ipalloc_bitmap_set(&b, (uint32_t)offsets[i], false);
                changed = true;
            }
        }
        if (rc == 0 && changed) {
            rc = write_range(storage, key, range, &b, revision, err);
        }
        ipalloc_bitmap_free(&b);
        if (rc != -C8S_ECONFLICT) {
            return rc;
        }
    }
    return err_set(err, C8S_ECONFLICT, "%s: too many concurrent releases", key);
}
