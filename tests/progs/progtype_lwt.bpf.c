// SPDX-License-Identifier: MIT
/* progtype_lwt: lwt_in, lwt_out and lwt_xmit programs did not load in bpfx.  The
 * kernel test-runs them as cgroup_skb programs: no Ethernet header (len 50 for 64
 * bytes), direct packet access, the loopback device and the dummy closed socket.
 * Values read from the host kernel (6.18.44, BPF_PROG_TEST_RUN, 64 zero bytes).  lwt
 * programs get no kfuncs (no bpf_throw) and have no return range. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

SEC("lwt_in")
__success __retval(50)
int lwt_in_len(struct __sk_buff *skb)
{
	return skb->len;
}

/* htons(ETH_P_802_2) read as a host-order int. */
SEC("lwt_out")
__success __retval(1024)
int lwt_out_protocol(struct __sk_buff *skb)
{
	return skb->protocol;
}

SEC("lwt_xmit")
__success __retval(50)
int lwt_xmit_data_len(struct __sk_buff *skb)
{
	return skb->data_end - skb->data;
}

SEC("lwt_in")
__success __retval(7)
int lwt_in_sk_state(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	return sk ? sk->state : 100;
}

SEC("lwt_xmit")
__success __retval(1)
int lwt_xmit_ifindex(struct __sk_buff *skb)
{
	return skb->ifindex;
}

/* Only socket filters and tc programs may use LD_ABS / LD_IND. */
SEC("?lwt_in")
__failure __msg("BPF_LD_[ABS|IND] instructions not allowed for this program type")
int lwt_ld_abs(struct __sk_buff *skb)
{
	long r;

	asm volatile ("r6 = %[skb];"
		      "r0 = *(u8 *)skb[0];"
		      "%[r] = r0;"
		      : [r] "=r"(r) : [skb] "r"(skb) : "r0", "r1", "r2", "r3", "r4", "r5", "r6");
	return r;
}

char _license[] SEC("license") = "GPL";
