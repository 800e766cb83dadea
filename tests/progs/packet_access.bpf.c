// SPDX-License-Identifier: MIT
/* packet_access: reading and writing the packet of tc and xdp programs, directly and
 * with helpers (bpf_skb_load_bytes, bpf_skb_store_bytes, bpf_xdp_adjust_head/tail,
 * after which packet pointers must be loaded again).  The input is 64 zero bytes;
 * context fields are in ctx_skb and ctx_xdp.  Every value was checked against the
 * host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EFAULT 14

/* bpf_skb_load_bytes within and past the packet. */
SEC("tc") __success __retval(0)
int tc_load_bytes(struct __sk_buff *ctx)
{
	__u32 v = 1;

	return bpf_skb_load_bytes(ctx, 60, &v, sizeof(v)) | v;
}

SEC("tc") __success __retval(-EFAULT)
int tc_load_bytes_past_end(struct __sk_buff *ctx)
{
	__u32 v;

	return bpf_skb_load_bytes(ctx, 62, &v, sizeof(v));
}

/* Store with a helper, read back directly. */
SEC("tc") __success __retval(0xab)
int tc_store_bytes(struct __sk_buff *ctx)
{
	__u8 b = 0xab;
	void *data, *data_end;

	if (bpf_skb_store_bytes(ctx, 20, &b, 1, 0))
		return -1;
	data = (void *)(long)ctx->data;	/* reload: the helper may move the packet */
	data_end = (void *)(long)ctx->data_end;
	if (data + 21 > data_end)
		return -2;
	return ((__u8 *)data)[20];
}

/* Direct writes, read back. */
SEC("tc") __success __retval(0x12345678)
int tc_direct_write(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 *p = data + 40;

	if ((void *)(p + 1) > data_end)
		return -1;
	*p = 0x12345678;
	return *(volatile __u32 *)p;
}

SEC("xdp") __success __retval(0x5a)
int xdp_direct_write(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;

	if (data + 64 > data_end)
		return -1;
	p[63] = 0x5a;
	return *(volatile __u8 *)&p[63];
}

/* Shrinking at the head moves data forward; growing the tail moves data_end. */
static __always_inline __u64 xdp_size(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	__u64 size = data_end - data;

	barrier_var(size);	/* keep the subtraction 64-bit: a 32-bit one on
				 * pointers is refused */
	return size;
}

SEC("xdp") __success __retval(5054)
int xdp_adjust(struct xdp_md *ctx)
{
	__u64 head, tail;

	if (bpf_xdp_adjust_head(ctx, 14))
		return -1;
	head = xdp_size(ctx);		/* 50 */
	if (bpf_xdp_adjust_tail(ctx, 4))
		return -2;
	tail = xdp_size(ctx);		/* 54 */
	return head * 100 + tail;
}

char _license[] SEC("license") = "Dual MIT/GPL";
