// SPDX-License-Identifier: MIT
/* exceptions_reject: programs the kernel refuses because of an exception rule (spec
 * §2 and §4), each with the message the host kernel (6.18) prints (checked there; the
 * callback cases with a loader that appends the callback, which libbpf 1.1 does not).
 * The sections start with '?' (libbpf: not loaded by default) as in the kernel
 * selftests.  Messages leave out instruction numbers, which depend on code layout. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;

/* --- the exception callback's shape --- */
__noinline int cb_two_args(__u64 cookie, __u64 extra)
{
	return cookie + extra;
}

SEC("?tc") __exception_cb(cb_two_args)
__failure __msg("exception cb only supports single integer argument")
int reject_cb_two_args(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

__noinline int cb_no_args(void)
{
	return 1;
}

SEC("?tc") __exception_cb(cb_no_args)
__failure __msg("exception cb only supports single integer argument")
int reject_cb_no_args(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

__noinline void *cb_returns_pointer(__u64 cookie)
{
	return 0;
}

SEC("?tc") __exception_cb(cb_returns_pointer)
__failure __msg("Global function cb_returns_pointer() doesn't return scalar. "
		"Only those are supported.")
int reject_cb_returns_pointer(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

__noinline int cb_first(__u64 cookie)
{
	return cookie;
}

__noinline int cb_second(__u64 cookie)
{
	return cookie + 1;
}

SEC("?tc") __exception_cb(cb_first) __exception_cb(cb_second)
__failure __msg("multiple exception callback tags for main subprog")
int reject_two_cb_tags(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

/* The kernel's message; libbpf >= 1.3 (and bpfx's loader, which follows it) stops
 * earlier with its own. */
SEC("?tc") __exception_cb(cb_missing)
__failure __msg("{{exception callback 'cb_missing' could not be found in BTF"
		"|cannot find exception callback 'cb_missing'}}")
int reject_cb_not_found(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

static __attribute__((used)) __noinline int cb_static(__u64 cookie)
{
	return cookie;
}

SEC("?tc") __exception_cb(cb_static)
__failure __msg("{{exception callback 'cb_static' must have global linkage"
		"|exception callback cb_static must be a global non-hidden function}}")
int reject_cb_static(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

/* Nothing may call the callback: not main, nor a subprogram. */
__noinline int cb_called(__u64 cookie)
{
	return cookie + 1;
}

SEC("?tc") __exception_cb(cb_called)
__failure __msg("cannot call exception cb directly")
int reject_cb_called_from_main(struct __sk_buff *ctx)
{
	return cb_called(ctx->len);
}

static __noinline int calls_cb(__u64 v)
{
	return cb_called(v);
}

SEC("?tc") __exception_cb(cb_called)
__failure __msg("cannot call exception cb directly")
int reject_cb_called_from_subprog(struct __sk_buff *ctx)
{
	return calls_cb(ctx->len);
}

/* The callback cannot throw. */
__noinline int cb_throws(__u64 cookie)
{
	if (cookie)
		bpf_throw(cookie + 1);
	return 0;
}

SEC("?tc") __exception_cb(cb_throws)
__failure __msg("bpf_throw kfunc (insn") __msg("cannot be called from callback subprog")
int reject_cb_throws(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

/* --- where a throw is not allowed --- */
SEC("?tc")
__failure __msg("bpf_throw cannot be used inside bpf_rcu_read_lock-ed region")
int reject_throw_under_rcu(struct __sk_buff *ctx)
{
	bpf_rcu_read_lock();
	if (ctx->len)
		bpf_throw(1);
	bpf_rcu_read_unlock();
	return 0;
}

static __noinline int throw_if(__u64 v)
{
	if (v)
		bpf_throw(v);
	return 0;
}

/* The rule applies in every frame: main holds the lock, a static callee throws. */
SEC("?tc")
__failure __msg("bpf_throw cannot be used inside bpf_rcu_read_lock-ed region")
int reject_subprog_throw_under_rcu(struct __sk_buff *ctx)
{
	int ret;

	bpf_rcu_read_lock();
	ret = throw_if(ctx->len);
	bpf_rcu_read_unlock();
	return ret;
}

struct obj_elem {
	__u64 value;
};

SEC("?tc")
__failure __msg("Unreleased reference") __msg("bpf_throw would lead to reference leak")
int reject_throw_with_reference(struct __sk_buff *ctx)
{
	struct obj_elem *e;

	e = bpf_obj_new_impl(bpf_core_type_id_local(struct obj_elem), NULL);
	if (!e)
		return 0;
	if (ctx->len)
		bpf_throw(1);
	bpf_obj_drop_impl(e, NULL);
	return 0;
}

SEC("?tc")
__failure __msg("Unreleased reference") __msg("bpf_throw would lead to reference leak")
int reject_subprog_throw_with_reference(struct __sk_buff *ctx)
{
	struct obj_elem *e;
	int ret;

	e = bpf_obj_new_impl(bpf_core_type_id_local(struct obj_elem), NULL);
	if (!e)
		return 0;
	ret = throw_if(ctx->len);
	bpf_obj_drop_impl(e, NULL);
	return ret;
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} reject_rb SEC(".maps");

SEC("?tc")
__failure __msg("Unreleased reference") __msg("bpf_throw would lead to reference leak")
int reject_throw_with_ringbuf_reservation(struct __sk_buff *ctx)
{
	__u64 *rec = bpf_ringbuf_reserve(&reject_rb, sizeof(*rec), 0);

	if (!rec)
		return 0;
	if (ctx->len)
		bpf_throw(1);
	bpf_ringbuf_discard(rec, 0);
	return 0;
}

/* Callbacks run inside a helper: no throw may be under them. */
static int loop_cb_throws(__u64 i, void *data)
{
	if (i == 3)
		bpf_throw(3);
	return 0;
}

SEC("?tc")
__failure __msg("bpf_throw kfunc (insn") __msg("cannot be called from callback subprog")
int reject_throw_in_bpf_loop(struct __sk_buff *ctx)
{
	bpf_loop(5, loop_cb_throws, NULL, 0);
	return 0;
}

static int loop_cb_calls_thrower(__u64 i, void *data)
{
	return throw_if(i == 3);
}

SEC("?tc")
__failure __msg("bpf_throw kfunc (insn") __msg("cannot be called from callback subprog")
int reject_throw_below_bpf_loop(struct __sk_buff *ctx)
{
	bpf_loop(5, loop_cb_calls_thrower, NULL, 0);
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} reject_arr SEC(".maps");

static __u64 each_cb_throws(void *map, __u32 *key, __u64 *val, void *data)
{
	if (*key == 1)
		bpf_throw(1);
	return 0;
}

SEC("?tc")
__failure __msg("bpf_throw kfunc (insn") __msg("cannot be called from callback subprog")
int reject_throw_in_for_each_map_elem(struct __sk_buff *ctx)
{
	bpf_for_each_map_elem(&reject_arr, each_cb_throws, NULL, 0);
	return 0;
}

/* A throw (any call) while holding a bpf_spin_lock. */
struct lock_elem {
	struct bpf_spin_lock lock;
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lock_elem);
} reject_lock_map SEC(".maps");

SEC("?tc")
__failure __msg("function calls are not allowed while holding a lock")
int reject_throw_under_spin_lock(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct lock_elem *e = bpf_map_lookup_elem(&reject_lock_map, &key);

	if (!e)
		return 0;
	bpf_spin_lock(&e->lock);
	if (ctx->len)
		bpf_throw(1);
	bpf_spin_unlock(&e->lock);
	return 0;
}

/* Socket filters do not get the generic kfuncs. */
SEC("?socket")
__failure __msg("calling kernel function bpf_throw is not allowed")
int reject_throw_in_socket_filter(struct __sk_buff *ctx)
{
	if (ctx->len)
		bpf_throw(9);
	return 0;
}

char _license[] SEC("license") = "Dual MIT/GPL";
