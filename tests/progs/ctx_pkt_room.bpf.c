// SPDX-License-Identifier: MIT
/* ctx_pkt_room: how far the test run's packet may grow, found with the helpers that
 * move its edges (64 zero bytes of packet).  Values from the host kernel (6.18.44):
 *   xdp: 256 bytes of headroom less a struct xdp_frame (40) = 216 for the head and
 *        for metadata (a multiple of 4); data_end up to a page less 256 of headroom
 *        and 320 of skb_shared_info: 3520 - 64 = 3456 bytes of tail growth.
 *   tc:  bpf_skb_change_tail() up to SKB_MAX_ALLOC = 16384 - 320 = 16064 bytes. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

/* The largest n in [0, hi) for which bpf_xdp_adjust_head(-n) succeeds (undone). */
SEC("xdp")
__success __retval(216)
int xdp_head_room(struct xdp_md *ctx)
{
	__u32 lo = 0, hi = 4096;

	for (int i = 0; i < 13; i++) {
		__u32 mid = (lo + hi) / 2;

		if (bpf_xdp_adjust_head(ctx, -(int)mid) == 0) {
			lo = mid;
			bpf_xdp_adjust_head(ctx, mid);
		} else {
			hi = mid;
		}
	}
	return lo;
}

SEC("xdp")
__success __retval(3456)
int xdp_tail_room(struct xdp_md *ctx)
{
	__u32 lo = 0, hi = 8192;

	for (int i = 0; i < 14; i++) {
		__u32 mid = (lo + hi) / 2;

		if (bpf_xdp_adjust_tail(ctx, mid) == 0) {
			lo = mid;
			bpf_xdp_adjust_tail(ctx, -(int)mid);
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* 216 bytes of metadata fit, 220 do not (EINVAL); 6 is not a multiple of 4 (EACCES). */
SEC("xdp")
__success __retval(216)
int xdp_meta_room(struct xdp_md *ctx)
{
	__u32 meta;

	if (bpf_xdp_adjust_meta(ctx, -220) != -22)
		return 1;
	if (bpf_xdp_adjust_meta(ctx, -6) != -13)
		return 2;
	if (bpf_xdp_adjust_meta(ctx, -216))
		return 3;
	meta = ctx->data - ctx->data_meta;
	bpf_xdp_adjust_meta(ctx, 216); /* metadata goes to data_out, which has room for 256 */
	return meta;
}

/* Shrinking the packet below an Ethernet header fails (EINVAL). */
SEC("xdp")
__success __retval(22)
int xdp_tail_min(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_tail(ctx, -50))
		return 1;
	return -bpf_xdp_adjust_tail(ctx, -1);
}

SEC("tc")
__success __retval(16064)
int tc_tail_room(struct __sk_buff *skb)
{
	__u32 lo = 64, hi = 1 << 20;

	for (int i = 0; i < 21; i++) {
		__u32 mid = (lo + hi) / 2;

		if (bpf_skb_change_tail(skb, mid, 0) == 0)
			lo = mid;
		else
			hi = mid;
	}
	bpf_skb_change_tail(skb, 64, 0); /* back to 64 bytes: data_out has room for 256 */
	return lo;
}

char _license[] SEC("license") = "Dual MIT/GPL";
