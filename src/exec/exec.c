/* SPDX-License-Identifier: MIT */
/*
 * exec.c - the fixup stage: check a linked program, then rewrite a copy of it so
 * that engines run it without look-ups (addresses in ld_imm64, call indexes).  See
 * exec.h for the rewritten forms.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "helpers/func.h"
#include "insn.h"
#include "maps/map.h"
#include "verifier/verifier.h"

struct fixup {
	struct bpfx_program *prog;
	struct bpfx_exec *x;
	uint32_t call_cap;
};

static int add_call(struct fixup *fx, const struct bpfx_func *f)
{
	struct bpfx_exec *x = fx->x;

	for (uint32_t i = 0; i < x->call_cnt; i++)
		if (x->calls[i] == f)
			return (int)i;
	if (x->call_cnt == fx->call_cap) {
		uint32_t cap = fx->call_cap ? fx->call_cap * 2 : 8;
		const struct bpfx_func **calls = realloc(x->calls, cap * sizeof(*calls));

		if (!calls)
			return -ENOMEM;
		x->calls = calls;
		fx->call_cap = cap;
	}
	x->calls[x->call_cnt] = f;
	return (int)x->call_cnt++;
}

static const struct bpfx_func *resolve_extern(struct bpfx_program *prog, int32_t idx)
{
	struct bpfx_object *obj = prog->obj;
	struct bpfx_extern *ext;

	if (idx < 0 || (uint32_t)idx >= obj->extern_cnt)
		return NULL;
	ext = &obj->externs[idx];
	if (!ext->func)
		ext->func = bpfx_func_kfunc(obj->funcs, ext->name);
	if (!ext->func)
		bpfx_program_reject(prog, -ESRCH,
				    "extern (func ksym) '%s': not found in bpfx's kfuncs", ext->name);
	return ext->func;
}

static int fix_call(struct fixup *fx, struct bpf_insn *insn)
{
	struct bpfx_program *prog = fx->prog;
	const struct bpfx_func *f;
	int idx;

	if (insn->src_reg == BPF_PSEUDO_CALL)
		return 0;
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		f = resolve_extern(prog, insn->imm);
		if (!f)
			return -ESRCH;
		if (f->generic && !bpfx_prog_type_generic_kfuncs(prog->type)) {
			bpfx_program_reject(prog, -EACCES, "calling kernel function %s is not allowed",
					    f->name);
			return -EACCES;
		}
	} else {
		if (insn->imm == BPF_FUNC_tail_call) {
			insn->src_reg = BPFX_CALL_TAIL;
			return 0;
		}
		f = insn->imm > 0 ? bpfx_func_helper(prog->obj->funcs, (uint32_t)insn->imm) : NULL;
		if (!f) {
			bpfx_program_reject(prog, -EINVAL, "invalid func unknown#%d", insn->imm);
			return -EINVAL;
		}
	}
	idx = add_call(fx, f);
	if (idx < 0)
		return idx;
	insn->src_reg = BPFX_CALL_FUNC;
	insn->imm = idx;
	return 0;
}

static void set_imm64(struct bpf_insn *insn, uint64_t v)
{
	insn[0].src_reg = 0;
	insn[0].imm = (int32_t)(uint32_t)v;
	insn[1].imm = (int32_t)(uint32_t)(v >> 32);
}

static struct bpfx_map *map_of(struct fixup *fx, int32_t idx, uint32_t insn_idx)
{
	struct bpfx_object *obj = fx->prog->obj;

	if (idx >= 0 && (uint32_t)idx < obj->map_cnt)
		return &obj->maps[idx];
	bpfx_program_reject(fx->prog, -EINVAL, "insn %u: map index %d out of range", insn_idx, idx);
	return NULL;
}

static int fix_map_value(struct fixup *fx, struct bpf_insn *insn, uint32_t i)
{
	struct bpfx_map *map = map_of(fx, insn->imm, i);
	uint32_t off = (uint32_t)insn[1].imm, zero = 0;
	void *value;

	if (!map)
		return -EINVAL;
	if (map->type != BPF_MAP_TYPE_ARRAY || map->max_entries != 1) {
		bpfx_program_reject(fx->prog, -EINVAL,
				    "direct value access on map '%s' is not allowed", map->name);
		return -EINVAL;
	}
	if (off >= map->value_size) {
		bpfx_program_reject(fx->prog, -EINVAL,
				    "invalid access to map value pointer, value_size=%u off=%u",
				    map->value_size, off);
		return -EACCES;
	}
	value = map->ops->lookup(map, &zero, 0);
	if (!value)
		return -EFAULT;
	set_imm64(insn, (uint64_t)(uintptr_t)value + off);
	return 0;
}

static int fix_ld_imm64(struct fixup *fx, struct bpf_insn *insn, uint32_t i)
{
	struct bpfx_map *map;

	switch (insn->src_reg) {
	case 0:
		return 0;
	case BPF_PSEUDO_MAP_IDX:
		map = map_of(fx, insn->imm, i);
		if (!map)
			return -EINVAL;
		set_imm64(insn, (uint64_t)(uintptr_t)map);
		return 0;
	case BPF_PSEUDO_MAP_IDX_VALUE:
		return fix_map_value(fx, insn, i);
	case BPF_PSEUDO_FUNC:
		fx->x->cb_entry[i + 1 + insn->imm] = true;
		set_imm64(insn, (uint64_t)(uintptr_t)&fx->x->insns[i + 1 + insn->imm]);
		return 0;
	default:
		bpfx_program_reject(fx->prog, -EINVAL, "insn %u: unsupported ld_imm64 src %d",
				    i, insn->src_reg);
		return -EINVAL;
	}
}

static int fixup(struct fixup *fx)
{
	struct bpfx_exec *x = fx->x;
	int err = 0;

	for (uint32_t i = 0; i < x->insn_cnt && !err; i++) {
		struct bpf_insn *insn = &x->insns[i];

		if (bpfx_is_ld_imm64(insn))
			err = fix_ld_imm64(fx, insn, i++);
		else if (insn->code == (BPF_JMP | BPF_CALL))
			err = fix_call(fx, insn);
	}
	return err;
}

static struct bpfx_exec *exec_new(struct bpfx_program *prog)
{
	struct bpfx_exec *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->prog = prog;
	x->insn_cnt = prog->insn_cnt;
	x->insns = malloc(prog->insn_cnt * sizeof(*x->insns));
	x->cb_entry = calloc(prog->insn_cnt, sizeof(*x->cb_entry));
	if (!x->insns || !x->cb_entry) {
		bpfx_exec_free(x);
		return NULL;
	}
	memcpy(x->insns, prog->insns, prog->insn_cnt * sizeof(*x->insns));
	x->exc_cb_insn = prog->exc_cb >= 0 ? (int32_t)prog->funcs[prog->exc_cb].insn_off : -1;
	return x;
}

int bpfx_exec_prepare(struct bpfx_program *prog)
{
	struct bpfx_prog_facts facts;
	struct fixup fx = { .prog = prog };
	int err;

	err = bpfx_verify_structure(prog, &facts);
	if (err)
		return err;
	fx.x = exec_new(prog);
	if (!fx.x) {
		bpfx_facts_free(&facts);
		bpfx_program_reject(prog, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	fx.x->may_throw = facts.may_throw;
	bpfx_facts_free(&facts);
	err = fixup(&fx);
	if (err) {
		bpfx_exec_free(fx.x);
		if (!prog->load_err)
			bpfx_program_reject(prog, err, "fixup failed");
		return err;
	}
	prog->exec = fx.x;
	return 0;
}

void bpfx_exec_free(struct bpfx_exec *x)
{
	if (!x)
		return;
	free(x->insns);
	free(x->calls);
	free(x->cb_entry);
	free(x);
}

uint32_t bpfx_exec_func_of(const struct bpfx_exec *x, uint32_t insn)
{
	int f = bpfx_program_func_at(x->prog, insn);

	return f < 0 ? 0 : (uint32_t)f;
}
