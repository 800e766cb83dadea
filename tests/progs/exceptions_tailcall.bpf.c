// SPDX-License-Identifier: MIT
/* exceptions_tailcall: a tail-call target is its own exception boundary.  When it
 * throws, only its own frame is unwound and the cookie becomes the "return value" of
 * the frame that made the tail call; the caller's caller goes on (kernel selftest
 * exception_tail_call: 16 + 8 = 24).  The prog array is filled statically.  Every
 * value was checked against the host kernel (6.18; all programs loaded together, the
 * custom callbacks appended as in exceptions_callback). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

/* Run on its own, the target returns its cookie like any throwing program. */
SEC("tc") __success __retval(16)
int tail_target_throws(struct __sk_buff *ctx)
{
	bpf_throw(16);
	return 0;
}

SEC("tc") __success __retval(5)
int tail_target_returns(struct __sk_buff *ctx)
{
	return 5;
}

/* A target with its own callback: the callback of the program that threw runs. */
__noinline int tail_cb_plus_100(__u64 cookie)
{
	return cookie + 100;
}

SEC("tc") __exception_cb(tail_cb_plus_100)
__success __retval(117)
int tail_target_own_cb(struct __sk_buff *ctx)
{
	bpf_throw(17);
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} tail_jmp SEC(".maps") = {
	.values = {
		[0] = (void *)&tail_target_throws,
		[1] = (void *)&tail_target_returns,
		[2] = (void *)&tail_target_own_cb,
	},
};

__noinline int tail_cb_caller(__u64 cookie)
{
	return cookie + 1000;
}

/* The subprogram's frame is the one the target replaces: the subprogram "returns" 16
 * and main adds 8. */
static __noinline int tail_from_subprog(struct __sk_buff *ctx, __u32 slot)
{
	volatile int ret = 10;

	bpf_tail_call(ctx, &tail_jmp, slot);
	return ret;
}

SEC("tc") __success __retval(24)
int tail_call_subprog_throw(struct __sk_buff *ctx)
{
	volatile int ret = 0;

	ret = tail_from_subprog(ctx, 0);
	return ret + 8;
}

SEC("tc") __success __retval(13)
int tail_call_subprog_return(struct __sk_buff *ctx)
{
	volatile int ret = 0;

	ret = tail_from_subprog(ctx, 1);
	return ret + 8;
}

/* The target's callback gives 117; the caller's own callback is not involved. */
SEC("tc") __exception_cb(tail_cb_caller)
__success __retval(125)
int tail_call_target_cb(struct __sk_buff *ctx)
{
	volatile int ret = 0;

	ret = tail_from_subprog(ctx, 2);
	if (ret == 0)
		bpf_throw(1);
	return ret + 8;
}

/* An empty slot: the tail call falls through and the subprogram returns 10. */
SEC("tc") __success __retval(18)
int tail_call_subprog_empty(struct __sk_buff *ctx)
{
	volatile int ret = 0;

	ret = tail_from_subprog(ctx, 3);
	return ret + 8;
}

/* From main the target replaces the whole program: its throw ends it with 16. */
SEC("tc") __success __retval(16)
int tail_call_main_throw(struct __sk_buff *ctx)
{
	bpf_tail_call_static(ctx, &tail_jmp, 0);
	return 1;
}

/* A program that may throw itself and also tail-calls: an empty slot falls through
 * to its own throw. */
SEC("tc") __success __retval(33)
int tail_call_empty_then_throw(struct __sk_buff *ctx)
{
	bpf_tail_call_static(ctx, &tail_jmp, 3);
	bpf_throw(33);
	return 1;
}

char _license[] SEC("license") = "Dual MIT/GPL";
