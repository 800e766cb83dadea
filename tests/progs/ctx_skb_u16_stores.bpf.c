// SPDX-License-Identifier: MIT
/* ctx_skb_u16_stores: tc stores to __sk_buff fields that are 16 bits wide in the
 * kernel's sk_buff.  The kernel rewrites a 4-byte store to tc_index or tc_classid
 * into a 2-byte one (the high bits are lost), and one to queue_mapping into a 2-byte
 * store that is skipped when the value is NO_QUEUE_MAPPING (0xffff) or more: a
 * register is compared as u64, an immediate as s32 (so an immediate -1 stores
 * 0xffff).  bpfx used to keep all 32 bits.  Values checked against the host kernel
 * (6.18) with `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define __naked __attribute__((naked))
#define CLOBBERS "r0", "r1", "r2", "memory"
#define OFF(f) [f] "i"(__builtin_offsetof(struct __sk_buff, f))

SEC("tc") __success __retval(0x2345)
__naked int tc_index_keeps_low_16_bits(void)
{
	asm volatile ("r2 = 0x12345;"
		      "*(u32 *)(r1 + %[tc_index]) = r2;"
		      "r0 = *(u32 *)(r1 + %[tc_index]);"
		      "exit;" : : OFF(tc_index) : CLOBBERS);
}

SEC("tc") __success __retval(0xfffe)
__naked int tc_classid_store_imm(void)
{
	asm volatile ("*(u32 *)(r1 + %[tc_classid]) = -2;"
		      "r0 = *(u32 *)(r1 + %[tc_classid]);"
		      "exit;" : : OFF(tc_classid) : CLOBBERS);
}

/* A value that fits is stored; then 0x10005 leaves it alone. */
SEC("tc") __success __retval(7)
__naked int queue_mapping_big_value_dropped(void)
{
	asm volatile ("r2 = 7;"
		      "*(u32 *)(r1 + %[queue_mapping]) = r2;"
		      "r2 = 0x10005;"
		      "*(u32 *)(r1 + %[queue_mapping]) = r2;"
		      "r0 = *(u32 *)(r1 + %[queue_mapping]);"
		      "exit;" : : OFF(queue_mapping) : CLOBBERS);
}

/* The register's upper half counts: 0x100000005 is not below 0xffff. */
SEC("tc") __success __retval(0)
__naked int queue_mapping_reg_compared_as_u64(void)
{
	asm volatile ("r2 = 0x100000005 ll;"
		      "*(u32 *)(r1 + %[queue_mapping]) = r2;"
		      "r0 = *(u32 *)(r1 + %[queue_mapping]);"
		      "exit;" : : OFF(queue_mapping) : CLOBBERS);
}

/* An immediate is compared as s32: -1 is below 0xffff and stores 0xffff. */
SEC("tc") __success __retval(0xffff)
__naked int queue_mapping_imm_minus_one(void)
{
	asm volatile ("*(u32 *)(r1 + %[queue_mapping]) = -1;"
		      "r0 = *(u32 *)(r1 + %[queue_mapping]);"
		      "exit;" : : OFF(queue_mapping) : CLOBBERS);
}

/* mark is 32 bits wide: all of it is kept. */
SEC("tc") __success __retval(0x12345678)
__naked int mark_keeps_32_bits(void)
{
	asm volatile ("r2 = 0x12345678;"
		      "*(u32 *)(r1 + %[mark]) = r2;"
		      "r0 = *(u32 *)(r1 + %[mark]);"
		      "exit;" : : OFF(mark) : CLOBBERS);
}

char _license[] SEC("license") = "Dual MIT/GPL";
