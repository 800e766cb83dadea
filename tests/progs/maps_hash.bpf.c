// SPDX-License-Identifier: MIT
/* maps_hash: hash, per-CPU hash and LRU hash maps used from BPF: the life of one key
 * (update with each flag, lookup, write through the pointer, delete), a full map, and
 * an LRU map that makes room instead of failing.  Each program starts by clearing the
 * keys it uses, so it gives the same result however often it runs.  Every value was
 * checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define ENOENT 2
#define E2BIG 7
#define EEXIST 17

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} lru_hash SEC(".maps");

/* The life of one key; returns 100 + the final value, or the number of the step
 * that went wrong. */
static __always_inline int key_life(void *map, __u32 key)
{
	__u64 v = 5, *p;

	bpf_map_delete_elem(map, &key);
	if (bpf_map_lookup_elem(map, &key))
		return 1;
	if (bpf_map_update_elem(map, &key, &v, BPF_EXIST) != -ENOENT)
		return 2;
	if (bpf_map_update_elem(map, &key, &v, BPF_NOEXIST) != 0)
		return 3;
	if (bpf_map_update_elem(map, &key, &v, BPF_NOEXIST) != -EEXIST)
		return 4;
	v = 6;
	if (bpf_map_update_elem(map, &key, &v, BPF_EXIST) != 0)
		return 5;
	p = bpf_map_lookup_elem(map, &key);
	if (!p || *p != 6)
		return 6;
	*p += 1;			/* writes go to the map itself */
	p = bpf_map_lookup_elem(map, &key);
	if (!p)
		return 7;
	v = *p;
	if (bpf_map_delete_elem(map, &key) != 0)
		return 8;
	if (bpf_map_delete_elem(map, &key) != -ENOENT)
		return 9;
	if (bpf_map_lookup_elem(map, &key))
		return 10;
	return 100 + v;
}

SEC("tc") __success __retval(107)
int hash_key_life(struct __sk_buff *ctx)
{
	return key_life(&hash, 10);
}

SEC("tc") __success __retval(107)
int percpu_hash_key_life(struct __sk_buff *ctx)
{
	return key_life(&pcpu_hash, 10);
}

SEC("tc") __success __retval(107)
int lru_hash_key_life(struct __sk_buff *ctx)
{
	return key_life(&lru_hash, 10);
}

/* A full hash map refuses a new key with -E2BIG, but still updates existing ones. */
SEC("tc") __success __retval(-E2BIG)
int hash_full(struct __sk_buff *ctx)
{
	__u64 v = 1;
	__u32 i, k;
	int err;

	/* i stays in a register: the verifier follows a loop counter whose address
	 * is taken less precisely. */
	for (i = 20; i < 25; i++) {
		k = i;
		bpf_map_delete_elem(&hash, &k);
	}
	for (i = 20; i < 24; i++) {
		k = i;
		if (bpf_map_update_elem(&hash, &k, &v, BPF_NOEXIST))
			return i;
	}
	k = 20;
	if (bpf_map_update_elem(&hash, &k, &v, BPF_EXIST))
		return 1;
	k = 24;
	err = bpf_map_update_elem(&hash, &k, &v, BPF_ANY);
	for (i = 20; i < 24; i++) {
		k = i;
		bpf_map_delete_elem(&hash, &k);
	}
	return err;
}

/* The key comes from the packet. */
SEC("tc") __success __retval(64)
int hash_variable_key(struct __sk_buff *ctx)
{
	__u32 key = ctx->len;
	__u64 v = ctx->len, *p;

	bpf_map_update_elem(&hash, &key, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&hash, &key);
	v = p ? *p : 0;
	bpf_map_delete_elem(&hash, &key);
	return v;
}

/* An LRU map never fails for lack of room: it evicts.  After 100 new keys in a
 * 64-entry map, the last key is there. */
SEC("tc") __success __retval(199)
int lru_hash_evicts(struct __sk_buff *ctx)
{
	__u64 v, *p;
	__u32 i, k;

	for (i = 100; i < 200; i++) {
		k = i;
		v = i;
		if (bpf_map_update_elem(&lru_hash, &k, &v, BPF_ANY))
			return 1;
	}
	k = 199;
	p = bpf_map_lookup_elem(&lru_hash, &k);
	return p ? *p : 2;
}

char _license[] SEC("license") = "Dual MIT/GPL";
