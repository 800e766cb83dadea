// SPDX-License-Identifier: MIT
/*
 * kfunc_prog_types.bpf.c - the kernel gives its generic kfuncs (bpf_throw, ...) only
 * to some program types; the common ones (RCU, iterators) to all.  Verdicts observed
 * on the host kernel (6.18).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("socket") __failure __msg("calling kernel function bpf_throw is not allowed")
int throw_in_socket_filter(struct __sk_buff *skb)
{
	if (skb->len > 1000)
		bpf_throw(1);
	return 0;
}

SEC("action") __failure __msg("calling kernel function bpf_throw is not allowed")
int throw_in_tc_action(struct __sk_buff *skb)
{
	if (skb->len > 1000)
		bpf_throw(1);
	return 0;
}

SEC("cgroup_skb/ingress") __success __retval(1)
int throw_in_cgroup_skb(struct __sk_buff *skb)
{
	if (skb->len > 1000)
		bpf_throw(0);
	return 1;
}

SEC("socket") __success __retval(3)
int rcu_in_socket_filter(struct __sk_buff *skb)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 3;
}

char LICENSE[] SEC("license") = "GPL";
