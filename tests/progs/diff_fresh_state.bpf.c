// SPDX-License-Identifier: MIT
/* diff_fresh_state: two programs that each count their runs in the same global.
 * The kernel side of `bpfx diff` loads every program alone, so each sees a count of
 * 1; bpfx's side used to run them one after the other in one loaded object, so the
 * second saw 2 and the programs "differed" (tests/kernel/tests.cmake runs `bpfx diff`
 * on every object here).  `bpfx test` loads each test afresh too. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

__u32 runs;

SEC("tc") __success __retval(1)
int first_counts_runs(struct __sk_buff *skb)
{
	return __sync_add_and_fetch(&runs, 1);
}

SEC("tc") __success __retval(1)
int second_counts_runs(struct __sk_buff *skb)
{
	return __sync_add_and_fetch(&runs, 1);
}

char _license[] SEC("license") = "Dual MIT/GPL";
