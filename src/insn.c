/* SPDX-License-Identifier: MIT */
/*
 * insn.c - the opcode table built from BPFX_INSN_MAP, the per-instruction field check
 * (the kernel verifier's static checks, with its messages) and the disassembler (the
 * kernel verifier log's syntax, kernel/bpf/disasm.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "insn.h"

#ifndef BPF_ADDR_SPACE_CAST
#define BPF_ADDR_SPACE_CAST 1
#endif

#define BPFX_OPCODE_ROW(name, code, kind) [code] = { #name, kind },
const struct bpfx_opcode bpfx_opcodes[256] = { BPFX_INSN_MAP(BPFX_OPCODE_ROW) };
#undef BPFX_OPCODE_ROW

/* ------------------------------------------------------------------------------
 * Field check.  The order follows the kernel: registers, the ld_imm64 pair, the
 * opcode table, the reserved fields (check_and_resolve_insns), then what do_check
 * rejects from the fields alone (div by zero, shifts, writes to r10) and the targets
 * of jumps and calls (check_subprogs, check_cfg).
 */

static int reject(char *msg, size_t size, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int reject(char *msg, size_t size, int err, const char *fmt, ...)
{
	va_list ap;

	if (msg && size) {
		va_start(ap, fmt);
		vsnprintf(msg, size, fmt, ap);
		va_end(ap);
	}
	return err;
}

#define REJECT(...) reject(msg, size, -EINVAL, __VA_ARGS__)

static bool is_div_mod(uint8_t op)
{
	return op == BPF_DIV || op == BPF_MOD;
}

static bool is_shift(uint8_t op)
{
	return op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH;
}

/* The destination register is written: r10 is read only. */
static int check_dst_write(uint8_t reg, char *msg, size_t size)
{
	if (reg == BPF_REG_10)
		return reject(msg, size, -EACCES, "frame pointer is read only");
	return 0;
}

/* Jumps stay inside the program and never land on the second half of an ld_imm64. */
static int check_jump(const struct bpf_insn *insns, size_t cnt, size_t idx, int64_t off,
		      char *msg, size_t size)
{
	int64_t to = (int64_t)idx + 1 + off;

	if (to < 0 || to >= (int64_t)cnt)
		return REJECT("jump out of range from insn %zu to %lld", idx, (long long)to);
	if (to > 0 && bpfx_is_ld_imm64(&insns[to - 1]))
		return REJECT("jump into the middle of ldimm64 insn %lld", (long long)to - 1);
	return 0;
}

/* Calls (and callback references) must name an instruction of the program. */
static int check_call_target(const struct bpf_insn *insns, size_t cnt, size_t idx,
			     int32_t imm, char *msg, size_t size)
{
	int64_t to = (int64_t)idx + 1 + imm;

	if (to < 0 || to >= (int64_t)cnt)
		return REJECT("call to invalid destination");
	if (to > 0 && bpfx_is_ld_imm64(&insns[to - 1]))
		return REJECT("jump into the middle of ldimm64 insn %lld", (long long)to - 1);
	return 0;
}

static int check_mov(const struct bpf_insn *insn, char *msg, size_t size)
{
	bool alu64 = BPFX_CLASS(insn->code) == BPF_ALU64;
	int16_t off = insn->off;

	if (BPFX_SRC(insn->code) == BPF_K) {
		if (insn->src_reg || off)
			return REJECT("BPF_MOV uses reserved fields");
	} else if (alu64 && off == BPF_ADDR_SPACE_CAST) {
		if (insn->imm != 1 && insn->imm != 1 << 16)
			return REJECT("addr_space_cast insn can only convert between address space 1 and 0");
		/* bpfx has no arenas. */
		return REJECT("addr_space_cast insn can only be used in a program that has an associated arena");
	} else if ((off != 0 && off != 8 && off != 16 && (!alu64 || off != 32)) || insn->imm) {
		return REJECT("BPF_MOV uses reserved fields");
	}
	return check_dst_write(insn->dst_reg, msg, size);
}

static int check_alu(const struct bpf_insn *insn, char *msg, size_t size)
{
	uint8_t op = BPFX_OP(insn->code);
	bool k = BPFX_SRC(insn->code) == BPF_K;
	int bits = BPFX_CLASS(insn->code) == BPF_ALU64 ? 64 : 32;

	if (op == BPF_MOV)
		return check_mov(insn, msg, size);
	if ((k ? insn->src_reg != 0 : insn->imm != 0) ||
	    (insn->off != 0 && insn->off != 1) || (insn->off == 1 && !is_div_mod(op)))
		return REJECT("BPF_ALU uses reserved fields");
	if (k && is_div_mod(op) && insn->imm == 0)
		return REJECT("div by zero");
	if (k && is_shift(op) && (insn->imm < 0 || insn->imm >= bits))
		return REJECT("invalid shift %d", insn->imm);
	return check_dst_write(insn->dst_reg, msg, size);
}

static int check_neg_end(const struct bpf_insn *insn, enum bpfx_insn_kind kind, char *msg,
			 size_t size)
{
	if (kind == BPFX_K_NEG && (insn->src_reg || insn->off || insn->imm))
		return REJECT("BPF_NEG uses reserved fields");
	if (kind == BPFX_K_END && (insn->src_reg || insn->off ||
				   (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)))
		return REJECT("BPF_END uses reserved fields");
	return check_dst_write(insn->dst_reg, msg, size);
}

static int check_call(const struct bpf_insn *insns, size_t cnt, size_t idx, char *msg,
		      size_t size)
{
	const struct bpf_insn *insn = &insns[idx];
	uint8_t src = insn->src_reg;

	if ((src != BPF_PSEUDO_KFUNC_CALL && insn->off) ||
	    (src != 0 && src != BPF_PSEUDO_CALL && src != BPF_PSEUDO_KFUNC_CALL) ||
	    insn->dst_reg)
		return REJECT("BPF_CALL uses reserved fields");
	if (src == BPF_PSEUDO_CALL)
		return check_call_target(insns, cnt, idx, insn->imm, msg, size);
	return 0;
}

static int check_jmp(const struct bpf_insn *insns, size_t cnt, size_t idx,
		     enum bpfx_insn_kind kind, char *msg, size_t size)
{
	const struct bpf_insn *insn = &insns[idx];

	switch (kind) {
	case BPFX_K_JA:
		if (insn->src_reg || insn->dst_reg || insn->imm)
			return REJECT("BPF_JA uses reserved fields");
		return check_jump(insns, cnt, idx, insn->off, msg, size);
	case BPFX_K_GOTOL:
		if (insn->src_reg || insn->dst_reg || insn->off)
			return REJECT("BPF_JA uses reserved fields");
		return check_jump(insns, cnt, idx, insn->imm, msg, size);
	case BPFX_K_JCOND:
		if (BPFX_SRC(insn->code) == BPF_X ? insn->imm != 0 : insn->src_reg != 0)
			return REJECT("BPF_JMP/JMP32 uses reserved fields");
		return check_jump(insns, cnt, idx, insn->off, msg, size);
	case BPFX_K_MAY_GOTO:
		if (insn->src_reg != BPF_MAY_GOTO || insn->dst_reg || insn->imm)
			return REJECT("invalid may_goto imm %d", insn->imm);
		return check_jump(insns, cnt, idx, insn->off, msg, size);
	case BPFX_K_CALL:
		return check_call(insns, cnt, idx, msg, size);
	default: /* BPFX_K_EXIT; off is not checked, as in the kernel */
		if (insn->imm || insn->src_reg || insn->dst_reg)
			return REJECT("BPF_EXIT uses reserved fields");
		return 0;
	}
}

static int check_atomic(const struct bpf_insn *insn, char *msg, size_t size)
{
	if (!BPFX_ATOMIC_OK(insn->imm))
		return REJECT("BPF_ATOMIC uses invalid atomic opcode %02x", insn->imm);
	/* The fetch forms load the old value into src (cmpxchg: into r0). */
	if ((insn->imm & BPF_FETCH) && insn->imm != BPF_CMPXCHG)
		return check_dst_write(insn->src_reg, msg, size);
	return 0;
}

static int check_mem(const struct bpf_insn *insn, enum bpfx_insn_kind kind, char *msg,
		     size_t size)
{
	switch (kind) {
	case BPFX_K_LD_ABS:
	case BPFX_K_LD_IND:
		if (insn->dst_reg || insn->off ||
		    (kind == BPFX_K_LD_ABS && insn->src_reg))
			return REJECT("BPF_LD_[ABS|IND] uses reserved fields");
		return 0;
	case BPFX_K_LDX:
	case BPFX_K_LDX_SX:
		if (insn->imm)
			return REJECT("BPF_LDX uses reserved fields");
		return check_dst_write(insn->dst_reg, msg, size);
	case BPFX_K_ST:
		if (insn->src_reg)
			return REJECT("BPF_ST uses reserved fields");
		return 0;
	case BPFX_K_STX:
		if (insn->imm)
			return REJECT("BPF_STX uses reserved fields");
		return 0;
	default: /* BPFX_K_ATOMIC */
		return check_atomic(insn, msg, size);
	}
}

/* resolve_pseudo_ldimm64 / check_and_resolve_insns, in the linked form: the second
 * slot is all zero but imm; src selects what the 64-bit value means. */
static int check_ld_imm64(const struct bpf_insn *insns, size_t cnt, size_t idx, char *msg,
			  size_t size)
{
	const struct bpf_insn *insn = &insns[idx];
	const struct bpf_insn *hi = insn + 1;

	if (idx + 1 >= cnt || hi->code || hi->dst_reg || hi->src_reg || hi->off)
		return REJECT("invalid bpf_ld_imm64 insn");
	if (insn->off)
		return REJECT("BPF_LD_IMM64 uses reserved fields");
	switch (insn->src_reg) {
	case 0:
	case BPF_PSEUDO_MAP_VALUE:
	case BPF_PSEUDO_MAP_IDX_VALUE:
	case BPF_PSEUDO_BTF_ID:
		break;
	case BPF_PSEUDO_FUNC: {
		int err = check_call_target(insns, cnt, idx, insn->imm, msg, size);

		if (err)
			return err;
		break;
	}
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_IDX:
		if (hi->imm == 0)
			break;
		return REJECT("unrecognized bpf_ld_imm64 insn");
	default:
		return REJECT("unrecognized bpf_ld_imm64 insn");
	}
	return check_dst_write(insn->dst_reg, msg, size);
}

int bpfx_insn_check(const struct bpf_insn *insns, size_t cnt, size_t idx, char *msg,
		    size_t size)
{
	const struct bpf_insn *insn;
	const struct bpfx_opcode *op;

	if (!insns || idx >= cnt)
		return REJECT("insn %zu out of range (%zu insns)", idx, cnt);
	insn = &insns[idx];
	if (insn->dst_reg >= MAX_BPF_REG)
		return REJECT("R%d is invalid", insn->dst_reg);
	if (insn->src_reg >= MAX_BPF_REG)
		return REJECT("R%d is invalid", insn->src_reg);
	if (bpfx_is_ld_imm64(insn))
		return check_ld_imm64(insns, cnt, idx, msg, size);
	op = &bpfx_opcodes[insn->code];
	if (!op->name)
		return REJECT("unknown opcode %02x", insn->code);
	switch (op->kind) {
	case BPFX_K_ALU:
		return check_alu(insn, msg, size);
	case BPFX_K_NEG:
	case BPFX_K_END:
		return check_neg_end(insn, op->kind, msg, size);
	case BPFX_K_JA:
	case BPFX_K_GOTOL:
	case BPFX_K_JCOND:
	case BPFX_K_MAY_GOTO:
	case BPFX_K_CALL:
	case BPFX_K_EXIT:
		return check_jmp(insns, cnt, idx, op->kind, msg, size);
	default:
		return check_mem(insn, op->kind, msg, size);
	}
}

/* ------------------------------------------------------------------------------
 * Disassembler.  The text is print_bpf_insn()'s without the "(code) " prefix and the
 * newline.  Fields the kernel's syntax does not show must be zero for it to be used;
 * anything else (unknown opcodes, reserved fields set, registers above r10) prints
 * in the raw form ".insn code=0x.. dst=.. src=.. off=.. imm=..", one slot, so that
 * the assembler gives back exactly the same bytes.
 */

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=",  [BPF_SUB >> 4] = "-=",  [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=",  [BPF_OR >> 4] = "|=",   [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_NEG >> 4] = "neg",
	[BPF_MOD >> 4] = "%=",  [BPF_XOR >> 4] = "^=",  [BPF_MOV >> 4] = "=",
	[BPF_ARSH >> 4] = "s>>=", [BPF_END >> 4] = "endian",
};

static const char *const jmp_ops[16] = {
	[BPF_JA >> 4] = "jmp",   [BPF_JEQ >> 4] = "==",  [BPF_JGT >> 4] = ">",
	[BPF_JLT >> 4] = "<",    [BPF_JGE >> 4] = ">=",  [BPF_JLE >> 4] = "<=",
	[BPF_JSET >> 4] = "&",   [BPF_JNE >> 4] = "!=",  [BPF_JSGT >> 4] = "s>",
	[BPF_JSLT >> 4] = "s<",  [BPF_JSGE >> 4] = "s>=", [BPF_JSLE >> 4] = "s<=",
	[BPF_CALL >> 4] = "call", [BPF_EXIT >> 4] = "exit",
};

static const char *const atomic_ops[16] = {
	[BPF_ADD >> 4] = "add", [BPF_AND >> 4] = "and",
	[BPF_OR >> 4] = "or",   [BPF_XOR >> 4] = "xor",
};

static const char *const size_names[4] = {
	[BPF_W >> 3] = "u32", [BPF_H >> 3] = "u16", [BPF_B >> 3] = "u8", [BPF_DW >> 3] = "u64",
};

static const char *const sx_size_names[4] = {
	[BPF_W >> 3] = "s32", [BPF_H >> 3] = "s16", [BPF_B >> 3] = "s8", [BPF_DW >> 3] = "s64",
};

static const char *size_name(const struct bpf_insn *insn)
{
	return size_names[BPFX_SIZE(insn->code) >> 3];
}

static bool is_movsx_off(int16_t off)
{
	return off == 8 || off == 16 || off == 32;
}

static bool is_addr_space_cast(const struct bpf_insn *insn)
{
	return insn->code == (BPF_ALU64 | BPF_MOV | BPF_X) && insn->off == BPF_ADDR_SPACE_CAST;
}

static bool is_signed_div(const struct bpf_insn *insn)
{
	return is_div_mod(BPFX_OP(insn->code)) && insn->off == 1;
}

/* Does the kernel syntax show every non-zero field of this ALU instruction? */
static bool alu_is_plain(const struct bpf_insn *insn)
{
	bool mov = BPFX_OP(insn->code) == BPF_MOV;

	if (BPFX_SRC(insn->code) == BPF_K)
		return !insn->src_reg && (!insn->off || is_signed_div(insn));
	if (is_addr_space_cast(insn))
		return true;
	return !insn->imm && (!insn->off || is_signed_div(insn) || (mov && is_movsx_off(insn->off)));
}

static bool is_plain(const struct bpf_insn *insn, enum bpfx_insn_kind kind)
{
	if (insn->dst_reg >= MAX_BPF_REG || insn->src_reg >= MAX_BPF_REG)
		return false;
	switch (kind) {
	case BPFX_K_ALU:
		return alu_is_plain(insn);
	case BPFX_K_NEG:
		return !insn->src_reg && !insn->off && !insn->imm;
	case BPFX_K_END:
		return !insn->src_reg && !insn->off &&
		       (insn->imm == 16 || insn->imm == 32 || insn->imm == 64);
	case BPFX_K_JA:
		return !insn->src_reg && !insn->dst_reg && !insn->imm;
	case BPFX_K_GOTOL:
		return !insn->src_reg && !insn->dst_reg && !insn->off;
	case BPFX_K_JCOND:
		return BPFX_SRC(insn->code) == BPF_X ? !insn->imm : !insn->src_reg;
	case BPFX_K_MAY_GOTO:
		return insn->src_reg == BPF_MAY_GOTO && !insn->dst_reg && !insn->imm;
	case BPFX_K_CALL:
		return !insn->dst_reg && !insn->off && insn->src_reg <= BPF_PSEUDO_KFUNC_CALL;
	case BPFX_K_EXIT:
		return !insn->dst_reg && !insn->src_reg && !insn->off && !insn->imm;
	case BPFX_K_LD_ABS:
		return !insn->dst_reg && !insn->src_reg && !insn->off;
	case BPFX_K_LD_IND:
		return !insn->dst_reg && !insn->off;
	case BPFX_K_LDX:
	case BPFX_K_LDX_SX:
	case BPFX_K_STX:
		return !insn->imm;
	case BPFX_K_ST:
		return !insn->src_reg;
	case BPFX_K_ATOMIC:
		return BPFX_ATOMIC_OK(insn->imm);
	default: /* BPFX_K_LD_IMM64 is handled by its own printer */
		return false;
	}
}

static void print_raw(const struct bpf_insn *insn, char *buf, size_t size)
{
	snprintf(buf, size, ".insn code=0x%02x dst=%u src=%u off=%d imm=%d", insn->code,
		 insn->dst_reg, insn->src_reg, insn->off, insn->imm);
}

static void print_alu(const struct bpf_insn *insn, char *buf, size_t size)
{
	char r = BPFX_CLASS(insn->code) == BPF_ALU ? 'w' : 'r';
	unsigned int op = BPFX_OP(insn->code) >> 4;
	const char *name = alu_ops[op];
	const char *cast = "";

	if (is_signed_div(insn))
		name = op == BPF_DIV >> 4 ? "s/=" : "s%=";
	if (is_addr_space_cast(insn)) {
		snprintf(buf, size, "r%d = addr_space_cast(r%d, %u, %u)", insn->dst_reg,
			 insn->src_reg, (uint32_t)insn->imm >> 16, (uint16_t)insn->imm);
	} else if (BPFX_SRC(insn->code) == BPF_X) {
		if (op == BPF_MOV >> 4 && is_movsx_off(insn->off))
			cast = insn->off == 8 ? "(s8)" : insn->off == 16 ? "(s16)" : "(s32)";
		snprintf(buf, size, "%c%d %s %s%c%d", r, insn->dst_reg, name, cast, r,
			 insn->src_reg);
	} else {
		snprintf(buf, size, "%c%d %s %d", r, insn->dst_reg, name, insn->imm);
	}
}

static void print_neg_end(const struct bpf_insn *insn, char *buf, size_t size)
{
	char r = BPFX_CLASS(insn->code) == BPF_ALU ? 'w' : 'r';
	const char *swap;

	if (BPFX_OP(insn->code) == BPF_NEG) {
		snprintf(buf, size, "%c%d = -%c%d", r, insn->dst_reg, r, insn->dst_reg);
		return;
	}
	if (BPFX_CLASS(insn->code) == BPF_ALU64)
		swap = "bswap";
	else
		swap = BPFX_SRC(insn->code) == BPF_TO_BE ? "be" : "le";
	/* The kernel prints rN even for the 32-bit class here. */
	snprintf(buf, size, "r%d = %s%d r%d", insn->dst_reg, swap, insn->imm, insn->dst_reg);
}

static const char *call_name(const struct bpfx_disasm_cbs *cbs, const struct bpf_insn *insns,
			     size_t idx)
{
	const char *name = NULL;

	if (cbs && cbs->call_name)
		name = cbs->call_name(cbs->ctx, &insns[idx], idx);
	if (name)
		return name;
	return insns[idx].src_reg == BPF_PSEUDO_KFUNC_CALL ? "kernel-function" : "unknown";
}

static void print_jmp(const struct bpf_insn *insns, size_t idx, enum bpfx_insn_kind kind,
		      const struct bpfx_disasm_cbs *cbs, char *buf, size_t size)
{
	const struct bpf_insn *insn = &insns[idx];
	char r = BPFX_CLASS(insn->code) == BPF_JMP32 ? 'w' : 'r';
	const char *op = jmp_ops[BPFX_OP(insn->code) >> 4];

	switch (kind) {
	case BPFX_K_JA:
		snprintf(buf, size, "goto pc%+d", insn->off);
		break;
	case BPFX_K_GOTOL:
		snprintf(buf, size, "gotol pc%+d", insn->imm);
		break;
	case BPFX_K_MAY_GOTO:
		snprintf(buf, size, "may_goto pc%+d", insn->off);
		break;
	case BPFX_K_EXIT:
		snprintf(buf, size, "exit");
		break;
	case BPFX_K_CALL:
		if (insn->src_reg == BPF_PSEUDO_CALL)
			snprintf(buf, size, "call pc%+d", insn->imm);
		else
			snprintf(buf, size, "call %s#%d", call_name(cbs, insns, idx), insn->imm);
		break;
	default:
		if (BPFX_SRC(insn->code) == BPF_X)
			snprintf(buf, size, "if %c%d %s %c%d goto pc%+d", r, insn->dst_reg, op, r,
				 insn->src_reg, insn->off);
		else
			snprintf(buf, size, "if %c%d %s 0x%x goto pc%+d", r, insn->dst_reg, op,
				 (uint32_t)insn->imm, insn->off);
		break;
	}
}

static void print_atomic(const struct bpf_insn *insn, char *buf, size_t size)
{
	const char *w = BPFX_SIZE(insn->code) == BPF_DW ? "64" : "";
	int op = insn->imm & ~BPF_FETCH;

	if (insn->imm == BPF_CMPXCHG)
		snprintf(buf, size, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", w,
			 size_name(insn), insn->dst_reg, insn->off, insn->src_reg);
	else if (insn->imm == BPF_XCHG)
		snprintf(buf, size, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", insn->src_reg, w,
			 size_name(insn), insn->dst_reg, insn->off, insn->src_reg);
	else if (insn->imm & BPF_FETCH)
		snprintf(buf, size, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)",
			 insn->src_reg, w, atomic_ops[op >> 4], size_name(insn), insn->dst_reg,
			 insn->off, insn->src_reg);
	else
		snprintf(buf, size, "lock *(%s *)(r%d %+d) %s r%d", size_name(insn),
			 insn->dst_reg, insn->off, alu_ops[op >> 4], insn->src_reg);
}

static void print_mem(const struct bpf_insn *insn, enum bpfx_insn_kind kind, char *buf,
		      size_t size)
{
	switch (kind) {
	case BPFX_K_LD_ABS:
		snprintf(buf, size, "r0 = *(%s *)skb[%d]", size_name(insn), insn->imm);
		break;
	case BPFX_K_LD_IND:
		snprintf(buf, size, "r0 = *(%s *)skb[r%d + %d]", size_name(insn), insn->src_reg,
			 insn->imm);
		break;
	case BPFX_K_LDX:
	case BPFX_K_LDX_SX:
		snprintf(buf, size, "r%d = *(%s *)(r%d %+d)", insn->dst_reg,
			 kind == BPFX_K_LDX ? size_name(insn) :
					      sx_size_names[BPFX_SIZE(insn->code) >> 3],
			 insn->src_reg, insn->off);
		break;
	case BPFX_K_ST:
		snprintf(buf, size, "*(%s *)(r%d %+d) = %d", size_name(insn), insn->dst_reg,
			 insn->off, insn->imm);
		break;
	case BPFX_K_STX:
		snprintf(buf, size, "*(%s *)(r%d %+d) = r%d", size_name(insn), insn->dst_reg,
			 insn->off, insn->src_reg);
		break;
	default:
		print_atomic(insn, buf, size);
		break;
	}
}

/* ld_imm64.  Plain values as the kernel prints them ("r1 = 0x1234"); the pseudo kinds
 * of the linked form in bpftool's style, since the kernel log only shows resolved
 * addresses.  false: not printable in this syntax (the caller prints raw slots). */
static bool print_ld_imm64(const struct bpf_insn *insn, char *buf, size_t size)
{
	const struct bpf_insn *hi = insn + 1;
	int d = insn->dst_reg;

	if (insn->off || hi->code || hi->dst_reg || hi->src_reg || hi->off ||
	    insn->dst_reg >= MAX_BPF_REG)
		return false;
	switch (insn->src_reg) {
	case 0:
		snprintf(buf, size, "r%d = 0x%llx", d,
			 (unsigned long long)bpfx_ld_imm64_value(insn));
		return true;
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_IDX:
		if (hi->imm)
			return false;
		snprintf(buf, size, "r%d = map[%s:%d]", d,
			 insn->src_reg == BPF_PSEUDO_MAP_FD ? "fd" : "idx", insn->imm);
		return true;
	case BPF_PSEUDO_MAP_VALUE:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		snprintf(buf, size, "r%d = map[%s:%d][0]+%u", d,
			 insn->src_reg == BPF_PSEUDO_MAP_VALUE ? "fd" : "idx", insn->imm,
			 (uint32_t)hi->imm);
		return true;
	case BPF_PSEUDO_BTF_ID:
		if (hi->imm)
			snprintf(buf, size, "r%d = btf_id[%d][fd:%d]", d, insn->imm, hi->imm);
		else
			snprintf(buf, size, "r%d = btf_id[%d]", d, insn->imm);
		return true;
	case BPF_PSEUDO_FUNC:
		if (hi->imm)
			return false;
		snprintf(buf, size, "r%d = subprog[%+d]", d, insn->imm);
		return true;
	default:
		return false;
	}
}

int bpfx_disasm(const struct bpf_insn *insns, size_t cnt, size_t idx,
		const struct bpfx_disasm_cbs *cbs, char *buf, size_t size)
{
	const struct bpf_insn *insn;
	const struct bpfx_opcode *op;

	if (!insns || idx >= cnt)
		return -EINVAL;
	insn = &insns[idx];
	op = &bpfx_opcodes[insn->code];
	if (bpfx_is_ld_imm64(insn)) {
		if (idx + 1 >= cnt)
			return -EINVAL;
		if (print_ld_imm64(insn, buf, size))
			return 2;
		print_raw(insn, buf, size);
		return 1;
	}
	if (!op->name || !is_plain(insn, op->kind)) {
		print_raw(insn, buf, size);
		return 1;
	}
	switch (op->kind) {
	case BPFX_K_ALU:
		print_alu(insn, buf, size);
		break;
	case BPFX_K_NEG:
	case BPFX_K_END:
		print_neg_end(insn, buf, size);
		break;
	case BPFX_K_JA:
	case BPFX_K_GOTOL:
	case BPFX_K_JCOND:
	case BPFX_K_MAY_GOTO:
	case BPFX_K_CALL:
	case BPFX_K_EXIT:
		print_jmp(insns, idx, op->kind, cbs, buf, size);
		break;
	default:
		print_mem(insn, op->kind, buf, size);
		break;
	}
	return 1;
}
