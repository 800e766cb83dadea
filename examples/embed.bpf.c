// SPDX-License-Identifier: MIT
/*
 * embed.bpf.c - the BPF side of examples/embed.c: a SEC("mem") program over the
 * host's buffer (R1 = pointer, R2 = length) that asserts its input and calls a kfunc
 * the host registered.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>

extern __u64 app_sum(void *p, __u32 n) __ksym;

SEC("mem")
__u64 checksum(void *buf, __u64 len)
{
	bpf_assert_with(len > 0, 1);       /* empty input: cookie 1 */
	bpf_assert_with(len <= 16, 2);     /* too long: cookie 2 */
	return app_sum(buf, len) * 2;
}

char LICENSE[] SEC("license") = "GPL";
