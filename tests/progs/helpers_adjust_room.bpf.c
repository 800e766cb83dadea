// SPDX-License-Identifier: MIT
/* helpers_adjust_room: the tc helpers that reshape an IP packet's headers, on the
 * test run's skb: bpf_skb_adjust_room (room after the mac header or after the IP
 * header, the encapsulation and decapsulation flags), bpf_skb_change_proto (IPv4 <->
 * IPv6), bpf_skb_ecn_set_ce and bpf_skb_set_tstamp, which all want an IP packet.  The
 * 64 zero bytes of a test run are an 802.2 frame, so ip_packet() first makes them
 * IPv4 or IPv6 with the VLAN helpers (a tag pushed into the packet, the ethertype
 * behind it set, the tag popped: skb->protocol is then that ethertype).  bpfx used to
 * refuse these helpers as unknown functions.  bpf_skb_change_tail comes in where the
 * headers bound it.  Values checked against the host kernel (6.18) with
 * `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22
#define EFAULT 14
#define EOPNOTSUPP 95
#define EALREADY 114
#define ENOTSUPP 524
#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd
#define DECAP_L3_IPV4 (1ULL << 7)   /* BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (Linux 6.3) */
#define DECAP_L3_IPV6 (1ULL << 8)
#define ENCAP_L2(len) ((__u64)(len) << 56)

/* Make the test run's frame an IP packet of protocol proto (see the banner). */
static __always_inline int ip_packet(struct __sk_buff *skb, __u16 proto)
{
	__be16 be = bpf_htons(proto);

	if (bpf_skb_vlan_push(skb, bpf_htons(0x8100), 1) ||
	    bpf_skb_vlan_push(skb, bpf_htons(0x8100), 2) ||
	    bpf_skb_store_bytes(skb, 16, &be, 2, 0) ||
	    bpf_skb_vlan_pop(skb) || bpf_skb_vlan_pop(skb))
		return -1;
	return skb->protocol == be ? 0 : -1;
}

static __u32 byte_at(struct __sk_buff *skb, __u32 off)
{
	__u8 b = 0xee;

	bpf_skb_load_bytes(skb, off, &b, 1);
	return b;
}

static void set_byte(struct __sk_buff *skb, __u32 off, __u8 b)
{
	bpf_skb_store_bytes(skb, off, &b, 1, 0);
}

/* --- bpf_skb_adjust_room ------------------------------------------------------- */

/* Only IP packets: the test run's own frame is -ENOTSUPP. */
SEC("tc") __success __retval(-ENOTSUPP)
int adjust_room_not_ip(struct __sk_buff *skb)
{
	return bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_MAC, 0);
}

/* BPF_ADJ_ROOM_MAC: 8 zero bytes after the Ethernet header, the IP header after them. */
SEC("tc") __success __retval(7200)
int adjust_room_mac_grow(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	set_byte(skb, ETH_HLEN, 0x45);
	set_byte(skb, ETH_HLEN + 20, 0xaa);
	if (bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_MAC, 0))
		return -2;
	if (byte_at(skb, ETH_HLEN) || byte_at(skb, ETH_HLEN + 7) ||
	    byte_at(skb, ETH_HLEN + 8) != 0x45 || byte_at(skb, ETH_HLEN + 28) != 0xaa)
		return -3;
	if (skb->data_end - skb->data != 72)
		return -4;
	return skb->len * 100;
}

/* BPF_ADJ_ROOM_NET: the room goes after the IPv4 header; shrinking takes the bytes
 * there away. */
SEC("tc") __success __retval(6000)
int adjust_room_net_shrink(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	set_byte(skb, ETH_HLEN + 19, 0x11);
	set_byte(skb, ETH_HLEN + 24, 0x22);
	if (bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_NET, 0))
		return -2;
	if (byte_at(skb, ETH_HLEN + 19) != 0x11 || byte_at(skb, ETH_HLEN + 20) != 0x22)
		return -3;
	return skb->len * 100;
}

/* The errors, in the kernel's order: flags, size, protocol and mode, lengths. */
SEC("tc") __success __retval(0)
int adjust_room_errors(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	if (bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, 1ULL << 9) != -EINVAL)
		return 1;
	if (bpf_skb_adjust_room(skb, 0x1000, BPF_ADJ_ROOM_MAC, 0) != -EFAULT)
		return 2;
	if (bpf_skb_adjust_room(skb, -0x1000, BPF_ADJ_ROOM_MAC, 0) != -EFAULT)
		return 3;
	if (bpf_skb_adjust_room(skb, 4, 2, 0) != -ENOTSUPP)
		return 4;
	/* 50 bytes of IP packet: at least the 20-byte header must stay */
	if (bpf_skb_adjust_room(skb, -31, BPF_ADJ_ROOM_MAC, 0) != -ENOTSUPP)
		return 5;
	if (bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, DECAP_L3_IPV4) != -EINVAL)
		return 6;
	if (bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC,
				DECAP_L3_IPV4 | DECAP_L3_IPV6) != -EINVAL)
		return 7;
	if (bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) != -EINVAL)
		return 8;
	if (bpf_skb_adjust_room(skb, 40, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) != -EINVAL)
		return 9;
	if (bpf_skb_adjust_room(skb, 40, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
				BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP) != -EINVAL)
		return 10;
	if (bpf_skb_adjust_room(skb, 40, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
				BPF_F_ADJ_ROOM_ENCAP_L2_ETH | ENCAP_L2(10)) != -EINVAL)
		return 11;
	if (bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
				ENCAP_L2(30)) != -EINVAL)
		return 12;
	return skb->len == 64 ? 0 : 13;
}

/* The packet may grow to SKB_MAX_ALLOC (16064 bytes), 4095 bytes at a time (and
 * shrinks back to 64 bytes, for the test run's data_out: not with
 * bpf_skb_change_tail, which growing the headroom has bounded, see
 * skb_tail_after_headroom_grew). */
SEC("tc") __success __retval(16064)
int adjust_room_grow_to_max(struct __sk_buff *skb)
{
	__u32 len;

	if (ip_packet(skb, ETH_P_IP))
		return -1;
	for (int i = 0; i < 3; i++)
		if (bpf_skb_adjust_room(skb, 0xfff, BPF_ADJ_ROOM_MAC, 0))
			return -2;
	if (bpf_skb_adjust_room(skb, 16064 - skb->len, BPF_ADJ_ROOM_NET, 0))
		return -3;
	if (bpf_skb_adjust_room(skb, 1, BPF_ADJ_ROOM_MAC, 0) != -ENOTSUPP)
		return -4;
	len = skb->len;
	for (int i = 0; i < 3; i++)
		if (bpf_skb_adjust_room(skb, -0xfff, BPF_ADJ_ROOM_MAC, 0))
			return -5;
	if (bpf_skb_adjust_room(skb, 64 - (int)skb->len, BPF_ADJ_ROOM_MAC, 0))
		return -6;
	return skb->len == 64 ? len : -7;
}

/* Growing the headroom (here by 64 bytes, for 100 bytes of head) makes the kernel's
 * unset transport header (~0 in a u16 offset from the buffer) "set", 63 bytes into
 * the new buffer: 35 bytes into the packet, which bpf_skb_change_tail may no longer
 * cut below.  bpfx kept it unset and let the packet shrink to its network header. */
SEC("tc") __success __retval(-2200)
int skb_tail_after_headroom_grew(struct __sk_buff *skb)
{
	if (bpf_skb_change_head(skb, 100, 0))
		return -1;
	return bpf_skb_change_tail(skb, 34, 0) * 100 + bpf_skb_change_tail(skb, 35, 0);
}

/* Encapsulation: an outer IPv6 header for an IPv4 packet makes the packet IPv6; the
 * skb is then encapsulated: no second encapsulation (-EALREADY), no tail change
 * (-ENOTSUPP), but plain room still. */
SEC("tc") __success __retval(100)
int adjust_room_encap_ipv6(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	if (bpf_skb_adjust_room(skb, 40, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
		return -2;
	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return -3;
	if (bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) != -EALREADY)
		return -4;
	if (bpf_skb_change_tail(skb, skb->len + 4, 0) != -ENOTSUPP)
		return -5;
	if (bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_NET, 0))
		return -6;
	return skb->len;
}

/* An L4 tunnel sets the transport header after the outer IP header, which then bounds
 * how far bpf_skb_change_tail may cut; the inner Ethernet header's length goes in
 * the flags' top byte. */
SEC("tc") __success __retval(114)
int adjust_room_encap_udp_eth(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	if (bpf_skb_adjust_room(skb, 50, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
				BPF_F_ADJ_ROOM_ENCAP_L4_UDP | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
				ENCAP_L2(14)))
		return -2;
	return skb->protocol == bpf_htons(ETH_P_IP) ? skb->len : -3;
}

/* Without encapsulation the network header moves with the room: change_tail may cut
 * down to it (14 bytes), not below. */
SEC("tc") __success __retval(-2200)
int adjust_room_tail_bound(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC, 0);
	return bpf_skb_change_tail(skb, 13, 0) * 100 + bpf_skb_change_tail(skb, 14, 0);
}

/* Growing the packet again with bpf_skb_change_tail zeroes the bytes it adds: bpfx
 * brought back the bytes an earlier cut had left in the buffer. */
SEC("tc") __success __retval(0)
int change_tail_grows_with_zeros(struct __sk_buff *skb)
{
	set_byte(skb, 50, 0x77);
	if (bpf_skb_change_tail(skb, 40, 0) || bpf_skb_change_tail(skb, 64, 0))
		return -1;
	return byte_at(skb, 50);
}

/* Decapsulation may name the inner protocol: the packet becomes IPv6, or stays IPv4. */
SEC("tc") __success __retval(0x86dd0800)
int adjust_room_decap(struct __sk_buff *skb)
{
	__u32 v6, v4;

	if (ip_packet(skb, ETH_P_IP))
		return -1;
	if (bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, DECAP_L3_IPV6))
		return -2;
	v6 = bpf_ntohs(skb->protocol);
	if (bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, DECAP_L3_IPV4))
		return -3;
	v4 = bpf_ntohs(skb->protocol);
	return v6 << 16 | v4;
}

/* Changing room resets CHECKSUM_UNNECESSARY (bpf_csum_level then says -EACCES),
 * unless BPF_F_ADJ_ROOM_NO_CSUM_RESET; a failed call changes nothing. */
SEC("tc") __success __retval(-13000)
int adjust_room_csum_reset(struct __sk_buff *skb)
{
	long failed, kept, reset;

	if (ip_packet(skb, ETH_P_IP))
		return -1;
	bpf_csum_level(skb, BPF_CSUM_LEVEL_INC);
	bpf_skb_adjust_room(skb, 4, 9, 0);
	failed = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_NO_CSUM_RESET);
	kept = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, 0);
	reset = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	return reset * 1000 + kept * 10 + failed;
}

/* Once a VLAN tag is in the packet, skb->protocol is the tag's: not IP. */
SEC("tc") __success __retval(0)
int adjust_room_after_vlan_tags(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	bpf_skb_vlan_push(skb, bpf_htons(0x8100), 1);
	bpf_skb_vlan_push(skb, bpf_htons(0x8100), 2);
	return bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0) == -ENOTSUPP ? 0 : 1;
}

/* --- bpf_skb_change_proto ------------------------------------------------------ */

/* IPv4 -> IPv6: 20 zero bytes after the Ethernet header, skb->hash cleared; back to
 * IPv4 removes them again. */
SEC("tc") __success __retval(8464)
int change_proto_4_to_6_and_back(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	set_byte(skb, ETH_HLEN, 0x45);
	bpf_set_hash(skb, 77);
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0))
		return -2;
	if (skb->len != 84 || skb->hash || byte_at(skb, ETH_HLEN) ||
	    byte_at(skb, ETH_HLEN + 20) != 0x45 || skb->protocol != bpf_htons(ETH_P_IPV6))
		return -3;
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0))
		return -4;
	return skb->len == 64 && byte_at(skb, ETH_HLEN) == 0x45 ? 8464 : -5;
}

SEC("tc") __success __retval(0)
int change_proto_errors(struct __sk_buff *skb)
{
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0) != -ENOTSUPP)
		return 1;   /* 802.2 */
	if (ip_packet(skb, ETH_P_IPV6))
		return -1;
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 1) != -EINVAL)
		return 2;
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0) != -ENOTSUPP)
		return 3;
	return 0;
}

/* --- bpf_skb_ecn_set_ce -------------------------------------------------------- */

/* ECT(0) becomes CE and the IPv4 checksum follows (0x1234 + ~0x0001 = 0x1233 in one's
 * complement); a CE packet stays CE (1); not-ECT stays (0); a non-IP frame is 0. */
SEC("tc") __success __retval(0x31233110)
int ecn_set_ce_ipv4(struct __sk_buff *skb)
{
	__be16 check = bpf_htons(0x1234);
	long not_ip = bpf_skb_ecn_set_ce(skb), ce, again, not_ect;
	__u32 tos;

	if (ip_packet(skb, ETH_P_IP))
		return -1;
	set_byte(skb, ETH_HLEN + 1, 2);                      /* tos: ECT(0) */
	bpf_skb_store_bytes(skb, ETH_HLEN + 10, &check, 2, 0);
	ce = bpf_skb_ecn_set_ce(skb);
	tos = byte_at(skb, ETH_HLEN + 1);
	again = bpf_skb_ecn_set_ce(skb);
	bpf_skb_load_bytes(skb, ETH_HLEN + 10, &check, 2);
	set_byte(skb, ETH_HLEN + 1, 0);
	not_ect = bpf_skb_ecn_set_ce(skb);
	return tos << 28 | bpf_ntohs(check) << 12 | ce << 8 | again << 4 | (not_ect | not_ip);
}

/* IPv6: the traffic class straddles the first two bytes (ECT(1) here). */
SEC("tc") __success __retval(0x60301)
int ecn_set_ce_ipv6(struct __sk_buff *skb)
{
	long ce;

	if (ip_packet(skb, ETH_P_IPV6))
		return -1;
	set_byte(skb, ETH_HLEN, 0x60);
	set_byte(skb, ETH_HLEN + 1, 0x10);                   /* traffic class 0x01 */
	ce = bpf_skb_ecn_set_ce(skb);
	return byte_at(skb, ETH_HLEN) << 12 | byte_at(skb, ETH_HLEN + 1) << 4 | ce;
}

/* --- bpf_skb_set_tstamp -------------------------------------------------------- */

SEC("tc") __success __retval(-EOPNOTSUPP)
int set_tstamp_not_ip(struct __sk_buff *skb)
{
	return bpf_skb_set_tstamp(skb, 5, 0);
}

/* Realtime may be 0; monotonic (1) and TAI (2) may not; 3 is no clock. */
SEC("tc") __success __retval(1209)
int set_tstamp_clocks(struct __sk_buff *skb)
{
	if (ip_packet(skb, ETH_P_IP))
		return -1;
	if (bpf_skb_set_tstamp(skb, 0, 0) || skb->tstamp || skb->tstamp_type)
		return 1;
	if (bpf_skb_set_tstamp(skb, 0, 1) != -EINVAL || bpf_skb_set_tstamp(skb, 0, 2) != -EINVAL)
		return 2;
	if (bpf_skb_set_tstamp(skb, 9, 3) != -EINVAL || skb->tstamp)
		return 3;
	if (bpf_skb_set_tstamp(skb, 7, 1) || skb->tstamp != 7 || skb->tstamp_type != 1)
		return 4;
	if (bpf_skb_set_tstamp(skb, 9, 2))
		return 5;
	return skb->tstamp_type * 600 + skb->tstamp;
}

char _license[] SEC("license") = "Dual MIT/GPL";
