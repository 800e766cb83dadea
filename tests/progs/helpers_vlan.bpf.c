// SPDX-License-Identifier: MIT
/* helpers_vlan: bpf_skb_vlan_push and bpf_skb_vlan_pop on the test run's skb (64
 * zero bytes: an 802.2 frame, no tag), and the __sk_buff fields they change
 * (vlan_present, vlan_tci, vlan_proto, protocol, len).  A tag goes into the skb's
 * metadata; pushing a second one moves the first into the packet after the MAC
 * addresses, and popping moves it back out.  bpfx used to refuse both helpers as
 * unknown functions.  Values checked against the host kernel (6.18) with
 * `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8

static __u32 byte_at(struct __sk_buff *skb, __u32 off)
{
	__u8 b = 0xee;

	bpf_skb_load_bytes(skb, off, &b, 1);
	return b;
}

/* The first tag only sets the metadata: all 16 bits of the TCI, the protocol as
 * given (big-endian, as __sk_buff shows it); the packet does not change. */
SEC("tc") __success __retval(0xf234)
int vlan_push_sets_metadata(struct __sk_buff *skb)
{
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), 0xf234))
		return -1;
	if (!skb->vlan_present || skb->vlan_proto != bpf_htons(ETH_P_8021AD))
		return -2;
	if (skb->len != 64 || skb->protocol != bpf_htons(0x0004))   /* ETH_P_802_2 */
		return -3;
	return skb->vlan_tci;
}

/* A tag protocol other than 802.1Q or 802.1AD is taken to be 802.1Q. */
SEC("tc") __success __retval(1)
int vlan_push_other_proto_is_8021q(struct __sk_buff *skb)
{
	bpf_skb_vlan_push(skb, bpf_htons(0x1234), 5);
	return skb->vlan_proto == bpf_htons(ETH_P_8021Q);
}

/* The second push writes the first tag (802.1Q, TCI 0x305) after the addresses:
 * 4 more bytes, skb->protocol now the tag's, the new tag in the metadata. */
SEC("tc") __success __retval(0x81000305)
int vlan_push_twice_inserts_tag(struct __sk_buff *skb)
{
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 0x305);
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), 7))
		return -1;
	if (skb->len != 68 || skb->protocol != bpf_htons(ETH_P_8021Q) || skb->vlan_tci != 7)
		return -2;
	if (skb->data_end - skb->data != 68)
		return -3;
	return byte_at(skb, 12) << 24 | byte_at(skb, 13) << 16 | byte_at(skb, 14) << 8 |
	       byte_at(skb, 15);
}

/* Three pushes: the older tags stack up in the packet, newest first. */
SEC("tc") __success __retval(0x030201)
int vlan_push_three_stacks_tags(struct __sk_buff *skb)
{
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 1);
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 2);
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 3);
	if (skb->len != 72 || byte_at(skb, 12) != 0x81 || byte_at(skb, 16) != 0x81)
		return -1;
	return skb->vlan_tci << 16 | byte_at(skb, 15) << 8 | byte_at(skb, 19);
}

/* Popping the metadata's tag brings the packet's outer tag (and its protocol) up
 * into the metadata, and the frame's own ethertype back as skb->protocol. */
SEC("tc") __success __retval(0x305)
int vlan_pop_moves_packet_tag_up(struct __sk_buff *skb)
{
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 0x305);
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), 7);
	if (bpf_skb_vlan_pop(skb))
		return -1;
	if (skb->len != 64 || skb->protocol != bpf_htons(0x0004) || !skb->vlan_present)
		return -2;
	if (skb->vlan_proto != bpf_htons(ETH_P_8021Q))
		return -3;
	return skb->vlan_tci;
}

/* No tag anywhere: nothing to pop, and no error. */
SEC("tc") __success __retval(0)
int vlan_pop_untagged(struct __sk_buff *skb)
{
	return bpf_skb_vlan_pop(skb) | skb->vlan_present | skb->vlan_tci;
}

/* A pushed then popped tag leaves all three fields zero. */
SEC("tc") __success __retval(0)
int vlan_pop_clears_metadata(struct __sk_buff *skb)
{
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 9);
	return bpf_skb_vlan_pop(skb) | skb->vlan_present | skb->vlan_tci | skb->vlan_proto;
}

/* The offset of the network header from data, found by numbering the packet's
 * bytes and reading one back relative to the network header. */
static __always_inline int net_offset(struct __sk_buff *skb)
{
	__u8 b = 0xff;

	for (int i = 0; i < 32; i++) {
		b = i;
		bpf_skb_store_bytes(skb, i, &b, 1, 0);
	}
	b = 0xff;
	bpf_skb_load_bytes_relative(skb, 0, &b, 1, BPF_HDR_START_NET);
	return b;
}

/* Linux 6.18 keeps the network header as far from data as it was when a tag moves
 * into the packet (it then points at the tag's TCI); popping puts it back after
 * the Ethernet header. */
SEC("tc") __success __retval(1414)
int vlan_tag_into_packet_keeps_network_offset(struct __sk_buff *skb)
{
	int pushed, popped;

	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 1);
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 2);
	pushed = net_offset(skb);
	bpf_skb_vlan_pop(skb);
	popped = net_offset(skb);
	return pushed * 100 + popped;
}

/* The ethertype under a popped packet tag becomes skb->protocol: two pushes put a
 * tag into the packet, the frame's ethertype behind it is set to IPv4, and two pops
 * leave an IPv4 skb (the other tests use this to get IP packets from zero bytes). */
SEC("tc") __success __retval(0x0800)
int vlan_pop_sets_protocol(struct __sk_buff *skb)
{
	__be16 ip = bpf_htons(0x0800);

	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 1);
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 2);
	bpf_skb_store_bytes(skb, 16, &ip, 2, 0);
	if (bpf_skb_vlan_pop(skb) || bpf_skb_vlan_pop(skb))
		return -1;
	if (skb->len != 64 || skb->vlan_present)
		return -2;
	return bpf_ntohs(skb->protocol);
}

char _license[] SEC("license") = "Dual MIT/GPL";
