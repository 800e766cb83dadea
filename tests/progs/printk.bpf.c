// SPDX-License-Identifier: MIT
/* printk: bpf_trace_printk (through libbpf's bpf_printk), which returns the length
 * of the formatted text, or -EINVAL for a format it refuses.  Every value was checked
 * against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22

/* "hello bpfx\n" */
SEC("tc") __success __retval(11)
int printk_plain(struct __sk_buff *ctx)
{
	return bpf_printk("hello bpfx\n");
}

/* "len=64 neg=-3 hex=ff\n" */
SEC("tc") __success __retval(21)
int printk_numbers(struct __sk_buff *ctx)
{
	int neg = -3;

	return bpf_printk("len=%u neg=%d hex=%x\n", ctx->len, neg, 255);
}

/* "v=4294967296 x=0x1122334455667788" */
SEC("tc") __success __retval(33)
int printk_64bit(struct __sk_buff *ctx)
{
	__u64 big = 1ULL << 32;

	return bpf_printk("v=%llu x=0x%llx", big, 0x1122334455667788ULL);
}

/* "[bpfx]" from a string argument on the stack */
SEC("tc") __success __retval(6)
int printk_string(struct __sk_buff *ctx)
{
	char name[5] = "bpfx";

	return bpf_printk("[%s]", name);
}

/* "%n" is refused. */
SEC("tc") __success __retval(-EINVAL)
int printk_bad_format(struct __sk_buff *ctx)
{
	return bpf_printk("bad %n", 1);
}

char _license[] SEC("license") = "Dual MIT/GPL";
