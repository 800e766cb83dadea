/* SPDX-License-Identifier: MIT */
/*
 * raw.h - run bare instructions (no ELF): for instruction tests and tools.
 */
#ifndef BPFX_RAW_H
#define BPFX_RAW_H

#include <linux/bpf.h>
#include <stddef.h>

#include "bpfx.h"

/* Check and run insns as a SEC("mem") program (R1 = mem, R2 = mem_len), checked.
 * Functions start at insn 0 and at every bpf-to-bpf call or callback target.
 * Returns what bpfx_program__run_mem() returns; -BPFX_ERR_REJECTED when the checks
 * refuse the program, with the reason in res->fault. */
int bpfx_run_raw(const struct bpf_insn *insns, size_t cnt, void *mem, size_t mem_len,
		 struct bpfx_result *res);

#endif /* BPFX_RAW_H */
