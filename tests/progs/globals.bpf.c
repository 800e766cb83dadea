// SPDX-License-Identifier: MIT
/* globals: global data in .data, .rodata, .bss and a custom .data.* section, read
 * and written from main programs and subprograms.  Each program owns the variables
 * it writes, so results do not depend on the order or number of runs.  Every value
 * was checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

/* .data: initialised, writable */
__u64 data_initial = 5;
__u64 data_rw = 1;
__u32 data_array[4] = { 1, 2, 3, 4 };

/* .rodata: constant; `const volatile` keeps clang from folding the reads */
const volatile __u32 ro_value = 42;
const volatile __u64 ro_big = 0x1122334455667788ULL;
const char ro_text[] = "bpfx";

/* .bss: zero-initialised, writable */
__u64 bss_untouched;
__u64 bss_rw;
struct {
	__u32 a;
	__u64 b;
} bss_struct;

/* a custom section: its own map */
__u64 custom_value SEC(".data.custom") = 3;

SEC("tc") __success __retval(5)
int data_read_initial(struct __sk_buff *ctx)
{
	return data_initial;
}

SEC("tc") __success __retval(11)
int data_write_read(struct __sk_buff *ctx)
{
	data_rw = 10;
	data_rw += 1;
	return *(volatile __u64 *)&data_rw;
}

/* Only this program writes data_array[2], and it writes it back. */
SEC("tc") __success __retval(1000)
int data_array_variable_index(struct __sk_buff *ctx)
{
	__u32 i = ctx->len / 32;	/* 2 */
	__u32 old, sum;

	if (i >= 4)
		return -1;
	old = data_array[i];
	data_array[i] = 990;
	sum = data_array[0] + data_array[1] + data_array[i] + data_array[3];
	data_array[i] = old;
	return sum + 3;		/* 1 + 2 + 990 + 4 + 3 */
}

SEC("tc") __success __retval(42)
int rodata_read(struct __sk_buff *ctx)
{
	return ro_value;
}

SEC("tc") __success __retval(0x55667788)
int rodata_read_u64(struct __sk_buff *ctx)
{
	return ro_big;
}

SEC("tc") __success __retval(0x11223344)
int rodata_read_u64_high(struct __sk_buff *ctx)
{
	return ro_big >> 32;
}

SEC("tc") __success __retval(117)
int rodata_string(struct __sk_buff *ctx)
{
	__u32 i = ctx->len / 32 - 1;	/* 1 */

	if (i >= sizeof(ro_text))
		return -1;
	/* 'p' + '\0' + 5 */
	return ro_text[i] + ro_text[sizeof(ro_text) - 1] + sizeof(ro_text);
}

SEC("tc") __success __retval(0)
int bss_read_zero(struct __sk_buff *ctx)
{
	return bss_untouched;
}

SEC("tc") __success __retval(9)
int bss_write_read(struct __sk_buff *ctx)
{
	bss_rw = 9;
	return *(volatile __u64 *)&bss_rw;
}

SEC("tc") __success __retval(71)
int bss_struct_fields(struct __sk_buff *ctx)
{
	bss_struct.a = 7;
	bss_struct.b = 64;
	return *(volatile __u32 *)&bss_struct.a + *(volatile __u64 *)&bss_struct.b;
}

SEC("tc") __success __retval(3)
int custom_section_read(struct __sk_buff *ctx)
{
	return custom_value;
}

/* Globals reached from subprograms. */
__u64 sub_counter;

static __noinline int static_bump(__u64 v)
{
	sub_counter += v;
	return 0;
}

__noinline int global_bump(__u64 v)
{
	sub_counter += v;
	return 0;
}

SEC("tc") __success __retval(3)
int globals_from_subprogs(struct __sk_buff *ctx)
{
	sub_counter = 0;
	static_bump(1);
	global_bump(2);
	return sub_counter;
}

char _license[] SEC("license") = "Dual MIT/GPL";
