// SPDX-License-Identifier: MIT
/*
 * global_void.bpf.c - the host kernel (6.18) refuses a call to a global function that
 * returns void, even one that only throws; an int-returning one is fine.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

__noinline void throw_void(__u64 c)
{
	if (c)
		bpf_throw(c);
}

__noinline int throw_int(__u64 c)
{
	if (c)
		bpf_throw(c);
	return 1;
}

SEC("tc") __failure __msg("Global function throw_void() doesn't return scalar. Only those are supported.")
int call_void_global(struct __sk_buff *skb)
{
	throw_void(skb->len);
	return 0;
}

SEC("tc") __success __retval(64)
int call_int_global(struct __sk_buff *skb)
{
	return throw_int(skb->len);
}

char LICENSE[] SEC("license") = "GPL";
