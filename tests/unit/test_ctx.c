/* SPDX-License-Identifier: MIT */
/*
 * test_ctx.c - the program contexts of exec/ctx.c against what the host kernel's
 * BPF_PROG_TEST_RUN gave (Linux 6.18.44, x86-64, read with test programs that copy
 * every field out, see tests/progs/ctx_*.bpf.c): field values, the errnos of bad
 * input and bad ctx_in, and what goes out to data_out and ctx_out.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/run.h"
#include "check.h"

static char errbuf[256];

/* A test packet: zero MACs, IPv4 192.168.0.1 -> 192.168.0.2, TCP 1234 -> 80, SYN. */
static const uint8_t pkt_v4[54] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0x02,
	0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
	0xf0, 0x0d, 0x00, 0x00,
};

static uint8_t zeros[100000];

static struct bpfx_run_opts opts_data(const void *data, uint32_t len)
{
	return (struct bpfx_run_opts){ .sz = sizeof(struct bpfx_run_opts), .data_in = data,
				       .data_size_in = len };
}

static int prep(struct bpfx_run *run, enum bpfx_prog_type type,
		const struct bpfx_run_opts *o)
{
	memset(run, 0, sizeof(*run));
	errbuf[0] = 0;
	run->ctx_ops = bpfx_ctx_ops_for(type);
	return run->ctx_ops->prepare(run, o, errbuf, sizeof(errbuf));
}

/* Prepare, expect err, release if it worked: for the input checks. */
static int prep_err(enum bpfx_prog_type type, const struct bpfx_run_opts *o)
{
	static struct bpfx_run run;
	int err = prep(&run, type, o);

	if (!err)
		run.ctx_ops->release(&run);
	else
		CHECK(errbuf[0] != 0); /* every refusal says why */
	return err;
}

static struct __sk_buff *skb_of(struct bpfx_run *run)
{
	return run->ctx;
}

/* --- tc ------------------------------------------------------------------------ */

static void test_tc_zeros(void)
{
	struct bpfx_run_opts o = opts_data(zeros, 64);
	uint8_t out[256];
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	struct __sk_buff *s;
	struct bpf_sock *sk;

	o.data_out = out;
	o.data_size_out = sizeof(out);
	memset(out, 0xee, sizeof(out));
	CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
	s = skb_of(&run);
	CHECK_EQ(s->len, 64);
	CHECK_EQ(s->pkt_type, 0);
	CHECK_EQ(s->protocol, 0x0400); /* htons(ETH_P_802_2) */
	CHECK_EQ(s->ifindex, 1);
	CHECK_EQ(s->mark | s->queue_mapping | s->vlan_present | s->vlan_tci | s->vlan_proto |
		 s->priority | s->ingress_ifindex | s->tc_index | s->hash | s->tc_classid |
		 s->napi_id | s->gso_segs | s->gso_size | s->tstamp_type, 0);
	CHECK_EQ(s->tstamp | s->hwtstamp, 0);
	CHECK_EQ(s->wire_len, 0); /* nothing converted without ctx_in/ctx_out */
	CHECK_EQ(s->data_end - s->data, 64);
	CHECK_EQ(s->data - s->data_meta, 0);
	CHECK_EQ(s->data, (uint32_t)(uintptr_t)run.pkt.data);
	CHECK_EQ((uintptr_t)run.pkt.data >> 32, 0);
	CHECK_EQ(run.pkt.data - run.pkt.buf, BPFX_SKB_HEADROOM);
	CHECK_EQ(run.pkt.buf_size, BPFX_SKB_BUF_SIZE);
	sk = s->sk;
	CHECK(sk != NULL);
	if (sk) {
		CHECK_EQ(sk->state, 7);
		CHECK_EQ(sk->family, 0);
		CHECK_EQ(sk->rx_queue_mapping, -1);
		CHECK((uint8_t *)sk + sizeof(*sk) <= (uint8_t *)run.ctx + run.ctx_size);
	}
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 64);
	CHECK_EQ(res.ctx_size_out, 0);
	CHECK(!memcmp(out, zeros, 64) && out[64] == 0xee);
	run.ctx_ops->release(&run);
	CHECK(run.ctx == NULL && run.pkt.buf == NULL);
}

static void test_tc_ipv4(void)
{
	struct bpfx_run_opts o = opts_data(pkt_v4, sizeof(pkt_v4));
	uint8_t out[256];
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	struct __sk_buff *s;

	o.data_out = out;
	o.data_size_out = sizeof(out);
	CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
	s = skb_of(&run);
	CHECK_EQ(s->len, 54);
	CHECK_EQ(s->protocol, 0x0008); /* htons(ETH_P_IP) */
	CHECK_EQ(s->pkt_type, 0);
	CHECK_EQ(s->data_end - s->data, 54);
	CHECK_EQ(s->sk->family, 2);
	CHECK_EQ(s->sk->src_ip4, 0x0100a8c0); /* the dummy socket's rcv_saddr: saddr */
	CHECK_EQ(s->sk->dst_ip4, 0x0200a8c0);
	CHECK_EQ(s->sk->state, 7);
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 54);
	CHECK(!memcmp(out, pkt_v4, sizeof(pkt_v4)));
	run.ctx_ops->release(&run);
}

/* pkt_type and protocol from eth_type_trans() on loopback (all-zero address and
 * broadcast address). */
static void test_tc_eth(void)
{
	static const struct {
		uint8_t head[16];
		uint32_t len;
		uint32_t pkt_type, protocol;
	} cases[] = {
		{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 64, 2, 0x0400 },
		{ { 0x02, 0, 0, 0, 0, 0x01 }, 64, 3, 0x0400 },
		{ { 0x01, 0x00, 0x5e, 0, 0, 0x01 }, 64, 2, 0x0400 },
		{ { [14] = 0xff, [15] = 0xff }, 64, 0, 0x0100 }, /* htons(ETH_P_802_3) */
		{ { 0 }, 14, 0, 0x0400 },
		{ { [12] = 0x86, [13] = 0xdd }, 54, 0, 0xdd86 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t pkt[64] = { 0 };
		struct bpfx_run_opts o = opts_data(pkt, cases[i].len);
		struct bpfx_run run;

		memcpy(pkt, cases[i].head, sizeof(cases[i].head));
		CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
		CHECK_EQ(skb_of(&run)->len, cases[i].len);
		CHECK_EQ(skb_of(&run)->pkt_type, cases[i].pkt_type);
		CHECK_EQ(skb_of(&run)->protocol, cases[i].protocol);
		run.ctx_ops->release(&run);
	}
}

static void test_tc_bad_data(void)
{
	uint8_t pkt[64] = { [12] = 0x08, [13] = 0x00 };
	struct bpfx_run_opts o;

	o = opts_data(zeros, 13);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -EINVAL);
	o = opts_data(zeros, 3712);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), 0);
	o = opts_data(zeros, 3713);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -EINVAL);
	o = opts_data(pkt, 14 + 19); /* IPv4 without a whole IPv4 header */
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -EINVAL);
	o = opts_data(pkt, 14 + 20);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), 0);
	pkt[12] = 0x86;
	pkt[13] = 0xdd;
	o = opts_data(pkt, 14 + 39);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -EINVAL);
	o = opts_data(pkt, 14 + 40);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), 0);
	o = opts_data(NULL, 64);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -EFAULT);
	o = opts_data(zeros, 64);
	o.data_out = pkt; /* no room given */
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -EINVAL);
}

/* data_in NULL: 64 zero bytes, as the kernel selftests' default input. */
static void test_tc_default_data(void)
{
	struct bpfx_run_opts o = opts_data(NULL, 0);
	struct bpfx_run run;

	CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
	CHECK_EQ(skb_of(&run)->len, 64);
	run.ctx_ops->release(&run);
}

static struct __sk_buff ctx_with(size_t off, size_t size, uint64_t v)
{
	struct __sk_buff c = { 0 };

	memcpy((uint8_t *)&c + off, &v, size);
	return c;
}

static int tc_ctx_err(size_t off, size_t size, uint64_t v)
{
	struct __sk_buff c = ctx_with(off, size, v);
	struct bpfx_run_opts o = opts_data(zeros, 64);

	o.ctx_in = &c;
	o.ctx_size_in = sizeof(c);
	return prep_err(BPFX_PROG_SCHED_CLS, &o);
}

#define SKB_OFF(f) offsetof(struct __sk_buff, f), sizeof(((struct __sk_buff *)0)->f)

static void test_tc_ctx_in_checks(void)
{
	uint8_t big[200] = { 0 };
	struct bpfx_run_opts o = opts_data(zeros, 64);

	CHECK_EQ(tc_ctx_err(SKB_OFF(len), 1), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(tc_index), 1), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(hash), 1), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(queue_mapping), 1), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(data), 1), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(tstamp_type), 1), -EINVAL);
	CHECK_EQ(tc_ctx_err(181, 1, 1), -EINVAL); /* the padding after tstamp_type */
	CHECK_EQ(tc_ctx_err(SKB_OFF(wire_len), 63), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(wire_len), 65536), 0);
	CHECK_EQ(tc_ctx_err(SKB_OFF(wire_len), 65537), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(gso_segs), 65535), 0);
	CHECK_EQ(tc_ctx_err(SKB_OFF(gso_segs), 65536), -EINVAL);
	CHECK_EQ(tc_ctx_err(SKB_OFF(ifindex), 1), 0);
	CHECK_EQ(tc_ctx_err(SKB_OFF(ifindex), 99), -ENODEV);
	o.ctx_in = big;
	o.ctx_size_in = sizeof(big);
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), 0);
	big[196] = 1;
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -E2BIG);
	o.ctx_size_in = 8; /* a prefix of __sk_buff is fine */
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), 0);
	o.ctx_size_in = 0; /* a pointer without a size */
	CHECK_EQ(prep_err(BPFX_PROG_SCHED_CLS, &o), -EINVAL);
}

/* The kernel, given every field ctx_in may set, showed these in the program and in
 * ctx_out (gso_size goes in but is not written back: it stays as given). */
static void test_tc_ctx_in_fields(void)
{
	struct __sk_buff in = { .mark = 5, .priority = 6, .ingress_ifindex = 7,
				.cb = { 0x10, 0, 0, 0, 0x14 }, .tstamp = 0x123456789,
				.wire_len = 100, .gso_segs = 3, .gso_size = 1400,
				.hwtstamp = 0x99 };
	struct __sk_buff out, want = in;
	struct bpfx_run_opts o = opts_data(zeros, 64);
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	struct __sk_buff *s;

	o.ctx_in = &in;
	o.ctx_size_in = sizeof(in);
	o.ctx_out = &out;
	o.ctx_size_out = sizeof(out);
	CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
	s = skb_of(&run);
	CHECK_EQ(s->mark, 5);
	CHECK_EQ(s->priority, 6);
	CHECK_EQ(s->ingress_ifindex, 7);
	CHECK_EQ(s->ifindex, 1);
	CHECK_EQ(s->cb[0], 0x10);
	CHECK_EQ(s->cb[4], 0x14);
	CHECK_EQ(s->tstamp, 0x123456789);
	CHECK_EQ(s->wire_len, 100);
	CHECK_EQ(s->gso_segs, 3);
	CHECK_EQ(s->gso_size, 1400);
	CHECK_EQ(s->hwtstamp, 0x99);
	CHECK_EQ(s->len, 64);
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.ctx_size_out, sizeof(struct __sk_buff));
	want.ifindex = 1;
	CHECK(!memcmp(&out, &want, sizeof(out)));
	run.ctx_ops->release(&run);
}

/* What a program writes: mark, priority, cb and tstamp come back in ctx_out;
 * tc_index, tc_classid and queue_mapping do not.  Only ctx_out given: the ctx is
 * converted from zeros, so wire_len is len. */
static void test_tc_ctx_out_writes(void)
{
	struct __sk_buff out;
	struct bpfx_run_opts o = opts_data(zeros, 64);
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	struct __sk_buff *s;

	o.ctx_out = &out;
	o.ctx_size_out = sizeof(out);
	CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
	s = skb_of(&run);
	CHECK_EQ(s->wire_len, 64);
	s->mark = 0x11;
	s->priority = 0x22;
	s->tc_index = 0x33;
	s->tc_classid = 0x44;
	s->cb[0] = 0x55;
	s->cb[4] = 0x66;
	s->queue_mapping = 7;
	s->tstamp = 0x77;
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(out.mark, 0x11);
	CHECK_EQ(out.priority, 0x22);
	CHECK_EQ(out.cb[0], 0x55);
	CHECK_EQ(out.cb[4], 0x66);
	CHECK_EQ(out.tstamp, 0x77);
	CHECK_EQ(out.ifindex, 1);
	CHECK_EQ(out.wire_len, 64);
	CHECK_EQ(out.tc_index | out.tc_classid | out.queue_mapping | out.len, 0);
	run.ctx_ops->release(&run);
}

/* Too little room: what fits is copied and -ENOSPC; a short data_out also skips
 * ctx_out, as in the kernel. */
static void test_tc_truncation(void)
{
	struct __sk_buff in = { 0 };
	uint8_t out[64], ctx[sizeof(struct __sk_buff)];
	struct bpfx_run_opts o = opts_data(pkt_v4, sizeof(pkt_v4));
	struct bpfx_result res = { 0 };
	struct bpfx_run run;

	o.ctx_in = &in;
	o.ctx_size_in = sizeof(in);
	o.ctx_out = ctx;
	o.ctx_size_out = sizeof(ctx);
	o.data_out = out;
	o.data_size_out = 10;
	memset(out, 0xee, sizeof(out));
	memset(ctx, 0xee, sizeof(ctx));
	CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), -ENOSPC);
	CHECK_EQ(res.data_size_out, 54);
	CHECK(!memcmp(out, pkt_v4, 10) && out[10] == 0xee);
	CHECK(ctx[0] == 0xee && res.ctx_size_out == 0);
	o.data_size_out = sizeof(out);
	o.ctx_size_out = 100;
	res = (struct bpfx_result){ 0 };
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), -ENOSPC);
	CHECK_EQ(res.ctx_size_out, sizeof(struct __sk_buff));
	CHECK(ctx[40] == 1 && ctx[100] == 0xee); /* ifindex copied, the rest not */
	run.ctx_ops->release(&run);
}

/* --- socket filters -------------------------------------------------------------- */

static void test_socket(void)
{
	uint8_t pkt[54] = { 0 }, out[256];
	struct __sk_buff in = { .mark = 9 }, cout;
	struct bpfx_run_opts o = opts_data(pkt, sizeof(pkt));
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	struct __sk_buff *s;

	memcpy(pkt, pkt_v4, sizeof(pkt));
	for (int i = 0; i < 12; i++)
		pkt[i] = (uint8_t)(i + 1); /* dst 01:02:..: multicast bit set */
	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.ctx_in = &in;
	o.ctx_size_in = sizeof(in);
	o.ctx_out = &cout;
	o.ctx_size_out = sizeof(cout);
	CHECK_EQ(prep(&run, BPFX_PROG_SOCKET_FILTER, &o), 0);
	s = skb_of(&run);
	CHECK_EQ(s->len, 40);
	CHECK_EQ(s->pkt_type, 2);
	CHECK_EQ(s->protocol, 0x0008);
	CHECK_EQ(s->ifindex, 1);
	CHECK_EQ(s->mark, 9);
	CHECK_EQ(run.pkt.data[0], 0x45); /* data starts after the Ethernet header */
	CHECK_EQ(run.pkt.data - run.pkt.buf, BPFX_SKB_HEADROOM + 14);
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 54);
	CHECK(!memcmp(out, zeros, 14) && !memcmp(out + 14, pkt_v4 + 14, 40));
	CHECK_EQ(cout.wire_len, 40);
	CHECK_EQ(cout.mark, 9);
	run.ctx_ops->release(&run);

	o = opts_data(zeros, 64);
	CHECK_EQ(prep(&run, BPFX_PROG_SOCKET_FILTER, &o), 0);
	CHECK_EQ(skb_of(&run)->len, 50);
	CHECK_EQ(skb_of(&run)->protocol, 0x0400);
	run.ctx_ops->release(&run);
	o = opts_data(zeros, 13);
	CHECK_EQ(prep_err(BPFX_PROG_SOCKET_FILTER, &o), -EINVAL);
	o = opts_data(zeros, 3713);
	CHECK_EQ(prep_err(BPFX_PROG_SOCKET_FILTER, &o), -EINVAL);
}

/* bpfx_ctx_sync_pkt(): a helper moved the packet. */
static void test_skb_sync(void)
{
	struct bpfx_run_opts o = opts_data(zeros, 64);
	struct bpfx_run run;

	CHECK_EQ(prep(&run, BPFX_PROG_SCHED_CLS, &o), 0);
	run.pkt.data_end += 100;
	run.pkt.data -= 4;
	run.pkt.meta = run.pkt.data;
	bpfx_ctx_sync_pkt(&run);
	CHECK_EQ(skb_of(&run)->len, 168);
	CHECK_EQ(skb_of(&run)->data, (uint32_t)(uintptr_t)run.pkt.data);
	CHECK_EQ(skb_of(&run)->data_end, (uint32_t)(uintptr_t)run.pkt.data_end);
	CHECK_EQ(skb_of(&run)->data_meta, (uint32_t)(uintptr_t)run.pkt.data);
	run.ctx_ops->release(&run);
}

/* --- xdp ------------------------------------------------------------------------ */

static struct xdp_md *md_of(struct bpfx_run *run)
{
	return run->ctx;
}

static void test_xdp_zeros(void)
{
	struct bpfx_run_opts o = opts_data(pkt_v4, sizeof(pkt_v4));
	uint8_t out[256];
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	struct xdp_md *m;

	o.data_out = out;
	o.data_size_out = sizeof(out);
	CHECK_EQ(prep(&run, BPFX_PROG_XDP, &o), 0);
	m = md_of(&run);
	CHECK_EQ(m->data_end - m->data, 54);
	CHECK_EQ(m->data - m->data_meta, 0);
	CHECK_EQ(m->ingress_ifindex, 1);
	CHECK_EQ(m->rx_queue_index, 0);
	CHECK_EQ(m->egress_ifindex, 0);
	CHECK_EQ(m->data, (uint32_t)(uintptr_t)run.pkt.data);
	CHECK_EQ(run.pkt.data - run.pkt.buf, 256);
	CHECK_EQ(run.pkt.buf_size, 4096);
	CHECK_EQ(run.ctx_size, sizeof(struct xdp_md));
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 54);
	CHECK(!memcmp(out, pkt_v4, sizeof(pkt_v4)));
	run.ctx_ops->release(&run);
}

static struct bpfx_run_opts xdp_opts(const void *data, uint32_t len, struct xdp_md *in)
{
	struct bpfx_run_opts o = opts_data(data, len);

	o.ctx_in = in;
	o.ctx_size_in = sizeof(*in);
	return o;
}

static int xdp_ctx_err(uint32_t len, struct xdp_md in)
{
	struct bpfx_run_opts o = xdp_opts(zeros, len, &in);

	return prep_err(BPFX_PROG_XDP, &o);
}

static void test_xdp_bad(void)
{
	uint8_t ctx28[28] = { [4] = 60, [24] = 1 };
	struct bpfx_run_opts o;

	o = opts_data(zeros, 13);
	CHECK_EQ(prep_err(BPFX_PROG_XDP, &o), -EINVAL);
	CHECK_EQ(xdp_ctx_err(40, (struct xdp_md){ .data = 6, .data_end = 40 }), -EINVAL);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data = 36, .data_end = 60 }), 0);
	CHECK_EQ(xdp_ctx_err(260, (struct xdp_md){ .data = 216, .data_end = 260 }), 0);
	CHECK_EQ(xdp_ctx_err(260, (struct xdp_md){ .data = 220, .data_end = 260 }), -EINVAL);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data_end = 61 }), -EINVAL);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data = 64, .data_end = 60 }), -EINVAL);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data_end = 60, .data_meta = 1 }), -EINVAL);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data_end = 60, .ingress_ifindex = 1 }), 0);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data_end = 60, .ingress_ifindex = 1,
						  .rx_queue_index = 1 }), -EINVAL);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data_end = 60, .rx_queue_index = 1 }),
		 -EINVAL);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data_end = 60, .ingress_ifindex = 99 }),
		 -ENODEV);
	CHECK_EQ(xdp_ctx_err(60, (struct xdp_md){ .data_end = 60, .egress_ifindex = 1 }),
		 -EINVAL);
	CHECK_EQ(xdp_ctx_err(21, (struct xdp_md){ .data = 8, .data_end = 21 }), -EINVAL);
	CHECK_EQ(xdp_ctx_err(22, (struct xdp_md){ .data = 8, .data_end = 22 }), 0);
	o = opts_data(zeros, 60);
	o.ctx_in = ctx28;
	o.ctx_size_in = sizeof(ctx28);
	CHECK_EQ(prep_err(BPFX_PROG_XDP, &o), -E2BIG);
	o = opts_data(zeros, 73152); /* 3520 linear + 17 frags of 4096 */
	CHECK_EQ(prep_err(BPFX_PROG_XDP, &o), 0);
	o = opts_data(zeros, 73153);
	CHECK_EQ(prep_err(BPFX_PROG_XDP, &o), -ENOMEM);
}

/* Metadata is the first ctx_in->data bytes of data_in; all of it goes out again. */
static void test_xdp_meta(void)
{
	uint8_t pkt[40] = { 0 }, out[256];
	struct xdp_md in = { .data = 8, .data_end = 40 }, cout;
	struct bpfx_run_opts o = xdp_opts(pkt, sizeof(pkt), &in);
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	struct xdp_md *m;

	for (int i = 0; i < 40; i++)
		pkt[i] = (uint8_t)(i < 8 ? 0xaa : i - 8);
	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.ctx_out = &cout;
	o.ctx_size_out = sizeof(cout);
	CHECK_EQ(prep(&run, BPFX_PROG_XDP, &o), 0);
	m = md_of(&run);
	CHECK_EQ(m->data_end - m->data, 32);
	CHECK_EQ(m->data - m->data_meta, 8);
	CHECK_EQ(m->ingress_ifindex, 1);
	CHECK_EQ(run.pkt.data - run.pkt.buf, 256);
	CHECK_EQ(run.pkt.data[0], 0);
	CHECK_EQ(run.pkt.meta[0], 0xaa);
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 40);
	CHECK(!memcmp(out, pkt, sizeof(pkt)));
	CHECK_EQ(cout.data, 8);
	CHECK_EQ(cout.data_end, 40);
	CHECK_EQ(cout.data_meta | cout.ingress_ifindex | cout.rx_queue_index, 0);
	run.ctx_ops->release(&run);
}

/* ctx_in->data_end below data_size_in: the rest goes to frags.  A zeroed ctx (only
 * ctx_out given) makes the linear part empty. */
static void test_xdp_linear(void)
{
	struct xdp_md in = { .data = 8, .data_end = 10 }, cout;
	struct bpfx_run_opts o = xdp_opts(pkt_v4, 22, &in);
	uint8_t out[128];
	struct bpfx_result res = { 0 };
	struct bpfx_run run;

	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.ctx_out = &cout;
	o.ctx_size_out = sizeof(cout);
	CHECK_EQ(prep(&run, BPFX_PROG_XDP, &o), 0);
	CHECK_EQ(md_of(&run)->data_end - md_of(&run)->data, 2);
	CHECK_EQ(run.pkt.frags_len, 12);
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 22);
	CHECK(!memcmp(out, pkt_v4, 22));
	CHECK_EQ(cout.data, 8);
	CHECK_EQ(cout.data_end, 10);
	run.ctx_ops->release(&run);

	o = opts_data(zeros, 60);
	o.ctx_out = &cout;
	o.ctx_size_out = sizeof(cout);
	CHECK_EQ(prep(&run, BPFX_PROG_XDP, &o), 0);
	CHECK_EQ(md_of(&run)->data_end - md_of(&run)->data, 0);
	CHECK_EQ(md_of(&run)->ingress_ifindex, 1);
	res = (struct bpfx_result){ 0 };
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 60);
	CHECK_EQ(cout.data | cout.data_end | cout.data_meta, 0);
	run.ctx_ops->release(&run);

	o = opts_data(zeros, 3521);
	CHECK_EQ(prep(&run, BPFX_PROG_XDP, &o), 0);
	CHECK_EQ(md_of(&run)->data_end - md_of(&run)->data, 3520);
	CHECK_EQ(run.pkt.frags_len, 1);
	run.ctx_ops->release(&run);
}

static void test_xdp_sync(void)
{
	struct bpfx_run_opts o = opts_data(zeros, 64);
	struct bpfx_run run;

	CHECK_EQ(prep(&run, BPFX_PROG_XDP, &o), 0);
	run.pkt.meta -= 8;
	run.pkt.data += 4;
	run.pkt.data_end += 10;
	bpfx_ctx_sync_pkt(&run);
	CHECK_EQ(md_of(&run)->data - md_of(&run)->data_meta, 12);
	CHECK_EQ(md_of(&run)->data_end - md_of(&run)->data, 70);
	run.ctx_ops->release(&run);
}

/* --- syscall and mem ------------------------------------------------------------ */

static void test_syscall(void)
{
	uint64_t in[2] = { 41, 0 }, out[2] = { 0 };
	struct bpfx_run_opts o = { .sz = sizeof(o), .ctx_in = in, .ctx_size_in = sizeof(in),
				   .ctx_out = out, .ctx_size_out = sizeof(out) };
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	uint64_t *ctx;

	CHECK_EQ(prep(&run, BPFX_PROG_SYSCALL, &o), 0);
	ctx = run.ctx;
	CHECK(ctx != NULL && ctx != in);
	CHECK_EQ(run.ctx_size, 16);
	CHECK_EQ(ctx[0], 41);
	ctx[1] = 42;
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(out[1], 42);
	CHECK_EQ(res.ctx_size_out, 16);
	o.ctx_size_out = 8;
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), -ENOSPC);
	run.ctx_ops->release(&run);

	o = (struct bpfx_run_opts){ .sz = sizeof(o) };
	CHECK_EQ(prep(&run, BPFX_PROG_SYSCALL, &o), 0);
	CHECK(run.ctx == NULL);
	run.ctx_ops->release(&run);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .ctx_in = in, .ctx_size_in = 16,
				    .data_in = zeros, .data_size_in = 64 };
	CHECK_EQ(prep_err(BPFX_PROG_SYSCALL, &o), -EINVAL);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .ctx_in = in, .ctx_size_in = 16,
				    .repeat = 2 };
	CHECK_EQ(prep_err(BPFX_PROG_SYSCALL, &o), -EINVAL);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .ctx_in = zeros, .ctx_size_in = 65536 };
	CHECK_EQ(prep_err(BPFX_PROG_SYSCALL, &o), -EINVAL);
	o.ctx_size_in = 65535;
	CHECK_EQ(prep_err(BPFX_PROG_SYSCALL, &o), 0);
}

static void test_mem(void)
{
	uint8_t in[10] = { 1, 2, 3 }, out[10] = { 0 };
	struct bpfx_run_opts o = { .sz = sizeof(o), .data_in = in, .data_size_in = 10,
				   .data_out = out, .data_size_out = 10 };
	struct bpfx_result res = { 0 };
	struct bpfx_run run;
	uint8_t *mem;

	CHECK_EQ(prep(&run, BPFX_PROG_MEM, &o), 0);
	mem = run.ctx;
	CHECK(mem != NULL && mem != in);
	CHECK_EQ(run.ctx_size, 10);
	CHECK_EQ(mem[2], 3);
	mem[9] = 99;
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.data_size_out, 10);
	CHECK_EQ(out[9], 99);
	o.data_size_out = 4;
	memset(out, 0, sizeof(out));
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), -ENOSPC);
	CHECK(out[2] == 3 && out[4] == 0);
	run.ctx_ops->release(&run);

	o = (struct bpfx_run_opts){ .sz = sizeof(o), .data_in = in, .data_size_in = 10,
				    .ctx_in = in, .ctx_size_in = 10 };
	CHECK_EQ(prep_err(BPFX_PROG_MEM, &o), -EINVAL);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .data_size_in = 10 };
	CHECK_EQ(prep_err(BPFX_PROG_MEM, &o), -EFAULT);
}

/* raw_tp (bpf_prog_test_run_raw_tp): ctx_in only, at most 12 u64 arguments; data_in,
 * data_out, ctx_out and repeat are EINVAL, as in the host kernel. */
static void test_raw_tp(void)
{
	uint64_t in[13] = { 40, 2 }, out[2];
	struct bpfx_run_opts o = { .sz = sizeof(o), .ctx_in = in, .ctx_size_in = 16 };
	struct bpfx_result res = { 0 };
	struct bpfx_run run;

	CHECK_EQ(prep(&run, BPFX_PROG_RAW_TRACEPOINT, &o), 0);
	CHECK(run.ctx != NULL && run.ctx != (void *)in);
	CHECK_EQ(run.ctx_size, 16);
	CHECK_EQ(((uint64_t *)run.ctx)[1], 2);
	CHECK_EQ(run.ctx_ops->finish(&run, &o, &res), 0);
	CHECK_EQ(res.ctx_size_out, 0);
	run.ctx_ops->release(&run);

	o = (struct bpfx_run_opts){ .sz = sizeof(o) };
	CHECK_EQ(prep(&run, BPFX_PROG_RAW_TRACEPOINT, &o), 0);
	CHECK(run.ctx == NULL);
	run.ctx_ops->release(&run);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .ctx_in = in, .ctx_size_in = 96 };
	CHECK_EQ(prep_err(BPFX_PROG_RAW_TRACEPOINT, &o), 0);
	o.ctx_size_in = 104;
	CHECK_EQ(prep_err(BPFX_PROG_RAW_TRACEPOINT, &o), -EINVAL);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .ctx_in = in, .ctx_size_in = 16,
				    .ctx_out = out, .ctx_size_out = sizeof(out) };
	CHECK_EQ(prep_err(BPFX_PROG_RAW_TRACEPOINT, &o), -EINVAL);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .data_in = zeros, .data_size_in = 64 };
	CHECK_EQ(prep_err(BPFX_PROG_RAW_TRACEPOINT, &o), -EINVAL);
	o = (struct bpfx_run_opts){ .sz = sizeof(o), .repeat = 2 };
	CHECK_EQ(prep_err(BPFX_PROG_RAW_TRACEPOINT, &o), -EINVAL);
}

static void test_ops_table(void)
{
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_UNSPEC) == NULL);
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_SCHED_ACT) == bpfx_ctx_ops_for(BPFX_PROG_SCHED_CLS));
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_XDP) != NULL);
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_SOCKET_FILTER) != bpfx_ctx_ops_for(BPFX_PROG_XDP));
	/* cgroup_skb and lwt programs get a socket filter's skb (no Ethernet header) */
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_CGROUP_SKB) ==
	      bpfx_ctx_ops_for(BPFX_PROG_SOCKET_FILTER));
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_LWT_XMIT) ==
	      bpfx_ctx_ops_for(BPFX_PROG_SOCKET_FILTER));
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_RAW_TRACEPOINT) != NULL);
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_KPROBE) == NULL);
	CHECK(bpfx_ctx_ops_for(BPFX_PROG_FLOW_DISSECTOR) == NULL);
}

int main(void)
{
	test_tc_zeros();
	test_tc_ipv4();
	test_tc_eth();
	test_tc_bad_data();
	test_tc_default_data();
	test_tc_ctx_in_checks();
	test_tc_ctx_in_fields();
	test_tc_ctx_out_writes();
	test_tc_truncation();
	test_socket();
	test_skb_sync();
	test_xdp_zeros();
	test_xdp_bad();
	test_xdp_meta();
	test_xdp_linear();
	test_xdp_sync();
	test_syscall();
	test_mem();
	test_raw_tp();
	test_ops_table();
	if (failures) {
		fprintf(stderr, "test_ctx: %d failures\n", failures);
		return 1;
	}
	printf("test_ctx: ok\n");
	return 0;
}
