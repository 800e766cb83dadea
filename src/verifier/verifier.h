/* SPDX-License-Identifier: MIT */
/*
 * verifier.h - what the checks before running find out about a program.
 *
 * Today these are the kernel verifier's structural passes (opcode checks, subprogram
 * boundaries, the control-flow graph, the exception-callback rules and the static
 * call-graph walk).  Symbolic execution comes later and will add to these facts.
 * Rejections use the kernel's messages, through bpfx_program_reject().
 */
#ifndef BPFX_VERIFIER_H
#define BPFX_VERIFIER_H

#include <stdbool.h>
#include <stdint.h>

#include "object/object.h"

struct bpfx_subprog {
	uint32_t start;
	uint32_t end;            /* exclusive */
	bool is_cb;              /* passed to a helper (BPF_PSEUDO_FUNC), or the exc cb */
	bool is_exc_cb;
	bool has_throw;          /* contains a call to bpf_throw */
	bool has_tail_call;
};

struct bpfx_prog_facts {
	struct bpfx_subprog *subs;   /* one per prog->funcs entry, same order */
	uint32_t sub_cnt;
	bool may_throw;              /* some reachable subprogram calls bpf_throw */
};

/* Run the structural checks.  0, or a negative error after rejecting the program.
 * facts is filled on success; free with bpfx_facts_free(). */
int bpfx_verify_structure(struct bpfx_program *prog, struct bpfx_prog_facts *facts);
void bpfx_facts_free(struct bpfx_prog_facts *facts);

/* Is this call instruction (linked form) a call to bpf_throw? */
bool bpfx_is_throw_call(const struct bpfx_program *prog, const struct bpf_insn *insn);

#endif /* BPFX_VERIFIER_H */
