// SPDX-License-Identifier: MIT
/* exceptions_depth: a throw unwinds every frame up to the main function, whatever the
 * depth (1 = main itself, 8 = the deepest call stack the kernel allows) and whatever
 * the kind of frame: static subprograms, global functions, or both mixed.  The
 * throwing depth comes from the packet length (64), so the verifier sees it as unknown.
 * Cookie = base + depth (base also comes from the packet length, so that clang cannot
 * fold it); without a throw every frame adds 1 and main returns 8.
 * Every value was checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

/* One frame of a chain: throw c + n at frame n, else call the next frame.  linkage is
 * `static` for a static subprogram, empty for a global function. */
#define LEVEL(linkage, name, n, next)			\
linkage __noinline int name(__u64 c, __u64 stop)	\
{							\
	if (stop == n)					\
		bpf_throw(c + n);			\
	return next(c, stop) + 1;			\
}
#define LEAF(linkage, name)				\
linkage __noinline int name(__u64 c, __u64 stop)	\
{							\
	if (stop == 8)					\
		bpf_throw(c + 8);			\
	return 1;					\
}

/* n for the 64-byte test packet, unknown to the verifier. */
static __always_inline __u64 depth_arg(struct __sk_buff *ctx, __u64 n)
{
	return (__u64)ctx->len - 64 + n;
}

/* --- static subprograms: s2 is frame 2 ... s8 is frame 8 --- */
LEAF(static, s8)
LEVEL(static, s7, 7, s8)
LEVEL(static, s6, 6, s7)
LEVEL(static, s5, 5, s6)
LEVEL(static, s4, 4, s5)
LEVEL(static, s3, 3, s4)
LEVEL(static, s2, 2, s3)

static __always_inline int run_static(struct __sk_buff *ctx, __u64 n)
{
	__u64 stop = depth_arg(ctx, n);

	if (stop == 1)
		bpf_throw(depth_arg(ctx, 100) + 1);
	return s2(depth_arg(ctx, 100), stop) + 1;
}

SEC("tc") __success __retval(101)
int depth_static_1(struct __sk_buff *ctx) { return run_static(ctx, 1); }
SEC("tc") __success __retval(102)
int depth_static_2(struct __sk_buff *ctx) { return run_static(ctx, 2); }
SEC("tc") __success __retval(103)
int depth_static_3(struct __sk_buff *ctx) { return run_static(ctx, 3); }
SEC("tc") __success __retval(104)
int depth_static_4(struct __sk_buff *ctx) { return run_static(ctx, 4); }
SEC("tc") __success __retval(105)
int depth_static_5(struct __sk_buff *ctx) { return run_static(ctx, 5); }
SEC("tc") __success __retval(106)
int depth_static_6(struct __sk_buff *ctx) { return run_static(ctx, 6); }
SEC("tc") __success __retval(107)
int depth_static_7(struct __sk_buff *ctx) { return run_static(ctx, 7); }
SEC("tc") __success __retval(108)
int depth_static_8(struct __sk_buff *ctx) { return run_static(ctx, 8); }
SEC("tc") __success __retval(8)
int depth_static_none(struct __sk_buff *ctx) { return run_static(ctx, 0); }

/* --- global functions: each is verified on its own, with unknown arguments --- */
LEAF(, g8)
LEVEL(, g7, 7, g8)
LEVEL(, g6, 6, g7)
LEVEL(, g5, 5, g6)
LEVEL(, g4, 4, g5)
LEVEL(, g3, 3, g4)
LEVEL(, g2, 2, g3)

static __always_inline int run_global(struct __sk_buff *ctx, __u64 n)
{
	return g2(depth_arg(ctx, 200), depth_arg(ctx, n)) + 1;
}

SEC("tc") __success __retval(202)
int depth_global_2(struct __sk_buff *ctx) { return run_global(ctx, 2); }
SEC("tc") __success __retval(203)
int depth_global_3(struct __sk_buff *ctx) { return run_global(ctx, 3); }
SEC("tc") __success __retval(204)
int depth_global_4(struct __sk_buff *ctx) { return run_global(ctx, 4); }
SEC("tc") __success __retval(205)
int depth_global_5(struct __sk_buff *ctx) { return run_global(ctx, 5); }
SEC("tc") __success __retval(206)
int depth_global_6(struct __sk_buff *ctx) { return run_global(ctx, 6); }
SEC("tc") __success __retval(207)
int depth_global_7(struct __sk_buff *ctx) { return run_global(ctx, 7); }
SEC("tc") __success __retval(208)
int depth_global_8(struct __sk_buff *ctx) { return run_global(ctx, 8); }
SEC("tc") __success __retval(8)
int depth_global_none(struct __sk_buff *ctx) { return run_global(ctx, 0); }

/* --- mixed: static m2, global m3, static m4, global m5, static m6, global m7,
 * static m8 --- */
LEAF(static, m8)
LEVEL(, m7, 7, m8)
LEVEL(static, m6, 6, m7)
LEVEL(, m5, 5, m6)
LEVEL(static, m4, 4, m5)
LEVEL(, m3, 3, m4)
LEVEL(static, m2, 2, m3)

static __always_inline int run_mixed(struct __sk_buff *ctx, __u64 n)
{
	return m2(depth_arg(ctx, 300), depth_arg(ctx, n)) + 1;
}

SEC("tc") __success __retval(302)
int depth_mixed_2(struct __sk_buff *ctx) { return run_mixed(ctx, 2); }
SEC("tc") __success __retval(303)
int depth_mixed_3(struct __sk_buff *ctx) { return run_mixed(ctx, 3); }
SEC("tc") __success __retval(304)
int depth_mixed_4(struct __sk_buff *ctx) { return run_mixed(ctx, 4); }
SEC("tc") __success __retval(305)
int depth_mixed_5(struct __sk_buff *ctx) { return run_mixed(ctx, 5); }
SEC("tc") __success __retval(306)
int depth_mixed_6(struct __sk_buff *ctx) { return run_mixed(ctx, 6); }
SEC("tc") __success __retval(307)
int depth_mixed_7(struct __sk_buff *ctx) { return run_mixed(ctx, 7); }
SEC("tc") __success __retval(308)
int depth_mixed_8(struct __sk_buff *ctx) { return run_mixed(ctx, 8); }
SEC("tc") __success __retval(8)
int depth_mixed_none(struct __sk_buff *ctx) { return run_mixed(ctx, 0); }

/* --- a global function whose tail is dead: the static callee always throws, so the
 * verifier never reaches `return c - 1` and the kernel removes it as dead code --- */
static __noinline int always_throws(__u64 c)
{
	bpf_throw(c);
	return c;
}

__noinline int global_dead_tail(__u64 c)
{
	always_throws(c + 1);
	return c - 1;
}

SEC("tc") __success __retval(51)
int throw_global_dead_tail(struct __sk_buff *ctx)
{
	return global_dead_tail(50) + 100;
}

/* The same global function with a live tail: throws only for a non-zero argument. */
__noinline int global_maybe_throws(__u64 c)
{
	if (c)
		bpf_throw(c * 2);
	return 40;
}

SEC("tc") __success __retval(128)
int throw_global_taken(struct __sk_buff *ctx)
{
	return global_maybe_throws(ctx->len) + 1;
}

SEC("tc") __success __retval(41)
int throw_global_not_taken(struct __sk_buff *ctx)
{
	return global_maybe_throws(ctx->len - 64) + 1;
}

char _license[] SEC("license") = "Dual MIT/GPL";
