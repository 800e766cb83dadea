// SPDX-License-Identifier: MIT
/* loops: bounded loops the verifier must follow, bpf_loop() and
 * bpf_for_each_map_elem() with their callbacks (early stop, context, return values).
 * The test packet is 64 bytes, so ctx->len == 64.  Every value was checked against
 * the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22

/* A loop whose bound comes from the packet: 0 + 1 + ... + 7. */
SEC("tc") __success __retval(28)
int bounded_loop(struct __sk_buff *ctx)
{
	__u32 n = ctx->len / 8, i, sum = 0;

	if (n > 16)
		return -1;
	for (i = 0; i < n; i++)
		sum += i;
	return sum;
}

/* A loop that walks the packet. */
SEC("tc") __success __retval(64)
int packet_loop(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	int i, zeros = 0;

	for (i = 0; i < 128; i++) {
		if ((void *)(p + i + 1) > data_end)
			break;
		zeros += p[i] == 0;
	}
	return zeros;
}

struct loop_ctx {
	__u64 sum;
	__u32 stop_at;
};

static int add_index(__u64 i, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum += i;
	return 0;
}

/* bpf_loop returns the number of iterations made. */
SEC("tc") __success __retval(1045)
int bpf_loop_sum(struct __sk_buff *ctx)
{
	struct loop_ctx lc = {};
	long n;

	n = bpf_loop(10, add_index, &lc, 0);
	return n * 100 + lc.sum;	/* 10 iterations, 0 + ... + 9 */
}

static int stop_early(__u64 i, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum += i;
	return i == lc->stop_at;	/* 1 stops the loop */
}

SEC("tc") __success __retval(510)
int bpf_loop_early_stop(struct __sk_buff *ctx)
{
	struct loop_ctx lc = { .stop_at = 4 };
	long n;

	n = bpf_loop(10, stop_early, &lc, 0);
	return n * 100 + lc.sum;	/* 5 iterations (0..4), sum 10 */
}

SEC("tc") __success __retval(0)
int bpf_loop_zero(struct __sk_buff *ctx)
{
	struct loop_ctx lc = {};

	return bpf_loop(0, add_index, &lc, 0);
}

SEC("tc") __success __retval(-EINVAL)
int bpf_loop_bad_flags(struct __sk_buff *ctx)
{
	struct loop_ctx lc = {};

	return bpf_loop(10, add_index, &lc, 1);
}

/* The iteration count from the packet. */
SEC("tc") __success __retval(64)
int bpf_loop_variable_count(struct __sk_buff *ctx)
{
	struct loop_ctx lc = {};

	return bpf_loop(ctx->len, add_index, &lc, 0);
}

/* A callback that calls a subprogram. */
static __noinline __u64 square(__u64 v)
{
	return v * v;
}

static int add_square(__u64 i, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum += square(i);
	return 0;
}

SEC("tc") __success __retval(30)
int bpf_loop_callback_calls(struct __sk_buff *ctx)
{
	struct loop_ctx lc = {};

	bpf_loop(5, add_square, &lc, 0);
	return lc.sum;			/* 0 + 1 + 4 + 9 + 16 */
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} each_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} each_hash SEC(".maps");

struct each_ctx {
	__u64 sum;
	__u64 keys;
	__u32 stop_key;
};

static __u64 sum_elem(void *map, __u32 *key, __u64 *val, struct each_ctx *ec)
{
	ec->sum += *val;
	ec->keys += *key;
	return *key == ec->stop_key;	/* 1 stops the walk */
}

static __always_inline void fill_array(void)
{
	__u32 i, k;
	__u64 v;

	for (i = 0; i < 4; i++) {
		k = i;
		v = (i + 1) * 10;
		bpf_map_update_elem(&each_arr, &k, &v, BPF_ANY);
	}
}

/* An array is walked in key order; the call returns the number of elements seen. */
SEC("tc") __success __retval(40106)
int for_each_array(struct __sk_buff *ctx)
{
	struct each_ctx ec = { .stop_key = 100 };
	long n;

	fill_array();
	n = bpf_for_each_map_elem(&each_arr, sum_elem, &ec, 0);
	return n * 10000 + ec.sum + ec.keys;	/* 4 elements, 100, keys 0+1+2+3 */
}

SEC("tc") __success __retval(20061)
int for_each_array_early_stop(struct __sk_buff *ctx)
{
	struct each_ctx ec = { .stop_key = 1 };
	long n;

	fill_array();
	n = bpf_for_each_map_elem(&each_arr, sum_elem, &ec, 0);
	return n * 10000 + ec.sum * 2 + ec.keys;	/* 2 elements, 10 + 20, keys 0+1 */
}

/* A hash map is walked in no fixed order: only order-free results are checked. */
SEC("tc") __success __retval(30603)
int for_each_hash(struct __sk_buff *ctx)
{
	struct each_ctx ec = { .stop_key = 100 };
	__u32 i, k;
	__u64 v;
	long n;

	for (i = 0; i < 8; i++) {
		k = i;
		bpf_map_delete_elem(&each_hash, &k);
	}
	for (i = 0; i < 3; i++) {
		k = i;
		v = 100 * (i + 1);
		bpf_map_update_elem(&each_hash, &k, &v, BPF_ANY);
	}
	n = bpf_for_each_map_elem(&each_hash, sum_elem, &ec, 0);
	return n * 10000 + ec.sum + ec.keys;	/* 3 elements, 600, keys 0+1+2 */
}

char _license[] SEC("license") = "Dual MIT/GPL";
