// SPDX-License-Identifier: MIT
/* parse_assert: an XDP program that parses Ethernet -> IPv4 -> TCP with assertions.
 *
 * Each "this must hold" check is an assertion: if it fails, bpf_throw() ends the
 * program at once, from however deep in the call chain, and the program returns the
 * assertion's error code (a real program would add an __exception_cb turning it into
 * XDP_DROP).  bpfx reports where it threw and through which frames.
 *
 *   64 zero bytes (the default input)   not IPv4: throws 11 in xdp_main
 *   packet.bin                          TCP data offset of 2 words: throws 14 in
 *                                       parse_tcp, called by parse_ip, by xdp_main
 *   packet_ok.bin                       a good SYN to port 80: returns XDP_PASS (2)
 *
 * To build it, or a program of your own, see README.md beside this file.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_exceptions.h>

/* The cookie each failed assertion throws, which becomes the return value. */
enum parse_error {
	ERR_SHORT = 10,		/* the packet ends inside a header */
	ERR_NOT_IPV4 = 11,	/* Ethernet type is not IPv4 */
	ERR_IP_HEADER = 12,	/* IPv4 header length outside 5..15 words */
	ERR_NOT_TCP = 13,	/* IPv4 protocol is not TCP */
	ERR_TCP_OFFSET = 14,	/* TCP data offset outside 5..15 words */
};

/* Innermost: check the TCP header; drop SYNs to the telnet port. */
static __noinline int parse_tcp(struct tcphdr *tcp, void *data_end)
{
	__u64 doff;

	bpf_assert_with((void *)(tcp + 1) <= data_end, ERR_SHORT);
	doff = tcp->doff;
	bpf_assert_range_with(doff, 5, 15, ERR_TCP_OFFSET);

	if (tcp->syn && tcp->dest == bpf_htons(23))
		return XDP_DROP;
	return XDP_PASS;
}

/* Middle: check the IPv4 header, then hand the TCP header on. */
static __noinline int parse_ip(struct iphdr *ip, void *data_end)
{
	__u64 ihl;

	bpf_assert_with((void *)(ip + 1) <= data_end, ERR_SHORT);
	ihl = ip->ihl;		/* range assertions take a 64-bit variable */
	bpf_assert_range_with(ihl, 5, 15, ERR_IP_HEADER);
	bpf_assert_with(ip->protocol == IPPROTO_TCP, ERR_NOT_TCP);

	return parse_tcp((void *)ip + ihl * 4, data_end);
}

SEC("xdp")
int xdp_main(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	bpf_assert_with((void *)(eth + 1) <= data_end, ERR_SHORT);
	bpf_assert_with(eth->h_proto == bpf_htons(ETH_P_IP), ERR_NOT_IPV4);

	return parse_ip((void *)(eth + 1), data_end);
}

char _license[] SEC("license") = "Dual MIT/GPL";
