/* SPDX-License-Identifier: MIT */
/*
 * exec.h - a program prepared for running (the "fixup" stage's output).
 *
 * The linked instructions are copied and rewritten once, so that engines do no
 * look-ups while running:
 *   - ld_imm64 of a map becomes the map's address, of global data the value's address,
 *     of a callback (BPF_PSEUDO_FUNC) the address of its first instruction here;
 *     src_reg becomes 0 in all three cases.
 *   - helper and kfunc calls: imm becomes an index into calls[], src_reg
 *     BPFX_CALL_FUNC; bpf_tail_call becomes src_reg BPFX_CALL_TAIL.
 *   - bpf-to-bpf calls keep src_reg BPF_PSEUDO_CALL and their relative imm.
 */
#ifndef BPFX_EXEC_H
#define BPFX_EXEC_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "object/object.h"

#define BPFX_CALL_FUNC 0x0e
#define BPFX_CALL_TAIL 0x0f

struct bpfx_region;

struct bpfx_exec {
	const struct bpfx_program *prog;
	struct bpf_insn *insns;
	uint32_t insn_cnt;
	const struct bpfx_func **calls;
	uint32_t call_cnt;
	int32_t exc_cb_insn;          /* custom callback's first insn, -1: the default */
	bool may_throw;               /* a reachable call to bpf_throw */
	bool *cb_entry;               /* per insn: first insn of a callback subprogram */
};

/* Prepare a checked, linked program; 0 or a negative error with a message through
 * bpfx_program_reject(). */
int bpfx_exec_prepare(struct bpfx_program *prog);
void bpfx_exec_free(struct bpfx_exec *x);

/* The function index an instruction of x belongs to. */
uint32_t bpfx_exec_func_of(const struct bpfx_exec *x, uint32_t insn);

#endif /* BPFX_EXEC_H */
