/* SPDX-License-Identifier: MIT */
/*
 * asm.h - an assembler for the disassembler's syntax (the kernel verifier log's), for
 * tests and tools.  asm(disasm(insn)) gives back the same bytes for every instruction.
 */
#ifndef BPFX_ASM_H
#define BPFX_ASM_H

#include <linux/bpf.h>
#include <stddef.h>

/*
 * Assemble text, one instruction per line, into a malloc'ed array (*out, *cnt slots;
 * free() it).  0, or -EINVAL with "line N: why" in err (and *out NULL), or -ENOMEM.
 *
 * Lines may carry comments (";" or "//" anywhere, "#" at the start or after a blank),
 * a label ("name:"), and the verifier log's prefixes ("12: (bf) ").  Forms:
 *   r1 = r2   w1 += 5   r1 s/= r2   r1 s%= 3   r1 = (s8)r2   w1 = (s16)w2   r1 = -r1
 *   r1 = be16 r1   r1 = le32 r1   r1 = bswap64 r1   r1 = addr_space_cast(r2, 0, 1)
 *   r1 = 0x1234          ld_imm64: a hex value after "rN =" (kernel log form), or any
 *   r1 = 42 ll           value followed by "ll" (llvm form); a decimal is a mov
 *   r1 = map[idx:0]  r1 = map[idx:0][0]+8  r1 = map[fd:3]  r1 = map[fd:3][0]+8
 *   r1 = btf_id[7]  r1 = btf_id[7][fd:4]  r1 = subprog[+5]  r1 = subprog[label]
 *   r0 = *(u32 *)(r1 +4)   r0 = *(s16 *)(r1 -2)   *(u64 *)(r10 -8) = r1
 *   *(u8 *)(r10 -1) = 7   r0 = *(u8 *)skb[5]   r0 = *(u16 *)skb[r1 + 2]
 *   lock *(u64 *)(r1 +0) += r2      (also &= |= ^=)
 *   r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)   r2 = atomic_xchg((u32 *)(r1 +0), r2)
 *   r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)
 *   if r1 > 0x5 goto pc+3   if w1 s< w2 goto label   goto pc-1   goto +2   gotol label
 *   call 12   call bpf_map_lookup_elem#1   call kernel-function#3 (kfunc)
 *   call pc+5   call label (bpf-to-bpf)   exit
 *   .insn code=0x07 dst=1 src=0 off=0 imm=5     one raw slot, any field values
 *   .rept 40000 r0 += 1                        an instruction repeated N times
 * Immediates are decimal or 0x hex; 32-bit ones take -2^31 .. 2^32-1 (bit pattern).
 */
int bpfx_asm(const char *text, struct bpf_insn **out, size_t *cnt, char *err,
	     size_t err_size);

#endif /* BPFX_ASM_H */
