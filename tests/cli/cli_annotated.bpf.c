// SPDX-License-Identifier: GPL-2.0
/* cli_annotated: a fixture for `bpfx test` itself (tests/cli/check_cli.sh), with one
 * program per verdict the command must give: pass, a wrong __retval, an unknown and a
 * malformed annotation, no annotations, an unprivileged variant, an auxiliary program,
 * fresh global data per test, and a __failure the verifier decides. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define __tag(t) __attribute__((btf_decl_tag(t)))

int counter;

SEC("tc") __success __retval(7)
int ok_retval(struct __sk_buff *ctx)
{
	return 7;
}

SEC("tc") __success __retval(5)
int wrong_retval(struct __sk_buff *ctx)
{
	return 4;
}

SEC("tc") __success __tag("comment:test_frobnicate")
int unknown_tag(struct __sk_buff *ctx)
{
	return 0;
}

SEC("tc") __tag("comment:test_retval=seven")
int bad_retval(struct __sk_buff *ctx)
{
	return 7;
}

SEC("tc")
int plain(struct __sk_buff *ctx)
{
	return 3;
}

SEC("tc") __success __tag("comment:test_expect_success_unpriv")
int with_unpriv(struct __sk_buff *ctx)
{
	return 3;
}

SEC("tc") __auxiliary
int aux(struct __sk_buff *ctx)
{
	return 3;
}

/* Each test loads the object afresh, so both see counter == 0 first. */
SEC("tc") __success __retval(1)
int fresh_1(struct __sk_buff *ctx)
{
	return ++counter;
}

SEC("tc") __success __retval(1)
int fresh_2(struct __sk_buff *ctx)
{
	return ++counter;
}

/* The kernel rejects this (R2 is read before it is written). */
SEC("tc") __failure __msg("R2 !read_ok")
__attribute__((naked)) int rejected_uninit(void)
{
	asm volatile("r0 = r2; exit;");
}

/* Syscall programs run with no input. */
SEC("syscall") __success __retval(9)
int sys_prog(void *ctx)
{
	return 9;
}

char _license[] SEC("license") = "GPL";
