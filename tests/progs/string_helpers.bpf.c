// SPDX-License-Identifier: MIT
/* string_helpers: bpf_strncmp, bpf_strtol, bpf_strtoul and the probe reads, with the
 * kernel's rules (lib/kstrtox.c: leading spaces, one '-', base 0 guessing 8/10/16,
 * *res set to 0 first; strncmp answering -1/0/1; x86-64's -ERANGE for a read of a
 * user or non-canonical address).  bpfx used to refuse them as unknown functions.
 * Values checked against the host kernel (6.18) with `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22
#define ERANGE 34

static const char abcd[] = "abcd";

SEC("tc") __success __retval(0)
int strncmp_equal(struct __sk_buff *skb)
{
	char s[8] = "abcd";

	return bpf_strncmp(s, sizeof(s), abcd);
}

/* "abc" ends first: less, -1 (not the byte difference). */
SEC("tc") __success __retval(-1)
int strncmp_shorter(struct __sk_buff *skb)
{
	char s[8] = "abc";

	return bpf_strncmp(s, sizeof(s), abcd);
}

/* Bytes compare unsigned: 0xff is greater. */
SEC("tc") __success __retval(1)
int strncmp_high_byte(struct __sk_buff *skb)
{
	char s[8] = "ab\xff";

	return bpf_strncmp(s, sizeof(s), abcd);
}

/* The bytes read (spaces, sign and digits) * 1000 + the value. */
#define STRTOL(name, text, flags, expect)					\
	SEC("tc") __success __retval(expect)					\
	int name(struct __sk_buff *skb)						\
	{									\
		char b[] = text;						\
		long v = 0x77;							\
		long n = bpf_strtol(b, sizeof(b) - 1, flags, &v);		\
		return n < 0 ? n * 1000 - v : n * 1000 + v;			\
	}

STRTOL(strtol_spaces_and_sign, "  -42x", 0, 4958)    /* 5 bytes, -42 */
STRTOL(strtol_octal_guess, "0777", 0, 4511)          /* 4 bytes, 0777 */
STRTOL(strtol_0x_without_digits, "0x", 0, 1000)      /* base 8: just "0" */
STRTOL(strtol_hex_prefix_base16, "0x1f", 16, 4031)
STRTOL(strtol_base10_stops_at_x, "0x1f", 10, 1000)
STRTOL(strtol_bad_base, "12", 2, -22000)     /* -EINVAL, and *res = 0 */
STRTOL(strtol_plus_is_no_number, "+5", 0, -22000)
STRTOL(strtol_too_big, "9223372036854775808", 0, -34000)

SEC("tc") __success __retval(-EINVAL)
int strtoul_negative(struct __sk_buff *skb)
{
	char b[] = "-5";
	unsigned long v = 1;
	long n = bpf_strtoul(b, sizeof(b) - 1, 0, &v);

	return v ? -1 : n;
}

SEC("tc") __success __retval(5)
int strtoul_hex_upper(struct __sk_buff *skb)
{
	char b[] = "0XAbC";
	unsigned long v = 0;
	long n = bpf_strtoul(b, sizeof(b) - 1, 0, &v);

	return v == 0xabc ? n : -1;
}

/* Cut short: the last byte stored is the NUL; the result is the size. */
SEC("tc") __success __retval(4)
int probe_read_str_truncates(struct __sk_buff *skb)
{
	static const char s[] = "hello";
	char c[4];
	long n = bpf_probe_read_kernel_str(c, sizeof(c), s);

	return c[3] == 0 && c[2] == 'l' ? n : -1;
}

/* Address 16 is a user address: -ERANGE, and dst is zeroed. */
SEC("tc") __success __retval(-ERANGE)
int probe_read_user_address(struct __sk_buff *skb)
{
	char c[4] = { 1, 1, 1, 1 };
	long n = bpf_probe_read_kernel(c, sizeof(c), (void *)16);

	return c[0] | c[3] ? -1 : n;
}

char _license[] SEC("license") = "Dual MIT/GPL";
