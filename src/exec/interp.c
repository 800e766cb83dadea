/* SPDX-License-Identifier: MIT */
/*
 * interp.c - the interpreter.  One loop, dispatched through a table generated from
 * BPFX_INSN_MAP (computed goto with GNU C, a switch otherwise).  bpf-to-bpf calls
 * push frames on the run's frame stack without recursing in C; tail calls and helper
 * callbacks recurse, so that a tail-call target is its own exception boundary
 * (exec/throw.c).  Each case is short; the arithmetic lives in alu.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "exec/alu.h"
#include "exec/run.h"
#include "helpers/func.h"
#include "insn.h"

#if defined(__GNUC__) && !defined(BPFX_NO_COMPUTED_GOTO)
#define BPFX_COMPUTED_GOTO 1
#endif

static void push_fault(struct bpfx_run *run, const struct bpf_insn *pc)
{
	run->pc = pc;
	bpfx_run_fault(run, -BPFX_ERR_CALL, "the call stack of %d frames is too deep",
		       BPFX_MAX_FRAMES + 1);
}

static void budget_fault(struct bpfx_run *run, const struct bpf_insn *pc)
{
	run->pc = pc;
	bpfx_run_fault(run, -BPFX_ERR_BUDGET, "instruction budget exhausted after %llu instructions",
		       (unsigned long long)run->insn_cnt);
}

/* The stack a frame may touch: its own 512 bytes and its callers' (a caller may
 * pass a pointer to its stack), never the frames below it. */
static inline bool in_stack(const struct bpfx_run *run, uint32_t depth, uint64_t addr,
			    uint64_t size)
{
	uintptr_t lo = (uintptr_t)bpfx_run_fp(run, depth) - BPFX_STACK_SIZE;
	uintptr_t hi = (uintptr_t)run->stack + sizeof(run->stack);

	return addr >= lo && addr + size <= hi && addr + size > addr;
}

static inline void check_mem(struct bpfx_run *run, const struct bpf_insn *pc, uint32_t depth,
			     uint64_t addr, uint64_t size, bool write)
{
	if (in_stack(run, depth, addr, size))
		return;
	run->pc = pc;
	run->depth = depth;
	bpfx_mem_check(run, addr, size, write);
}

/* A checked store; one into the context may be the kernel's rewritten store for its
 * field (bpfx_ctx_store).  true: done, the plain store must not happen. */
static inline bool check_store(struct bpfx_run *run, const struct bpf_insn *pc,
			       uint32_t depth, uint64_t addr, uint32_t size, uint64_t val,
			       bool imm)
{
	if (in_stack(run, depth, addr, size))
		return false;
	run->pc = pc;
	run->depth = depth;
	bpfx_mem_check(run, addr, size, true);
	return bpfx_ctx_store(run, addr, size, val, imm);
}

static void check_atomic(struct bpfx_run *run, const struct bpf_insn *pc, uint32_t depth,
			 uint64_t addr, uint32_t size)
{
	check_mem(run, pc, depth, addr, size, true);
	if (addr & (size - 1)) {
		run->pc = pc;
		bpfx_run_fault(run, -BPFX_ERR_FAULT, "misaligned atomic access at 0x%llx",
			       (unsigned long long)addr);
	}
}

#define SKF_NET_OFF (-0x100000)
#define SKF_LL_OFF (-0x200000)

/* LD_ABS / LD_IND: a big-endian load from the packet; false when out of bounds.  A
 * negative offset counts from the network header (SKF_NET_OFF + k) or the mac header
 * (SKF_LL_OFF + k), as bpf_internal_load_pointer_neg_helper() reads it: e.g. a
 * socket filter, whose data starts at the network header, reads the Ethernet type
 * with BPF_LD_ABS(BPF_H, SKF_LL_OFF + 12). */
static bool ld_pkt(struct bpfx_run *run, const struct bpf_insn *pc, int32_t off,
		   uint32_t size, uint64_t *out)
{
	const struct bpfx_pkt *pkt = &run->pkt;
	uintptr_t p;

	if (!pkt->data) {
		run->pc = pc;
		bpfx_run_fault(run, -BPFX_ERR_FAULT, "LD_ABS/LD_IND in a program without a packet");
	}
	if (off >= 0)
		p = (uintptr_t)pkt->data + (uint32_t)off;
	else if (off >= SKF_NET_OFF)
		p = (uintptr_t)bpfx_pkt_net(pkt) + (uint32_t)(off - SKF_NET_OFF);
	else if (off >= SKF_LL_OFF)
		p = (uintptr_t)bpfx_pkt_mac(pkt) + (uint32_t)(off - SKF_LL_OFF);
	else
		return false;
	if (p < (uintptr_t)pkt->buf || p + size > (uintptr_t)pkt->data_end)
		return false;
	*out = bpfx_load_be((const void *)p, size);
	return true;
}

static uint64_t do_call(struct bpfx_run *run, const struct bpfx_exec *x,
			const struct bpf_insn *pc, uint64_t *r)
{
	const struct bpfx_func *f = x->calls[pc->imm];

	run->pc = pc;
	run->x = x;
	if (run->checked)
		bpfx_args_check(run, f, r);
	return f->fn(r[1], r[2], r[3], r[4], r[5], run);
}

/* A tail call: on success the target runs as its own boundary in this frame and its
 * R0 is this frame's return value (*ok = true). */
static uint64_t do_tail_call(struct bpfx_run *run, const struct bpfx_exec *x,
			     const struct bpf_insn *pc, uint32_t depth, uint64_t *r, bool *ok)
{
	struct bpfx_map *map;
	struct bpfx_program *target;
	uint64_t r0;

	run->pc = pc;
	run->x = x;
	*ok = false;
	if (run->checked)
		bpfx_lock_call_check(run, NULL);
	map = run->checked ? bpfx_map_arg(run, r[2], 2) : (struct bpfx_map *)(uintptr_t)r[2];
	if (map->type != BPF_MAP_TYPE_PROG_ARRAY || (uint32_t)r[3] >= map->max_entries)
		return r[0];
	if (run->tail_calls >= BPFX_MAX_TAIL_CALLS)
		return r[0];
	run->tail_calls++;
	target = bpfx_prog_array_get(map, (uint32_t)r[3]);
	if (!target || !target->exec)
		return r[0];
	r0 = bpfx_run_boundary(run, target->exec, depth, r[1], 0);
	run->x = x;
	*ok = true;
	return r0;
}

#define DST r[pc->dst_reg]
#define SRC r[pc->src_reg]
#define IMM pc->imm
#define IMM64 ((uint64_t)(int64_t)pc->imm)
#define MEM(addr, size, w) do { if (checked) check_mem(run, pc, depth, (addr), (size), (w)); } while (0)

#ifdef BPFX_COMPUTED_GOTO
#define DISPATCH() goto *labels[pc->code]
#define LABEL(name, code, kind) [code] = &&L_##name,
#else
#define DISPATCH() goto dispatch
#define LABEL(name, code, kind) case code: goto L_##name;
#endif

#define NEXT() do { pc++; goto next; } while (0)
#define JUMP(off) do { pc += (int64_t)(off) + 1; goto next; } while (0)

/* Binary ALU ops that need nothing special: 64- and 32-bit, K and X. */
#define ALU_SIMPLE(OP, op)                                                          \
	L_ALU64_##OP##_X: DST = DST op SRC; NEXT();                                  \
	L_ALU64_##OP##_K: DST = DST op IMM64; NEXT();                                \
	L_ALU_##OP##_X: DST = (uint32_t)((uint32_t)DST op (uint32_t)SRC); NEXT();    \
	L_ALU_##OP##_K: DST = (uint32_t)((uint32_t)DST op (uint32_t)IMM); NEXT();

/* Ops whose semantics live in alu.h (division, shifts, moves). */
#define ALU_FN(OP, fn64, fn32)                                                      \
	L_ALU64_##OP##_X: DST = fn64(DST, SRC, pc->off); NEXT();                     \
	L_ALU64_##OP##_K: DST = fn64(DST, IMM64, pc->off); NEXT();                   \
	L_ALU_##OP##_X: DST = fn32((uint32_t)DST, (uint32_t)SRC, pc->off); NEXT();   \
	L_ALU_##OP##_K: DST = fn32((uint32_t)DST, (uint32_t)IMM, pc->off); NEXT();

#define COND(OP, T, op)                                                             \
	L_JMP_##OP##_X: if ((T)DST op (T)SRC) JUMP(pc->off); NEXT();                 \
	L_JMP_##OP##_K: if ((T)DST op (T)IMM64) JUMP(pc->off); NEXT();
#define COND32(OP, T, op)                                                           \
	L_JMP32_##OP##_X: if ((T)(uint32_t)DST op (T)(uint32_t)SRC) JUMP(pc->off); NEXT(); \
	L_JMP32_##OP##_K: if ((T)(uint32_t)DST op (T)(uint32_t)IMM) JUMP(pc->off); NEXT();
#define CONDS(OP, T64, T32, op) COND(OP, T64, op) COND32(OP, T32, op)

#define LDX(SZ, T)                                                                   \
	L_LDX_MEM_##SZ: MEM(SRC + pc->off, sizeof(T), false);                        \
	DST = bpfx_load_##T(SRC + pc->off); NEXT();
#define LDX_SX(SZ, T, ST)                                                            \
	L_LDX_MEMSX_##SZ: MEM(SRC + pc->off, sizeof(T), false);                      \
	DST = (uint64_t)(int64_t)(ST)bpfx_load_##T(SRC + pc->off); NEXT();
#define STORE(SZ, T)                                                                 \
	L_ST_MEM_##SZ:                                                               \
	if (!checked || !check_store(run, pc, depth, DST + pc->off, sizeof(T), IMM64, true)) \
		bpfx_store_##T(DST + pc->off, (T)IMM64);                             \
	NEXT();                                                                      \
	L_STX_MEM_##SZ:                                                              \
	if (!checked || !check_store(run, pc, depth, DST + pc->off, sizeof(T), SRC, false)) \
		bpfx_store_##T(DST + pc->off, (T)SRC);                               \
	NEXT();
#define LD_PKT(NAME, size, off)                                                      \
	L_##NAME: if (!ld_pkt(run, pc, (off), (size), &r[0])) { r[0] = 0; goto L_JMP_EXIT; } \
	NEXT();

static uint64_t interp(struct bpfx_run *run, const struct bpfx_exec *x, uint32_t base,
		       const struct bpf_insn *pc, uint64_t *r)
{
	const struct bpf_insn *insns = x->insns;
	const bool checked = run->checked;
	uint64_t left = run->budget;
	uint32_t depth = base;
	struct bpfx_frame_state *fr;
	bool ok;
#ifdef BPFX_COMPUTED_GOTO
	/* Every byte defaults to L_INVALID; the opcode table overrides the valid ones. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
	static const void *const labels[256] = {
		[0 ... 255] = &&L_INVALID,
		BPFX_INSN_MAP(LABEL)
	};
#pragma GCC diagnostic pop
#endif

next:
	if (__builtin_expect(!left, 0)) {
		run->insn_cnt += run->budget;
		run->budget = 0;
		budget_fault(run, pc);
	}
	left--;
#ifdef BPFX_COMPUTED_GOTO
	DISPATCH();
#else
dispatch:
	switch (pc->code) {
	BPFX_INSN_MAP(LABEL)
	default:
		goto L_INVALID;
	}
#endif

	ALU_SIMPLE(ADD, +)
	ALU_SIMPLE(SUB, -)
	ALU_SIMPLE(MUL, *)
	ALU_SIMPLE(OR, |)
	ALU_SIMPLE(AND, &)
	ALU_SIMPLE(XOR, ^)
	ALU_FN(DIV, bpfx_div64, bpfx_div32)
	ALU_FN(MOD, bpfx_mod64, bpfx_mod32)
	ALU_FN(LSH, bpfx_lsh64, bpfx_lsh32)
	ALU_FN(RSH, bpfx_rsh64, bpfx_rsh32)
	ALU_FN(ARSH, bpfx_arsh64, bpfx_arsh32)
	ALU_FN(MOV, bpfx_mov64, bpfx_mov32)
L_ALU64_NEG:
	DST = -DST;
	NEXT();
L_ALU_NEG:
	DST = (uint32_t)-(uint32_t)DST;
	NEXT();
L_ALU_END_TO_LE:
	DST = bpfx_to_le(DST, IMM);
	NEXT();
L_ALU_END_TO_BE:
L_ALU64_BSWAP:
	DST = bpfx_bswap(DST, IMM);
	NEXT();

	CONDS(JEQ, uint64_t, uint32_t, ==)
	CONDS(JNE, uint64_t, uint32_t, !=)
	CONDS(JGT, uint64_t, uint32_t, >)
	CONDS(JGE, uint64_t, uint32_t, >=)
	CONDS(JLT, uint64_t, uint32_t, <)
	CONDS(JLE, uint64_t, uint32_t, <=)
	CONDS(JSGT, int64_t, int32_t, >)
	CONDS(JSGE, int64_t, int32_t, >=)
	CONDS(JSLT, int64_t, int32_t, <)
	CONDS(JSLE, int64_t, int32_t, <=)
L_JMP_JSET_X:
	if (DST & SRC)
		JUMP(pc->off);
	NEXT();
L_JMP_JSET_K:
	if (DST & IMM64)
		JUMP(pc->off);
	NEXT();
L_JMP32_JSET_X:
	if ((uint32_t)DST & (uint32_t)SRC)
		JUMP(pc->off);
	NEXT();
L_JMP32_JSET_K:
	if ((uint32_t)DST & (uint32_t)IMM)
		JUMP(pc->off);
	NEXT();
L_JMP_JA:
	JUMP(pc->off);
L_JMP32_JA:
	JUMP(pc->imm);
L_JMP_MAY_GOTO:
	if (!run->frames[depth].may_goto)
		JUMP(pc->off);
	run->frames[depth].may_goto--;
	NEXT();

L_JMP_CALL:
	run->insn_cnt += run->budget - left;
	run->budget = left;
	if (pc->src_reg == BPF_PSEUDO_CALL)
		goto call_bpf;
	run->depth = depth;
	if (pc->src_reg == BPFX_CALL_TAIL) {
		r[0] = do_tail_call(run, x, pc, depth, r, &ok);
		left = run->budget;
		if (ok)
			goto L_JMP_EXIT;
		NEXT();
	}
	r[0] = do_call(run, x, pc, r);
	left = run->budget;
	NEXT();
call_bpf:
	if (depth + 1 >= BPFX_MAX_FRAMES)
		push_fault(run, pc);
	fr = &run->frames[++depth];
	fr->ret_pc = pc + 1;
	fr->call_insn = (uint32_t)(pc - insns);
	fr->may_goto = BPFX_MAY_GOTO_LOOPS;
	memcpy(fr->saved, &r[6], sizeof(fr->saved));
	r[10] = (uint64_t)(uintptr_t)bpfx_run_fp(run, depth);
	JUMP(pc->imm);

L_JMP_EXIT:
	if (depth == base) {
		run->insn_cnt += run->budget - left;
		run->budget = left;
		return r[0];
	}
	fr = &run->frames[depth--];
	memcpy(&r[6], fr->saved, sizeof(fr->saved));
	r[10] = (uint64_t)(uintptr_t)bpfx_run_fp(run, depth);
	pc = fr->ret_pc;
	goto next;

L_LD_IMM_DW:
	DST = bpfx_ld_imm64_value(pc);
	pc += 2;
	goto next;
	LD_PKT(LD_ABS_W, 4, pc->imm)
	LD_PKT(LD_ABS_H, 2, pc->imm)
	LD_PKT(LD_ABS_B, 1, pc->imm)
	LD_PKT(LD_IND_W, 4, (int32_t)((uint32_t)SRC + (uint32_t)pc->imm))
	LD_PKT(LD_IND_H, 2, (int32_t)((uint32_t)SRC + (uint32_t)pc->imm))
	LD_PKT(LD_IND_B, 1, (int32_t)((uint32_t)SRC + (uint32_t)pc->imm))

	LDX(B, uint8_t)
	LDX(H, uint16_t)
	LDX(W, uint32_t)
	LDX(DW, uint64_t)
	LDX_SX(B, uint8_t, int8_t)
	LDX_SX(H, uint16_t, int16_t)
	LDX_SX(W, uint32_t, int32_t)
	STORE(B, uint8_t)
	STORE(H, uint16_t)
	STORE(W, uint32_t)
	STORE(DW, uint64_t)

L_STX_ATOMIC_W:
	if (checked)
		check_atomic(run, pc, depth, DST + pc->off, 4);
	bpfx_atomic32(pc->imm, (uint32_t *)(uintptr_t)(DST + pc->off), &SRC, &r[0]);
	NEXT();
L_STX_ATOMIC_DW:
	if (checked)
		check_atomic(run, pc, depth, DST + pc->off, 8);
	bpfx_atomic64(pc->imm, (uint64_t *)(uintptr_t)(DST + pc->off), &SRC, &r[0]);
	NEXT();

L_INVALID:
	run->pc = pc;
	bpfx_run_fault(run, -BPFX_ERR_FAULT, "unknown opcode %02x", pc->code);
}

uint64_t bpfx_interp_call(struct bpfx_run *run, const struct bpfx_exec *x, uint32_t depth,
			  uint32_t func_insn, const uint64_t args[5])
{
	uint64_t r[11] = { 0 };

	memcpy(&r[1], args, 5 * sizeof(*args));
	r[10] = (uint64_t)(uintptr_t)bpfx_run_fp(run, depth);
	run->frames[depth].may_goto = BPFX_MAY_GOTO_LOOPS;
	run->x = x;
	return interp(run, x, depth, &x->insns[func_insn], r);
}

static uint32_t callback_insn(struct bpfx_run *run, uint64_t fn)
{
	const struct bpfx_exec *x = run->x;
	uintptr_t lo = (uintptr_t)x->insns, off = (uintptr_t)fn - lo;

	if ((uintptr_t)fn < lo || off % sizeof(struct bpf_insn) ||
	    off / sizeof(struct bpf_insn) >= x->insn_cnt ||
	    !x->cb_entry[off / sizeof(struct bpf_insn)])
		bpfx_run_fault(run, -BPFX_ERR_CALL, "0x%llx is not a callback of this program",
			       (unsigned long long)fn);
	return (uint32_t)(off / sizeof(struct bpf_insn));
}

uint64_t bpfx_run_callback(struct bpfx_run *run, uint64_t fn, uint64_t r1, uint64_t r2,
			   uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct bpfx_exec *x = run->x;
	const struct bpf_insn *pc = run->pc;
	uint64_t args[5] = { r1, r2, r3, r4, r5 }, r0;
	uint32_t depth = run->depth, insn = callback_insn(run, fn);

	if (depth + 1 >= BPFX_MAX_FRAMES)
		push_fault(run, pc);
	run->frames[depth + 1].ret_pc = NULL;
	run->frames[depth + 1].call_insn = (uint32_t)(pc - x->insns);
	r0 = bpfx_interp_call(run, x, depth + 1, insn, args);
	run->depth = depth;
	run->pc = pc;
	run->x = x;
	return r0;
}
