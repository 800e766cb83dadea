// SPDX-License-Identifier: MIT
/* packet_parse: direct packet access through static subprograms.  The test input is
 * 64 zero bytes, so each program first writes an Ethernet + IPv4 + TCP header into the
 * packet, then parses it back with bounds checks the verifier must accept.  Every
 * value was checked against the host kernel (6.18). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define HDRS_LEN (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct tcphdr))

/* Write a TCP/IPv4 header for 10.0.0.1:1234 -> 10.0.0.2:80 (ihl 5, doff 5). */
static __always_inline int build(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(tcp + 1) > data_end)
		return -1;
	eth->h_proto = bpf_htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = bpf_htons(50);
	ip->saddr = bpf_htonl(0x0a000001);
	ip->daddr = bpf_htonl(0x0a000002);
	tcp->source = bpf_htons(1234);
	tcp->dest = bpf_htons(80);
	tcp->doff = 5;
	tcp->syn = 1;
	return 0;
}

/* Returns the destination port, or a negative step number. */
static __noinline int parse_tcp(void *data, void *data_end, __u32 off)
{
	struct tcphdr *tcp;

	if (off > 64)
		return -4;
	tcp = data + off;
	if ((void *)(tcp + 1) > data_end)
		return -5;
	if (tcp->doff < 5 || !tcp->syn)
		return -6;
	return bpf_ntohs(tcp->dest);
}

static __noinline int parse_ip(void *data, void *data_end)
{
	struct iphdr *ip = data + sizeof(struct ethhdr);

	if ((void *)(ip + 1) > data_end)
		return -2;
	if (ip->version != 4 || ip->protocol != IPPROTO_TCP)
		return -3;
	if (ip->daddr != bpf_htonl(0x0a000002))
		return -7;
	return parse_tcp(data, data_end, sizeof(struct ethhdr) + ip->ihl * 4);
}

static __always_inline int parse(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return -8;
	return parse_ip(data, data_end);
}

SEC("xdp") __success __retval(80)
int xdp_parse_tcp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (build(data, data_end))
		return -100;
	return parse(data, data_end);
}

SEC("tc") __success __retval(80)
int tc_parse_tcp(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (build(data, data_end))
		return -100;
	return parse(data, data_end);
}

/* The untouched input is not IPv4. */
SEC("xdp") __success __retval(-8)
int xdp_parse_zeros(struct xdp_md *ctx)
{
	return parse((void *)(long)ctx->data, (void *)(long)ctx->data_end);
}

/* An IPv4 header of 11 words puts the TCP header past the end of the packet. */
SEC("xdp") __success __retval(-5)
int xdp_parse_bad_ihl(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);

	if (build(data, data_end))
		return -100;
	if ((void *)(ip + 1) > data_end)
		return -101;
	ip->ihl = 11;
	return parse(data, data_end);
}

/* Swap MAC addresses and IPs in place, as a reflector would; read them back. */
SEC("xdp") __success __retval(0x0201)
int xdp_swap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	unsigned char tmp[ETH_ALEN];
	__u32 addr;

	if (build(data, data_end))
		return -100;
	if ((void *)(ip + 1) > data_end)
		return -101;
	eth->h_source[0] = 1;
	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	return eth->h_dest[0] | (bpf_ntohl(ip->saddr) & 0xff) << 8;
}

char _license[] SEC("license") = "Dual MIT/GPL";
