// SPDX-License-Identifier: MIT
/*
 * link.c - build one program's instruction array in the kernel's load format: the main
 * function, then every .text function it reaches (calls and callback addresses, in
 * libbpf's depth-first order, each once), then its exception callback; relocations
 * applied on the way.  Also its funcs (func_info), lines (line_info) and decl tags.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "object/loader.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)
#define EXC_CB_PFX "exception_callback:"

struct frame {
	uint32_t func;
	uint32_t i;            /* next instruction of the function to look at */
};

struct link {
	struct bpfx_ld *ld;
	struct bpfx_program *prog;
	struct bpf_insn *insns;
	uint32_t cnt, cap;
	uint32_t *at;          /* per function: linked start + 1; 0 = not placed */
	uint32_t *order;       /* placed functions, in placement order */
	uint32_t order_cnt;
	struct frame *stack;   /* functions whose instructions are being fixed */
	uint32_t depth;
};

static const struct bpfx_ld_rel *find_rel(const struct bpfx_ld_sec *s, uint32_t insn)
{
	uint32_t lo = 0, hi = s->rel_cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->rels[mid].insn < insn)
			lo = mid + 1;
		else if (s->rels[mid].insn > insn)
			hi = mid;
		else
			return &s->rels[mid];
	}
	return NULL;
}

/* CO-RE relocations we could not apply reject every program that contains them. */
static void check_bad(struct link *lk, uint32_t fi)
{
	const struct bpfx_ld_func *f = &lk->ld->funcs[fi];
	const struct bpfx_ld_sec *s = &lk->ld->secs[f->sec];

	for (uint32_t i = 0; i < s->bad_cnt; i++)
		if (s->bad[i].insn >= f->start && s->bad[i].insn < f->start + f->cnt)
			bpfx_program_reject(lk->prog, -EOPNOTSUPP,
					    "prog '%s': insn %u (in '%s'): %s", lk->prog->name,
					    lk->at[fi] - 1 + s->bad[i].insn - f->start, f->name,
					    s->bad[i].msg);
}

static int place(struct link *lk, uint32_t fi)
{
	const struct bpfx_ld_func *f = &lk->ld->funcs[fi];
	const struct bpfx_ld_sec *s = &lk->ld->secs[f->sec];

	if (lk->cnt + f->cnt > lk->cap) {
		uint32_t cap = lk->cap * 2 > lk->cnt + f->cnt ? lk->cap * 2 : lk->cnt + f->cnt;
		struct bpf_insn *p = realloc(lk->insns, (size_t)cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		lk->insns = p;
		lk->cap = cap;
	}
	memcpy(lk->insns + lk->cnt, s->insns + f->start, (size_t)f->cnt * sizeof(*lk->insns));
	lk->at[fi] = lk->cnt + 1;
	lk->cnt += f->cnt;
	lk->order[lk->order_cnt++] = fi;
	lk->stack[lk->depth++] = (struct frame){ .func = fi, .i = 0 };
	check_bad(lk, fi);
	return 0;
}

/* Linked start of function fi, placing it at the end if it is not there yet. */
static int start_of(struct link *lk, uint32_t fi, uint32_t *start)
{
	int err = 0;

	if (!lk->at[fi])
		err = place(lk, fi);
	*start = lk->at[fi] - 1;
	return err;
}

/* Messages give the instruction's index in the linked program. */
static void reject(struct link *lk, int err, const char *what, uint32_t fi, uint32_t i)
{
	const struct bpfx_ld_func *f = &lk->ld->funcs[fi];

	bpfx_program_reject(lk->prog, err, "prog '%s': insn %u (in '%s'): %s", lk->prog->name,
			    lk->at[fi] - 1 + i, f->name, what);
}

/* Point a call or ld_imm64 at instruction off of function target. */
static int point_at(struct link *lk, uint32_t fi, uint32_t i, uint32_t target, uint32_t off,
		    bool addr)
{
	uint32_t pos = lk->at[fi] - 1 + i, start;
	struct bpf_insn *insn;
	int err;

	if (addr && i + 1 >= lk->ld->funcs[fi].cnt) {
		reject(lk, -EINVAL, "ld_imm64 cut off by the end of the function", fi, i);
		return 0;
	}
	err = start_of(lk, target, &start);
	if (err)
		return err;
	insn = &lk->insns[pos];      /* after place(): insns may have moved */
	insn->imm = (int32_t)((int64_t)start + off - ((int64_t)pos + 1));
	if (addr) {
		insn->src_reg = BPF_PSEUDO_FUNC;
		insn[1].imm = 0;
	}
	return 0;
}

/* imm2 < 0: keep insn[1].imm. */
static void set_ld64(struct link *lk, uint32_t fi, uint32_t i, uint8_t src, int32_t imm,
		     int64_t imm2)
{
	struct bpf_insn *insn = &lk->insns[lk->at[fi] - 1 + i];

	if (i + 1 >= lk->ld->funcs[fi].cnt) {
		reject(lk, -EINVAL, "ld_imm64 cut off by the end of the function", fi, i);
		return;
	}
	insn->src_reg = src;
	insn[0].imm = imm;
	if (imm2 >= 0)
		insn[1].imm = (int32_t)(uint32_t)imm2;
}

/* ld_imm64 of an undefined symbol: a .kconfig or __ksym variable, or the address of a
 * kfunc (bpf_ksym_exists()). */
static void extern_ld64_msg(const struct link *lk, uint32_t sym, char *msg, size_t size)
{
	const char *name = bpfx_ld_sym_name(lk->ld, sym);
	const struct btf *btf = lk->ld->obj->btf;

	if (btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0)
		snprintf(msg, size, "address of extern function '%s' is not supported yet", name);
	else
		snprintf(msg, size,
			 "extern variable '%s' is not supported yet (.kconfig and __ksym variables)",
			 name);
}

static int apply_rel(struct link *lk, uint32_t fi, uint32_t i, const struct bpfx_ld_rel *rel)
{
	struct bpf_insn *insn = &lk->insns[lk->at[fi] - 1 + i];
	char msg[160];

	switch (rel->kind) {
	case BPFX_REL_CALL:
	case BPFX_REL_FUNC_ADDR:
		return point_at(lk, fi, i, rel->target, rel->off,
				rel->kind == BPFX_REL_FUNC_ADDR);
	case BPFX_REL_MAP:
		set_ld64(lk, fi, i, BPF_PSEUDO_MAP_IDX, (int32_t)rel->target, -1);
		return 0;
	case BPFX_REL_DATA:
		set_ld64(lk, fi, i, BPF_PSEUDO_MAP_IDX_VALUE, (int32_t)rel->target, rel->off);
		return 0;
	case BPFX_REL_KFUNC:
		insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
		insn->imm = (int32_t)rel->target;
		insn->off = 0;
		return 0;
	default:
		extern_ld64_msg(lk, rel->target, msg, sizeof(msg));
		reject(lk, -EOPNOTSUPP, msg, fi, i);
		return 0;
	}
}

/* A call without relocation: relative to itself, inside the same section. */
static int local_call(struct link *lk, uint32_t fi, uint32_t i)
{
	const struct bpfx_ld_func *f = &lk->ld->funcs[fi];
	const struct bpfx_ld_sec *s = &lk->ld->secs[f->sec];
	const struct bpf_insn *insn = &lk->insns[lk->at[fi] - 1 + i];
	int64_t tgt = (int64_t)f->start + i + insn->imm + 1;
	int t;

	if (tgt >= f->start && tgt < f->start + f->cnt)
		return 0;   /* inside the function: copied as a block, offset unchanged */
	t = tgt >= 0 && tgt < s->insn_cnt ? bpfx_ld_func_at(lk->ld, f->sec, (uint32_t)tgt) : -1;
	if (t < 0) {
		reject(lk, -EINVAL, "call target is outside any function", fi, i);
		return 0;
	}
	if (lk->ld->funcs[t].prog >= 0) {
		reject(lk, -EINVAL, "call into another program; subprograms must be in .text",
		       fi, i);
		return 0;
	}
	return point_at(lk, fi, i, (uint32_t)t, (uint32_t)tgt - lk->ld->funcs[t].start, false);
}

static int fix_insn(struct link *lk, uint32_t fi, uint32_t i)
{
	const struct bpfx_ld_func *f = &lk->ld->funcs[fi];
	const struct bpfx_ld_rel *rel = find_rel(&lk->ld->secs[f->sec], f->start + i);
	const struct bpf_insn *insn = &lk->insns[lk->at[fi] - 1 + i];

	if (rel)
		return apply_rel(lk, fi, i, rel);
	if (insn->code == CALL && insn->src_reg == BPF_PSEUDO_CALL)
		return local_call(lk, fi, i);
	if (insn->code == CALL && insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
		reject(lk, -EINVAL, "kfunc call without a relocation", fi, i);
	else if (insn->code == LD_IMM64 && insn->src_reg != 0)
		reject(lk, -EINVAL, "ld_imm64 with a pseudo source but no relocation", fi, i);
	return 0;
}

/* Depth first, as libbpf: a callee is placed when its first call is met, and its
 * own calls are resolved before the caller's next instruction. */
static int walk(struct link *lk)
{
	while (lk->depth) {
		struct frame *fr = &lk->stack[lk->depth - 1];
		uint32_t fi = fr->func, i = fr->i;
		int err;

		if (i >= lk->ld->funcs[fi].cnt) {
			lk->depth--;
			continue;
		}
		fr->i += lk->insns[lk->at[fi] - 1 + i].code == LD_IMM64 ? 2 : 1;
		err = fix_insn(lk, fi, i);
		if (err)
			return err;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------
 * The exception callback, found as libbpf finds it (bpf_prog_assign_exc_cb()).
 */

/* The callback's function, when it is one libbpf would append: global and not hidden.
 * Otherwise nothing is appended and the kernel's own checks (verifier/structure.c)
 * reject the program with the kernel's words ("exception callback 'x' could not be
 * found in BTF", "... must have global linkage"): the verdict users see in the kernel. */
static int exc_cb_target(struct link *lk, const char *cb)
{
	const struct bpfx_ld *ld = lk->ld;

	for (uint32_t j = 0; j < ld->func_cnt; j++) {
		const struct bpfx_ld_func *f = &ld->funcs[j];

		if (f->prog >= 0 || strcmp(f->name, cb))
			continue;
		return f->global && !f->hidden ? (int)j : -1;
	}
	return -1;
}

static int find_exc_cb(struct link *lk)
{
	const struct btf *btf = lk->ld->obj->btf;
	const char *prog = lk->prog->name;
	uint32_t n = btf ? btf__type_cnt(btf) : 0;
	int cb = -1;

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *ft;
		const char *name, *fname;

		if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1)
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || strncmp(name, EXC_CB_PFX, strlen(EXC_CB_PFX)))
			continue;
		ft = btf__type_by_id(btf, t->type);
		if (!ft || !btf_is_func(ft) || btf_vlen(ft) != BTF_FUNC_GLOBAL) {
			bpfx_program_reject(lk->prog, -EINVAL,
					    "prog '%s': exception_callback:<value> decl tag not applied to the main program",
					    prog);
			return -1;
		}
		fname = btf__name_by_offset(btf, ft->name_off);
		if (!fname || strcmp(prog, fname))
			continue;
		if (cb >= 0)
			return -1;   /* several: the verifier rejects it, append nothing */
		name += strlen(EXC_CB_PFX);
		if (!*name) {
			bpfx_program_reject(lk->prog, -EINVAL,
					    "prog '%s': exception_callback:<value> decl tag contains empty value",
					    prog);
			return -1;
		}
		cb = exc_cb_target(lk, name);
	}
	return cb;
}

/* ---------------------------------------------------------------------------------
 * funcs, lines, tags.
 */

static uint32_t lower_finfo(const struct bpfx_ld_sec *s, uint32_t insn)
{
	uint32_t lo = 0, hi = s->finfo_cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->finfo[mid].insn < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t lower_linfo(const struct bpfx_ld_sec *s, uint32_t insn)
{
	uint32_t lo = 0, hi = s->linfo_cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->linfo[mid].insn < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void btf_func(const struct btf *btf, uint32_t id, struct bpfx_func_info *out)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = btf__name_by_offset(btf, t->name_off);

	out->type_id = id;
	if (name && *name)
		out->name = name;
	out->global = btf_vlen(t) == BTF_FUNC_GLOBAL;
}

/* One function's func_info records, or one made from its symbol. */
static uint32_t unit_funcs(struct link *lk, uint32_t fi, struct bpfx_func_info *out)
{
	const struct bpfx_ld_func *f = &lk->ld->funcs[fi];
	const struct bpfx_ld_sec *s = &lk->ld->secs[f->sec];
	uint32_t base = lk->at[fi] - 1, k = lower_finfo(s, f->start), n = 0;

	if (k >= s->finfo_cnt || s->finfo[k].insn != f->start)
		out[n++] = (struct bpfx_func_info){ .insn_off = base, .name = f->name,
						    .global = f->global && !f->hidden };
	for (; k < s->finfo_cnt && s->finfo[k].insn < f->start + f->cnt; k++, n++) {
		out[n] = (struct bpfx_func_info){ .insn_off = base + s->finfo[k].insn - f->start,
						  .name = f->name };
		btf_func(lk->ld->obj->btf, s->finfo[k].type_id, &out[n]);
	}
	return n;
}

static int build_funcs(struct link *lk)
{
	struct bpfx_program *prog = lk->prog;
	size_t max = 0;

	for (uint32_t k = 0; k < lk->order_cnt; k++) {
		const struct bpfx_ld_func *f = &lk->ld->funcs[lk->order[k]];
		const struct bpfx_ld_sec *s = &lk->ld->secs[f->sec];

		max += 1 + lower_finfo(s, f->start + f->cnt) - lower_finfo(s, f->start);
	}
	prog->funcs = calloc(max, sizeof(*prog->funcs));
	if (!prog->funcs)
		return -ENOMEM;
	for (uint32_t k = 0; k < lk->order_cnt; k++)
		prog->func_cnt += unit_funcs(lk, lk->order[k], prog->funcs + prog->func_cnt);
	return 0;
}

static int build_lines(struct link *lk)
{
	struct bpfx_program *prog = lk->prog;
	const struct btf *btf = lk->ld->obj->btf;
	size_t max = 0;

	for (uint32_t k = 0; k < lk->order_cnt; k++) {
		const struct bpfx_ld_func *f = &lk->ld->funcs[lk->order[k]];
		const struct bpfx_ld_sec *s = &lk->ld->secs[f->sec];

		max += lower_linfo(s, f->start + f->cnt) - lower_linfo(s, f->start);
	}
	if (!max)
		return 0;
	prog->lines = calloc(max, sizeof(*prog->lines));
	if (!prog->lines)
		return -ENOMEM;
	for (uint32_t k = 0; k < lk->order_cnt; k++) {
		uint32_t fi = lk->order[k];
		const struct bpfx_ld_func *f = &lk->ld->funcs[fi];
		const struct bpfx_ld_sec *s = &lk->ld->secs[f->sec];

		for (uint32_t j = lower_linfo(s, f->start);
		     j < s->linfo_cnt && s->linfo[j].insn < f->start + f->cnt; j++) {
			const struct bpfx_ld_linfo *li = &s->linfo[j];
			struct bpfx_line_info *out = &prog->lines[prog->line_cnt++];
			const char *src = btf__name_by_offset(btf, li->line_off);

			out->insn_off = lk->at[fi] - 1 + li->insn - f->start;
			out->file = btf__name_by_offset(btf, li->file_off);
			out->src = src && *src ? src : NULL;
			out->line = li->line_col >> 10;
			out->col = li->line_col & 0x3ff;
		}
	}
	return 0;
}

static int main_type_id(const struct link *lk)
{
	const struct bpfx_program *prog = lk->prog;

	if (prog->func_cnt && prog->funcs[0].type_id)
		return (int)prog->funcs[0].type_id;
	return btf__find_by_name_kind(lk->ld->obj->btf, prog->name, BTF_KIND_FUNC);
}

static bool is_main_tag(const struct btf_type *t, int main_id)
{
	return btf_is_decl_tag(t) && btf_decl_tag(t)->component_idx == -1 &&
	       t->type == (uint32_t)main_id;
}

static int build_tags(struct link *lk)
{
	const struct btf *btf = lk->ld->obj->btf;
	struct bpfx_program *prog = lk->prog;
	uint32_t n, cnt = 0;
	int main_id;

	if (!btf || (main_id = main_type_id(lk)) <= 0)
		return 0;
	n = btf__type_cnt(btf);
	for (uint32_t id = 1; id < n; id++)
		cnt += is_main_tag(btf__type_by_id(btf, id), main_id);
	if (!cnt)
		return 0;
	prog->tags = calloc(cnt, sizeof(*prog->tags));
	if (!prog->tags)
		return -ENOMEM;
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!is_main_tag(t, main_id))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		prog->tags[prog->tag_cnt] = strdup(name ? name : "");
		if (!prog->tags[prog->tag_cnt])
			return -ENOMEM;
		prog->tag_cnt++;
	}
	return 0;
}

static int set_exc_cb(struct link *lk, int cb)
{
	uint32_t start;
	int err;

	if (cb < 0)
		return 0;
	err = start_of(lk, (uint32_t)cb, &start);
	if (!err)
		err = walk(lk);
	return err;
}

static void find_exc_cb_index(struct link *lk, int cb)
{
	struct bpfx_program *prog = lk->prog;

	if (cb < 0)
		return;
	for (uint32_t k = 0; k < prog->func_cnt; k++)
		if (prog->funcs[k].insn_off == lk->at[cb] - 1) {
			prog->exc_cb = (int)k;
			return;
		}
}

int bpfx_ld_link(struct bpfx_ld *ld, struct bpfx_program *prog, uint32_t func)
{
	struct link lk = { .ld = ld, .prog = prog };
	int err = -ENOMEM, cb;

	prog->exc_cb = -1;
	lk.at = calloc(ld->func_cnt, sizeof(*lk.at));
	lk.order = calloc(ld->func_cnt, sizeof(*lk.order));
	lk.stack = calloc(ld->func_cnt, sizeof(*lk.stack));
	if (!lk.at || !lk.order || !lk.stack)
		goto out;
	err = place(&lk, func);
	if (!err)
		err = walk(&lk);
	cb = err ? -1 : find_exc_cb(&lk);
	if (!err)
		err = set_exc_cb(&lk, cb);
	prog->insns = lk.insns;
	prog->insn_cnt = lk.cnt;
	lk.insns = NULL;
	if (!err)
		err = build_funcs(&lk);
	if (!err)
		err = build_lines(&lk);
	if (!err)
		err = build_tags(&lk);
	if (!err)
		find_exc_cb_index(&lk, cb);
out:
	free(lk.insns);
	free(lk.at);
	free(lk.order);
	free(lk.stack);
	return err;
}
