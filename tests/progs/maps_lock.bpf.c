// SPDX-License-Identifier: MIT
/* maps_lock: bpf_spin_lock in a map value (array and hash), guarding a
 * read-modify-write.  Every value was checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

struct counter {
	struct bpf_spin_lock lock;
	__u64 hits;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct counter);
} lock_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct counter);
} lock_hash SEC(".maps");

static __always_inline __u64 count(struct counter *c, __u64 len)
{
	__u64 ret;

	bpf_spin_lock(&c->lock);
	c->hits = 1;
	c->bytes = len;
	c->hits += 1;
	c->bytes += len;
	ret = c->hits * 1000 + c->bytes;
	bpf_spin_unlock(&c->lock);
	return ret;
}

SEC("tc") __success __retval(2128)
int spin_lock_array(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct counter *c = bpf_map_lookup_elem(&lock_arr, &key);

	if (!c)
		return -1;
	return count(c, ctx->len);
}

SEC("tc") __success __retval(2128)
int spin_lock_hash(struct __sk_buff *ctx)
{
	struct counter init = {};
	__u32 key = 1;
	struct counter *c;

	bpf_map_update_elem(&lock_hash, &key, &init, BPF_ANY);
	c = bpf_map_lookup_elem(&lock_hash, &key);
	if (!c)
		return -1;
	return count(c, ctx->len);
}

/* A lock taken and released in a static subprogram. */
static __noinline int locked_add(struct counter *c, __u64 v)
{
	bpf_spin_lock(&c->lock);
	c->bytes = v * 2;
	bpf_spin_unlock(&c->lock);
	return 0;
}

SEC("tc") __success __retval(128)
int spin_lock_in_subprog(struct __sk_buff *ctx)
{
	__u32 key = 1;
	struct counter *c = bpf_map_lookup_elem(&lock_arr, &key);

	if (!c)
		return -1;
	locked_add(c, ctx->len);
	return c->bytes;
}

char _license[] SEC("license") = "Dual MIT/GPL";
