// SPDX-License-Identifier: MIT
/* exceptions_assert: every assertion macro of bpfx/bpf_exceptions.h, passing (the
 * program goes on and returns its own value) and failing (it returns the cookie: 0,
 * or the _with value).  Includes the kernel's bpf_assert_range pitfall (a negative
 * bound of a narrow C type is a sign-extended imm32 compared unsigned), signed
 * compares, 64-bit bounds held in registers, and uses that need the verifier to
 * learn a bound from the assertion.  The test packet is 64 zero bytes, so
 * ctx->len == 64.  Every value was checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

/* --- bpf_assert, bpf_assert_with (plain C conditions) --- */
SEC("tc") __success __retval(1)
int assert_pass(struct __sk_buff *ctx)
{
	bpf_assert(ctx->len == 64);
	return 1;
}

SEC("tc") __success __retval(0)
int assert_fail(struct __sk_buff *ctx)
{
	bpf_assert(ctx->len != 64);
	return 1;
}

SEC("tc") __success __retval(2)
int assert_with_pass(struct __sk_buff *ctx)
{
	bpf_assert_with(ctx->len < 100, 42);
	return 2;
}

SEC("tc") __success __retval(42)
int assert_with_fail(struct __sk_buff *ctx)
{
	bpf_assert_with(ctx->len > 100, 42);
	return 2;
}

/* A 64-bit cookie: the test run reports its low 32 bits. */
SEC("tc") __success __retval(42)
int assert_with_fail_cookie64(struct __sk_buff *ctx)
{
	bpf_assert_with(ctx->len > 100, 0x10000002aULL);
	return 2;
}

/* After a plain-C packet assertion the verifier knows 64 bytes are there. */
SEC("tc") __success __retval(3)
int assert_packet_bound_pass(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	bpf_assert(data + 64 <= data_end);
	return ((__u8 *)data)[63] + 3;
}

SEC("tc") __success __retval(99)
int assert_packet_bound_fail(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	bpf_assert_with(data + 65 <= data_end, 99);
	return ((__u8 *)data)[64] + 3;
}

SEC("xdp") __success __retval(4)
int assert_xdp_fail(struct xdp_md *ctx)
{
	bpf_assert_with(ctx->data_end - ctx->data > 64, 4);
	return XDP_PASS;
}

/* --- bpf_assert_range, bpf_assert_range_with (inclusive bounds, inline asm) --- */
SEC("tc") __success __retval(64)
int range_pass(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range(len, 0, 100);
	return len;
}

SEC("tc") __success __retval(0)
int range_fail_low(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range(len, 65, 100);
	return len;
}

SEC("tc") __success __retval(0)
int range_fail_high(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range(len, 0, 63);
	return len;
}

SEC("tc") __success __retval(12)
int range_with_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range_with(len, 65, 100, 12);
	return len;
}

/* A one-value range: both bounds are inclusive. */
SEC("tc") __success __retval(65)
int range_with_single_value(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range_with(len, 64, 64, 12);
	return len + 1;
}

/* The pitfall (kernel selftest exception_bad_assert_range): -100 is an int, so it is
 * an imm32 sign-extended to 0xffffffffffffff9c and compared unsigned with len.  64 is
 * below that: the assertion fails although -100 <= 64 <= 100. */
SEC("tc") __success __retval(0)
int range_unsigned_imm_pitfall(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range(len, -100, 100);
	return 1;
}

SEC("tc") __success __retval(10)
int range_unsigned_imm_pitfall_with(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_range_with(len, -100, 100, 10);
	return 1;
}

/* The same bounds on a signed variable compare signed and pass. */
SEC("tc") __success __retval(64)
int range_signed_pass(struct __sk_buff *ctx)
{
	__s64 v = ctx->len;

	bpf_assert_range(v, -100, 100);
	return v;
}

SEC("tc") __success __retval(64)
int range_signed_negative_pass(struct __sk_buff *ctx)
{
	__s64 v = (__s64)ctx->len - 100;	/* -36 */

	bpf_assert_range_with(v, -50, -20, 13);
	return v + 100;
}

SEC("tc") __success __retval(14)
int range_signed_negative_fail(struct __sk_buff *ctx)
{
	__s64 v = (__s64)ctx->len - 100;	/* -36 */

	bpf_assert_range_with(v, -30, 0, 14);
	return v + 100;
}

/* 8-byte bounds go through a register: an imm32 could not hold them. */
SEC("tc") __success __retval(64)
int range_64bit_bounds_pass(struct __sk_buff *ctx)
{
	__u64 big = (__u64)ctx->len << 36;	/* 1 << 42 */

	bpf_assert_range_with(big, 1ULL << 40, 1ULL << 44, 15);
	return big >> 36;
}

SEC("tc") __success __retval(15)
int range_64bit_bounds_fail(struct __sk_buff *ctx)
{
	__u64 big = (__u64)ctx->len << 36;	/* 1 << 42 */

	bpf_assert_range_with(big, 1ULL << 43, 1ULL << 44, 15);
	return big >> 36;
}

/* The verifier must learn 0 <= i <= 7 from the assertion to accept the lookup. */
const volatile __u8 table[8] = { 10, 11, 12, 13, 14, 15, 16, 17 };

SEC("tc") __success __retval(14)
int range_bounds_array_index(struct __sk_buff *ctx)
{
	__u64 i = ctx->len - 60;	/* 4 */

	bpf_assert_range(i, 0, 7);
	return table[i];
}

/* --- bpf_cmp_unlikely / bpf_cmp_likely: one jump on the register holding x --- */
SEC("tc") __success __retval(64)
int cmp_all_ops_pass(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, ==, 64), 21);
	bpf_assert_with(bpf_cmp_unlikely(len, !=, 63), 22);
	bpf_assert_with(bpf_cmp_unlikely(len, <, 65), 23);
	bpf_assert_with(bpf_cmp_unlikely(len, <=, 64), 24);
	bpf_assert_with(bpf_cmp_unlikely(len, >, 63), 25);
	bpf_assert_with(bpf_cmp_unlikely(len, >=, 64), 26);
	bpf_assert_with(bpf_cmp_unlikely(len, &, 0x40), 27);
	bpf_assert_with(bpf_cmp_likely(len, ==, 64), 31);
	bpf_assert_with(bpf_cmp_likely(len, !=, 63), 32);
	bpf_assert_with(bpf_cmp_likely(len, <, 65), 33);
	bpf_assert_with(bpf_cmp_likely(len, <=, 64), 34);
	bpf_assert_with(bpf_cmp_likely(len, >, 63), 35);
	bpf_assert_with(bpf_cmp_likely(len, >=, 64), 36);
	return len;
}

SEC("tc") __success __retval(21)
int cmp_unlikely_eq_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, ==, 63), 21);
	return len;
}

SEC("tc") __success __retval(22)
int cmp_unlikely_ne_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, !=, 64), 22);
	return len;
}

SEC("tc") __success __retval(23)
int cmp_unlikely_lt_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, <, 64), 23);
	return len;
}

SEC("tc") __success __retval(24)
int cmp_unlikely_le_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, <=, 63), 24);
	return len;
}

SEC("tc") __success __retval(25)
int cmp_unlikely_gt_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, >, 64), 25);
	return len;
}

SEC("tc") __success __retval(26)
int cmp_unlikely_ge_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, >=, 65), 26);
	return len;
}

SEC("tc") __success __retval(27)
int cmp_unlikely_and_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, &, 0x3f), 27);
	return len;
}

SEC("tc") __success __retval(33)
int cmp_likely_lt_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_likely(len, <, 64), 33);
	return len;
}

SEC("tc") __success __retval(36)
int cmp_likely_ge_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_likely(len, >=, 65), 36);
	return len;
}

/* Signed LHS: s< on -36 holds; the same bits as an unsigned LHS are huge. */
SEC("tc") __success __retval(1)
int cmp_signed_pass(struct __sk_buff *ctx)
{
	__s64 v = (__s64)ctx->len - 100;

	bpf_assert_with(bpf_cmp_unlikely(v, <, 0), 41);
	bpf_assert_with(bpf_cmp_unlikely(v, >=, -36), 42);
	bpf_assert_with(bpf_cmp_likely(v, <=, -36), 43);
	bpf_assert_with(bpf_cmp_likely(v, >, -37), 44);
	return 1;
}

SEC("tc") __success __retval(45)
int cmp_unsigned_same_bits_fail(struct __sk_buff *ctx)
{
	__u64 u = (__u64)ctx->len - 100;

	bpf_assert_with(bpf_cmp_unlikely(u, <, 10), 45);
	return 1;
}

SEC("tc") __success __retval(46)
int cmp_signed_fail(struct __sk_buff *ctx)
{
	__s64 v = (__s64)ctx->len - 100;

	bpf_assert_with(bpf_cmp_unlikely(v, >, 0), 46);
	return 1;
}

/* A narrower x is widened with its own signedness first. */
SEC("tc") __success __retval(1)
int cmp_int_lhs(struct __sk_buff *ctx)
{
	int i = (int)ctx->len - 100;		/* -36 */
	__u32 u = ctx->len - 100;		/* 0xffffffdc */

	bpf_assert_with(bpf_cmp_unlikely(i, <, 0), 50);
	bpf_assert_with(bpf_cmp_likely(i, ==, -36), 51);
	bpf_assert_with(bpf_cmp_unlikely(u, >, 100), 52);
	bpf_assert_with(bpf_cmp_unlikely(u, ==, 0xffffffdcULL), 53);
	return 1;
}

/* ...but a narrow negative constant is still a sign-extended imm32: as a 64-bit value
 * 0xffffffdc is not -36. */
SEC("tc") __success __retval(54)
int cmp_u32_lhs_negative_imm(struct __sk_buff *ctx)
{
	__u32 u = ctx->len - 100;		/* 0xffffffdc */

	bpf_assert_with(bpf_cmp_unlikely(u, ==, -36), 54);
	return 1;
}

/* INT_MIN as an imm32 is sign-extended: 0xffffffff80000000. */
SEC("tc") __success __retval(1)
int cmp_int_min(struct __sk_buff *ctx)
{
	__s64 n = (__s64)ctx->len - 64 - 2147483648LL;

	bpf_assert_with(bpf_cmp_unlikely(n, ==, (-2147483647 - 1)), 47);
	return 1;
}

/* A 64-bit right-hand side goes in a register. */
SEC("tc") __success __retval(48)
int cmp_64bit_rhs_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	bpf_assert_with(bpf_cmp_unlikely(len, >, 0x100000000ULL), 48);
	return 1;
}

/* A variable right-hand side. */
SEC("tc") __success __retval(49)
int cmp_variable_rhs_fail(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;
	__u32 limit = ctx->len - 1;

	bpf_assert_with(bpf_cmp_unlikely(len, <, limit), 49);
	return 1;
}

/* The verifier must learn i < 8 from the compare to accept the lookup. */
SEC("tc") __success __retval(15)
int cmp_bounds_array_index(struct __sk_buff *ctx)
{
	__u64 i = ctx->len - 59;	/* 5 */

	if (bpf_cmp_likely(i, <, 8))
		return table[i];
	return 0;
}

/* --- assertions failing below main --- */
static __noinline int check_static(__u64 len)
{
	bpf_assert_range_with(len, 0, 32, 16);
	return len;
}

__noinline int check_global(__u64 len)
{
	bpf_assert_range_with(len, 0, 32, 17);
	return len;
}

SEC("tc") __success __retval(16)
int assert_fail_in_static(struct __sk_buff *ctx)
{
	return check_static(ctx->len) + 1;
}

SEC("tc") __success __retval(17)
int assert_fail_in_global(struct __sk_buff *ctx)
{
	return check_global(ctx->len) + 1;
}

SEC("tc") __success __retval(33)
int assert_pass_in_global(struct __sk_buff *ctx)
{
	return check_global(ctx->len / 2) + 1;
}

char _license[] SEC("license") = "Dual MIT/GPL";
