// SPDX-License-Identifier: MIT
/* exceptions_callback: custom exception callbacks (__exception_cb).  The callback is a
 * global function of one integer; after a throw it runs with the cookie and its return
 * value is the program's.  Without a throw it never runs.
 * Every value was checked against the host kernel (6.18).  Debian's libbpf 1.1 drops
 * the callback (nothing calls it, so it is never appended: the kernel then says
 * "exception callback type id not found in func_info"), so the check used a loader
 * that appends the callback with its callees, relocations and func_info, as
 * libbpf >= 1.3 does. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

__noinline int cb_plus_64(__u64 cookie)
{
	return cookie + 64;
}

SEC("tc") __exception_cb(cb_plus_64)
__success __retval(74)
int cb_cookie_plus_64(struct __sk_buff *ctx)
{
	bpf_throw(10);
	return 1;
}

/* The callback sees all 64 bits of the cookie. */
__noinline int cb_high_bits(__u64 cookie)
{
	return cookie >> 32;
}

SEC("tc") __exception_cb(cb_high_bits)
__success __retval(5)
int cb_cookie_high_bits(struct __sk_buff *ctx)
{
	bpf_throw(0x500000007ULL);
	return 1;
}

__noinline int cb_constant(__u64 cookie)
{
	return 3;
}

SEC("tc") __exception_cb(cb_constant)
__success __retval(3)
int cb_ignores_cookie(struct __sk_buff *ctx)
{
	if (ctx->len)
		bpf_throw(1000);
	return 1;
}

/* No throw: the callback does not run. */
SEC("tc") __exception_cb(cb_constant)
__success __retval(9)
int cb_not_thrown(struct __sk_buff *ctx)
{
	if (ctx->len > 1000)
		bpf_throw(1000);
	return 9;
}

/* A throw three frames down (static, then global) still reaches main's callback. */
static __noinline int cb_depth3(__u64 c)
{
	if (c)
		bpf_throw(c);
	return 1;
}

__noinline int cb_depth2(__u64 c)
{
	return cb_depth3(c + 1) + 1;
}

SEC("tc") __exception_cb(cb_plus_64)
__success __retval(129)
int cb_throw_from_depth(struct __sk_buff *ctx)
{
	return cb_depth2(ctx->len) + 1;
}

/* Failed assertions throw through the callback too: cookie 0, or the _with value. */
SEC("tc") __exception_cb(cb_plus_64)
__success __retval(64)
int cb_assert_fail(struct __sk_buff *ctx)
{
	bpf_assert(ctx->len == 0);
	return 1;
}

SEC("tc") __exception_cb(cb_plus_64)
__success __retval(71)
int cb_assert_range_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range_with(len, 0, 10, 7);
	return 1;
}

SEC("tc") __exception_cb(cb_plus_64)
__success __retval(1)
int cb_assert_pass(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range_with(len, 0, 100, 7);
	return 1;
}

/* An int argument is accepted; it holds the low 32 bits of the cookie. */
__noinline int cb_int_arg(int cookie)
{
	return cookie + 1;
}

SEC("tc") __exception_cb(cb_int_arg)
__success __retval(6)
int cb_int_argument(struct __sk_buff *ctx)
{
	bpf_throw(0x100000005ULL);
	return 1;
}

__noinline int cb_negate(__u64 cookie)
{
	return -(int)cookie;
}

SEC("tc") __exception_cb(cb_negate)
__success __retval(-10)
int cb_negative_result(struct __sk_buff *ctx)
{
	bpf_throw(10);
	return 1;
}

SEC("xdp") __exception_cb(cb_plus_64)
__success __retval(65)
int cb_xdp(struct xdp_md *ctx)
{
	bpf_throw(1);
	return XDP_PASS;
}

SEC("syscall") __exception_cb(cb_plus_64)
__success __retval(66)
int cb_syscall(void *ctx)
{
	bpf_throw(2);
	return 0;
}

/* The callback may call global functions. */
__noinline int cb_helper_double(__u64 v)
{
	return v * 2;
}

__noinline int cb_calls_global(__u64 cookie)
{
	return cb_helper_double(cookie) + 1;
}

SEC("tc") __exception_cb(cb_calls_global)
__success __retval(41)
int cb_calling_global(struct __sk_buff *ctx)
{
	bpf_throw(20);
	return 1;
}

/* The callback may read the program's global data. */
__u64 cb_bias = 1000;

__noinline int cb_reads_global(__u64 cookie)
{
	return cookie + cb_bias;
}

SEC("tc") __exception_cb(cb_reads_global)
__success __retval(1005)
int cb_reading_global(struct __sk_buff *ctx)
{
	bpf_throw(5);
	return 1;
}

char _license[] SEC("license") = "Dual MIT/GPL";
