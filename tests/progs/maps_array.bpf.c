// SPDX-License-Identifier: MIT
/* maps_array: array and per-CPU array maps used from BPF: lookup, update (with each
 * flag), delete, out-of-range keys, writes through the value pointer, atomics.  Each
 * program sets up what it reads, so it gives the same result however often it runs
 * and in whatever order.  Every value was checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define E2BIG 7
#define EEXIST 17
#define EINVAL 22

struct pair {
	__u32 a;
	__u32 b;
	__u64 sum;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct pair);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_arr SEC(".maps");

SEC("tc") __success __retval(43)
int array_update_lookup(struct __sk_buff *ctx)
{
	struct pair v = { .a = 40, .b = 2 };
	__u32 key = 1;
	struct pair *p;

	if (bpf_map_update_elem(&arr, &key, &v, BPF_ANY))
		return -1;
	p = bpf_map_lookup_elem(&arr, &key);
	if (!p)
		return -2;
	p->sum = p->a + p->b;		/* writes go to the map itself */
	p = bpf_map_lookup_elem(&arr, &key);
	if (!p)
		return -3;
	return p->sum + 1;
}

/* Key 7 is written by no program: it stays zero. */
SEC("tc") __success __retval(0)
int array_untouched_is_zero(struct __sk_buff *ctx)
{
	__u32 key = 7;
	struct pair *p = bpf_map_lookup_elem(&arr, &key);

	if (!p)
		return -1;
	return p->a | p->b | p->sum;
}

SEC("tc") __success __retval(1)
int array_lookup_out_of_range(struct __sk_buff *ctx)
{
	__u32 key = 8;

	return bpf_map_lookup_elem(&arr, &key) == NULL;
}

SEC("tc") __success __retval(-E2BIG)
int array_update_out_of_range(struct __sk_buff *ctx)
{
	struct pair v = {};
	__u32 key = 100;

	return bpf_map_update_elem(&arr, &key, &v, BPF_ANY);
}

/* Array elements always exist. */
SEC("tc") __success __retval(-EEXIST)
int array_update_noexist(struct __sk_buff *ctx)
{
	struct pair v = {};
	__u32 key = 2;

	return bpf_map_update_elem(&arr, &key, &v, BPF_NOEXIST);
}

SEC("tc") __success __retval(0)
int array_update_exist(struct __sk_buff *ctx)
{
	struct pair v = { .a = 1 };
	__u32 key = 2;

	return bpf_map_update_elem(&arr, &key, &v, BPF_EXIST);
}

SEC("tc") __success __retval(-EINVAL)
int array_delete(struct __sk_buff *ctx)
{
	__u32 key = 2;

	return bpf_map_delete_elem(&arr, &key);
}

SEC("tc") __success __retval(-EINVAL)
int array_update_bad_flags(struct __sk_buff *ctx)
{
	struct pair v = {};
	__u32 key = 2;

	return bpf_map_update_elem(&arr, &key, &v, 4);
}

/* The key comes from the packet: any key below max_entries is valid. */
SEC("tc") __success __retval(60)
int array_variable_key(struct __sk_buff *ctx)
{
	__u32 key = ctx->len / 16;	/* 4 */
	struct pair v = { .a = 15, .b = 45 };
	struct pair *p;

	bpf_map_update_elem(&arr, &key, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&arr, &key);
	if (!p)
		return -1;
	return p->a + p->b;
}

SEC("tc") __success __retval(12)
int array_atomic_add(struct __sk_buff *ctx)
{
	__u32 key = 3;
	struct pair *p = bpf_map_lookup_elem(&arr, &key);

	if (!p)
		return -1;
	p->sum = 5;
	__sync_fetch_and_add(&p->sum, 7);
	return p->sum;
}

SEC("tc") __success __retval(5)
int array_atomic_fetch(struct __sk_buff *ctx)
{
	__u32 key = 5;
	struct pair *p = bpf_map_lookup_elem(&arr, &key);

	if (!p)
		return -1;
	p->sum = 5;
	return __sync_fetch_and_add(&p->sum, 7);	/* the old value */
}

/* Per-CPU: a program sees its own CPU's copy. */
SEC("tc") __success __retval(10)
int percpu_array_update_lookup(struct __sk_buff *ctx)
{
	__u64 v = 7, *p;
	__u32 key = 1;

	if (bpf_map_update_elem(&pcpu_arr, &key, &v, BPF_ANY))
		return -1;
	p = bpf_map_lookup_elem(&pcpu_arr, &key);
	if (!p)
		return -2;
	*p += 3;
	p = bpf_map_lookup_elem(&pcpu_arr, &key);
	if (!p)
		return -3;
	return *p;
}

SEC("tc") __success __retval(1)
int percpu_array_out_of_range(struct __sk_buff *ctx)
{
	__u32 key = 4;

	return bpf_map_lookup_elem(&pcpu_arr, &key) == NULL;
}

SEC("tc") __success __retval(-EINVAL)
int percpu_array_delete(struct __sk_buff *ctx)
{
	__u32 key = 0;

	return bpf_map_delete_elem(&pcpu_arr, &key);
}

char _license[] SEC("license") = "Dual MIT/GPL";
