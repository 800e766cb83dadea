// SPDX-License-Identifier: MIT
/* ctx_xdp: the xdp_md that BPF_PROG_TEST_RUN shows for 64 zero bytes of packet, as
 * read from the host kernel (6.18.44, no ctx_in): the loopback device's queue 0, no
 * metadata, the whole packet in the linear part. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

SEC("xdp")
__success __retval(64)
int xdp_data_len(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data;
}

SEC("xdp")
__success __retval(1)
int xdp_ingress_ifindex(struct xdp_md *ctx)
{
	return ctx->ingress_ifindex;
}

/* No metadata (bit 0), queue 0 (bit 1). */
SEC("xdp")
__success __retval(0)
int xdp_zero_fields(struct xdp_md *ctx)
{
	__u32 bits = 0;

	bits |= (ctx->data != ctx->data_meta) << 0;
	bits |= (ctx->rx_queue_index != 0) << 1;
	return bits;
}

SEC("xdp")
__success __retval(0)
int xdp_packet_bytes(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 sum = 0;

	if (data + 64 > end)
		return 1000;
	for (int i = 0; i < 64; i++)
		sum += data[i];
	return sum;
}

char _license[] SEC("license") = "Dual MIT/GPL";
