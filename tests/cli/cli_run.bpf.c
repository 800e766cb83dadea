// SPDX-License-Identifier: GPL-2.0
/* cli_run: a fixture for `bpfx run` and `bpfx dump` (tests/cli/check_cli.sh): an XDP
 * program that fails an assertion two static subprograms deep, prints with
 * bpf_printk, and a program whose cookie needs all 64 bits.  On the default input
 * (64 zero bytes) data_end - data is 64. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>

static __noinline int parse_tcp(int len)
{
	bpf_assert_with(len > 100, 42); /* throw site */
	return len;
}

static __noinline int parse_ip(int len)
{
	return parse_tcp(len + 1) + 1;
}

SEC("xdp")
int xdp_main(struct xdp_md *ctx)
{
	bpf_printk("hello %d", 7);
	return parse_ip(ctx->data_end - ctx->data);
}

SEC("tc")
int big_cookie(struct __sk_buff *ctx)
{
	bpf_assert_with(ctx->len > 100, 0x10000002aULL);
	return 1;
}

SEC("tc")
int no_throw(struct __sk_buff *ctx)
{
	return ctx->len;
}

char _license[] SEC("license") = "GPL";
