// SPDX-License-Identifier: MIT
/*
 * concurrency.bpf.c - for tests/unit/test_concurrency.c: the cookie and the depth of
 * the throw come from the packet, so threads running this program at once can check
 * that each got its own exception.  With 64 zero bytes it returns 0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

static __noinline __u64 level3(__u64 cookie, __u64 depth)
{
	if (depth == 3 && cookie)
		bpf_throw(cookie);
	return cookie + 3;
}

static __noinline __u64 level2(__u64 cookie, __u64 depth)
{
	if (depth == 2 && cookie)
		bpf_throw(cookie);
	return level3(cookie, depth) + 2;
}

SEC("tc") __success __retval(5)
int concurrent_throw(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 zero = 0;
	__u64 *cnt, cookie, depth;

	if (data + 16 > end)
		return -1;
	cnt = bpf_map_lookup_elem(&runs, &zero);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	cookie = *(__u64 *)data;
	depth = *(__u64 *)(data + 8);
	if (depth == 1 && cookie)
		bpf_throw(cookie);
	return level2(cookie, depth);
}

char LICENSE[] SEC("license") = "GPL";
