// SPDX-License-Identifier: MIT
/* ctx_skb: the __sk_buff that BPF_PROG_TEST_RUN shows tc programs and socket filters
 * for 64 zero bytes of packet.  Every expected value was read from the host kernel
 * (6.18.44, BPF_PROG_TEST_RUN, 64 zero bytes, no ctx_in): the skb is on the loopback
 * device (ifindex 1), eth_type_trans() of an all-zero header gives ETH_P_802_2, and
 * skb->sk is the test run's dummy socket (closed, no queue, no family). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

SEC("tc")
__success __retval(64)
int tc_len(struct __sk_buff *skb)
{
	return skb->len;
}

/* htons(ETH_P_802_2) read as a host-order int. */
SEC("tc")
__success __retval(1024)
int tc_protocol(struct __sk_buff *skb)
{
	return skb->protocol;
}

SEC("tc")
__success __retval(1)
int tc_ifindex(struct __sk_buff *skb)
{
	return skb->ifindex;
}

SEC("tc")
__success __retval(64)
int tc_data_len(struct __sk_buff *skb)
{
	return skb->data_end - skb->data;
}

/* One bit per field that the kernel shows as 0 here: a failure names the fields.
 * wire_len is 0 too: without ctx_in or ctx_out nothing is converted. */
SEC("tc")
__success __retval(0)
int tc_zero_fields(struct __sk_buff *skb)
{
	__u32 bits = 0;

	bits |= (skb->pkt_type != 0) << 0;
	bits |= (skb->mark != 0) << 1;
	bits |= (skb->queue_mapping != 0) << 2;
	bits |= (skb->vlan_present != 0) << 3;
	bits |= (skb->vlan_tci != 0) << 4;
	bits |= (skb->vlan_proto != 0) << 5;
	bits |= (skb->priority != 0) << 6;
	bits |= (skb->ingress_ifindex != 0) << 7;
	bits |= (skb->tc_index != 0) << 8;
	bits |= ((skb->cb[0] | skb->cb[1] | skb->cb[2] | skb->cb[3] | skb->cb[4]) != 0) << 9;
	bits |= (skb->hash != 0) << 10;
	bits |= (skb->tc_classid != 0) << 11;
	bits |= (skb->napi_id != 0) << 12;
	bits |= (skb->tstamp != 0) << 13;
	bits |= (skb->wire_len != 0) << 14;
	bits |= (skb->gso_segs != 0) << 15;
	bits |= (skb->gso_size != 0) << 16;
	bits |= (skb->tstamp_type != 0) << 17;
	bits |= (skb->hwtstamp != 0) << 18;
	bits |= (skb->data != skb->data_meta) << 19;
	return bits;
}

/* The packet is the 64 zero bytes given. */
SEC("tc")
__success __retval(0)
int tc_packet_bytes(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u32 sum = 0;

	if (data + 64 > end)
		return 1000;
	for (int i = 0; i < 64; i++)
		sum += data[i];
	return sum;
}

/* skb->sk is set: sock_init_data() leaves it TCP_CLOSE. */
SEC("tc")
__success __retval(7)
int tc_sk_state(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	return sk ? sk->state : 100;
}

/* No family for a non-IP packet; rx_queue_mapping -1 (no queue recorded). */
SEC("tc")
__success __retval(1)
int tc_sk_family_queue(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return 100;
	return sk->family * 10 + sk->rx_queue_mapping + 2;
}

/* Socket filters start after the Ethernet header: 64 - 14. */
SEC("socket")
__success __retval(50)
int sock_len(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("socket")
__success __retval(1024)
int sock_protocol(struct __sk_buff *skb)
{
	return skb->protocol;
}

SEC("socket")
__success __retval(1)
int sock_ifindex(struct __sk_buff *skb)
{
	return skb->ifindex;
}

char _license[] SEC("license") = "Dual MIT/GPL";
