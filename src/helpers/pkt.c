/* SPDX-License-Identifier: MIT */
/*
 * pkt.c - packet helpers of tc and xdp programs, on run->pkt, with the errnos and
 * bounds of net/core/filter.c as BPF_PROG_TEST_RUN sees them (a linear skb with
 * ip_summed CHECKSUM_NONE; an xdp frame of one page, maybe with page frags).
 * Helpers that move data or data_end resync the context's fields afterwards.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exec/run.h"
#include "helpers/func.h"

#define ETH_HLEN 14
#define NET_SKB_PAD 64
#define CSUM_MANGLED_0 0xffff
#define ENOTSUPP 524

#ifndef BPF_F_IPV6
#define BPF_F_IPV6 (1ULL << 7)
#endif

/* --- one's complement arithmetic (include/net/checksum.h) ----------------------- */

static uint32_t csum_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

static uint32_t csum_sub(uint32_t a, uint32_t b)
{
	return csum_add(a, ~b);
}

/* Fold to 16 bits and complement: 0x0001fffe -> ~(0xfffe + 1) = 0xfffe... */
static uint16_t csum_fold(uint32_t c)
{
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	return (uint16_t)~c;
}

/* Fold without complement: the high half of s + rol16(s), e.g. 0x0001fffe ->
 * 0xffff (0x0001fffe + 0xfffe0001 = 0xffffffff). */
static uint16_t csum_from32to16(uint32_t s)
{
	s += (s >> 16) | (s << 16);
	return (uint16_t)(s >> 16);
}

static uint64_t add64_carry(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

/* csum_partial as x86-64 computes it: little-endian 64-bit words with end-around
 * carry, the tail zero-padded, then folded to 32 bits. */
static uint32_t csum_partial(const uint8_t *p, uint64_t len, uint32_t seed)
{
	uint64_t sum = seed, w;
	uint32_t hi, lo;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		sum = add64_carry(sum, w);
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		sum = add64_carry(sum, w);
	}
	hi = (uint32_t)(sum >> 32);
	lo = (uint32_t)sum;
	return csum_add(hi, lo);
}

static uint16_t load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void store16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* csum_replace_by_diff / csum_replace4 / csum_replace2 on a checksum field. */
static uint16_t replace_by_diff(uint16_t sum, uint32_t diff)
{
	return csum_fold(csum_add(diff, ~(uint32_t)sum & 0xffff));
}

static uint16_t replace4(uint16_t sum, uint32_t from, uint32_t to)
{
	uint32_t tmp = csum_sub(~(uint32_t)sum & 0xffff, from);

	return csum_fold(csum_add(tmp, to));
}

static uint16_t csum16_add(uint16_t c, uint16_t a)
{
	uint16_t r = c + a;

	return r + (r < a);
}

static uint16_t replace2(uint16_t sum, uint16_t from, uint16_t to)
{
	return (uint16_t)~csum16_add(csum16_add((uint16_t)~sum, (uint16_t)~from), to);
}

/* bpf_csum_diff(from, from_size, to, to_size, seed): the checksum of to minus
 * that of from, plus seed, folded to 16 bits (even with both sizes 0).  Sizes need
 * not be multiples of 4 since Linux 6.13. */
BPFX_FN(csum_diff)
{
	const uint8_t *from = (const uint8_t *)(uintptr_t)r1, *to = (const uint8_t *)(uintptr_t)r3;
	uint32_t from_size = (uint32_t)r2, to_size = (uint32_t)r4, sum = (uint32_t)r5;

	if (from_size && to_size)
		sum = csum_sub(csum_partial(to, to_size, sum), csum_partial(from, from_size, 0));
	else if (to_size)
		sum = csum_partial(to, to_size, sum);
	else if (from_size)
		sum = ~csum_partial(from, from_size, ~sum);
	return csum_from32to16(sum);
}

/* --- skb ------------------------------------------------------------------------ */

static uint32_t pkt_len(const struct bpfx_run *run)
{
	return (uint32_t)(run->pkt.data_end - run->pkt.data);
}

static uint8_t *mac_hdr(const struct bpfx_run *run)
{
	return bpfx_pkt_mac(&run->pkt);
}

static uint8_t *net_hdr(const struct bpfx_run *run)
{
	return bpfx_pkt_net(&run->pkt);
}

/* bpf_try_make_writable(): the first len bytes must be in the (linear) packet. */
static bool pkt_has(const struct bpfx_run *run, uint64_t len)
{
	return run->pkt.data && len <= pkt_len(run);
}

BPFX_FN(skb_store_bytes)
{
	uint32_t offset = (uint32_t)r2, len = (uint32_t)r4;

	if (r5 & ~(uint64_t)(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
		return (uint64_t)-EINVAL;
	if (offset > INT32_MAX || !pkt_has(run, (uint64_t)offset + len))
		return (uint64_t)-EFAULT;
	/* ip_summed is CHECKSUM_NONE in a test run: nothing to recompute */
	memmove(run->pkt.data + offset, (const void *)(uintptr_t)r3, len);
	return 0;
}

BPFX_FN(skb_load_bytes)
{
	uint32_t offset = (uint32_t)r2, len = (uint32_t)r4;
	void *to = (void *)(uintptr_t)r3;

	if (offset > INT32_MAX || !pkt_has(run, (uint64_t)offset + len)) {
		memset(to, 0, len);
		return (uint64_t)-EFAULT;
	}
	memcpy(to, run->pkt.data + offset, len);
	return 0;
}

BPFX_FN(skb_load_bytes_relative)
{
	uint32_t offset = (uint32_t)r2, len = (uint32_t)r4;
	void *to = (void *)(uintptr_t)r3;
	uint8_t *start = NULL;

	if (offset <= 0xffff && run->pkt.data && r5 == BPF_HDR_START_MAC)
		start = mac_hdr(run);
	else if (offset <= 0xffff && run->pkt.data && r5 == BPF_HDR_START_NET)
		start = net_hdr(run);
	if (start && (uintptr_t)start + offset + len <= (uintptr_t)run->pkt.data_end) {
		memcpy(to, start + offset, len);
		return 0;
	}
	memset(to, 0, len);
	return (uint64_t)-EFAULT;
}

BPFX_FN(skb_pull_data)
{
	uint32_t len = (uint32_t)r2;

	if (!pkt_has(run, len))
		return (uint64_t)-ENOMEM;
	return 0;
}

/* The skb's transport header, kept as the kernel keeps it: a u16 offset from the
 * buffer's start (the kernel's skb->head), ~0 when not set (run.h stores it plus
 * one, so that 0 is "not set").  When skb_cow grows the headroom by delta, the
 * kernel adds delta to the offset even when it is not set (skb_headers_offset_update):
 * the header is then "set", delta - 1 bytes into the new buffer, and bounds
 * bpf_skb_change_tail from then on.  bpfx's buffer gets the same headroom as the
 * kernel's (64 bytes, grown by the same amounts), so the same offsets come out. */
static bool trans_set(const struct bpfx_pkt *pkt)
{
	return pkt->trans != 0;
}

/* skb_transport_offset(): from data, maybe negative. */
static int32_t trans_offset(const struct bpfx_pkt *pkt)
{
	return (int32_t)(uint16_t)(pkt->trans - 1) - (int32_t)(pkt->data - pkt->buf);
}

static void set_trans(struct bpfx_pkt *pkt, const uint8_t *hdr)
{
	pkt->trans = (uint16_t)(hdr - pkt->buf + 1);
}

/* transport_header == network_header */
static bool trans_is_net(const struct bpfx_pkt *pkt, const uint8_t *net)
{
	return (uint16_t)(pkt->trans - 1) == (uint16_t)(net - pkt->buf);
}

/* __bpf_skb_min_len(): ip_summed is never CHECKSUM_PARTIAL here, so the transport
 * header's offset when one is set, else the network header's, as a u32 (a header
 * before data is a huge minimum). */
static uint32_t skb_min_len(const struct bpfx_run *run)
{
	if (trans_set(&run->pkt))
		return (uint32_t)trans_offset(&run->pkt);
	return (uint32_t)(int32_t)(net_hdr(run) - run->pkt.data);
}

BPFX_FN(skb_change_tail)
{
	uint32_t new_len = (uint32_t)r2;

	if (!run->pkt.data || r3 || new_len > BPFX_SKB_MAX_LEN || new_len < skb_min_len(run))
		return (uint64_t)-EINVAL;
	if (run->pkt.encap)
		return (uint64_t)-ENOTSUPP;
	if ((uintptr_t)run->pkt.data + new_len > (uintptr_t)run->pkt.buf + run->pkt.buf_size)
		return (uint64_t)-ENOMEM;
	if (new_len > pkt_len(run))   /* bpf_skb_grow_rcsum(): the new bytes are zero */
		memset(run->pkt.data_end, 0, new_len - pkt_len(run));
	run->pkt.data_end = run->pkt.data + new_len;
	bpfx_ctx_sync_pkt(run);
	return 0;
}

/* Move the headroom and the packet up by delta bytes, as pskb_expand_head() copies
 * them into a larger buffer (the headroom skb_cow would reallocate for); -ENOMEM
 * when the buffer has no room. */
static int skb_grow_headroom(struct bpfx_run *run, uint32_t need)
{
	struct bpfx_pkt *pkt = &run->pkt;
	size_t have = (size_t)(pkt->data - pkt->buf);
	size_t delta = (need - have + NET_SKB_PAD - 1) & ~(size_t)(NET_SKB_PAD - 1);
	uint8_t *mac = mac_hdr(run), *net = net_hdr(run);

	if ((uintptr_t)pkt->data_end + delta > (uintptr_t)pkt->buf + pkt->buf_size)
		return -ENOMEM;
	memmove(pkt->buf + delta, pkt->buf, (size_t)(pkt->data_end - pkt->buf));
	memset(pkt->buf, 0, delta);
	pkt->data += delta;
	pkt->data_end += delta;
	pkt->meta = pkt->data;
	pkt->mac = mac + delta;
	pkt->net = net + delta;
	pkt->trans = (uint16_t)(pkt->trans + delta);   /* set or not: see trans_set() */
	return 0;
}

/* bpf_skb_change_head(skb, head_room, flags): a GSO skb (gso_size from ctx_in) may
 * pass SKB_MAX_ALLOC, up to what the buffer holds; the length is a u32. */
BPFX_FN(skb_change_head)
{
	struct __sk_buff *skb = bpfx_ctx_skb(run);
	uint32_t head_room = (uint32_t)r2, new_len = pkt_len(run) + head_room;
	bool gso = skb && skb->gso_size;
	int err;

	if (!run->pkt.data || r3 || (!gso && new_len > BPFX_SKB_MAX_LEN) ||
	    new_len < pkt_len(run))
		return (uint64_t)-EINVAL;
	if (head_room > (size_t)(run->pkt.data - run->pkt.buf)) {
		err = skb_grow_headroom(run, head_room);
		if (err)
			return (uint64_t)(int64_t)err;
	}
	run->pkt.net = net_hdr(run);
	run->pkt.data -= head_room;
	memset(run->pkt.data, 0, head_room);
	run->pkt.mac = run->pkt.data;
	run->pkt.meta = run->pkt.data;
	bpfx_ctx_sync_pkt(run);
	return 0;
}

/* The checksum field at offset, for l3/l4_csum_replace; NULL means -EFAULT. */
static uint8_t *csum_field(struct bpfx_run *run, uint32_t offset)
{
	if (offset > 0xffff || (offset & 1) || !pkt_has(run, (uint64_t)offset + 2))
		return NULL;
	return run->pkt.data + offset;
}

BPFX_FN(l3_csum_replace)
{
	uint8_t *ptr;

	if (r5 & ~(uint64_t)BPF_F_HDR_FIELD_MASK)
		return (uint64_t)-EINVAL;
	ptr = csum_field(run, (uint32_t)r2);
	if (!ptr)
		return (uint64_t)-EFAULT;
	switch (r5 & BPF_F_HDR_FIELD_MASK) {
	case 0:
		if (r3)
			return (uint64_t)-EINVAL;
		store16(ptr, replace_by_diff(load16(ptr), (uint32_t)r4));
		break;
	case 2:
		store16(ptr, replace2(load16(ptr), (uint16_t)r3, (uint16_t)r4));
		break;
	case 4:
		store16(ptr, replace4(load16(ptr), (uint32_t)r3, (uint32_t)r4));
		break;
	default:
		return (uint64_t)-EINVAL;
	}
	return 0;
}

/* inet_proto_csum_replace*() with ip_summed CHECKSUM_NONE: the pseudo-header flag
 * changes nothing (it only adjusts skb->csum under CHECKSUM_COMPLETE). */
BPFX_FN(l4_csum_replace)
{
	bool mmzero = r5 & BPF_F_MARK_MANGLED_0, mforce = r5 & BPF_F_MARK_ENFORCE;
	uint8_t *ptr;

	if (r5 & ~(uint64_t)(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR |
			     BPF_F_IPV6 | BPF_F_HDR_FIELD_MASK))
		return (uint64_t)-EINVAL;
	ptr = csum_field(run, (uint32_t)r2);
	if (!ptr)
		return (uint64_t)-EFAULT;
	if (mmzero && !mforce && !load16(ptr))
		return 0;
	switch (r5 & BPF_F_HDR_FIELD_MASK) {
	case 0:
		if (r3)
			return (uint64_t)-EINVAL;
		store16(ptr, replace_by_diff(load16(ptr), (uint32_t)r4));
		break;
	case 2:
		store16(ptr, replace4(load16(ptr), (uint16_t)r3, (uint16_t)r4));
		break;
	case 4:
		store16(ptr, replace4(load16(ptr), (uint32_t)r3, (uint32_t)r4));
		break;
	default:
		return (uint64_t)-EINVAL;
	}
	if (mmzero && !load16(ptr))
		store16(ptr, CSUM_MANGLED_0);
	return 0;
}

/* bpf_redirect: tc and xdp share the id with their own return codes.  The target
 * is not recorded: a test run does not carry out redirects. */
BPFX_FN(redirect)
{
	bool xdp = run->prog && run->prog->type == BPFX_PROG_XDP;

	if (xdp)
		return r2 ? XDP_ABORTED : XDP_REDIRECT;
	return (r2 & ~(uint64_t)BPF_F_INGRESS) ? TC_ACT_SHOT : TC_ACT_REDIRECT;
}

/* --- xdp ------------------------------------------------------------------------ */

static uint8_t *xdp_frame_end(const struct bpfx_run *run)
{
	return run->pkt.buf + BPFX_XDP_FRAME_HDR;
}

static uint8_t *xdp_hard_end(const struct bpfx_run *run)
{
	return run->pkt.buf + run->pkt.buf_size - BPFX_SHINFO_SIZE;
}

static size_t xdp_metalen(const struct bpfx_run *run)
{
	return run->pkt.meta < run->pkt.data ? (size_t)(run->pkt.data - run->pkt.meta) : 0;
}

BPFX_FN(xdp_adjust_head)
{
	struct bpfx_pkt *pkt = &run->pkt;
	int32_t offset = (int32_t)r2;
	size_t metalen = xdp_metalen(run);
	intptr_t data = (intptr_t)pkt->data + offset;

	if (!pkt->data || data < (intptr_t)(xdp_frame_end(run) + metalen) ||
	    data > (intptr_t)pkt->data_end - ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (metalen)
		memmove(pkt->meta + offset, pkt->meta, metalen);
	pkt->meta += offset;
	pkt->data += offset;
	bpfx_ctx_sync_pkt(run);
	return 0;
}

BPFX_FN(xdp_adjust_meta)
{
	struct bpfx_pkt *pkt = &run->pkt;
	intptr_t meta = (intptr_t)pkt->meta + (int32_t)r2;
	intptr_t metalen = (intptr_t)pkt->data - meta;

	if (!pkt->data || meta < (intptr_t)xdp_frame_end(run) || meta > (intptr_t)pkt->data)
		return (uint64_t)-EINVAL;
	if ((metalen & 3) || metalen > 255)     /* xdp_metalen_invalid: u8 meta_len */
		return (uint64_t)-EACCES;
	pkt->meta = (uint8_t *)meta;
	bpfx_ctx_sync_pkt(run);
	return 0;
}

/* Frag i holds min(page, what is left) bytes: all full but the last. */
static uint32_t frag_cnt(const struct bpfx_pkt *pkt)
{
	return (pkt->frags_len + BPFX_XDP_FRAME_SIZE - 1) / BPFX_XDP_FRAME_SIZE;
}

static uint32_t xdp_buff_len(const struct bpfx_run *run)
{
	return pkt_len(run) + run->pkt.frags_len;
}

static int xdp_frags_increase_tail(struct bpfx_run *run, uint32_t offset)
{
	struct bpfx_pkt *pkt = &run->pkt;
	uint32_t last = pkt->frags_len - (frag_cnt(pkt) - 1) * BPFX_XDP_FRAME_SIZE;

	if (offset > BPFX_XDP_FRAME_SIZE - last)
		return -EINVAL;
	memset(pkt->frags + pkt->frags_len, 0, offset);   /* frags_len is where it ends */
	pkt->frags_len += offset;
	return 0;
}

static int xdp_frags_shrink_tail(struct bpfx_run *run, uint32_t offset)
{
	struct bpfx_pkt *pkt = &run->pkt;
	uint32_t from_frags;

	if ((int64_t)offset > (int64_t)xdp_buff_len(run) - ETH_HLEN)
		return -EINVAL;
	from_frags = offset < pkt->frags_len ? offset : pkt->frags_len;
	pkt->frags_len -= from_frags;
	pkt->data_end -= offset - from_frags;   /* all frags gone: the rest from data */
	bpfx_ctx_sync_pkt(run);
	return 0;
}

BPFX_FN(xdp_adjust_tail)
{
	struct bpfx_pkt *pkt = &run->pkt;
	int32_t offset = (int32_t)r2;
	intptr_t data_end = (intptr_t)pkt->data_end + offset;

	if (!pkt->data)
		return (uint64_t)-EINVAL;
	if (pkt->frags_len)
		return (uint64_t)(int64_t)(offset < 0 ? xdp_frags_shrink_tail(run, -(uint32_t)offset)
						      : xdp_frags_increase_tail(run, (uint32_t)offset));
	if (data_end > (intptr_t)xdp_hard_end(run) || data_end < (intptr_t)pkt->data + ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (offset > 0)
		memset(pkt->data_end, 0, (size_t)offset);
	pkt->data_end = (uint8_t *)data_end;
	bpfx_ctx_sync_pkt(run);
	return 0;
}

BPFX_FN(xdp_get_buff_len)
{
	return run->pkt.data ? xdp_buff_len(run) : 0;
}

/* Copy len bytes at offset of the whole frame (linear part, then frags) to or from
 * buf: bpf_xdp_load_bytes / bpf_xdp_store_bytes. */
static int xdp_copy(struct bpfx_run *run, uint32_t offset, uint8_t *buf, uint32_t len,
		    bool store)
{
	struct bpfx_pkt *pkt = &run->pkt;
	uint32_t lin = pkt_len(run);

	if (!pkt->data || offset > 0xffff || len > 0xffff)
		return -EFAULT;
	if ((uint64_t)offset + len > xdp_buff_len(run))
		return -EINVAL;
	while (len) {
		uint8_t *p = offset < lin ? pkt->data + offset : pkt->frags + (offset - lin);
		uint32_t part = offset < lin ? lin - offset : len;

		if (part > len)
			part = len;
		memmove(store ? p : buf, store ? buf : p, part);
		offset += part;
		buf += part;
		len -= part;
	}
	return 0;
}

BPFX_FN(xdp_load_bytes)
{
	return (uint64_t)(int64_t)xdp_copy(run, (uint32_t)r2, (uint8_t *)(uintptr_t)r3,
					   (uint32_t)r4, false);
}

BPFX_FN(xdp_store_bytes)
{
	return (uint64_t)(int64_t)xdp_copy(run, (uint32_t)r2, (uint8_t *)(uintptr_t)r3,
					   (uint32_t)r4, true);
}

/* --- skb metadata (net/core/filter.c) as a test run's skb has it: no dst, no
 * VLAN, CHECKSUM_NONE, the test run's socket (uid 0), the caller's net_cls class
 * (0 unless the host uses cgroup v1 net_cls) ------------------------------------- */

#define CHECKSUM_NONE 0
#define CHECKSUM_UNNECESSARY 1
#define SKB_MAX_CSUM_LEVEL 3
#define PACKET_OTHERHOST_MAX 3   /* skb_pkt_type_ok(): HOST..OTHERHOST */

/* The __sk_buff of the run: the kernel lets only skb programs call these. */
static struct __sk_buff *skb_of(struct bpfx_run *run, const char *fn)
{
	struct __sk_buff *skb = bpfx_ctx_skb(run);

	if (!skb)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "%s needs an __sk_buff context", fn);
	return skb;
}

/* bpf_set_hash(skb, hash): a software hash, read back as skb->hash. */
BPFX_FN(set_hash)
{
	skb_of(run, "bpf_set_hash")->hash = (uint32_t)r2;
	return 0;
}

BPFX_FN(set_hash_invalid)
{
	skb_of(run, "bpf_set_hash_invalid")->hash = 0;
	return 0;
}

/* Only a CHECKSUM_COMPLETE skb has a csum to update. */
BPFX_FN(csum_update)
{
	skb_of(run, "bpf_csum_update");
	return (uint64_t)-ENOTSUPP;
}

/* bpf_csum_level(skb, level): __skb_incr/decr/reset_checksum_unnecessary(). */
BPFX_FN(csum_level)
{
	struct bpfx_pkt *pkt = &run->pkt;
	bool unnecessary = pkt->ip_summed == CHECKSUM_UNNECESSARY;

	skb_of(run, "bpf_csum_level");
	switch (r2) {
	case BPF_CSUM_LEVEL_QUERY:
		return unnecessary ? pkt->csum_level : (uint64_t)-EACCES;
	case BPF_CSUM_LEVEL_INC:
		if (unnecessary && pkt->csum_level < SKB_MAX_CSUM_LEVEL)
			pkt->csum_level++;
		else if (!unnecessary)
			pkt->ip_summed = CHECKSUM_UNNECESSARY;
		return 0;
	case BPF_CSUM_LEVEL_DEC:
		if (unnecessary && pkt->csum_level == 0)
			pkt->ip_summed = CHECKSUM_NONE;
		else if (unnecessary)
			pkt->csum_level--;
		return 0;
	case BPF_CSUM_LEVEL_RESET:
		if (unnecessary)
			pkt->ip_summed = CHECKSUM_NONE;
		pkt->csum_level = 0;
		return 0;
	default:
		return (uint64_t)-EINVAL;
	}
}

BPFX_FN(get_cgroup_classid)
{
	skb_of(run, "bpf_get_cgroup_classid");
	return 0;
}

BPFX_FN(get_route_realm)
{
	skb_of(run, "bpf_get_route_realm");
	return 0;
}

/* The test run's socket belongs to uid 0 (sock_init_data without a socket). */
BPFX_FN(get_socket_uid)
{
	skb_of(run, "bpf_get_socket_uid");
	return 0;
}

/* bpf_skb_change_type(skb, type): both the old and the new type must be one of
 * PACKET_HOST..PACKET_OTHERHOST. */
BPFX_FN(skb_change_type)
{
	struct __sk_buff *skb = skb_of(run, "bpf_skb_change_type");

	if (skb->pkt_type > PACKET_OTHERHOST_MAX || (uint32_t)r2 > PACKET_OTHERHOST_MAX)
		return (uint64_t)-EINVAL;
	skb->pkt_type = (uint32_t)r2;
	return 0;
}

/* The socket argument of the bpf_sock helpers: only the test run's socket exists.
 * Compared with the run's own record of it, not with skb->sk: the program may have
 * written that field. */
static struct bpf_sock *sock_arg(struct bpfx_run *run, uint64_t sk, const char *fn)
{
	skb_of(run, fn);
	if (sk != (uint64_t)(uintptr_t)bpfx_ctx_sock(run))
		bpfx_run_fault(run, -BPFX_ERR_CALL, "%s: R1 is not a socket (0x%llx)", fn,
			       (unsigned long long)sk);
	return (struct bpf_sock *)(uintptr_t)sk;
}

/* The test run's socket is a full socket (closed, not a request or timewait one). */
BPFX_FN(sk_fullsock)
{
	return (uint64_t)(uintptr_t)sock_arg(run, r1, "bpf_sk_fullsock");
}

/* ... of no protocol: not a TCP socket, not listening. */
BPFX_FN(tcp_sock)
{
	return sock_arg(run, r1, "bpf_tcp_sock")->protocol == 6 /* IPPROTO_TCP */ ?
	       r1 : 0;
}

BPFX_FN(get_listener_sock)
{
	return sock_arg(run, r1, "bpf_get_listener_sock")->state == 10 /* TCP_LISTEN */ ?
	       r1 : 0;
}

/* --- skb headers: VLAN tags, room, protocol --------------------------------------
 *
 * The skb of a tc test run (net/bpf/test_run.c) has data at the mac header, the
 * network header ETH_HLEN after it, no transport header, mac_len 0 (until a VLAN
 * helper resets it) and no VLAN tag in its metadata.  The helpers below move data and the headers
 * as net/core/filter.c and skbuff.c do, growing into the headroom (skb_cow_head: the
 * buffer moves up when it is short) and resyncing the context afterwards.  Their
 * metadata (protocol, the VLAN tag, gso_size) is the __sk_buff's, as for
 * bpf_skb_change_type.
 */
#define VLAN_HLEN 4
#define VLAN_ETH_HLEN 18
#define ETH_ALEN 6
#define ETH_P_802_3_MIN 0x0600
#define IPV4_HLEN 20
#define IPV6_HLEN 40

static uint16_t proto_be(uint16_t host)
{
	return htons(host);
}

static bool eth_type_vlan(uint16_t proto)
{
	return proto == proto_be(0x8100) || proto == proto_be(0x88a8);   /* 802.1Q, 802.1AD */
}

static bool is_ip_proto(uint16_t proto)
{
	return proto == proto_be(0x0800) || proto == proto_be(0x86dd);
}

/* The skb of the helpers that move headers, with its mac and network headers made
 * explicit.  The kernel offers them to tc programs only, whose skb starts at the mac
 * header; on another type's skb they stay within its buffer. */
static struct __sk_buff *tc_skb_of(struct bpfx_run *run, const char *fn)
{
	struct __sk_buff *skb = bpfx_ctx_skb(run);

	if (!skb || !run->pkt.data)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "%s needs an __sk_buff context", fn);
	run->pkt.mac = mac_hdr(run);
	run->pkt.net = net_hdr(run);
	return skb;
}

/* skb_cow_head(): room for len bytes in front of data. */
static int skb_cow_head(struct bpfx_run *run, uint32_t len)
{
	if (len <= (size_t)(run->pkt.data - run->pkt.buf))
		return 0;
	return skb_grow_headroom(run, len);
}

/* After the headers moved: an skb has no metadata, and the context follows. */
static void skb_moved(struct bpfx_run *run)
{
	run->pkt.meta = run->pkt.data;
	bpfx_ctx_sync_pkt(run);
}

static bool in_buf(const struct bpfx_run *run, const uint8_t *p, size_t len)
{
	return p >= run->pkt.buf && len <= run->pkt.buf_size &&
	       p <= run->pkt.buf + run->pkt.buf_size - len;
}

static void vlan_put_tag(struct __sk_buff *skb, uint16_t proto, uint16_t tci)
{
	skb->vlan_proto = proto;
	skb->vlan_tci = tci;
	skb->vlan_present = 1;
}

static void vlan_clear_tag(struct __sk_buff *skb)
{
	skb->vlan_proto = skb->vlan_tci = skb->vlan_present = 0;
}

/* __vlan_insert_tag(): the tag goes in front of the ethertype, the addresses move
 * down (-EINVAL, with a kernel WARN, unless data is at the mac header). */
static int vlan_insert_tag(struct bpfx_run *run, uint16_t proto, uint16_t tci)
{
	struct bpfx_pkt *pkt = &run->pkt;

	if (pkt->data != pkt->mac)
		return -EINVAL;
	if (skb_cow_head(run, VLAN_HLEN))
		return -ENOMEM;
	pkt->data -= VLAN_HLEN;
	memmove(pkt->data, pkt->data + VLAN_HLEN, 2 * ETH_ALEN);
	pkt->mac -= VLAN_HLEN;
	store16(pkt->data + 2 * ETH_ALEN, proto);
	store16(pkt->data + ETH_HLEN, htons(tci));
	return 0;
}

/* vlan_set_encap_proto(): the ethertype after a tag; below 0x600 a length, whose
 * payload says raw 802.3 (0xffff) or 802.2. */
static uint16_t vlan_encap_proto(const struct bpfx_run *run, const uint8_t *vhdr)
{
	uint16_t proto = load16(vhdr + 2);

	if (ntohs(proto) >= ETH_P_802_3_MIN)
		return proto;
	if (in_buf(run, vhdr + VLAN_HLEN, 2) && load16(vhdr + VLAN_HLEN) == 0xffff)
		return proto_be(0x0001);   /* ETH_P_802_3 */
	return proto_be(0x0004);           /* ETH_P_802_2 */
}

/* __skb_vlan_pop(): take the tag after the addresses out of the packet. */
static int vlan_pop_payload(struct bpfx_run *run, struct __sk_buff *skb, uint16_t *tci)
{
	struct bpfx_pkt *pkt = &run->pkt;
	uint8_t *vhdr = pkt->data + ETH_HLEN;

	if (pkt->data != pkt->mac)
		return -EINVAL;
	if (!pkt_has(run, VLAN_ETH_HLEN))
		return -ENOMEM;
	*tci = ntohs(load16(vhdr));
	memmove(pkt->data + VLAN_HLEN, pkt->data, 2 * ETH_ALEN);
	pkt->data += VLAN_HLEN;
	skb->protocol = vlan_encap_proto(run, vhdr);
	pkt->mac += VLAN_HLEN;
	if (pkt->net - pkt->data < ETH_HLEN)
		pkt->net = pkt->data + ETH_HLEN;
	pkt->mac_len = (uint16_t)(pkt->net - pkt->mac);
	return 0;
}

/* bpf_skb_vlan_push(skb, proto, tci): the tag goes into the metadata; one already
 * there moves into the packet first, the network header staying as far from data
 * as it was (so it then points at the inserted tag's TCI, as on Linux 6.18).  A
 * protocol other than 802.1Q/AD is 802.1Q.  Then skb_reset_mac_len(). */
BPFX_FN(skb_vlan_push)
{
	struct __sk_buff *skb = tc_skb_of(run, "bpf_skb_vlan_push");
	uint16_t proto = (uint16_t)r2;
	int err = 0;

	if (!eth_type_vlan(proto))
		proto = proto_be(0x8100);
	if (skb->vlan_present) {
		err = vlan_insert_tag(run, (uint16_t)skb->vlan_proto, (uint16_t)skb->vlan_tci);
		if (!err) {
			skb->protocol = (uint16_t)skb->vlan_proto;
			run->pkt.net -= VLAN_HLEN;
		}
	}
	if (!err)
		vlan_put_tag(skb, proto, (uint16_t)r3);
	run->pkt.mac_len = (uint16_t)(run->pkt.net - run->pkt.mac);
	skb_moved(run);
	return (uint64_t)(int64_t)err;
}

/* skb_vlan_pop(): drop the metadata's tag (or, without one, the packet's outer
 * tag), then move the packet's next tag, if any, into the metadata. */
static int vlan_pop(struct bpfx_run *run, struct __sk_buff *skb)
{
	uint16_t tci, proto;
	int err;

	if (skb->vlan_present) {
		vlan_clear_tag(skb);
	} else {
		if (!eth_type_vlan((uint16_t)skb->protocol))
			return 0;
		err = vlan_pop_payload(run, skb, &tci);
		if (err)
			return err;
	}
	if (!eth_type_vlan((uint16_t)skb->protocol))
		return 0;
	proto = (uint16_t)skb->protocol;
	err = vlan_pop_payload(run, skb, &tci);
	if (!err)
		vlan_put_tag(skb, proto, tci);
	return err;
}

BPFX_FN(skb_vlan_pop)
{
	int err = vlan_pop(run, tc_skb_of(run, "bpf_skb_vlan_pop"));

	skb_moved(run);
	return (uint64_t)(int64_t)err;
}

/* bpf_skb_net_hdr_push(): len zero bytes after the first off, the mac and network
 * headers move with the data (the transport header too when it was the network
 * header).  -ENOMEM when the bytes to move run past the buffer (the kernel would
 * move stale bytes of its own buffer). */
static int net_hdr_push(struct bpfx_run *run, uint32_t off, uint32_t len)
{
	struct bpfx_pkt *pkt = &run->pkt;
	bool trans_same;

	if (skb_cow_head(run, len) || !in_buf(run, pkt->data, off))
		return -ENOMEM;
	trans_same = trans_is_net(pkt, pkt->net);
	pkt->data -= len;
	memmove(pkt->data, pkt->data + len, off);
	memset(pkt->data + off, 0, len);
	pkt->mac -= len;
	pkt->net -= len;
	if (trans_same)
		set_trans(pkt, pkt->net);
	return 0;
}

/* bpf_skb_net_hdr_pop(): the len bytes after the first off go. */
static int net_hdr_pop(struct bpfx_run *run, uint32_t off, uint32_t len)
{
	struct bpfx_pkt *pkt = &run->pkt;
	bool trans_same = trans_is_net(pkt, pkt->net);

	if (!pkt_has(run, (uint64_t)off + len))
		return -ENOMEM;
	memmove(pkt->data + len, pkt->data, off);
	pkt->data += len;
	pkt->mac += len;
	pkt->net += len;
	if (trans_same)
		set_trans(pkt, pkt->net);
	return 0;
}

static uint32_t mac_header_len(const struct bpfx_run *run)
{
	return (uint32_t)(run->pkt.net - run->pkt.mac);
}

/* bpf_skb_proto_4_to_6() / _6_to_4(): room for the longer header, or less of it,
 * right after the mac header; skb_clear_hash(). */
static int proto_xlat(struct bpfx_run *run, struct __sk_buff *skb, uint16_t to)
{
	uint16_t from = (uint16_t)skb->protocol;
	int err;

	if (from == proto_be(0x0800) && to == proto_be(0x86dd))
		err = net_hdr_push(run, mac_header_len(run), IPV6_HLEN - IPV4_HLEN);
	else if (from == proto_be(0x86dd) && to == proto_be(0x0800))
		err = net_hdr_pop(run, mac_header_len(run), IPV6_HLEN - IPV4_HLEN);
	else
		return -ENOTSUPP;
	if (err)
		return err;
	skb->protocol = to;
	skb->hash = 0;
	return 0;
}

BPFX_FN(skb_change_proto)
{
	struct __sk_buff *skb = tc_skb_of(run, "bpf_skb_change_proto");
	int err;

	if (r3)
		return (uint64_t)-EINVAL;
	err = proto_xlat(run, skb, (uint16_t)r2);
	skb_moved(run);
	return (uint64_t)(int64_t)err;
}

/* --- bpf_skb_adjust_room --------------------------------------------------------- */

#define ADJ_ROOM_ENCAP_L3_MASK (BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)
#define ADJ_ROOM_DECAP_L3_IPV4 (1ULL << 7)
#define ADJ_ROOM_DECAP_L3_IPV6 (1ULL << 8)
#define ADJ_ROOM_DECAP_L3_MASK (ADJ_ROOM_DECAP_L3_IPV4 | ADJ_ROOM_DECAP_L3_IPV6)
#define ADJ_ROOM_ENCAP_L2_SHIFT 56
#define ADJ_ROOM_MASK                                                                   \
	(BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ROOM_ENCAP_L3_MASK | BPF_F_ADJ_ROOM_ENCAP_L4_GRE |  \
	 BPF_F_ADJ_ROOM_ENCAP_L4_UDP | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |                       \
	 (0xffULL << ADJ_ROOM_ENCAP_L2_SHIFT) | ADJ_ROOM_DECAP_L3_MASK)

/* bpf_skb_net_base_len(): ~0 for a protocol that is not IP. */
static uint32_t net_base_len(uint16_t proto)
{
	if (proto == proto_be(0x0800))
		return IPV4_HLEN;
	return proto == proto_be(0x86dd) ? IPV6_HLEN : ~0u;
}

/* A test run's GSO skb (gso_size from ctx_in) has no gso_type, so it is neither TCP
 * nor UDP: the kernel refuses to grow or shrink it. */
static bool skb_is_gso(const struct __sk_buff *skb)
{
	return skb->gso_size != 0;
}

/* The encapsulation checks of bpf_skb_net_grow(), before anything moves. */
static int encap_check(const struct bpfx_run *run, uint32_t len_diff, uint64_t flags)
{
	uint8_t inner_mac_len = (uint8_t)(flags >> ADJ_ROOM_ENCAP_L2_SHIFT);

	if ((flags & ADJ_ROOM_ENCAP_L3_MASK) == ADJ_ROOM_ENCAP_L3_MASK)
		return -EINVAL;
	if ((flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE) && (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
		return -EINVAL;
	if ((flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH) && inner_mac_len < ETH_HLEN)
		return -EINVAL;
	if (run->pkt.encap)
		return -EALREADY;
	return inner_mac_len > len_diff ? -EINVAL : 0;
}

/* What encapsulation sets once the room is there: the network header after the
 * (old) mac header, the transport header after an L4 tunnel's outer IP header, and
 * the outer L3 protocol. */
static void encap_set(struct bpfx_run *run, struct __sk_buff *skb, uint32_t mac_len,
		      uint64_t flags)
{
	uint16_t proto = (uint16_t)skb->protocol;

	run->pkt.encap = true;
	run->pkt.net = run->pkt.data + mac_len;
	if (flags & (BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
		set_trans(&run->pkt, run->pkt.net + (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 ?
						     IPV6_HLEN : IPV4_HLEN));
	if (proto == proto_be(0x0800) && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
		skb->protocol = proto_be(0x86dd);
	else if (proto == proto_be(0x86dd) && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4))
		skb->protocol = proto_be(0x0800);
}

static int net_grow(struct bpfx_run *run, struct __sk_buff *skb, uint32_t off,
		    uint32_t len_diff, uint64_t flags)
{
	bool encap = flags & ADJ_ROOM_ENCAP_L3_MASK;
	uint32_t mac_len = mac_header_len(run);
	int err;

	if (skb_is_gso(skb))
		return -ENOTSUPP;
	if (skb_cow_head(run, len_diff))
		return -ENOMEM;
	err = encap ? encap_check(run, len_diff, flags) : 0;
	if (!err)
		err = net_hdr_push(run, off, len_diff);
	if (!err && encap)
		encap_set(run, skb, mac_len, flags);
	return err;
}

static int net_shrink(struct bpfx_run *run, struct __sk_buff *skb, uint32_t off,
		      uint32_t len_diff, uint64_t flags)
{
	uint16_t proto = (uint16_t)skb->protocol;
	int err;

	if (flags & ~(BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ROOM_DECAP_L3_MASK |
		      BPF_F_ADJ_ROOM_NO_CSUM_RESET))
		return -EINVAL;
	if (skb_is_gso(skb))
		return -ENOTSUPP;
	err = net_hdr_pop(run, off, len_diff);
	if (err)
		return err;
	if (proto == proto_be(0x0800) && (flags & ADJ_ROOM_DECAP_L3_IPV6))
		skb->protocol = proto_be(0x86dd);
	else if (proto == proto_be(0x86dd) && (flags & ADJ_ROOM_DECAP_L3_IPV4))
		skb->protocol = proto_be(0x0800);
	return 0;
}

/* The smallest L3 packet a shrink may leave: the protocol's header, or the header
 * decapsulation announces; 0 with an error. */
static int adjust_room_min(uint16_t proto, bool shrink, uint64_t flags, uint32_t *len_min)
{
	*len_min = net_base_len(proto);
	if (!(flags & ADJ_ROOM_DECAP_L3_MASK))
		return 0;
	if (!shrink || (flags & ADJ_ROOM_DECAP_L3_MASK) == ADJ_ROOM_DECAP_L3_MASK)
		return -EINVAL;
	*len_min = flags & ADJ_ROOM_DECAP_L3_IPV4 ? IPV4_HLEN : IPV6_HLEN;
	return 0;
}

/* bpf_skb_adjust_room(skb, len_diff, mode, flags): room after the mac header
 * (BPF_ADJ_ROOM_MAC) or after the IP header (BPF_ADJ_ROOM_NET), of an IP packet. */
static int adjust_room(struct bpfx_run *run, struct __sk_buff *skb, int32_t len_diff,
		       uint32_t mode, uint64_t flags)
{
	uint32_t abs_diff = len_diff < 0 ? -(uint32_t)len_diff : (uint32_t)len_diff;
	uint16_t proto = (uint16_t)skb->protocol;
	uint32_t off = mac_header_len(run), len = pkt_len(run), len_min, len_cur;
	bool shrink = len_diff < 0;
	int err;

	if (flags & ~(ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET))
		return -EINVAL;
	if (abs_diff > 0xfff)
		return -EFAULT;
	if (!is_ip_proto(proto) || (mode != BPF_ADJ_ROOM_NET && mode != BPF_ADJ_ROOM_MAC))
		return -ENOTSUPP;
	if (mode == BPF_ADJ_ROOM_NET)
		off += net_base_len(proto);
	err = adjust_room_min(proto, shrink, flags, &len_min);
	if (err)
		return err;
	len_cur = len - (uint32_t)(run->pkt.net - run->pkt.data);
	if ((shrink && (abs_diff >= len_cur || len_cur - abs_diff < len_min)) ||
	    (!shrink && len + abs_diff > BPFX_SKB_MAX_LEN && !skb_is_gso(skb)))
		return -ENOTSUPP;
	err = shrink ? net_shrink(run, skb, off, abs_diff, flags)
		     : net_grow(run, skb, off, abs_diff, flags);
	if (!err && !(flags & BPF_F_ADJ_ROOM_NO_CSUM_RESET) &&
	    run->pkt.ip_summed == CHECKSUM_UNNECESSARY) {
		run->pkt.ip_summed = CHECKSUM_NONE;   /* __skb_reset_checksum_unnecessary */
		run->pkt.csum_level = 0;
	}
	return err;
}

BPFX_FN(skb_adjust_room)
{
	struct __sk_buff *skb = tc_skb_of(run, "bpf_skb_adjust_room");
	int err = adjust_room(run, skb, (int32_t)r2, (uint32_t)r3, r4);

	skb_moved(run);
	return (uint64_t)(int64_t)err;
}

/* --- more of the skb: ECN, timestamps, cookies --------------------------------- */

/* __vlan_get_protocol(): the ethertype under any VLAN tags in the packet, which
 * start mac_len - VLAN_HLEN into it (ETH_HLEN when mac_len is 0); 0 when a tag is
 * cut short. */
static uint16_t vlan_get_protocol(const struct bpfx_run *run, uint16_t type)
{
	uint32_t depth = run->pkt.mac_len;

	if (!eth_type_vlan(type))
		return type;
	if (depth && depth < VLAN_HLEN)
		return 0;
	depth = depth ? depth - VLAN_HLEN : ETH_HLEN;
	do {
		if (!pkt_has(run, (uint64_t)depth + VLAN_HLEN))
			return 0;
		type = load16(run->pkt.data + depth + 2);
		depth += VLAN_HLEN;
	} while (eth_type_vlan(type));
	return type;
}

/* IP_ECN_set_ce(): ECT(0) and ECT(1) become CE, the checksum follows; 1 when the
 * packet is CE now, 0 when it is not ECN-capable. */
static int ipv4_set_ce(uint8_t *iph)
{
	uint32_t ecn = (uint32_t)(iph[1] + 1) & 3;
	uint16_t check_add;

	if (!(ecn & 2))
		return !ecn;
	check_add = (uint16_t)(htons(0xfffb) + htons((uint16_t)ecn));
	store16(iph + 10, csum16_add(load16(iph + 10), check_add));
	iph[1] |= 3;
	return 1;
}

/* IP6_ECN_set_ce(): the traffic class sits across the first two bytes. */
static int ipv6_set_ce(uint8_t *iph)
{
	uint32_t w;

	if (!((ntohs(load16(iph)) >> 4) & 3))
		return 0;
	memcpy(&w, iph, 4);
	w |= htonl(3u << 20);
	memcpy(iph, &w, 4);
	return 1;
}

/* bpf_skb_ecn_set_ce(skb): on the IP header at the network header, whatever VLAN
 * tags come first (the kernel then still looks at the network header). */
BPFX_FN(skb_ecn_set_ce)
{
	struct __sk_buff *skb = skb_of(run, "bpf_skb_ecn_set_ce");
	uint16_t proto = vlan_get_protocol(run, (uint16_t)skb->protocol);
	uint32_t hlen = proto == proto_be(0x0800) ? IPV4_HLEN : IPV6_HLEN;
	uint8_t *net = net_hdr(run);

	if (!is_ip_proto(proto) || pkt_len(run) < hlen)
		return 0;
	if (net < run->pkt.buf || net + hlen > run->pkt.data_end)
		return 0;
	return (uint64_t)(proto == proto_be(0x0800) ? ipv4_set_ce(net) : ipv6_set_ce(net));
}

/* bpf_skb_set_tstamp(skb, tstamp, type): only for IP packets; a monotonic or TAI
 * delivery time must not be 0. */
BPFX_FN(skb_set_tstamp)
{
	struct __sk_buff *skb = skb_of(run, "bpf_skb_set_tstamp");
	uint32_t type = (uint32_t)r3;

	if (!is_ip_proto((uint16_t)skb->protocol))
		return (uint64_t)-EOPNOTSUPP;
	if (type > 2 || (type && !r2))   /* BPF_SKB_CLOCK_REALTIME, _MONOTONIC, _TAI */
		return (uint64_t)-EINVAL;
	skb->tstamp = r2;
	skb->tstamp_type = (uint8_t)type;
	return 0;
}

/* Socket cookies: the kernel numbers sockets from one counter as they are first
 * asked for; bpfx numbers the runs' sockets from its own. */
static _Atomic uint64_t sock_cookie_gen;

BPFX_FN(get_socket_cookie)
{
	skb_of(run, "bpf_get_socket_cookie");
	if (!bpfx_ctx_sock(run))
		return 0;
	if (!run->pkt.sk_cookie)
		run->pkt.sk_cookie = atomic_fetch_add(&sock_cookie_gen, 1) + 1;
	return run->pkt.sk_cookie;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* The cookie of the network namespace bpfx runs in (SO_NETNS_COOKIE, Linux 5.14),
 * which the test run's socket belongs to; 1 where it cannot be asked. */
static uint64_t netns_cookie(void)
{
	static _Atomic uint64_t cookie;
	uint64_t c = atomic_load(&cookie);
	socklen_t len = sizeof(c);
	int fd;

	if (c)
		return c;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &c, &len) || !c)
		c = 1;
	if (fd >= 0)
		close(fd);
	atomic_store(&cookie, c);
	return c;
}

/* bpf_get_netns_cookie(skb or NULL): the socket's namespace, or with NULL the
 * initial one's, which bpfx takes to be its own. */
BPFX_FN(get_netns_cookie)
{
	if (r1 && r1 != (uint64_t)(uintptr_t)run->ctx)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "bpf_get_netns_cookie: R1 is neither "
			       "the context nor NULL");
	if (r1)
		skb_of(run, "bpf_get_netns_cookie");
	return netns_cookie();
}

/* --- MTU: the loopback device, tc and xdp ----------------------------------------- */

#define LO_MTU 65536
#define LO_IFINDEX 1

/* *mtu_len: 4 bytes the helper reads and writes, at any alignment. */
static uint32_t mtu_arg(struct bpfx_run *run, uint64_t p)
{
	uint32_t v;

	if (run->checked)
		bpfx_mem_check(run, p, sizeof(v), true);
	memcpy(&v, (const void *)(uintptr_t)p, sizeof(v));
	return v;
}

static uint64_t mtu_out(uint64_t p, uint32_t mtu, int ret)
{
	memcpy((void *)(uintptr_t)p, &mtu, sizeof(mtu));
	return (uint64_t)(int64_t)ret;
}

/* bpf_xdp_check_mtu(): the linear part of the frame against the device's MTU plus
 * its Ethernet header; no flags. */
static uint64_t xdp_check_mtu(struct bpfx_run *run, uint32_t ifindex, uint64_t mtu_len,
			      int32_t len_diff, uint64_t flags)
{
	uint32_t in = mtu_arg(run, mtu_len);
	int32_t len;

	if (flags)
		return (uint64_t)-EINVAL;
	if (ifindex > LO_IFINDEX)
		return (uint64_t)-ENODEV;
	len = (int32_t)(in ? in + ETH_HLEN : pkt_len(run));
	len = (int32_t)((uint32_t)len + (uint32_t)len_diff);
	return mtu_out(mtu_len, LO_MTU, len > LO_MTU + ETH_HLEN ? BPF_MTU_CHK_RET_FRAG_NEEDED
							       : BPF_MTU_CHK_RET_SUCCESS);
}

/* bpf_skb_check_mtu(): the same for an skb; a GSO skb passes (its segments are
 * checked with BPF_MTU_CHK_SEGS, which needs a transport header: -EINVAL without
 * one).  The errors leave *mtu_len alone. */
static uint64_t skb_check_mtu(struct bpfx_run *run, uint32_t ifindex, uint64_t mtu_len,
			      int32_t len_diff, uint64_t flags)
{
	struct __sk_buff *skb = skb_of(run, "bpf_check_mtu");
	uint32_t in = mtu_arg(run, mtu_len);
	int32_t len;

	if ((flags & ~(uint64_t)BPF_MTU_CHK_SEGS) ||
	    ((flags & BPF_MTU_CHK_SEGS) && (len_diff || in)))
		return (uint64_t)-EINVAL;
	if (ifindex > LO_IFINDEX)
		return (uint64_t)-ENODEV;
	len = (int32_t)(in ? in + ETH_HLEN : pkt_len(run));
	len = (int32_t)((uint32_t)len + (uint32_t)len_diff);
	if (len <= LO_MTU + ETH_HLEN)
		return mtu_out(mtu_len, LO_MTU, BPF_MTU_CHK_RET_SUCCESS);
	if (!skb_is_gso(skb))
		return mtu_out(mtu_len, LO_MTU, BPF_MTU_CHK_RET_FRAG_NEEDED);
	if ((flags & BPF_MTU_CHK_SEGS) && !trans_set(&run->pkt))
		return (uint64_t)-EINVAL;
	return mtu_out(mtu_len, LO_MTU, BPF_MTU_CHK_RET_SUCCESS);
}

/* bpf_check_mtu(ctx, ifindex, mtu_len, len_diff, flags): tc and xdp share the id.
 * Device 0 is the packet's own, the loopback device, the only one bpfx has. */
BPFX_FN(check_mtu)
{
	if (run->prog && run->prog->type == BPFX_PROG_XDP)
		return xdp_check_mtu(run, (uint32_t)r2, r3, (int32_t)r4, r5);
	return skb_check_mtu(run, (uint32_t)r2, r3, (int32_t)r4, r5);
}

/* bpf_clone_redirect(skb, ifindex, flags): a clone goes out of (or, with
 * BPF_F_INGRESS, into) the device at once; the helper returns what the transmit or
 * receive path did.  bpfx has only the loopback device, which takes any frame with
 * a link-layer header (0); the clone itself goes nowhere. */
BPFX_FN(clone_redirect)
{
	skb_of(run, "bpf_clone_redirect");
	if (r3 & ~(uint64_t)BPF_F_INGRESS)
		return (uint64_t)-EINVAL;
	if ((uint32_t)r2 != LO_IFINDEX)
		return (uint64_t)-EINVAL;   /* no such device */
	if (mac_hdr(run) >= net_hdr(run) || !pkt_len(run))
		return (uint64_t)-ERANGE;   /* __bpf_redirect_common(): no mac header */
	return 0;
}

static const struct bpfx_func funcs[] = {
	BPFX_FUNC_ENTRY(set_hash, BPF_FUNC_set_hash, BPFX_RET_INTEGER, BPFX_ARG_PTR_TO_CTX,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(set_hash_invalid, BPF_FUNC_set_hash_invalid, BPFX_RET_VOID,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(csum_update, BPF_FUNC_csum_update, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(csum_level, BPF_FUNC_csum_level, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(get_cgroup_classid, BPF_FUNC_get_cgroup_classid, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(get_route_realm, BPF_FUNC_get_route_realm, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(get_socket_uid, BPF_FUNC_get_socket_uid, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(skb_change_type, BPF_FUNC_skb_change_type, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(sk_fullsock, BPF_FUNC_sk_fullsock, BPFX_RET_PTR, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(tcp_sock, BPF_FUNC_tcp_sock, BPFX_RET_PTR, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(get_listener_sock, BPF_FUNC_get_listener_sock, BPFX_RET_PTR,
			BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(skb_store_bytes, BPF_FUNC_skb_store_bytes, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_load_bytes, BPF_FUNC_skb_load_bytes, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE),
	BPFX_FUNC_ENTRY(skb_load_bytes_relative, BPF_FUNC_skb_load_bytes_relative,
			BPFX_RET_INTEGER, BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY,
			BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_pull_data, BPF_FUNC_skb_pull_data, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_change_tail, BPF_FUNC_skb_change_tail, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_change_head, BPF_FUNC_skb_change_head, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(l3_csum_replace, BPF_FUNC_l3_csum_replace, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY, BPFX_ARG_ANY,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(l4_csum_replace, BPF_FUNC_l4_csum_replace, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY, BPFX_ARG_ANY,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(csum_diff, BPF_FUNC_csum_diff, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE_OR_ZERO, BPFX_ARG_PTR_TO_MEM,
			BPFX_ARG_SIZE_OR_ZERO, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(redirect, BPF_FUNC_redirect, BPFX_RET_INTEGER,
			BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(clone_redirect, BPF_FUNC_clone_redirect, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_vlan_push, BPF_FUNC_skb_vlan_push, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_vlan_pop, BPF_FUNC_skb_vlan_pop, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(skb_change_proto, BPF_FUNC_skb_change_proto, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_adjust_room, BPF_FUNC_skb_adjust_room, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(skb_ecn_set_ce, BPF_FUNC_skb_ecn_set_ce, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(skb_set_tstamp, BPF_FUNC_skb_set_tstamp, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(get_socket_cookie, BPF_FUNC_get_socket_cookie, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(get_netns_cookie, BPF_FUNC_get_netns_cookie, BPFX_RET_INTEGER,
			BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(check_mtu, BPF_FUNC_check_mtu, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_PTR, BPFX_ARG_ANY,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(xdp_adjust_head, BPF_FUNC_xdp_adjust_head, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(xdp_adjust_meta, BPF_FUNC_xdp_adjust_meta, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(xdp_adjust_tail, BPF_FUNC_xdp_adjust_tail, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(xdp_get_buff_len, BPF_FUNC_xdp_get_buff_len, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX),
	BPFX_FUNC_ENTRY(xdp_load_bytes, BPF_FUNC_xdp_load_bytes, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE),
	BPFX_FUNC_ENTRY(xdp_store_bytes, BPF_FUNC_xdp_store_bytes, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_ANY, BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE),
};

const struct bpfx_func_list bpfx_pkt_helpers = {
	.funcs = funcs,
	.cnt = sizeof(funcs) / sizeof(funcs[0]),
};
