/* SPDX-License-Identifier: MIT */
/*
 * raw.c - a one-program object made from bare instructions, for instruction tests:
 * the functions are found from call targets, the rest goes through the normal
 * fixup and run path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "exec/raw.h"
#include "exec/run.h"
#include "helpers/func.h"
#include "insn.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Function starts: 0 and every in-range call or callback target, sorted, unique. */
static uint32_t func_starts(const struct bpf_insn *insns, size_t cnt, uint32_t *starts)
{
	uint32_t n = 0, out = 0;

	starts[n++] = 0;
	for (size_t i = 0; i < cnt; i++) {
		bool func = bpfx_is_ld_imm64(&insns[i]) && insns[i].src_reg == BPF_PSEUDO_FUNC;
		int64_t t = (int64_t)i + 1 + insns[i].imm;

		if ((bpfx_is_pseudo_call(&insns[i]) || func) && t > 0 && t < (int64_t)cnt)
			starts[n++] = (uint32_t)t;
	}
	qsort(starts, n, sizeof(*starts), cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		if (!out || starts[out - 1] != starts[i])
			starts[out++] = starts[i];
	return out;
}

static int make_funcs(struct bpfx_program *prog, char (*names)[16])
{
	uint32_t *starts = calloc(prog->insn_cnt + 1, sizeof(*starts));

	if (!starts)
		return -ENOMEM;
	prog->func_cnt = func_starts(prog->insns, prog->insn_cnt, starts);
	prog->funcs = calloc(prog->func_cnt, sizeof(*prog->funcs));
	if (!prog->funcs) {
		free(starts);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < prog->func_cnt; i++) {
		snprintf(names[i], sizeof(names[i]), i ? "func_%u" : "main", starts[i]);
		prog->funcs[i] = (struct bpfx_func_info){ .insn_off = starts[i], .name = names[i] };
	}
	free(starts);
	return 0;
}

int bpfx_run_raw(const struct bpf_insn *insns, size_t cnt, void *mem, size_t mem_len,
		 struct bpfx_result *res)
{
	struct bpfx_object obj = { .name = "raw", .nr_cpus = 1, .loaded = true };
	struct bpfx_program prog = { .obj = &obj, .name = "main", .sec_name = "mem",
				     .type = BPFX_PROG_MEM, .exc_cb = -1 };
	char (*names)[16] = NULL;
	int err;

	if (!insns || !cnt || cnt > 1000000 || !res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	prog.insns = (struct bpf_insn *)insns;
	prog.insn_cnt = (uint32_t)cnt;
	obj.progs = &prog;
	obj.prog_cnt = 1;
	names = calloc(cnt, sizeof(*names));
	err = names ? bpfx_func_table_init(&obj.funcs) : -ENOMEM;
	if (!err)
		err = make_funcs(&prog, names);
	if (!err)
		err = bpfx_regions_build(&obj);
	if (!err && bpfx_exec_prepare(&prog)) {
		snprintf(res->fault, sizeof(res->fault), "%s", prog.load_log ? prog.load_log : "rejected");
		err = -BPFX_ERR_REJECTED;
	}
	if (!err)
		err = bpfx_program__run_mem(&prog, mem, mem_len, res);
	bpfx_exec_free(prog.exec);
	bpfx_regions_free(&obj);
	bpfx_func_table_free(obj.funcs);
	free(prog.funcs);
	free(prog.load_log);
	free(names);
	return err;
}
