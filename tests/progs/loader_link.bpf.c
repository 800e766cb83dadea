// SPDX-License-Identifier: MIT
/* loader_link: what the object loader links, checked structurally by
 * tests/unit/test_loader.c and by running here: several programs in one section,
 * static and global subprograms (calls with and without relocations), a bpf_loop
 * callback (BPF_PSEUDO_FUNC), a map, each kind of global data, a prog-array
 * initialiser, an exception callback and a CO-RE read.  Return values were checked
 * against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpfx/bpf_test.h>
#include <bpfx/bpf_exceptions.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

__u32 data_first = 1;                  /* .data: data_val is not at offset 0 */
__u32 data_val = 7;
static volatile __u32 data_static = 9; /* reached through the section symbol + imm */
const volatile __u32 ro_first = 1;     /* .rodata */
const volatile __u32 ro_val = 100;
__u32 bss_val;                         /* .bss */
__u32 two_val SEC(".data.two") = 3;    /* .data.two */

/* leaf is called by mid without a relocation (same section), and by a program with
 * one (against the .text section symbol). */
static __noinline int leaf(int x)
{
	return x + bss_val + 1;
}

static __noinline int mid(int x)
{
	return leaf(x) * 2;
}

__noinline int glob_add(int x)
{
	return x + ro_val;
}

static int loop_cb(__u32 i, void *ctx)
{
	*(int *)ctx += i;
	return 0;
}

__noinline int exc_cb(__u64 cookie)
{
	return cookie + 1;
}

SEC("tc") __success __retval(106)
int link_calls(struct __sk_buff *ctx)
{
	return mid(1) + glob_add(2);         /* (1 + 0 + 1) * 2 + 2 + 100 */
}

SEC("tc") __success __retval(6)
int link_leaf(struct __sk_buff *ctx)
{
	return leaf(5);
}

SEC("tc") __success __retval(6)
int link_callback(struct __sk_buff *ctx)
{
	int n = 0;

	bpf_loop(4, loop_cb, &n, 0);         /* 0 + 1 + 2 + 3 */
	return n;
}

SEC("tc") __success __retval(91370)
int link_data(struct __sk_buff *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (!v)
		return -1;
	*v = data_val;                       /* 7 */
	/* 70 + 1000 + 0 + 300 + 90000 */
	return *v * 10 + ro_val * 10 + bss_val + two_val * 100 + data_static * 10000;
}

SEC("tc") __description("exception callback") __exception_cb(exc_cb) __success __retval(43)
int link_exc(struct __sk_buff *ctx)
{
	if (ctx->len)
		bpf_throw(42);
	return 0;
}

SEC("tc") __auxiliary
int tail_target(struct __sk_buff *ctx)
{
	return 77;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__array(values, int (void *));
} jump_table SEC(".maps") = {
	.values = { [2] = (void *)&tail_target },
};

SEC("tc") __success __retval(77)
int link_tail(struct __sk_buff *ctx)
{
	bpf_tail_call(ctx, &jump_table, 2);
	return 1;
}

/* CO-RE against the object's own BTF: 1 + 192 * 10 + 20 * 1000. */
SEC("tc") __success __retval(21921)
int link_core(struct __sk_buff *ctx)
{
	return bpf_core_field_exists(ctx->tstamp) + bpf_core_type_size(struct __sk_buff) * 10 +
	       bpf_core_field_size(ctx->cb) * 1000;
}

SEC("xdp") __success __retval(2)
int link_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "Dual MIT/GPL";
