// SPDX-License-Identifier: MIT
/* helpers_iter_bits: the open-coded bits iterator (bpf_iter_bits_new/next/destroy,
 * what bpf_for_each(bits, ...) expands to).  new() copies nr_words u64s from the
 * pointer it is given (read as bpf_probe_read_kernel reads: a user address is
 * -ERANGE, and one word fails as -EFAULT whatever the address), and next() yields
 * the index of each set bit.  bpfx used to refuse the kfuncs as unknown.  Values
 * checked against the host kernel (6.18) with `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22
#define EFAULT 14
#define E2BIG 7
#define ERANGE 34

struct bpf_iter_bits {
	__u64 __opaque[2];
} __attribute__((aligned(8)));

extern int bpf_iter_bits_new(struct bpf_iter_bits *it, const __u64 *unsafe_ptr__ign,
			     __u32 nr_words) __ksym;
extern int *bpf_iter_bits_next(struct bpf_iter_bits *it) __ksym;
extern void bpf_iter_bits_destroy(struct bpf_iter_bits *it) __ksym;

__u64 words[511];

/* One word stays in the iterator: bits 0, 2, 5 and 63, in order. */
SEC("tc") __success __retval(70004)
int iter_bits_one_word(struct __sk_buff *skb)
{
	__u64 w = 0x8000000000000025ull;
	struct bpf_iter_bits it;
	int *bit, sum = 0, n = 0, last = -1;

	if (bpf_iter_bits_new(&it, &w, 1))
		n = -1000000;       /* the iterator is destroyed even so, as the kernel wants */
	while ((bit = bpf_iter_bits_next(&it))) {
		if (*bit <= last)
			n += 100;
		last = *bit;
		sum += *bit;
		n++;
	}
	bpf_iter_bits_destroy(&it);
	return sum * 1000 + n;
}

/* More words are copied when new() runs: changing them afterwards changes nothing. */
SEC("tc") __success __retval(263)
int iter_bits_copies_words(struct __sk_buff *skb)
{
	__u64 w[3] = { 1, 0x100, 1ull << 63 };
	struct bpf_iter_bits it;
	int *bit, sum = 0;

	if (bpf_iter_bits_new(&it, w, 3))
		sum = -1000000;
	w[0] = w[1] = w[2] = 0;
	while ((bit = bpf_iter_bits_next(&it)))
		sum += *bit;
	bpf_iter_bits_destroy(&it);
	return sum;                  /* 0 + 72 + 191 */
}

/* At most 511 words (a 4 KiB allocation with its header); global data works too. */
SEC("tc") __success __retval(32703)
int iter_bits_max_words(struct __sk_buff *skb)
{
	struct bpf_iter_bits it;
	int *bit, sum = 0;

	words[0] = 2;
	words[510] = 1ull << 62;
	if (bpf_iter_bits_new(&it, words, 511))
		sum = -1000000;
	while ((bit = bpf_iter_bits_next(&it)))
		sum += *bit;
	bpf_iter_bits_destroy(&it);
	return sum;                  /* 1 + 510 * 64 + 62 */
}

/* After the last bit, next() stays NULL. */
SEC("tc") __success __retval(1)
int iter_bits_next_after_end(struct __sk_buff *skb)
{
	__u64 w = 1;
	struct bpf_iter_bits it;
	int n = 0;

	bpf_iter_bits_new(&it, &w, 1);
	n += bpf_iter_bits_next(&it) != NULL;
	n += (bpf_iter_bits_next(&it) != NULL) * 10;
	n += (bpf_iter_bits_next(&it) != NULL) * 100;
	bpf_iter_bits_destroy(&it);
	return n;
}

/* The errors of new(), after which next() gives nothing. */
static __always_inline int new_error(const __u64 *p, __u32 nr_words)
{
	struct bpf_iter_bits it;
	int err = bpf_iter_bits_new(&it, p, nr_words);

	if (bpf_iter_bits_next(&it))
		err = 1000;
	bpf_iter_bits_destroy(&it);
	return err;
}

SEC("tc") __success __retval(0)
int iter_bits_errors(struct __sk_buff *skb)
{
	__u64 w = 1;

	if (new_error(&w, 0) != -EINVAL || new_error(NULL, 1) != -EINVAL)
		return 1;
	if (new_error(words, 512) != -E2BIG)
		return 2;
	if (new_error((void *)0x1000, 1) != -EFAULT || new_error((void *)0x1000, 2) != -ERANGE)
		return 3;
	return 0;
}

char _license[] SEC("license") = "Dual MIT/GPL";
