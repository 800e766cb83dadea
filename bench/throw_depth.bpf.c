// SPDX-License-Identifier: MIT
/*
 * throw_depth.bpf.c - programs for bench/bench.c: a chain of calls of depth 1..8 that
 * either throws at the bottom or returns normally, and a loop for raw throughput.
 * Built for the kernel too, so the same object measures both.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>

/* f<n> calls down to f1; f1 throws (or returns) depending on the packet's first byte,
 * which the compiler cannot know. */
static __noinline __u64 f1(__u64 x, int throw)
{
	if (throw)
		bpf_throw(x);
	return x + 1;
}

#define LEVEL(n, below)                                                      \
	static __noinline __u64 f##n(__u64 x, int throw)                     \
	{                                                                    \
		return below(x + 1, throw) + 1;                              \
	}
LEVEL(2, f1)
LEVEL(3, f2)
LEVEL(4, f3)
LEVEL(5, f4)
LEVEL(6, f5)
LEVEL(7, f6)

static __always_inline int first_byte(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	return data + 1 <= end ? *(__u8 *)data : 0;
}

#define PROGS(n, call)                                                       \
	SEC("tc") int throw_depth_##n(struct __sk_buff *skb)                 \
	{                                                                    \
		return (int)call(n, 1 | first_byte(skb));                    \
	}                                                                    \
	SEC("tc") int return_depth_##n(struct __sk_buff *skb)                \
	{                                                                    \
		return (int)call(n, first_byte(skb));                        \
	}

static __always_inline __u64 f0(__u64 x, int throw)
{
	if (throw)
		bpf_throw(x);
	return x + 1;
}
PROGS(1, f0)
PROGS(2, f1)
PROGS(3, f2)
PROGS(4, f3)
PROGS(5, f4)
PROGS(6, f5)
PROGS(7, f6)
PROGS(8, f7)

SEC("tc")
int loop_1000(struct __sk_buff *skb)
{
	__u64 acc = first_byte(skb);

	for (int i = 0; i < 1000; i++)
		acc = acc * 31 + (acc >> 7) + i;
	return (int)acc;
}

char LICENSE[] SEC("license") = "GPL";
