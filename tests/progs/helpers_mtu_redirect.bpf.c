// SPDX-License-Identifier: MIT
/* helpers_mtu_redirect: bpf_check_mtu (tc and xdp) and bpf_clone_redirect against
 * the test run's device, the loopback device (ifindex 1, MTU 65536, a 14-byte
 * Ethernet header).  bpfx used to refuse both as unknown functions.  Values checked
 * against the host kernel (6.18) with `bpfx test --kernel`; devices other than
 * loopback are left out, since bpfx has no others (docs/compat.md). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22
#define ENODEV 19
#define NO_DEV 0x7fffff   /* an ifindex no host has */
#define LO_MTU 65536

/* Device 0 is the packet's own; the MTU comes back in *mtu_len. */
SEC("tc") __success __retval(LO_MTU)
int check_mtu_tc(struct __sk_buff *skb)
{
	__u32 mtu = 0, mtu1 = 0;

	if (bpf_check_mtu(skb, 0, &mtu, 0, 0) || bpf_check_mtu(skb, 1, &mtu1, 0, 0))
		return -1;
	return mtu == mtu1 ? mtu : -2;
}

/* The packet may be MTU + 14 bytes long: len_diff or an L3 length in *mtu_len
 * (then + 14) that goes past it needs fragmentation; a negative difference is fine. */
SEC("tc") __success __retval(0x1010)
int check_mtu_tc_lengths(struct __sk_buff *skb)
{
	__u32 m = 0, in = LO_MTU, in2 = LO_MTU + 1;
	long fits = bpf_check_mtu(skb, 0, &m, LO_MTU + 14 - skb->len, 0);
	long over = bpf_check_mtu(skb, 0, &m, LO_MTU + 15 - skb->len, 0);
	long l3 = bpf_check_mtu(skb, 0, &in, 0, 0);
	long l3_over = bpf_check_mtu(skb, 0, &in2, 0, 0);
	long neg = bpf_check_mtu(skb, 0, &m, -1000000, 0);

	return fits << 16 | over << 12 | l3 << 8 | l3_over << 4 | neg;
}

/* Errors leave *mtu_len as it was: unknown flags, BPF_MTU_CHK_SEGS with a length,
 * no such device. */
SEC("tc") __success __retval(0)
int check_mtu_tc_errors(struct __sk_buff *skb)
{
	__u32 m = 7;

	if (bpf_check_mtu(skb, 0, &m, 0, 2) != -EINVAL || m != 7)
		return 1;
	if (bpf_check_mtu(skb, 0, &m, 1, BPF_MTU_CHK_SEGS) != -EINVAL || m != 7)
		return 2;
	if (bpf_check_mtu(skb, 0, &m, 0, BPF_MTU_CHK_SEGS) != -EINVAL || m != 7)
		return 3;   /* *mtu_len (7) given with BPF_MTU_CHK_SEGS */
	if (bpf_check_mtu(skb, NO_DEV, &m, 0, 0) != -ENODEV || m != 7)
		return 4;
	m = 0;
	return bpf_check_mtu(skb, 0, &m, 0, BPF_MTU_CHK_SEGS);
}

/* xdp: the frame's linear part against the same MTU; no flags at all. */
SEC("xdp") __success __retval(0x10)
int check_mtu_xdp(struct xdp_md *ctx)
{
	__u32 m = 3, in = LO_MTU + 1;
	long len = ctx->data_end - ctx->data;

	if (bpf_check_mtu(ctx, 0, &m, 0, 1) != -EINVAL || m != 3)
		return 1;
	if (bpf_check_mtu(ctx, NO_DEV, &m, 0, 0) != -ENODEV || m != 3)
		return 2;
	if (bpf_check_mtu(ctx, 1, &m, LO_MTU + 14 - len, 0) || m != LO_MTU)
		return 3;
	return bpf_check_mtu(ctx, 0, &m, LO_MTU + 15 - len, 0) << 4 |
	       bpf_check_mtu(ctx, 0, &in, -1, 0);
}

/* A clone goes out of (or into) the loopback device: 0.  Device 0 does not exist,
 * and flags other than BPF_F_INGRESS are refused. */
SEC("tc") __success __retval(0)
int clone_redirect_loopback(struct __sk_buff *skb)
{
	if (bpf_clone_redirect(skb, 1, 0) || bpf_clone_redirect(skb, 1, BPF_F_INGRESS))
		return 1;
	if (bpf_clone_redirect(skb, 0, 0) != -EINVAL || bpf_clone_redirect(skb, NO_DEV, 0) != -EINVAL)
		return 2;
	if (bpf_clone_redirect(skb, 1, 2) != -EINVAL)
		return 3;
	return skb->len == 64 ? 0 : 4;
}

char _license[] SEC("license") = "Dual MIT/GPL";
