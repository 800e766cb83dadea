// SPDX-License-Identifier: MIT
/* skb_meta_helpers: helpers of tc programs that read or set the skb's metadata, on
 * the test run's skb (no dst, CHECKSUM_NONE, the test run's socket of uid 0), and
 * the bpf_sock helpers on that socket.  bpfx used to refuse them as unknown
 * functions.  Values checked against the host kernel (6.18) with
 * `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define EINVAL 22
#define EACCES 13
#define ENOTSUPP 524

/* A software hash is what skb->hash reads; bpf_set_hash_invalid clears it. */
SEC("tc") __success __retval(0xbeef)
int set_hash_then_read(struct __sk_buff *skb)
{
	if (bpf_set_hash(skb, 0xbeef))
		return -1;
	return skb->hash;
}

SEC("tc") __success __retval(9)
int set_hash_invalid_clears(struct __sk_buff *skb)
{
	__u32 cleared;

	bpf_set_hash(skb, 5);
	bpf_set_hash_invalid(skb);
	cleared = skb->hash;
	bpf_set_hash(skb, 9);
	return cleared ? -1 : skb->hash;
}

/* Only a CHECKSUM_COMPLETE skb has a csum to update. */
SEC("tc") __success __retval(-ENOTSUPP)
int csum_update_without_complete(struct __sk_buff *skb)
{
	return bpf_csum_update(skb, 0x1234);
}

/* CHECKSUM_NONE: a query is -EACCES; INC makes it CHECKSUM_UNNECESSARY at level 0,
 * further INCs stop at level 3, DEC goes down one, RESET goes back to NONE.
 * Digits: query before, query after INC, after 5 INCs, after a DEC, after RESET. */
SEC("tc") __success __retval(10321)
int csum_level_steps(struct __sk_buff *skb)
{
	long none = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY), l0, l3, l2, reset;

	bpf_csum_level(skb, BPF_CSUM_LEVEL_INC);
	l0 = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	for (int i = 0; i < 4; i++)
		bpf_csum_level(skb, BPF_CSUM_LEVEL_INC);
	l3 = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	bpf_csum_level(skb, BPF_CSUM_LEVEL_DEC);
	l2 = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	bpf_csum_level(skb, BPF_CSUM_LEVEL_RESET);
	reset = bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY);
	return (none == -EACCES) * 10000 + l0 * 1000 + l3 * 100 + l2 * 10 +
	       (reset == -EACCES);
}

SEC("tc") __success __retval(-EINVAL)
int csum_level_bad_level(struct __sk_buff *skb)
{
	return bpf_csum_level(skb, 4);
}

/* PACKET_HOST (0) may become PACKET_OTHERHOST (3); 7 is no packet type. */
SEC("tc") __success __retval(3)
int change_type_to_otherhost(struct __sk_buff *skb)
{
	if (bpf_skb_change_type(skb, 7) != -EINVAL)
		return -1;
	if (bpf_skb_change_type(skb, 3))
		return -2;
	return skb->pkt_type;
}

/* No dst, no net_cls class, the socket of uid 0. */
SEC("tc") __success __retval(0)
int route_realm_classid_uid(struct __sk_buff *skb)
{
	return bpf_get_route_realm(skb) | bpf_get_cgroup_classid(skb) |
	       bpf_get_socket_uid(skb);
}

/* The test run's socket is a full socket, of no protocol (not TCP), closed (not
 * listening). */
SEC("tc") __success __retval(1)
int sock_helpers_on_test_socket(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk, *full;

	if (!sk)
		return -1;
	full = bpf_sk_fullsock(sk);
	if (!full || full->type || full->protocol)
		return -2;
	if (bpf_tcp_sock(full) || bpf_get_listener_sock(full))
		return -3;
	return 1;
}

char _license[] SEC("license") = "Dual MIT/GPL";
