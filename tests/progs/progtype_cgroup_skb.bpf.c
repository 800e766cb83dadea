// SPDX-License-Identifier: MIT
/* progtype_cgroup_skb: cgroup_skb programs did not load in bpfx ("not a program type
 * bpfx runs").  The kernel test-runs them on the skb that socket filters get: no
 * Ethernet header (len 50 for 64 bytes), the loopback device, the dummy closed socket,
 * and, unlike socket filters, direct packet access.  Every value was read from the
 * host kernel (6.18.44, BPF_PROG_TEST_RUN, 64 zero bytes).
 *
 * cgroup_skb programs must return 0 or 1 (egress: 0 to 3), so values are read out
 * through report(): a global function that throws its argument.  A throw in a global
 * function is not range-checked, and the program returns the cookie. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

__noinline int report(__u64 value)
{
	bpf_throw(value);
	return 0;
}

SEC("cgroup_skb/ingress")
__success __retval(50)
int cg_len(struct __sk_buff *skb)
{
	return report(skb->len);
}

/* htons(ETH_P_802_2) read as a host-order int: eth_type_trans() of zero bytes. */
SEC("cgroup_skb/ingress")
__success __retval(1024)
int cg_protocol(struct __sk_buff *skb)
{
	return report(skb->protocol);
}

SEC("cgroup_skb/ingress")
__success __retval(1)
int cg_ifindex(struct __sk_buff *skb)
{
	return report(skb->ifindex);
}

/* data and data_end are set (bpf_compute_data_pointers), past the Ethernet header. */
SEC("cgroup_skb/ingress")
__success __retval(50)
int cg_data_len(struct __sk_buff *skb)
{
	return report(skb->data_end - skb->data);
}

SEC("cgroup_skb/ingress")
__success __retval(7)
int cg_sk_state(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	return report(sk ? sk->state : 100);
}

/* One bit per field that the kernel shows as 0 here. */
SEC("cgroup_skb/ingress")
__success __retval(0)
int cg_zero_fields(struct __sk_buff *skb)
{
	__u32 bits = 0;

	bits |= (skb->pkt_type != 0) << 0;
	bits |= (skb->mark != 0) << 1;
	bits |= (skb->queue_mapping != 0) << 2;
	bits |= (skb->vlan_present != 0) << 3;
	bits |= (skb->priority != 0) << 4;
	bits |= (skb->ingress_ifindex != 0) << 5;
	bits |= (skb->tc_index != 0) << 6;
	bits |= ((skb->cb[0] | skb->cb[1] | skb->cb[2] | skb->cb[3] | skb->cb[4]) != 0) << 7;
	bits |= (skb->hash != 0) << 8;
	bits |= (skb->napi_id != 0) << 9;
	bits |= (skb->family != 0) << 10;
	bits |= (skb->tstamp != 0) << 11;
	bits |= (skb->gso_segs != 0) << 12;
	bits |= (skb->gso_size != 0) << 13;
	bits |= (skb->hwtstamp != 0) << 14;
	bits |= (skb->local_port != 0) << 15;
	return report(bits);
}

/* The network header is where data starts: 48 + 4 bytes are past the end (-EFAULT),
 * and the buffer is zeroed. */
SEC("cgroup_skb/ingress")
__success __retval(-14000)
int cg_load_bytes_relative(struct __sk_buff *skb)
{
	__u8 b[4] = { 1, 1, 1, 1 };
	long r = bpf_skb_load_bytes_relative(skb, 48, b, 4, BPF_HDR_START_NET);

	return report(r * 1000 + b[0]);
}

SEC("cgroup_skb/ingress")
__success __retval(18)
int cg_write_fields(struct __sk_buff *skb)
{
	skb->mark = 5;
	skb->priority = 6;
	skb->cb[1] = 7;
	return report(skb->mark + skb->priority + skb->cb[1]);
}

SEC("cgroup_skb/egress")
__success __retval(3)
int cg_egress_ret(struct __sk_buff *skb)
{
	return 3;
}

SEC("cgroup/skb")
__success __retval(1)
int cg_skb_ret(struct __sk_buff *skb)
{
	return 1;
}

/* A throw in main with the default callback: the cookie is in the return range. */
SEC("cgroup_skb/egress")
__success __retval(3)
int cg_throw_in_range(struct __sk_buff *skb)
{
	if (skb->len)
		bpf_throw(3);
	return 0;
}

/* Only socket filters and tc programs may use LD_ABS / LD_IND. */
SEC("?cgroup_skb/ingress")
__failure __msg("BPF_LD_[ABS|IND] instructions not allowed for this program type")
int cg_ld_abs(struct __sk_buff *skb)
{
	long r;

	asm volatile ("r6 = %[skb];"
		      "r0 = *(u8 *)skb[0];"
		      "%[r] = r0;"
		      : [r] "=r"(r) : [skb] "r"(skb) : "r0", "r1", "r2", "r3", "r4", "r5", "r6");
	return r & 1;
}

char _license[] SEC("license") = "GPL";
