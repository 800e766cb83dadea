/* SPDX-License-Identifier: MIT */
/*
 * raw.h - run bare instructions without an object: what the instruction tests
 * (the .data files of tests/insn, run by tests/tools/insn_run.c) need from the engines.
 */
#ifndef BPFX_RAW_H
#define BPFX_RAW_H

#include <linux/bpf.h>
#include <stddef.h>

#include "bpfx.h"

/*
 * Make a one-program object of type BPFX_PROG_MEM from insns, in the linked form of
 * object.h: the main function starts at insn 0 and every bpf-to-bpf call or callback
 * target starts a subprogram; helpers are called by number; there are no maps or
 * kfuncs.  Prepare it as a
 * load would (the checks of exec/), and run it once in checked mode with R1 = mem,
 * R2 = mem_len (mem may be NULL when mem_len is 0; the program may write to it).
 *
 * Returns 0 when the program ran to its exit (res->r0 holds all 64 bits of R0);
 * -BPFX_ERR_REJECTED when it was refused before running, the load log (the kernel's
 * wording) in res->fault; -BPFX_ERR_FAULT, -BPFX_ERR_BUDGET or -BPFX_ERR_CALL when
 * checked mode stopped it, res->fault saying why; -EINVAL or -ENOMEM for bad input.
 */
int bpfx_run_raw(const struct bpf_insn *insns, size_t cnt, void *mem, size_t mem_len,
		 struct bpfx_result *res);

#endif /* BPFX_RAW_H */
