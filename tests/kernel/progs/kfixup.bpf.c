// SPDX-License-Identifier: GPL-2.0
/* kfixup: every kind of BTF that clang leaves unfit for the kernel, for
 * test_btf_fixup and the kernel loader: global variables in .data, .bss, .rodata and a
 * custom data section (DATASEC size 0, VAR offsets 0), a static and a hidden one, a
 * BTF-defined map, extern kfuncs in .ksyms (FUNC with extern linkage, unnamed
 * parameters), a hidden global function.  Its programs carry the results a kernel
 * gives them (6.18, BPF_PROG_TEST_RUN, 64 zero bytes). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

int d1 = 1;
int d2 = 2;
static volatile int d_static = 3;
__hidden int d_hidden = 4;
const volatile int ro1 = 5;
const volatile long ro2 = 7;
int z1;
long z2;
int custom1 SEC(".data.custom") = 11;
long custom2 SEC(".data.custom") = 13;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, int);
	__type(value, long);
} arr SEC(".maps");

__hidden __noinline int hidden_add(int x)
{
	return x + d_hidden;
}

__noinline int global_add(int x)
{
	return x + d1;
}

SEC("tc")
__success __retval(37)
int sum_globals(struct __sk_buff *ctx)
{
	z1 += 1;
	z2 += 2;
	d_static += 1;
	/* 1 + 2 + 4 + 5 + 7 + 1 + 2 + 4 (d_static after ++) + 11 - 13 + 13 = 37 */
	return global_add(0) + d2 + hidden_add(0) + ro1 + ro2 + z1 + z2 + d_static +
	       custom1 - (int)custom2 + 13;
}

SEC("tc")
__success __retval(21)
int throw_from_global(struct __sk_buff *ctx)
{
	if (global_add(ctx->len) > 60)
		bpf_throw(21);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
