// SPDX-License-Identifier: MIT
/* ld_abs_skf_offsets: legacy packet loads (LD_ABS, LD_IND) at negative offsets.  An
 * offset from SKF_NET_OFF (-0x100000) counts from the network header, one from
 * SKF_LL_OFF (-0x200000) from the mac header, even in a socket filter whose data
 * starts past the Ethernet header; below SKF_LL_OFF, or past the end, the load fails
 * and the function returns 0.  bpfx used to fail every negative offset.  Each
 * program adds a constant after the load, so 0 means the load failed.  Values
 * checked against the host kernel (6.18) with `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define __naked __attribute__((naked))
#define CLOBBERS "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "memory"

/* tc: write bytes 12, 13 and 14 of the packet, then read the Ethernet type through
 * the mac header and the first network byte through the network header:
 * 0xabcd + 0x5a. */
SEC("tc") __success __retval(0xac27)
__naked int tc_ll_and_net_offsets(void)
{
	asm volatile ("r6 = r1;"
		      "r2 = *(u32 *)(r6 + %[data]);"
		      "r3 = *(u32 *)(r6 + %[data_end]);"
		      "r4 = r2;"
		      "r4 += 15;"
		      "if r4 > r3 goto 1f;"
		      "r4 = 0xab;"
		      "*(u8 *)(r2 + 12) = r4;"
		      "r4 = 0xcd;"
		      "*(u8 *)(r2 + 13) = r4;"
		      "r4 = 0x5a;"
		      "*(u8 *)(r2 + 14) = r4;"
		      "r0 = *(u16 *)skb[-2097140];"   /* SKF_LL_OFF + 12 */
		      "r7 = r0;"
		      "r0 = *(u8 *)skb[-1048576];"    /* SKF_NET_OFF + 0 */
		      "r0 += r7;"
		      "exit;"
		      "1: r0 = 1;"
		      "exit;"
		      :
		      : [data] "i"(__builtin_offsetof(struct __sk_buff, data)),
			[data_end] "i"(__builtin_offsetof(struct __sk_buff, data_end))
		      : CLOBBERS);
}

/* A socket filter reaches the last byte of the 64-byte frame through the mac
 * header, though its own data is the 50 bytes after the Ethernet header. */
SEC("socket") __success __retval(7)
__naked int socket_ll_last_byte(void)
{
	asm volatile ("r6 = r1;"
		      "r0 = *(u8 *)skb[-2097089];"    /* SKF_LL_OFF + 63 */
		      "r0 += 7;"
		      "exit;" ::: CLOBBERS);
}

/* One byte further is past the end: the load fails. */
SEC("socket") __success __retval(0)
__naked int socket_ll_past_end(void)
{
	asm volatile ("r6 = r1;"
		      "r0 = *(u8 *)skb[-2097088];"    /* SKF_LL_OFF + 64 */
		      "r0 += 7;"
		      "exit;" ::: CLOBBERS);
}

/* LD_IND: the register holds SKF_NET_OFF; a 4-byte load at the network header. */
SEC("socket") __success __retval(3)
__naked int socket_ind_net_offset(void)
{
	asm volatile ("r6 = r1;"
		      "r7 = -1048576;"
		      "r0 = *(u32 *)skb[r7];"
		      "r0 += 3;"
		      "exit;" ::: CLOBBERS);
}

/* Below SKF_LL_OFF nothing can be read. */
SEC("socket") __success __retval(0)
__naked int socket_below_ll_offset(void)
{
	asm volatile ("r6 = r1;"
		      "r0 = *(u8 *)skb[-2097153];"    /* SKF_LL_OFF - 1 */
		      "r0 += 7;"
		      "exit;" ::: CLOBBERS);
}

char _license[] SEC("license") = "Dual MIT/GPL";
