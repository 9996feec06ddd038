/* Service ClusterIP and NodePort allocation as Kubernetes 1.32's bitmap allocators do it: a
 * range (an IPv4 CIDR without its network and broadcast addresses, or a port range) whose
 * offsets are bits of a bitmap; dynamic allocations take a random free offset of the upper part
 * of the range first and leave the lower band for requested values (KEP-3070/3668). The
 * bitmap lives in the store as a RangeAllocation object (/registry/ranges/serviceips,
 * /registry/ranges/servicenodeports) updated with a compare-and-swap on its mod_revision, so
 * several apiservers never hand out the same value. Thread-safe (no shared state). */
#ifndef C8S_APISERVER_IPALLOC_H
#define C8S_APISERVER_IPALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "etcd3.h"

#define IPALLOC_SERVICE_IPS_KEY        "/registry/ranges/serviceips"
#define IPALLOC_SERVICE_NODE_PORTS_KEY "/registry/ranges/servicenodeports"

/* A range of allocatable values: value(offset) = base + offset for offset < size. */
struct ipalloc_range {
    uint32_t base;   /* IPv4: the network address + 1 (host order); ports: the first port */
    uint32_t size;   /* allocatable values */
    uint32_t offset; /* the lower band reserved for requested values */
    char spec[48];   /* what RangeAllocation.range holds: "10.0.0.0/24", "30000-32767" */
    bool is_ip;      /* values print as dotted quads */
};

/* Parses an IPv4 CIDR as --service-cluster-ip-range ("10.0.0.0/24"): the network and the
 * broadcast address are not allocatable. 0, or -EINVAL with err filled (IPv6 is refused). */
int ipalloc_parse_cidr(const char *text, struct ipalloc_range *out, struct err *err) C8S_MUST_USE;

/* Parses a port range as --service-node-port-range: "30000-32767", "30000+2767" or "30000".
 * 0, or -EINVAL with err filled. */
int ipalloc_parse_ports(const char *text, struct ipalloc_range *out, struct err *err) C8S_MUST_USE;

/* Parses a dotted IPv4 address into host order; false when text is not one. */
bool ipalloc_parse_ipv4(const char *text, uint32_t *out);
/* Writes a host-order IPv4 address as a dotted quad into buf (16 bytes); returns buf. */
char *ipalloc_format_ipv4(uint32_t ip, char buf[16]);

/* The offset of value in range, or -1 when it is outside. */
int64_t ipalloc_offset_of(const struct ipalloc_range *range, uint32_t value);

/* ---- The bitmap (pure; offsets index bits) ---- */

struct ipalloc_bitmap {
    uint32_t size; /* bits */
    uint8_t *bits; /* owned; bit i is bits[i / 8] & (1 << (i % 8)) */
};

void ipalloc_bitmap_init(struct ipalloc_bitmap *b, uint32_t size);
void ipalloc_bitmap_free(struct ipalloc_bitmap *b);
bool ipalloc_bitmap_has(const struct ipalloc_bitmap *b, uint32_t offset);
void ipalloc_bitmap_set(struct ipalloc_bitmap *b, uint32_t offset, bool value);
uint32_t ipalloc_bitmap_count(const struct ipalloc_bitmap *b);

/* A free offset as Kubernetes' random scan with offset picks it: from a random start in
 * [reserved, size) wrapping around, then from a random start in [0, reserved). seed drives the
 * random starts. Returns the offset, or -1 when the bitmap is full. */
int64_t ipalloc_bitmap_next_free(const struct ipalloc_bitmap *b, uint32_t reserved, uint64_t seed);

/* The bitmap as RangeAllocation.data holds it: the big-endian bytes of the integer whose bit i
 * is offset i (Go's big.Int.Bytes(): no leading zero bytes). A new buffer in *out. */
void ipalloc_bitmap_encode(const struct ipalloc_bitmap *b, uint8_t **out, size_t *len);
/* The inverse; bits beyond size are refused with -EINVAL. b must be initialised to the size. */
int ipalloc_bitmap_decode(struct ipalloc_bitmap *b, const uint8_t *data, size_t len,
                          struct err *err) C8S_MUST_USE;

/* ---- The RangeAllocation in the store ---- */

/* One value to take: a given offset, or IPALLOC_NEXT for any free one. */
#define IPALLOC_NEXT (-1)

/* Takes n offsets in one compare-and-swap of the RangeAllocation at key (created when
 * missing), retried on conflicts. want[i] is an offset or IPALLOC_NEXT; got[i] receives the
 * offset taken. All or nothing. Returns 0; -EEXIST when want[*failed] is already allocated,
 * -ENOSPC when the range is full (failed set too); -ERANGE for an offset outside the range;
 * -C8S_EINVALID when the stored range is not this range ("the provided network does not match
 * the current range"); -C8S_ECONFLICT after too many lost races; storage errors. */
int ipalloc_store_allocate(struct etcd3 *storage, const char *key,
                           const struct ipalloc_range *range, const int64_t *want, size_t n,
                           int64_t *got, size_t *failed, struct err *err) C8S_MUST_USE;

/* Frees n offsets (those out of range or not allocated are ignored) in one compare-and-swap. */
int ipalloc_store_release(struct etcd3 *storage, const char *key, const struct ipalloc_range *range,
                          const int64_t *offsets, size_t n, struct err *err) C8S_MUST_USE;

#endif
