/* SPDX-License-Identifier: MIT */
/*
 * insn.h - the eBPF instruction set (RFC 9669, up to cpuv4) as one table.
 *
 * BPFX_INSN_MAP lists every valid opcode byte once, with its name and its kind.  The
 * decoder's validity check, the disassembler and the interpreter's dispatch table are
 * all generated from it; nothing else lists opcodes.
 */
#ifndef BPFX_INSN_H
#define BPFX_INSN_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cpuv4 constants missing from older UAPI headers. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif
#ifndef BPF_JCOND
#define BPF_JCOND 0xe0
#define BPF_MAY_GOTO 0
#endif

#define BPFX_CLASS(code) ((code) & 0x07)
#define BPFX_OP(code)    ((code) & 0xf0)
#define BPFX_SRC(code)   ((code) & 0x08)
#define BPFX_SIZE(code)  ((code) & 0x18)
#define BPFX_MODE(code)  ((code) & 0xe0)

/* How an opcode's other fields are used; drives validation and disassembly. */
enum bpfx_insn_kind {
	BPFX_K_ALU,      /* dst op= src/imm; DIV/MOD use off 0|1 (signed), MOV off 0|8|16|32 */
	BPFX_K_NEG,      /* dst = -dst */
	BPFX_K_END,      /* be16/32/64, le16/32/64 (ALU), bswap16/32/64 (ALU64) */
	BPFX_K_JA,       /* goto +off */
	BPFX_K_GOTOL,    /* gotol +imm (JMP32 | JA) */
	BPFX_K_JCOND,    /* if dst op src/imm goto +off */
	BPFX_K_MAY_GOTO, /* may_goto +off: taken once the frame's loop count runs out */
	BPFX_K_CALL,     /* helper (src 0), bpf-to-bpf (src 1), kfunc (src 2) */
	BPFX_K_EXIT,
	BPFX_K_LD_IMM64, /* two slots; src selects the pseudo kind */
	BPFX_K_LD_ABS,   /* legacy packet loads, R0 = ntoh(pkt[imm]) */
	BPFX_K_LD_IND,   /* R0 = ntoh(pkt[src + imm]) */
	BPFX_K_LDX,      /* dst = *(size *)(src + off) */
	BPFX_K_LDX_SX,   /* dst = *(ssize *)(src + off), sign-extended */
	BPFX_K_ST,       /* *(size *)(dst + off) = imm */
	BPFX_K_STX,      /* *(size *)(dst + off) = src */
	BPFX_K_ATOMIC,   /* imm selects add/and/or/xor[|fetch], xchg, cmpxchg */
};

#define BPFX_ALU_ROW(X, C, OP, K)                                    \
	X(C##_##OP##_K, BPF_##C | BPF_##OP | BPF_K, K)                 \
	X(C##_##OP##_X, BPF_##C | BPF_##OP | BPF_X, K)
#define BPFX_ALU_MAP(X, C)                                           \
	BPFX_ALU_ROW(X, C, ADD, BPFX_K_ALU) BPFX_ALU_ROW(X, C, SUB, BPFX_K_ALU) \
	BPFX_ALU_ROW(X, C, MUL, BPFX_K_ALU) BPFX_ALU_ROW(X, C, DIV, BPFX_K_ALU) \
	BPFX_ALU_ROW(X, C, OR, BPFX_K_ALU) BPFX_ALU_ROW(X, C, AND, BPFX_K_ALU)  \
	BPFX_ALU_ROW(X, C, LSH, BPFX_K_ALU) BPFX_ALU_ROW(X, C, RSH, BPFX_K_ALU) \
	BPFX_ALU_ROW(X, C, MOD, BPFX_K_ALU) BPFX_ALU_ROW(X, C, XOR, BPFX_K_ALU) \
	BPFX_ALU_ROW(X, C, MOV, BPFX_K_ALU) BPFX_ALU_ROW(X, C, ARSH, BPFX_K_ALU) \
	X(C##_NEG, BPF_##C | BPF_NEG | BPF_K, BPFX_K_NEG)

#define BPFX_JMP_ROW(X, C, OP)                                       \
	X(C##_##OP##_K, BPF_##C | BPF_##OP | BPF_K, BPFX_K_JCOND)      \
	X(C##_##OP##_X, BPF_##C | BPF_##OP | BPF_X, BPFX_K_JCOND)
#define BPFX_JMP_MAP(X, C)                                           \
	BPFX_JMP_ROW(X, C, JEQ) BPFX_JMP_ROW(X, C, JGT) BPFX_JMP_ROW(X, C, JGE)  \
	BPFX_JMP_ROW(X, C, JSET) BPFX_JMP_ROW(X, C, JNE) BPFX_JMP_ROW(X, C, JSGT) \
	BPFX_JMP_ROW(X, C, JSGE) BPFX_JMP_ROW(X, C, JLT) BPFX_JMP_ROW(X, C, JLE)  \
	BPFX_JMP_ROW(X, C, JSLT) BPFX_JMP_ROW(X, C, JSLE)

#define BPFX_MEM_MAP(X, SZ)                                                   \
	X(LDX_MEM_##SZ, BPF_LDX | BPF_MEM | BPF_##SZ, BPFX_K_LDX)                  \
	X(ST_MEM_##SZ, BPF_ST | BPF_MEM | BPF_##SZ, BPFX_K_ST)                     \
	X(STX_MEM_##SZ, BPF_STX | BPF_MEM | BPF_##SZ, BPFX_K_STX)

/* X(name, opcode, kind): every valid opcode byte. */
#define BPFX_INSN_MAP(X)                                                      \
	BPFX_ALU_MAP(X, ALU)                                                  \
	BPFX_ALU_MAP(X, ALU64)                                                \
	X(ALU_END_TO_LE, BPF_ALU | BPF_END | BPF_TO_LE, BPFX_K_END)           \
	X(ALU_END_TO_BE, BPF_ALU | BPF_END | BPF_TO_BE, BPFX_K_END)           \
	X(ALU64_BSWAP, BPF_ALU64 | BPF_END | BPF_TO_LE, BPFX_K_END)           \
	BPFX_JMP_MAP(X, JMP)                                                  \
	BPFX_JMP_MAP(X, JMP32)                                                \
	X(JMP_JA, BPF_JMP | BPF_JA, BPFX_K_JA)                                \
	X(JMP32_JA, BPF_JMP32 | BPF_JA, BPFX_K_GOTOL)                         \
	X(JMP_MAY_GOTO, BPF_JMP | BPF_JCOND, BPFX_K_MAY_GOTO)                 \
	X(JMP_CALL, BPF_JMP | BPF_CALL, BPFX_K_CALL)                          \
	X(JMP_EXIT, BPF_JMP | BPF_EXIT, BPFX_K_EXIT)                          \
	X(LD_IMM_DW, BPF_LD | BPF_IMM | BPF_DW, BPFX_K_LD_IMM64)              \
	X(LD_ABS_W, BPF_LD | BPF_ABS | BPF_W, BPFX_K_LD_ABS)                  \
	X(LD_ABS_H, BPF_LD | BPF_ABS | BPF_H, BPFX_K_LD_ABS)                  \
	X(LD_ABS_B, BPF_LD | BPF_ABS | BPF_B, BPFX_K_LD_ABS)                  \
	X(LD_IND_W, BPF_LD | BPF_IND | BPF_W, BPFX_K_LD_IND)                  \
	X(LD_IND_H, BPF_LD | BPF_IND | BPF_H, BPFX_K_LD_IND)                  \
	X(LD_IND_B, BPF_LD | BPF_IND | BPF_B, BPFX_K_LD_IND)                  \
	BPFX_MEM_MAP(X, B) BPFX_MEM_MAP(X, H) BPFX_MEM_MAP(X, W) BPFX_MEM_MAP(X, DW) \
	X(LDX_MEMSX_B, BPF_LDX | BPF_MEMSX | BPF_B, BPFX_K_LDX_SX)             \
	X(LDX_MEMSX_H, BPF_LDX | BPF_MEMSX | BPF_H, BPFX_K_LDX_SX)             \
	X(LDX_MEMSX_W, BPF_LDX | BPF_MEMSX | BPF_W, BPFX_K_LDX_SX)             \
	X(STX_ATOMIC_W, BPF_STX | BPF_ATOMIC | BPF_W, BPFX_K_ATOMIC)          \
	X(STX_ATOMIC_DW, BPF_STX | BPF_ATOMIC | BPF_DW, BPFX_K_ATOMIC)

/* Per-opcode facts, indexed by the opcode byte.  name == NULL: not a valid opcode. */
struct bpfx_opcode {
	const char *name;
	enum bpfx_insn_kind kind;
};
extern const struct bpfx_opcode bpfx_opcodes[256];

/* Atomic operations (the imm of BPF_STX | BPF_ATOMIC). */
#ifndef BPF_FETCH
#define BPF_FETCH 0x01
#endif
#define BPFX_ATOMIC_OK(imm)                                                   \
	((imm) == BPF_ADD || (imm) == BPF_AND || (imm) == BPF_OR ||           \
	 (imm) == BPF_XOR || (imm) == (BPF_ADD | BPF_FETCH) ||                \
	 (imm) == (BPF_AND | BPF_FETCH) || (imm) == (BPF_OR | BPF_FETCH) ||   \
	 (imm) == (BPF_XOR | BPF_FETCH) || (imm) == BPF_XCHG ||               \
	 (imm) == BPF_CMPXCHG)

static inline bool bpfx_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static inline uint64_t bpfx_ld_imm64_value(const struct bpf_insn *insn)
{
	return (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
}

static inline bool bpfx_is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

static inline bool bpfx_is_kfunc_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_KFUNC_CALL;
}

static inline bool bpfx_is_helper_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0;
}

/* Check one instruction's fields as the kernel verifier does before and while it walks
 * the program: registers in range, reserved fields zero, known sub-operations, K-form
 * division by zero and shift amounts, no write to r10; and that a jump, call or
 * callback target lies inside insns[0..cnt) and not inside an ld_imm64.  0, or -EINVAL
 * (-EACCES for a write to r10, as the kernel) with the kernel's message in msg. */
int bpfx_insn_check(const struct bpf_insn *insns, size_t cnt, size_t idx, char *msg,
		    size_t msg_size);

/* Names used in disassembly for calls; the caller supplies them. */
struct bpfx_disasm_cbs {
	const char *(*call_name)(void *ctx, const struct bpf_insn *insn, size_t idx);
	void *ctx;
};

/* Disassemble insns[idx] in the verifier log's syntax ("r0 = *(u32 *)(r1 +0)").
 * Returns the number of slots used (1, or 2 for ld_imm64), or -EINVAL if idx is past
 * the end or the instruction is truncated. */
int bpfx_disasm(const struct bpf_insn *insns, size_t cnt, size_t idx,
		const struct bpfx_disasm_cbs *cbs, char *buf, size_t size);

#endif /* BPFX_INSN_H */
