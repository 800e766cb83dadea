// SPDX-License-Identifier: MIT
/* maps_lock_flag: bpf_map_update_elem(..., BPF_F_LOCK | flags) from programs: the
 * value goes into an existing element under the element's bpf_spin_lock (array and
 * hash maps whose value has one), a new hash element is written as usual, and every
 * other map or value is -EINVAL.  bpfx used to refuse BPF_F_LOCK for every map.
 * Values checked against the host kernel (6.18) with `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22
#define EEXIST 17
#define ENOENT 2
#define E2BIG 7

struct val {
	__u32 a;
	struct bpf_spin_lock lock;
	__u64 b;
};

struct plain {
	__u32 a;
	__u64 b;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct val);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct val);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct plain);
} arr_plain SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct plain);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct plain);
} lru SEC(".maps");

/* An array element is always there: BPF_EXIST and plain BPF_F_LOCK write it,
 * BPF_NOEXIST cannot; past the end is -E2BIG. */
SEC("tc") __success __retval(12)
int lock_flag_array(struct __sk_buff *skb)
{
	struct val v = { .a = 5, .b = 7 };
	__u32 k = 1, past = 2;
	struct val *p;

	if (bpf_map_update_elem(&arr, &k, &v, BPF_F_LOCK) ||
	    bpf_map_update_elem(&arr, &k, &v, BPF_F_LOCK | BPF_EXIST))
		return -1;
	if (bpf_map_update_elem(&arr, &k, &v, BPF_F_LOCK | BPF_NOEXIST) != -EEXIST)
		return -2;
	if (bpf_map_update_elem(&arr, &past, &v, BPF_F_LOCK) != -E2BIG)
		return -3;
	if (bpf_map_update_elem(&arr, &k, &v, BPF_F_LOCK | 3) != -EINVAL ||
	    bpf_map_update_elem(&arr, &k, &v, BPF_F_LOCK | 8) != -EINVAL)
		return -4;
	p = bpf_map_lookup_elem(&arr, &k);
	return p ? p->a + p->b : -5;
}

/* Hash: a new element with BPF_F_LOCK alone, then updates in place. */
SEC("tc") __success __retval(13)
int lock_flag_hash(struct __sk_buff *skb)
{
	struct val v = { .a = 5, .b = 7 };
	__u32 k = 1;
	struct val *p;

	if (bpf_map_update_elem(&hash, &k, &v, BPF_F_LOCK | BPF_EXIST) != -ENOENT)
		return -1;
	if (bpf_map_update_elem(&hash, &k, &v, BPF_F_LOCK))
		return -2;
	v.a = 6;
	if (bpf_map_update_elem(&hash, &k, &v, BPF_F_LOCK | BPF_EXIST))
		return -3;
	if (bpf_map_update_elem(&hash, &k, &v, BPF_F_LOCK | BPF_NOEXIST) != -EEXIST)
		return -4;
	p = bpf_map_lookup_elem(&hash, &k);
	return p ? p->a + p->b : -5;
}

/* A full hash map has no room for a new element, lock or not. */
SEC("tc") __success __retval(-E2BIG)
int lock_flag_hash_full(struct __sk_buff *skb)
{
	struct val v = {};
	__u32 k1 = 1, k2 = 2, k3 = 3;

	bpf_map_update_elem(&hash, &k1, &v, BPF_ANY);
	bpf_map_update_elem(&hash, &k2, &v, BPF_ANY);
	return bpf_map_update_elem(&hash, &k3, &v, BPF_F_LOCK);
}

/* A value without a lock, a per-CPU map, an LRU map: -EINVAL (the array's own
 * checks come first). */
SEC("tc") __success __retval(0)
int lock_flag_without_lock(struct __sk_buff *skb)
{
	struct plain v = { .a = 5 };
	__u32 k = 1, past = 9;

	if (bpf_map_update_elem(&arr_plain, &k, &v, BPF_F_LOCK) != -EINVAL)
		return 1;
	if (bpf_map_update_elem(&arr_plain, &k, &v, BPF_F_LOCK | BPF_NOEXIST) != -EEXIST)
		return 2;
	if (bpf_map_update_elem(&arr_plain, &past, &v, BPF_F_LOCK) != -E2BIG)
		return 3;
	if (bpf_map_update_elem(&pcpu, &k, &v, BPF_F_LOCK) != -EINVAL)
		return 4;
	if (bpf_map_update_elem(&lru, &k, &v, BPF_F_LOCK) != -EINVAL)
		return 5;
	return 0;
}

/* The lock is free again after the locked update, for the program to take. */
SEC("tc") __success __retval(105)
int lock_flag_after_spin_lock(struct __sk_buff *skb)
{
	struct val v = { .a = 5, .b = 7 };
	__u32 k = 0;
	struct val *p = bpf_map_lookup_elem(&arr, &k);
	long ret;

	if (!p)
		return -1;
	bpf_spin_lock(&p->lock);
	p->a = 3;
	bpf_spin_unlock(&p->lock);
	ret = bpf_map_update_elem(&arr, &k, &v, BPF_F_LOCK);
	bpf_spin_lock(&p->lock);
	p->a += 100;
	bpf_spin_unlock(&p->lock);
	return ret ? ret : p->a;
}

char _license[] SEC("license") = "Dual MIT/GPL";
