// SPDX-License-Identifier: MIT
/* exceptions_basic: bpf_throw() with the default exception callback, which makes the
 * program return the cookie (its low 32 bits as the test-run retval).  Throws from tc,
 * xdp and syscall programs, taken and not taken (socket filters may not call kfuncs:
 * see exceptions_reject).  Every value was checked against the host kernel (6.18,
 * BPF_PROG_TEST_RUN, 64 zero bytes of packet). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

SEC("tc")
__success __retval(64)
int throw_always(struct __sk_buff *ctx)
{
	bpf_throw(64);
	return 1;
}

SEC("tc")
__success __retval(0)
int throw_zero(struct __sk_buff *ctx)
{
	bpf_throw(0);
	return 1;
}

/* The test run's skb->len is 64: this throw is not taken. */
SEC("tc")
__success __retval(7)
int throw_not_taken(struct __sk_buff *ctx)
{
	if (ctx->len > 1000)
		bpf_throw(5);
	return 7;
}

SEC("tc")
__success __retval(5)
int throw_taken(struct __sk_buff *ctx)
{
	if (ctx->len == 64)
		bpf_throw(5);
	return 7;
}

/* The cookie is 64 bits; the test run reports the low 32 of R0. */
SEC("tc")
__success __retval(7)
int throw_cookie_high_bits(struct __sk_buff *ctx)
{
	bpf_throw(0x500000007ULL);
	return 1;
}

SEC("tc")
__success __retval(-1)
int throw_cookie_all_ones(struct __sk_buff *ctx)
{
	bpf_throw(-1ULL);
	return 1;
}

/* The cookie may be computed at run time. */
SEC("tc")
__success __retval(65)
int throw_computed_cookie(struct __sk_buff *ctx)
{
	__u64 c = ctx->len;

	if (c)
		bpf_throw(c + 1);
	return 2;
}

/* Work done before the throw is kept: the global counter below is bumped. */
__u64 basic_counter;

SEC("tc")
__success __retval(3)
int throw_after_side_effect(struct __sk_buff *ctx)
{
	basic_counter = 2;
	if (ctx->len)
		bpf_throw(basic_counter + 1);
	return 0;
}

/* xdp has no return-value range: any cookie is a valid return. */
SEC("xdp")
__success __retval(164)
int throw_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 14 <= data_end)
		bpf_throw(164);
	return XDP_PASS;
}

SEC("xdp")
__success __retval(2)
int throw_xdp_not_taken(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 1500 <= data_end)
		bpf_throw(164);
	return XDP_PASS;
}

/* syscall programs run with no context here (ctx is NULL). */
SEC("syscall")
__success __retval(77)
int throw_syscall(void *ctx)
{
	bpf_throw(77);
	return 0;
}

char _license[] SEC("license") = "Dual MIT/GPL";
