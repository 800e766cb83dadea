// SPDX-License-Identifier: GPL-2.0
/* cli_reject: a program that no loader may accept (its exception callback takes two
 * arguments), for `bpfx run`'s "not loaded" report (tests/cli/check_cli.sh). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>

__noinline int two_arg_cb(__u64 a, __u64 b)
{
	return a + b;
}

SEC("tc") __exception_cb(two_arg_cb)
int bad_cb(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
