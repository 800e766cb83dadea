// SPDX-License-Identifier: MIT
/*
 * persist.bpf.c - for tests/unit/test_persist.c: global data and map values live as
 * long as the object, across runs; .rodata can be set by the host before a run.
 * A fresh load returns 1 (first run: 1 + 0 * 100 + 0).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

__u64 runs;                        /* .bss */
__u64 last_len = 0;                /* .bss too: zero-initialised */
const volatile __u64 scale = 0;    /* .rodata: the host may set it before running */

SEC("tc") __success __retval(1)
int count_runs(struct __sk_buff *skb)
{
	__u32 key = skb->len;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&seen, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&seen, &key, &one, BPF_NOEXIST);
	last_len = skb->len;
	return (int)(++runs + scale * 100);
}

char LICENSE[] SEC("license") = "GPL";
