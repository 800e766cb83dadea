/* SPDX-License-Identifier: MIT */
/*
 * ctx.c - program contexts, built the way BPF_PROG_TEST_RUN builds them.
 *
 * For each program type, prepare() turns the run options (data_in, ctx_in) into the
 * context R1 points at and the packet, with the kernel's checks and errnos; finish()
 * copies the packet and the context out (data_out, ctx_out); release() frees them.
 * Packets live in a MAP_32BIT mapping, so the 32-bit data/data_end/data_meta fields
 * of __sk_buff and xdp_md hold real addresses.  The values were read from the host
 * kernel (Linux 6.18): see tests/progs/ctx_*.bpf.c and tests/unit/test_ctx.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "exec/run.h"

#define PAGE_SZ 4096u
#define CTX_IN_MAX PAGE_SZ          /* bpf_check_uarg_tail_zero(): larger is E2BIG */
#define DEFAULT_DATA_LEN 64u        /* data_in NULL: 64 zero bytes, as the selftests */
#define SKB_MAX_DATA (PAGE_SZ - BPFX_SKB_HEADROOM - BPFX_SHINFO_SIZE) /* 3712 */
#define XDP_MAX_FRAGS 17u           /* MAX_SKB_FRAGS */
#define WIRE_LEN_MAX 65536u         /* GSO_LEGACY_MAX_SIZE */
#define GSO_SEGS_MAX 65535u         /* GSO_MAX_SEGS */
#define XDP_META_MAX 255u           /* skb_shared_info.meta_len is a u8 */
#define SYSCALL_CTX_MAX 65535u      /* U16_MAX */
#define RAW_TP_CTX_MAX (12u * 8)    /* MAX_BPF_FUNC_ARGS u64 arguments */
#define LO_IFINDEX 1u               /* the loopback device, the test run's device */
#define TCP_CLOSE_STATE 7u          /* sock_init_data() leaves the socket closed */
#define IPV4_HLEN 20u
#define IPV6_HLEN 40u

/* ------------------------------------------------------------------------------
 * Shared pieces: messages, checks every test run makes, copying out.
 */

static int reject(char *err, size_t size, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int reject(char *err, size_t size, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err && size) {
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The bpf(BPF_PROG_TEST_RUN) syscall's own checks, plus the one bpfx adds: it cannot
 * copy out without knowing the room (the kernel copies the whole packet then). */
static int check_opts(const struct bpfx_run_opts *o, char *err, size_t size)
{
	if (!o->ctx_in != !o->ctx_size_in)
		return reject(err, size, EINVAL, "ctx_in and ctx_size_in go together");
	if (!o->ctx_out != !o->ctx_size_out)
		return reject(err, size, EINVAL, "ctx_out and ctx_size_out go together");
	if (o->data_out && !o->data_size_out)
		return reject(err, size, EINVAL, "data_out needs data_size_out (its room)");
	return 0;
}

/* Packet programs: data_in NULL with no size means 64 zero bytes; data_in NULL with
 * a size is the kernel's failed copy_from_user(). */
static int packet_in(const struct bpfx_run_opts *o, const uint8_t **data, uint32_t *len,
		     char *err, size_t size)
{
	static const uint8_t zeros[DEFAULT_DATA_LEN];

	*data = o->data_in;
	*len = o->data_size_in;
	if (!o->data_in && !o->data_size_in) {
		*data = zeros;
		*len = DEFAULT_DATA_LEN;
	} else if (!o->data_in) {
		return reject(err, size, EFAULT, "data_in is NULL but data_size_in is %u",
			      o->data_size_in);
	}
	return 0;
}

/* bpf_ctx_init(): ctx_in into a zeroed ctx of max bytes; bytes past max must be 0. */
static int ctx_in(const struct bpfx_run_opts *o, void *ctx, size_t max, char *err,
		  size_t size)
{
	const uint8_t *in = o->ctx_in;

	if (!in)
		return 0;
	if (o->ctx_size_in > CTX_IN_MAX)
		return reject(err, size, E2BIG, "ctx_size_in %u is larger than a page",
			      o->ctx_size_in);
	if (o->ctx_size_in > max && !all_zero(in + max, o->ctx_size_in - max))
		return reject(err, size, E2BIG,
			      "ctx_in: bytes past the %zu-byte context must be zero", max);
	memcpy(ctx, in, o->ctx_size_in < max ? o->ctx_size_in : max);
	return 0;
}

/* bpf_ctx_finish(): what fits of size bytes into ctx_out. */
static int ctx_out(const struct bpfx_run_opts *o, const void *ctx, uint32_t size,
		   struct bpfx_result *res)
{
	uint32_t n = size;

	if (!o->ctx_out)
		return 0;
	if (n > o->ctx_size_out)
		n = o->ctx_size_out;
	memcpy(o->ctx_out, ctx, n);
	res->ctx_size_out = size;
	return n < size ? -ENOSPC : 0;
}

/* bpf_test_finish() for a linear packet: zeros bytes of zeros (a socket filter's
 * restored Ethernet header), then the packet; what fits goes out. */
static int data_out(const struct bpfx_run_opts *o, uint32_t zeros, const uint8_t *pkt,
		    uint32_t len, struct bpfx_result *res)
{
	uint32_t size = zeros + len, room = size, z;

	if (o->data_size_out && room > o->data_size_out)
		room = o->data_size_out;
	if (o->data_out) {
		z = zeros < room ? zeros : room;
		memset(o->data_out, 0, z);
		memcpy((uint8_t *)o->data_out + z, pkt, room - z);
	}
	res->data_size_out = size;
	return room < size ? -ENOSPC : 0;
}

/* Packet memory below 4 GiB: the 32-bit packet pointers of the contexts. */
static void *map32(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uintptr_t)p + size > UINT32_MAX) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

static uint32_t ptr32(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

/* ------------------------------------------------------------------------------
 * __sk_buff: tc (SCHED_CLS, SCHED_ACT), socket filters, cgroup_skb and lwt_in/out/xmit.
 *
 * bpf_prog_test_run_skb() builds an skb on the loopback device: 64 bytes of headroom,
 * eth_type_trans() for protocol and pkt_type, a dummy socket (skb->sk) whose family
 * and addresses come from an IPv4/IPv6 header, and, only when ctx_in or ctx_out is
 * given, the fields of ctx_in the kernel lets userspace set.  tc programs see the
 * Ethernet header; the others start after it (and get it back zeroed in data_out).
 */

struct skb_ctx {
	struct __sk_buff skb;      /* R1 */
	struct bpf_sock sk;        /* skb->sk; inside run->ctx_size, for checked mode */
	struct __sk_buff user;     /* ctx_in, zero-extended: the base of ctx_out */
	bool has_user;             /* ctx_in or ctx_out given: fields were converted */
	bool l2;                   /* tc: data starts at the Ethernet header */
};

_Static_assert(offsetof(struct skb_ctx, sk) == sizeof(struct __sk_buff),
	       "skb->sk follows the __sk_buff");
_Static_assert(sizeof(struct skb_ctx) <= PAGE_SZ, "skb ctx fits its page");

/* Every __sk_buff field; settable ones are copied from ctx_in (convert___skb_to_skb),
 * every other byte of ctx_in must be zero. */
struct skb_field {
	const char *name;
	uint16_t off, size;
	bool settable;
};

#define SKB_FIELD(f, set) \
	{ #f, offsetof(struct __sk_buff, f), sizeof(((struct __sk_buff *)0)->f), set }

static const struct skb_field skb_fields[] = {
	SKB_FIELD(len, false), SKB_FIELD(pkt_type, false), SKB_FIELD(mark, true),
	SKB_FIELD(queue_mapping, false), SKB_FIELD(protocol, false),
	SKB_FIELD(vlan_present, false), SKB_FIELD(vlan_tci, false),
	SKB_FIELD(vlan_proto, false), SKB_FIELD(priority, true),
	SKB_FIELD(ingress_ifindex, true), SKB_FIELD(ifindex, true),
	SKB_FIELD(tc_index, false), SKB_FIELD(cb, true), SKB_FIELD(hash, false),
	SKB_FIELD(tc_classid, false), SKB_FIELD(data, false), SKB_FIELD(data_end, false),
	SKB_FIELD(napi_id, false), SKB_FIELD(family, false), SKB_FIELD(remote_ip4, false),
	SKB_FIELD(local_ip4, false), SKB_FIELD(remote_ip6, false),
	SKB_FIELD(local_ip6, false), SKB_FIELD(remote_port, false),
	SKB_FIELD(local_port, false), SKB_FIELD(data_meta, false),
	SKB_FIELD(flow_keys, false), SKB_FIELD(tstamp, true), SKB_FIELD(wire_len, true),
	SKB_FIELD(gso_segs, true), SKB_FIELD(sk, false), SKB_FIELD(gso_size, true),
	SKB_FIELD(tstamp_type, false), SKB_FIELD(hwtstamp, true),
};

static const struct skb_field *skb_field_at(size_t off)
{
	for (size_t i = 0; i < sizeof(skb_fields) / sizeof(skb_fields[0]); i++)
		if (off >= skb_fields[i].off && off < skb_fields[i].off + skb_fields[i].size)
			return &skb_fields[i];
	return NULL;
}

/* convert___skb_to_skb()'s checks on ctx_in; len is skb->len at that point. */
static int check_skb_user(const struct __sk_buff *u, uint32_t len, char *err, size_t size)
{
	const uint8_t *b = (const uint8_t *)u;

	for (size_t i = 0; i < sizeof(*u); i++) {
		const struct skb_field *f = skb_field_at(i);

		if (b[i] && (!f || !f->settable))
			return reject(err, size, EINVAL,
				      "ctx_in: __sk_buff.%s (offset %zu) cannot be set, must be 0",
				      f ? f->name : "<padding>", f ? (size_t)f->off : i);
	}
	if (u->wire_len && (u->wire_len < len || u->wire_len > WIRE_LEN_MAX))
		return reject(err, size, EINVAL,
			      "ctx_in: wire_len %u must be 0 or in [len %u, %u]", u->wire_len, len,
			      WIRE_LEN_MAX);
	if (u->gso_segs > GSO_SEGS_MAX)
		return reject(err, size, EINVAL, "ctx_in: gso_segs %u is above %u", u->gso_segs,
			      GSO_SEGS_MAX);
	return 0;
}

/* eth_type_trans() on the loopback device, whose address and broadcast address are
 * both all-zero: a multicast destination is never "broadcast" there.  Returns the
 * protocol in host order. */
static uint16_t eth_type_trans(const uint8_t *eth, uint32_t size, uint32_t *pkt_type)
{
	uint16_t proto = (uint16_t)(eth[12] << 8 | eth[13]);

	*pkt_type = PACKET_HOST;
	if (!all_zero(eth, ETH_ALEN))
		*pkt_type = (eth[0] & 1) ? PACKET_MULTICAST : PACKET_OTHERHOST;
	if (proto >= ETH_P_802_3_MIN)
		return proto;
	if (size >= ETH_HLEN + 2 && eth[ETH_HLEN] == 0xff && eth[ETH_HLEN + 1] == 0xff)
		return ETH_P_802_3; /* raw IPX over 802.3 */
	return ETH_P_802_2;
}

/* The test run's socket: closed, no queue, and for an IPv4/IPv6 packet the family
 * and the addresses (local = source, remote = destination) from its header. */
static int skb_socket(struct skb_ctx *c, uint16_t proto, const uint8_t *l3, uint32_t l3_len,
		      char *err, size_t size)
{
	struct bpf_sock *sk = &c->sk;

	sk->state = TCP_CLOSE_STATE;
	sk->rx_queue_mapping = -1;
	if (proto == ETH_P_IP) {
		if (l3_len < IPV4_HLEN)
			return reject(err, size, EINVAL,
				      "data_in: IPv4 packet with %u bytes after the Ethernet header, an IPv4 header needs %u",
				      l3_len, IPV4_HLEN);
		sk->family = AF_INET;
		memcpy(&sk->src_ip4, l3 + 12, 4);
		memcpy(&sk->dst_ip4, l3 + 16, 4);
	} else if (proto == ETH_P_IPV6) {
		if (l3_len < IPV6_HLEN)
			return reject(err, size, EINVAL,
				      "data_in: IPv6 packet with %u bytes after the Ethernet header, an IPv6 header needs %u",
				      l3_len, IPV6_HLEN);
		sk->family = AF_INET6;
		memcpy(sk->src_ip6, l3 + 8, 16);
		memcpy(sk->dst_ip6, l3 + 24, 16);
	}
	c->skb.family = sk->family;
	c->skb.local_ip4 = sk->src_ip4;
	c->skb.remote_ip4 = sk->dst_ip4;
	memcpy(c->skb.local_ip6, sk->src_ip6, 16);
	memcpy(c->skb.remote_ip6, sk->dst_ip6, 16);
	return 0;
}

/* The fields ctx_in sets, once check_skb_user() accepted them.  Without ctx_in and
 * ctx_out nothing is converted: wire_len stays 0. */
static void skb_from_user(struct skb_ctx *c)
{
	const struct __sk_buff *u = &c->user;
	struct __sk_buff *s = &c->skb;

	s->mark = u->mark;
	s->priority = u->priority;
	s->ingress_ifindex = u->ingress_ifindex;
	s->tstamp = u->tstamp;
	memcpy(s->cb, u->cb, sizeof(s->cb));
	s->wire_len = u->wire_len ? u->wire_len : s->len;
	s->gso_segs = u->gso_segs;
	s->gso_size = u->gso_size;
	s->hwtstamp = u->hwtstamp;
}

static void skb_sync(struct bpfx_run *run)
{
	struct skb_ctx *c = run->ctx_priv;

	c->skb.data = ptr32(run->pkt.data);
	c->skb.data_end = ptr32(run->pkt.data_end);
	c->skb.data_meta = ptr32(run->pkt.meta);
	c->skb.len = (uint32_t)(run->pkt.data_end - run->pkt.data);
}

/* bpf_convert_ctx_access(): tc_index and tc_classid are u16 in the sk_buff, so a
 * store keeps the low 16 bits; queue_mapping too, and a store of NO_QUEUE_MAPPING
 * (0xffff) or more is dropped: compared as u64 for a register, as s32 for an
 * immediate (so an immediate -1 stores 0xffff).  Stores to these fields are 4 bytes
 * (bpf_skb_is_valid_access refuses narrower ones). */
static bool skb_store(struct bpfx_run *run, uint32_t off, uint32_t size, uint64_t val,
		      bool imm)
{
	struct skb_ctx *c = run->ctx_priv;

	if (size != 4)
		return false;
	switch (off) {
	case offsetof(struct __sk_buff, tc_index):
		c->skb.tc_index = (uint16_t)val;
		return true;
	case offsetof(struct __sk_buff, tc_classid):
		c->skb.tc_classid = (uint16_t)val;
		return true;
	case offsetof(struct __sk_buff, queue_mapping):
		if (imm ? (int64_t)val < 0xffff : val < 0xffff)
			c->skb.queue_mapping = (uint16_t)val;
		return true;
	default:
		return false;
	}
}

static void skb_release(struct bpfx_run *run)
{
	if (run->pkt.buf)
		munmap(run->pkt.buf, BPFX_SKB_BUF_SIZE + PAGE_SZ);
	run->pkt = (struct bpfx_pkt){ 0 };
	run->ctx = run->ctx_priv = NULL;
	run->ctx_size = 0;
}

/* The mapping, the packet copied in, the context in front of R1. */
static int skb_alloc(struct bpfx_run *run, const uint8_t *data, uint32_t len, bool l2)
{
	uint8_t *buf = map32(BPFX_SKB_BUF_SIZE + PAGE_SZ);
	struct skb_ctx *c;

	if (!buf)
		return -ENOMEM;
	c = (struct skb_ctx *)(buf + BPFX_SKB_BUF_SIZE);
	c->l2 = l2;
	memcpy(buf + BPFX_SKB_HEADROOM, data, len);
	run->pkt.buf = buf;
	run->pkt.buf_size = BPFX_SKB_BUF_SIZE;
	run->pkt.data = buf + BPFX_SKB_HEADROOM + (l2 ? 0 : ETH_HLEN);
	run->pkt.data_end = buf + BPFX_SKB_HEADROOM + len;
	run->pkt.meta = run->pkt.data;
	run->ctx_priv = c;
	run->ctx = &c->skb;
	run->ctx_size = sizeof(c->skb) + sizeof(c->sk);
	c->skb.sk = &c->sk;
	c->skb.ifindex = LO_IFINDEX;
	skb_sync(run);
	return 0;
}

/* What bpf_prog_test_run_skb() does before the run, in its order. */
static int skb_build(struct bpfx_run *run, const struct bpfx_run_opts *o, uint32_t len,
		     char *err, size_t size)
{
	struct skb_ctx *c = run->ctx_priv;
	const uint8_t *eth = run->pkt.buf + BPFX_SKB_HEADROOM;
	uint16_t proto;
	int ret;

	c->has_user = o->ctx_in || o->ctx_out;
	ret = ctx_in(o, &c->user, sizeof(c->user), err, size);
	if (ret)
		return ret;
	if (c->user.ifindex > LO_IFINDEX)
		return reject(err, size, ENODEV,
			      "ctx_in: ifindex %u: bpfx has only the loopback device (ifindex 1)",
			      c->user.ifindex);
	proto = eth_type_trans(eth, len, &c->skb.pkt_type);
	c->skb.protocol = htons(proto);
	ret = skb_socket(c, proto, eth + ETH_HLEN, len - ETH_HLEN, err, size);
	if (ret || !c->has_user)
		return ret;
	ret = check_skb_user(&c->user, c->skb.len, err, size);
	if (!ret)
		skb_from_user(c);
	return ret;
}

static int skb_prepare(struct bpfx_run *run, const struct bpfx_run_opts *o, bool l2,
		       char *err, size_t size)
{
	const uint8_t *data;
	uint32_t len;
	int ret;

	ret = check_opts(o, err, size);
	if (!ret)
		ret = packet_in(o, &data, &len, err, size);
	if (ret)
		return ret;
	if (len < ETH_HLEN)
		return reject(err, size, EINVAL,
			      "data_in: %u bytes, a packet needs at least %u (an Ethernet header)",
			      len, ETH_HLEN);
	if (len > SKB_MAX_DATA)
		return reject(err, size, EINVAL,
			      "data_in: %u bytes, the test run's skb holds at most %u", len,
			      SKB_MAX_DATA);
	ret = skb_alloc(run, data, len, l2);
	if (ret)
		return reject(err, size, -ret, "cannot map the packet buffer");
	ret = skb_build(run, o, len, err, size);
	if (ret)
		skb_release(run);
	return ret;
}

static int tc_prepare(struct bpfx_run *run, const struct bpfx_run_opts *o, char *err,
		      size_t size)
{
	return skb_prepare(run, o, true, err, size);
}

static int sock_prepare(struct bpfx_run *run, const struct bpfx_run_opts *o, char *err,
			size_t size)
{
	return skb_prepare(run, o, false, err, size);
}

/* convert_skb_to___skb(): the fields the kernel writes back into ctx_out. */
static void skb_to_user(const struct skb_ctx *c, struct __sk_buff *u)
{
	*u = c->user;
	u->mark = c->skb.mark;
	u->priority = c->skb.priority;
	u->ingress_ifindex = c->skb.ingress_ifindex;
	u->ifindex = c->skb.ifindex;
	u->tstamp = c->skb.tstamp;
	memcpy(u->cb, c->skb.cb, sizeof(u->cb));
	u->wire_len = c->skb.wire_len;
	u->gso_segs = c->skb.gso_segs;
	u->hwtstamp = c->skb.hwtstamp;
}

/* The packet goes out from the Ethernet header: a socket filter's was zeroed. */
static int skb_finish(struct bpfx_run *run, const struct bpfx_run_opts *o,
		      struct bpfx_result *res)
{
	const struct skb_ctx *c = run->ctx_priv;
	uint32_t len = (uint32_t)(run->pkt.data_end - run->pkt.data);
	struct __sk_buff u;
	int ret;

	ret = data_out(o, c->l2 ? 0 : ETH_HLEN, run->pkt.data, len, res);
	if (ret || !c->has_user)
		return ret;
	skb_to_user(c, &u);
	return ctx_out(o, &u, sizeof(u), res);
}

/* ------------------------------------------------------------------------------
 * xdp_md.
 *
 * bpf_prog_test_run_xdp() puts the frame at the start of a page: 256 bytes of
 * headroom (less the metadata ctx_in asks for: it is the first ctx_in->data bytes of
 * data_in), at most 3520 bytes of linear data (ctx_in->data_end may ask for less),
 * then up to 17 page-sized frags.  The program sees the loopback device, queue 0.
 */

struct xdp_ctx {
	struct xdp_md md;          /* R1 */
	struct xdp_md user;        /* ctx_in, zero-extended: the base of ctx_out */
	bool has_user;
};

struct xdp_layout {
	uint32_t meta;             /* metadata bytes, at the start of data_in */
	uint32_t headroom;         /* data_meta - data_hard_start */
	uint32_t linear;           /* bytes of data_in in the linear part (with meta) */
};

/* The ctx_in checks that come before any memory is set up. */
static int xdp_check_user(const struct xdp_md *u, uint32_t data_size, char *err,
			  size_t size)
{
	if (u->data_meta)
		return reject(err, size, EINVAL, "ctx_in: xdp_md.data_meta must be 0");
	if (u->data_end > data_size)
		return reject(err, size, EINVAL,
			      "ctx_in: xdp_md.data_end %u is past data_size_in %u", u->data_end,
			      data_size);
	if (u->data > u->data_end)
		return reject(err, size, EINVAL,
			      "ctx_in: xdp_md.data %u is past data_end %u", u->data,
			      u->data_end);
	if (u->data % 4 || u->data > XDP_META_MAX ||
	    u->data > BPFX_XDP_HEADROOM - BPFX_XDP_FRAME_HDR)
		return reject(err, size, EINVAL,
			      "ctx_in: %u bytes of metadata (xdp_md.data): a multiple of 4 up to %u",
			      u->data, BPFX_XDP_HEADROOM - BPFX_XDP_FRAME_HDR);
	return 0;
}

/* xdp_convert_md_to_buff(): the device and queue; only the loopback device here. */
static int xdp_check_rxq(const struct xdp_md *u, char *err, size_t size)
{
	if (u->egress_ifindex)
		return reject(err, size, EINVAL, "ctx_in: xdp_md.egress_ifindex must be 0");
	if (!u->ingress_ifindex && u->rx_queue_index)
		return reject(err, size, EINVAL,
			      "ctx_in: rx_queue_index %u needs an ingress_ifindex",
			      u->rx_queue_index);
	if (u->ingress_ifindex > LO_IFINDEX)
		return reject(err, size, ENODEV,
			      "ctx_in: ingress_ifindex %u: bpfx has only the loopback device (ifindex 1)",
			      u->ingress_ifindex);
	if (u->ingress_ifindex && u->rx_queue_index)
		return reject(err, size, EINVAL,
			      "ctx_in: rx_queue_index %u: the loopback device has one queue",
			      u->rx_queue_index);
	return 0;
}

static int xdp_plan(const struct xdp_ctx *c, uint32_t data_size, struct xdp_layout *l,
		    char *err, size_t size)
{
	uint32_t max_linear;

	l->meta = c->has_user ? c->user.data : 0;
	l->headroom = BPFX_XDP_HEADROOM - l->meta;
	l->linear = c->has_user ? c->user.data_end : data_size;
	max_linear = BPFX_XDP_FRAME_SIZE - l->headroom - BPFX_SHINFO_SIZE;
	if (l->linear > max_linear)
		l->linear = max_linear;
	if (data_size - l->meta < ETH_HLEN)
		return reject(err, size, EINVAL,
			      "data_in: %u bytes of packet, a packet needs at least %u (an Ethernet header)",
			      data_size - l->meta, ETH_HLEN);
	return 0;
}

/* The kernel gives up (ENOMEM) when the frags run out. */
static int xdp_check_frags(const struct xdp_layout *l, uint32_t data_size, char *err,
			   size_t size)
{
	uint32_t rest = data_size - l->linear;

	if ((rest + BPFX_XDP_FRAME_SIZE - 1) / BPFX_XDP_FRAME_SIZE > XDP_MAX_FRAGS)
		return reject(err, size, ENOMEM,
			      "data_in: %u bytes need more than %u frags of %u bytes", data_size,
			      XDP_MAX_FRAGS, BPFX_XDP_FRAME_SIZE);
	return 0;
}

static void xdp_sync(struct bpfx_run *run)
{
	struct xdp_ctx *c = run->ctx_priv;

	c->md.data = ptr32(run->pkt.data);
	c->md.data_end = ptr32(run->pkt.data_end);
	c->md.data_meta = ptr32(run->pkt.meta);
}

static void xdp_release(struct bpfx_run *run)
{
	if (run->pkt.buf)
		munmap(run->pkt.buf, BPFX_XDP_FRAME_SIZE + PAGE_SZ);
	free(run->pkt.frags);
	run->pkt = (struct bpfx_pkt){ 0 };
	run->ctx = run->ctx_priv = NULL;
	run->ctx_size = 0;
}

/* The bytes past the linear part go to page-sized frags. */
static int xdp_frags(struct bpfx_run *run, const uint8_t *rest, uint32_t len)
{
	uint32_t pages = (len + BPFX_XDP_FRAME_SIZE - 1) / BPFX_XDP_FRAME_SIZE;

	if (!len)
		return 0;
	run->pkt.frags = calloc(pages, BPFX_XDP_FRAME_SIZE);
	if (!run->pkt.frags)
		return -ENOMEM;
	memcpy(run->pkt.frags, rest, len);
	run->pkt.frags_len = len;
	return 0;
}

static int xdp_alloc(struct bpfx_run *run, const struct xdp_ctx *proto,
		     const struct xdp_layout *l, const uint8_t *data, uint32_t data_size)
{
	uint8_t *buf = map32(BPFX_XDP_FRAME_SIZE + PAGE_SZ);
	struct xdp_ctx *c;

	if (!buf)
		return -ENOMEM;
	c = (struct xdp_ctx *)(buf + BPFX_XDP_FRAME_SIZE);
	*c = *proto;
	memcpy(buf + l->headroom, data, l->linear);
	run->pkt.buf = buf;
	run->pkt.buf_size = BPFX_XDP_FRAME_SIZE;
	run->pkt.meta = buf + l->headroom;
	run->pkt.data = run->pkt.meta + l->meta;
	run->pkt.data_end = run->pkt.meta + l->linear;
	run->ctx_priv = c;
	run->ctx = &c->md;
	run->ctx_size = sizeof(c->md);
	c->md.ingress_ifindex = LO_IFINDEX;
	c->md.rx_queue_index = c->user.rx_queue_index;
	xdp_sync(run);
	return xdp_frags(run, data + l->linear, data_size - l->linear);
}

static int xdp_prepare(struct bpfx_run *run, const struct bpfx_run_opts *o, char *err,
		       size_t size)
{
	struct xdp_ctx c = { .has_user = o->ctx_in || o->ctx_out };
	struct xdp_layout l;
	const uint8_t *data;
	uint32_t len;
	int ret;

	ret = check_opts(o, err, size);
	if (!ret)
		ret = packet_in(o, &data, &len, err, size);
	if (!ret)
		ret = ctx_in(o, &c.user, sizeof(c.user), err, size);
	if (!ret && c.has_user)
		ret = xdp_check_user(&c.user, len, err, size);
	if (!ret)
		ret = xdp_plan(&c, len, &l, err, size);
	if (!ret && c.has_user)
		ret = xdp_check_rxq(&c.user, err, size);
	if (!ret)
		ret = xdp_check_frags(&l, len, err, size);
	if (ret)
		return ret;
	ret = xdp_alloc(run, &c, &l, data, len);
	if (ret) {
		xdp_release(run);
		return reject(err, size, -ret, "cannot allocate the packet");
	}
	return 0;
}

/* bpf_test_finish() with frags: out go the metadata, the linear part, the frags.
 * When data_out is too small the kernel cuts the linear part, not the frags. */
static int xdp_data_out(struct bpfx_run *run, const struct bpfx_run_opts *o,
			struct bpfx_result *res)
{
	const struct bpfx_pkt *p = &run->pkt;
	uint32_t linear = (uint32_t)(p->data_end - p->meta);
	uint32_t size = linear + p->frags_len, room = size;

	if (o->data_size_out && room > o->data_size_out)
		room = o->data_size_out;
	if (o->data_out) {
		if (room < p->frags_len)
			return -ENOSPC;
		memcpy(o->data_out, p->meta, room - p->frags_len);
		if (p->frags_len)
			memcpy((uint8_t *)o->data_out + room - p->frags_len, p->frags,
			       p->frags_len);
	}
	res->data_size_out = size;
	return room < size ? -ENOSPC : 0;
}

/* xdp_convert_buff_to_md(): data and data_end become offsets from data_meta. */
static int xdp_finish(struct bpfx_run *run, const struct bpfx_run_opts *o,
		      struct bpfx_result *res)
{
	const struct xdp_ctx *c = run->ctx_priv;
	struct xdp_md u = c->user;
	int ret;

	ret = xdp_data_out(run, o, res);
	if (ret || !c->has_user)
		return ret;
	u.data = (uint32_t)(run->pkt.data - run->pkt.meta);
	u.data_end = (uint32_t)(run->pkt.data_end - run->pkt.meta);
	return ctx_out(o, &u, sizeof(u), res);
}

/* ------------------------------------------------------------------------------
 * syscall programs: R1 is a copy of ctx_in (NULL without one), no packet.  The
 * kernel writes the context back into ctx_in; bpfx's ctx_in is const, so it goes to
 * ctx_out.  The kernel's check that ctx_size_in covers every context offset the
 * program reads needs the verifier's max_ctx_offset; it is not made here.
 */

/* R1 = a copy of ctx_in, or NULL without one. */
static int ctx_copy(struct bpfx_run *run, const struct bpfx_run_opts *o, char *err,
		    size_t size)
{
	if (!o->ctx_size_in)
		return 0;
	run->ctx = malloc(o->ctx_size_in);
	if (!run->ctx)
		return reject(err, size, ENOMEM, "cannot allocate the context");
	memcpy(run->ctx, o->ctx_in, o->ctx_size_in);
	run->ctx_size = o->ctx_size_in;
	return 0;
}

static int syscall_prepare(struct bpfx_run *run, const struct bpfx_run_opts *o,
			   char *err, size_t size)
{
	int ret = check_opts(o, err, size);

	if (ret)
		return ret;
	if (o->data_in || o->data_size_in || o->data_out)
		return reject(err, size, EINVAL, "syscall programs take no packet (data_in, data_out)");
	if (o->repeat > 1)
		return reject(err, size, EINVAL, "syscall programs run once (repeat %u)",
			      o->repeat);
	if (o->ctx_size_in > SYSCALL_CTX_MAX)
		return reject(err, size, EINVAL, "ctx_size_in %u is above %u", o->ctx_size_in,
			      SYSCALL_CTX_MAX);
	return ctx_copy(run, o, err, size);
}

static int syscall_finish(struct bpfx_run *run, const struct bpfx_run_opts *o,
			  struct bpfx_result *res)
{
	return run->ctx ? ctx_out(o, run->ctx, run->ctx_size, res) : 0;
}

/* ------------------------------------------------------------------------------
 * raw_tp programs (bpf_prog_test_run_raw_tp()): R1 is a copy of ctx_in, the
 * tracepoint's arguments as u64s (NULL without one), no packet, nothing goes out.
 * As for syscall programs, the kernel's check that ctx_size_in covers every argument
 * the program reads needs the verifier's max_ctx_offset; a read past ctx_in stops
 * the run in checked mode instead.
 */

static int raw_tp_prepare(struct bpfx_run *run, const struct bpfx_run_opts *o,
			  char *err, size_t size)
{
	int ret = check_opts(o, err, size);

	if (ret)
		return ret;
	if (o->data_in || o->data_out || o->ctx_out)
		return reject(err, size, EINVAL,
			      "raw_tp programs take only ctx_in (no data_in, data_out, ctx_out)");
	if (o->repeat > 1)
		return reject(err, size, EINVAL, "raw_tp programs run once (repeat %u)",
			      o->repeat);
	if (o->ctx_size_in > RAW_TP_CTX_MAX)
		return reject(err, size, EINVAL,
			      "ctx_size_in %u is above %u (%u u64 arguments)", o->ctx_size_in,
			      RAW_TP_CTX_MAX, RAW_TP_CTX_MAX / 8);
	return ctx_copy(run, o, err, size);
}

static int no_finish(struct bpfx_run *run, const struct bpfx_run_opts *o,
		     struct bpfx_result *res)
{
	return 0;
}

static void heap_release(struct bpfx_run *run)
{
	free(run->ctx);
	run->ctx = NULL;
	run->ctx_size = 0;
}

/* ------------------------------------------------------------------------------
 * mem programs (bpfx's own): R1 = a copy of data_in, R2 = its length; data_out gets
 * it back.  No context.
 */

static int mem_prepare(struct bpfx_run *run, const struct bpfx_run_opts *o, char *err,
		       size_t size)
{
	int ret = check_opts(o, err, size);
	const uint8_t *data;
	uint32_t len;

	if (ret)
		return ret;
	if (o->ctx_in || o->ctx_out)
		return reject(err, size, EINVAL, "mem programs take no context (ctx_in, ctx_out)");
	ret = packet_in(o, &data, &len, err, size);   /* the same default: 64 zero bytes */
	if (ret)
		return ret;
	run->ctx = calloc(1, len ? len : 1);
	if (!run->ctx)
		return reject(err, size, ENOMEM, "cannot allocate the memory");
	if (len)
		memcpy(run->ctx, data, len);
	run->ctx_size = len;
	return 0;
}

static int mem_finish(struct bpfx_run *run, const struct bpfx_run_opts *o,
		      struct bpfx_result *res)
{
	return data_out(o, 0, run->ctx, run->ctx_size, res);
}

/* ------------------------------------------------------------------------------ */

static const struct bpfx_ctx_ops tc_ops = { tc_prepare, skb_finish, skb_release,
					    skb_store };
static const struct bpfx_ctx_ops sock_ops = { sock_prepare, skb_finish, skb_release,
					      skb_store };
static const struct bpfx_ctx_ops xdp_ops = { xdp_prepare, xdp_finish, xdp_release, NULL };
static const struct bpfx_ctx_ops syscall_ops = { syscall_prepare, syscall_finish,
						 heap_release, NULL };
static const struct bpfx_ctx_ops mem_ops = { mem_prepare, mem_finish, heap_release, NULL };
static const struct bpfx_ctx_ops raw_tp_ops = { raw_tp_prepare, no_finish, heap_release,
						NULL };

const struct bpfx_ctx_ops *bpfx_ctx_ops_for(enum bpfx_prog_type type)
{
	switch (type) {
	case BPFX_PROG_SCHED_CLS:
	case BPFX_PROG_SCHED_ACT:
		return &tc_ops;
	case BPFX_PROG_SOCKET_FILTER:
	case BPFX_PROG_CGROUP_SKB:
	case BPFX_PROG_LWT_IN:
	case BPFX_PROG_LWT_OUT:
	case BPFX_PROG_LWT_XMIT:
		return &sock_ops;
	case BPFX_PROG_XDP:
		return &xdp_ops;
	case BPFX_PROG_SYSCALL:
		return &syscall_ops;
	case BPFX_PROG_MEM:
		return &mem_ops;
	case BPFX_PROG_RAW_TRACEPOINT:
		return &raw_tp_ops;
	default:
		return NULL;
	}
}

struct __sk_buff *bpfx_ctx_skb(struct bpfx_run *run)
{
	if (!run->ctx_priv || (run->ctx_ops != &tc_ops && run->ctx_ops != &sock_ops))
		return NULL;
	return &((struct skb_ctx *)run->ctx_priv)->skb;
}

struct bpf_sock *bpfx_ctx_sock(struct bpfx_run *run)
{
	if (!bpfx_ctx_skb(run))
		return NULL;
	return &((struct skb_ctx *)run->ctx_priv)->sk;
}

bool bpfx_ctx_store(struct bpfx_run *run, uint64_t addr, uint32_t size, uint64_t val,
		    bool imm)
{
	uint64_t base = (uint64_t)(uintptr_t)run->ctx;

	if (!run->ctx || !run->ctx_ops || !run->ctx_ops->store || addr < base ||
	    addr - base >= run->ctx_size)
		return false;
	return run->ctx_ops->store(run, (uint32_t)(addr - base), size, val, imm);
}

void bpfx_ctx_sync_pkt(struct bpfx_run *run)
{
	if (!run->ctx_priv)
		return;
	if (run->ctx_ops == &tc_ops || run->ctx_ops == &sock_ops)
		skb_sync(run);
	else if (run->ctx_ops == &xdp_ops)
		xdp_sync(run);
}
