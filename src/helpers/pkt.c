/* SPDX-License-Identifier: MIT */
/*
 * pkt.c - packet helpers of tc and xdp programs, on run->pkt, with the errnos and
 * bounds of net/core/filter.c as BPF_PROG_TEST_RUN sees them (a linear skb with
 * ip_summed CHECKSUM_NONE; an xdp frame of one page, maybe with page frags).
 * Helpers that move data or data_end resync the context's fields afterwards.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <string.h>

#include "exec/run.h"
#include "helpers/func.h"

#define ETH_HLEN 14
#define NET_SKB_PAD 64
#define CSUM_MANGLED_0 0xffff

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

/* __bpf_skb_min_len(): no transport header is set in a test run, and ip_summed is
 * not CHECKSUM_PARTIAL, so the network header's offset. */
static uint32_t skb_min_len(const struct bpfx_run *run)
{
	uint8_t *net = net_hdr(run);

	return net > run->pkt.data ? (uint32_t)(net - run->pkt.data) : 0;
}

BPFX_FN(skb_change_tail)
{
	uint32_t new_len = (uint32_t)r2;

	if (!run->pkt.data || r3 || new_len > BPFX_SKB_MAX_LEN || new_len < skb_min_len(run))
		return (uint64_t)-EINVAL;
	if ((uintptr_t)run->pkt.data + new_len > (uintptr_t)run->pkt.buf + run->pkt.buf_size)
		return (uint64_t)-ENOMEM;
	run->pkt.data_end = run->pkt.data + new_len;
	bpfx_ctx_sync_pkt(run);
	return 0;
}

/* Move the packet and its headers up by delta bytes (the headroom the kernel's
 * skb_cow would reallocate for); -ENOMEM when the buffer has no room. */
static int skb_grow_headroom(struct bpfx_run *run, uint32_t need)
{
	struct bpfx_pkt *pkt = &run->pkt;
	size_t have = (size_t)(pkt->data - pkt->buf);
	size_t delta = (need - have + NET_SKB_PAD - 1) & ~(size_t)(NET_SKB_PAD - 1);
	uint8_t *mac = mac_hdr(run), *net = net_hdr(run);

	if ((uintptr_t)pkt->data_end + delta > (uintptr_t)pkt->buf + pkt->buf_size)
		return -ENOMEM;
	memmove(pkt->data + delta, pkt->data, pkt_len(run));
	memset(pkt->data, 0, delta);
	pkt->data += delta;
	pkt->data_end += delta;
	pkt->mac = mac + delta;
	pkt->net = net + delta;
	return 0;
}

BPFX_FN(skb_change_head)
{
	uint32_t head_room = (uint32_t)r2;
	uint64_t new_len = (uint64_t)pkt_len(run) + head_room;
	int err;

	if (!run->pkt.data || r3 || new_len > BPFX_SKB_MAX_LEN)
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
#define ENOTSUPP 524

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
