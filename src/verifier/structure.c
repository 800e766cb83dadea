/* SPDX-License-Identifier: MIT */
/*
 * structure.c - the kernel verifier's structural passes, in the kernel's order:
 * opcode checks, the exception callback (add_subprog_and_kfunc), subprogram
 * boundaries (check_subprogs), reachability (check_cfg), the callback's prototype,
 * and the static call-graph walk (check_max_stack_depth).  Messages are the kernel's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "helpers/func.h"
#include "insn.h"
#include "verifier/verifier.h"

#define EXC_CB_PREFIX "exception_callback:"
#define MAX_CALL_FRAMES 8

/* The name of the kfunc a (linked) kfunc call calls, or NULL. */
static const char *kfunc_name(const struct bpfx_program *prog, const struct bpf_insn *insn)
{
	const struct bpfx_object *obj = prog->obj;

	if (!bpfx_is_kfunc_call(insn) || insn->imm < 0 ||
	    (uint32_t)insn->imm >= obj->extern_cnt)
		return NULL;
	return obj->externs[insn->imm].name;
}

bool bpfx_is_throw_call(const struct bpfx_program *prog, const struct bpf_insn *insn)
{
	const char *name = kfunc_name(prog, insn);

	return name && !strcmp(name, "bpf_throw");
}

/* LD_ABS / LD_IND read an skb: only socket filters and tc programs have one. */
static bool may_access_skb(enum bpfx_prog_type type)
{
	return type == BPFX_PROG_SOCKET_FILTER || type == BPFX_PROG_SCHED_CLS ||
	       type == BPFX_PROG_SCHED_ACT;
}

static int check_opcodes(struct bpfx_program *prog)
{
	char msg[160];
	int err;

	for (uint32_t i = 0; i < prog->insn_cnt; i++) {
		uint8_t mode = BPFX_MODE(prog->insns[i].code);

		err = bpfx_insn_check(prog->insns, prog->insn_cnt, i, msg, sizeof(msg));
		if (err) {
			bpfx_program_reject(prog, err, "%s", msg);
			return err;
		}
		if (BPFX_CLASS(prog->insns[i].code) == BPF_LD && (mode == BPF_ABS || mode == BPF_IND) &&
		    !may_access_skb(prog->type)) {
			bpfx_program_reject(prog, -EINVAL,
					    "BPF_LD_[ABS|IND] instructions not allowed for this program type");
			return -EINVAL;
		}
		if (bpfx_is_ld_imm64(&prog->insns[i]))
			i++;
	}
	return 0;
}

/* --- the exception callback: bpf_find_exception_callback_insn_off() ----------- */

static int count_exc_cb_tags(const struct bpfx_program *prog, const char **name)
{
	int cnt = 0;

	for (uint32_t i = 0; i < prog->tag_cnt; i++) {
		if (strncmp(prog->tags[i], EXC_CB_PREFIX, strlen(EXC_CB_PREFIX)))
			continue;
		*name = prog->tags[i] + strlen(EXC_CB_PREFIX);
		cnt++;
	}
	return cnt;
}

static int find_exc_cb(struct bpfx_program *prog)
{
	const struct btf *btf = prog->obj->btf;
	const struct btf_type *t;
	const char *name = NULL;
	int cnt, id;

	if (!btf || !prog->func_cnt || !prog->funcs[0].type_id)
		return 0;
	cnt = count_exc_cb_tags(prog, &name);
	if (!cnt)
		return 0;
	if (cnt > 1) {	/* btf_find_next_decl_tag()'s -EEXIST, passed on by the kernel */
		bpfx_program_reject(prog, -EEXIST,
				    "multiple exception callback tags for main subprog");
		return -EEXIST;
	}
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id < 0) {	/* the kernel passes btf_find_by_name_kind()'s -ENOENT on */
		bpfx_program_reject(prog, -ENOENT,
				    "exception callback '%s' could not be found in BTF", name);
		return -ENOENT;
	}
	t = btf__type_by_id(btf, (uint32_t)id);
	if (btf_vlen(t) != BTF_FUNC_GLOBAL) {
		bpfx_program_reject(prog, -EINVAL,
				    "exception callback '%s' must have global linkage", name);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < prog->func_cnt; i++) {
		if (prog->funcs[i].type_id != (uint32_t)id)
			continue;
		if (!prog->funcs[i].insn_off) {
			bpfx_program_reject(prog, -EINVAL,
					    "invalid exception callback insn_off in func_info: 0");
			return -EINVAL;
		}
		prog->exc_cb = (int)i;
		return 0;
	}
	bpfx_program_reject(prog, -EINVAL, "exception callback type id not found in func_info");
	return -EINVAL;
}

/* --- subprograms: check_subprogs() --------------------------------------------- */

static int build_subprogs(struct bpfx_program *prog, struct bpfx_prog_facts *f)
{
	f->sub_cnt = prog->func_cnt;
	f->subs = calloc(f->sub_cnt ? f->sub_cnt : 1, sizeof(*f->subs));
	if (!f->subs)
		return -ENOMEM;
	for (uint32_t i = 0; i < f->sub_cnt; i++) {
		f->subs[i].start = prog->funcs[i].insn_off;
		f->subs[i].end = i + 1 < f->sub_cnt ? prog->funcs[i + 1].insn_off : prog->insn_cnt;
		if (f->subs[i].start >= f->subs[i].end) {
			bpfx_program_reject(prog, -EINVAL, "invalid func info: function %u is empty", i);
			return -EINVAL;
		}
	}
	if (prog->exc_cb >= 0)
		f->subs[prog->exc_cb].is_cb = f->subs[prog->exc_cb].is_exc_cb = true;
	return 0;
}

/* Jumps and bpf-to-bpf calls have a target; other instructions do not. */
static bool is_branch(const struct bpf_insn *insn)
{
	uint8_t cls = BPFX_CLASS(insn->code), op = BPFX_OP(insn->code);

	if (cls != BPF_JMP && cls != BPF_JMP32)
		return false;
	if (op == BPF_EXIT)
		return false;
	return op != BPF_CALL || insn->src_reg == BPF_PSEUDO_CALL;
}

static int64_t branch_target(const struct bpf_insn *insn, uint32_t idx)
{
	bool gotol = insn->code == (BPF_JMP32 | BPF_JA);
	bool call = BPFX_OP(insn->code) == BPF_CALL;

	return (int64_t)idx + 1 + (gotol || call ? insn->imm : insn->off);
}

static int check_sub_jumps(struct bpfx_program *prog, const struct bpfx_subprog *s)
{
	const struct bpf_insn *last = &prog->insns[s->end - 1];

	for (uint32_t i = s->start; i < s->end; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		int64_t t = branch_target(insn, i);
		bool call = bpfx_is_pseudo_call(insn);

		if (!is_branch(insn))
			continue;
		if (call ? (t < 0 || t >= prog->insn_cnt) : (t < s->start || t >= s->end)) {
			bpfx_program_reject(prog, -EINVAL, "jump out of range from insn %u to %lld",
					    i, (long long)t);
			return -EINVAL;
		}
	}
	if (last->code != (BPF_JMP | BPF_EXIT) && last->code != (BPF_JMP | BPF_JA) &&
	    last->code != (BPF_JMP32 | BPF_JA)) {
		bpfx_program_reject(prog, -EINVAL, "last insn is not an exit or jmp");
		return -EINVAL;
	}
	return 0;
}

static int sub_at(const struct bpfx_prog_facts *f, uint32_t insn)
{
	for (uint32_t i = 0; i < f->sub_cnt; i++)
		if (f->subs[i].start == insn)
			return (int)i;
	return -1;
}

static int sub_of(const struct bpfx_prog_facts *f, uint32_t insn)
{
	for (uint32_t i = 0; i < f->sub_cnt; i++)
		if (insn >= f->subs[i].start && insn < f->subs[i].end)
			return (int)i;
	return -1;
}

static int check_call_targets(struct bpfx_program *prog, struct bpfx_prog_facts *f)
{
	for (uint32_t i = 0; i < prog->insn_cnt; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		bool is_func = bpfx_is_ld_imm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
		int64_t t = (int64_t)i + 1 + insn->imm;
		int s;

		if (!bpfx_is_pseudo_call(insn) && !is_func)
			continue;
		s = t >= 0 && t < prog->insn_cnt ? sub_at(f, (uint32_t)t) : -1;
		if (s < 0) {
			bpfx_program_reject(prog, -EINVAL, is_func ?
					    "insn %u: function pointer to insn %lld, not a function" :
					    "insn %u: call to insn %lld, not a function",
					    i, (long long)t);
			return -EINVAL;
		}
		if (is_func)
			f->subs[s].is_cb = true;
		if (is_func)
			i++;
	}
	return 0;
}

/* --- reachability: check_cfg() ----------------------------------------------- */

static void cfg_push(uint32_t *stack, uint32_t *top, uint8_t *seen, int64_t t, uint32_t n)
{
	if (t < 0 || t >= n || seen[t])
		return;
	seen[t] = 1;
	stack[(*top)++] = (uint32_t)t;
}

static void cfg_walk(const struct bpfx_program *prog, uint8_t *seen, uint32_t *stack,
		     uint32_t start)
{
	uint32_t top = 0, n = prog->insn_cnt;

	cfg_push(stack, &top, seen, start, n);
	while (top) {
		uint32_t i = stack[--top];
		const struct bpf_insn *insn = &prog->insns[i];
		uint8_t cls = BPFX_CLASS(insn->code), op = BPFX_OP(insn->code);
		bool jmp = cls == BPF_JMP || cls == BPF_JMP32;

		if (bpfx_is_ld_imm64(insn)) {
			if (insn->src_reg == BPF_PSEUDO_FUNC)
				cfg_push(stack, &top, seen, (int64_t)i + 1 + insn->imm, n);
			cfg_push(stack, &top, seen, i + 2, n);
			continue;
		}
		if (jmp && op == BPF_EXIT)
			continue;
		if (jmp && op == BPF_CALL) {
			if (insn->src_reg == BPF_PSEUDO_CALL)
				cfg_push(stack, &top, seen, branch_target(insn, i), n);
			cfg_push(stack, &top, seen, i + 1, n);
			continue;
		}
		if (is_branch(insn))
			cfg_push(stack, &top, seen, branch_target(insn, i), n);
		if (!jmp || op != BPF_JA)
			cfg_push(stack, &top, seen, i + 1, n);
	}
}

/* No jump may land on the second half of an ld_imm64. */
static int check_ld_imm64_targets(struct bpfx_program *prog, const uint8_t *half)
{
	for (uint32_t i = 0; i < prog->insn_cnt; i++) {
		int64_t t = branch_target(&prog->insns[i], i);

		if (half[i] || !is_branch(&prog->insns[i]) || !half[t])
			continue;
		bpfx_program_reject(prog, -EINVAL, "jump into the middle of ldimm64 insn %lld",
				    (long long)t - 1);
		return -EINVAL;
	}
	return 0;
}

static int check_cfg(struct bpfx_program *prog)
{
	uint32_t n = prog->insn_cnt;
	uint8_t *seen = calloc(n, 1), *half = calloc(n, 1);
	uint32_t *stack = calloc(n, sizeof(*stack));
	int err = 0;

	if (!seen || !half || !stack) {
		err = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i + 1 < n; i++)
		if (bpfx_is_ld_imm64(&prog->insns[i]))
			half[++i] = 1;
	err = check_ld_imm64_targets(prog, half);
	if (err)
		goto out;
	cfg_walk(prog, seen, stack, 0);
	if (prog->exc_cb >= 0)
		cfg_walk(prog, seen, stack, prog->funcs[prog->exc_cb].insn_off);
	for (uint32_t i = 0; i < n; i++) {
		if (seen[i] || half[i])
			continue;
		bpfx_program_reject(prog, -EINVAL, "unreachable insn %u", i);
		err = -EINVAL;
		break;
	}
out:
	free(seen);
	free(half);
	free(stack);
	return err;
}

/* --- the callback's prototype: btf_prepare_func_args() ----------------------- */

static bool is_scalar_type(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t && (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t));
}

static int check_exc_cb_proto(struct bpfx_program *prog)
{
	const struct btf *btf = prog->obj->btf;
	const struct bpfx_func_info *fi = &prog->funcs[prog->exc_cb];
	const struct btf_type *func = btf__type_by_id(btf, fi->type_id);
	const struct btf_type *proto = func ? btf__type_by_id(btf, func->type) : NULL;
	const struct btf_param *p;

	if (!proto || !btf_is_func_proto(proto)) {
		bpfx_program_reject(prog, -EINVAL, "invalid btf for exception callback");
		return -EINVAL;
	}
	if (!is_scalar_type(btf, proto->type)) {
		bpfx_program_reject(prog, -EINVAL,
				    "Global function %s() doesn't return scalar. Only those are supported.",
				    fi->name);
		return -EINVAL;
	}
	p = btf_params(proto);
	if (btf_vlen(proto) != 1 || !is_scalar_type(btf, p[0].type)) {
		bpfx_program_reject(prog, -EINVAL,
				    "exception cb only supports single integer argument");
		return -EINVAL;
	}
	return 0;
}

/* Global functions are verified on their own and must return a scalar; the host
 * kernel (6.18) still refuses void ones, which newer upstream accepts. */
static int check_global_protos(struct bpfx_program *prog)
{
	const struct btf *btf = prog->obj->btf;

	for (uint32_t i = 1; btf && i < prog->func_cnt; i++) {
		const struct bpfx_func_info *fi = &prog->funcs[i];
		const struct btf_type *func = btf__type_by_id(btf, fi->type_id);
		const struct btf_type *proto = func ? btf__type_by_id(btf, func->type) : NULL;

		if ((int)i == prog->exc_cb || !fi->global || !proto || !btf_is_func_proto(proto))
			continue;
		if (is_scalar_type(btf, proto->type))
			continue;
		bpfx_program_reject(prog, -EINVAL,
				    "Global function %s() doesn't return scalar. Only those are supported.",
				    fi->name);
		bpfx_program_reject(prog, -EINVAL, "Caller passes invalid args into func#%u ('%s')",
				    i, fi->name);
		return -EINVAL;
	}
	return 0;
}

/* --- the static call graph: check_max_stack_depth() ------------------------- */

struct walk {
	struct bpfx_program *prog;
	struct bpfx_prog_facts *f;
	uint8_t *on_path;
	bool in_cb;       /* under an is_cb root */
	bool in_exc_cb;   /* under the exception callback (below its own body) */
};

static int walk_sub(struct walk *w, int s, int depth)
{
	struct bpfx_subprog *sub = &w->f->subs[s];
	int err = 0;

	if (depth > MAX_CALL_FRAMES) {
		bpfx_program_reject(w->prog, -E2BIG, "the call stack of %d frames is too deep !",
				    depth);
		return -E2BIG;
	}
	if (w->on_path[s]) {
		bpfx_program_reject(w->prog, -EINVAL, "recursive call to %s()",
				    w->prog->funcs[s].name);
		return -EINVAL;
	}
	w->on_path[s] = 1;
	for (uint32_t i = sub->start; i < sub->end && !err; i++) {
		const struct bpf_insn *insn = &w->prog->insns[i];
		int callee;

		if (bpfx_is_throw_call(w->prog, insn) && w->in_cb) {
			bpfx_program_reject(w->prog, -EINVAL,
					    "bpf_throw kfunc (insn %u) cannot be called from callback subprog %d",
					    i, s);
			err = -EINVAL;
		} else if (bpfx_is_helper_call(insn) && insn->imm == BPF_FUNC_tail_call &&
			   w->in_exc_cb && depth > 1) {
			bpfx_program_reject(w->prog, -EINVAL, "cannot tail call within exception cb");
			err = -EINVAL;
		}
		if (err || !bpfx_is_pseudo_call(insn))
			continue;
		callee = sub_at(w->f, (uint32_t)((int64_t)i + 1 + insn->imm));
		if (w->f->subs[callee].is_exc_cb) {
			bpfx_program_reject(w->prog, -EINVAL, "insn %u cannot call exception cb directly", i);
			err = -EINVAL;
		} else {
			err = walk_sub(w, callee, depth + 1);
		}
	}
	w->on_path[s] = 0;
	return err;
}

/* --- callbacks verified under a lock ------------------------------------------
 *
 * bpf_rbtree_add(root, node, less) needs the tree's bpf_spin_lock held, and the kernel
 * verifies less() right there, lock held: a bpf_throw reachable from it is refused by
 * do_check() ("function calls are not allowed while holding a lock"), before
 * check_max_stack_depth() could name the throw in a callback.  The callback is the
 * BPF_PSEUDO_FUNC loaded into R3 with no other write to R3 before the call, as clang
 * emits it.
 */
static bool is_locking_cb_call(const struct bpfx_program *prog, const struct bpf_insn *insn)
{
	const char *name = kfunc_name(prog, insn);

	return name && (!strcmp(name, "bpf_rbtree_add_impl") || !strcmp(name, "bpf_rbtree_add"));
}

/* The subprogram a BPF_PSEUDO_FUNC at insn i hands to bpf_rbtree_add(), or -1. */
static int locked_cb_at(const struct bpfx_program *prog, const struct bpfx_prog_facts *f,
			uint32_t i)
{
	const struct bpf_insn *ld = &prog->insns[i];
	int s;

	if (!bpfx_is_ld_imm64(ld) || ld->src_reg != BPF_PSEUDO_FUNC || ld->dst_reg != BPF_REG_3)
		return -1;
	s = sub_of(f, i);
	if (s < 0)
		return -1;
	for (uint32_t j = i + 2; j < f->subs[s].end; j++) {
		const struct bpf_insn *insn = &prog->insns[j];
		uint8_t cls = BPFX_CLASS(insn->code);

		if (cls == BPF_JMP || cls == BPF_JMP32) {
			if (BPFX_OP(insn->code) != BPF_CALL || !is_locking_cb_call(prog, insn))
				return -1;
			return sub_at(f, (uint32_t)((int64_t)i + 1 + ld->imm));
		}
		if (insn->dst_reg == BPF_REG_3 && cls != BPF_ST && cls != BPF_STX)
			return -1;
		if (bpfx_is_ld_imm64(insn))
			j++;
	}
	return -1;
}

/* Whether a bpf_throw is reachable from subprog root through bpf-to-bpf calls: a walk
 * over subprograms, each visited once (queue and seen hold sub_cnt entries). */
static bool reaches_throw(const struct bpfx_program *prog, const struct bpfx_prog_facts *f,
			  int root, int *queue, uint8_t *seen)
{
	uint32_t head = 0, tail = 0;

	memset(seen, 0, f->sub_cnt);
	seen[root] = 1;
	queue[tail++] = root;
	while (head < tail) {
		const struct bpfx_subprog *sub = &f->subs[queue[head++]];

		for (uint32_t i = sub->start; i < sub->end; i++) {
			const struct bpf_insn *insn = &prog->insns[i];
			int callee;

			if (bpfx_is_throw_call(prog, insn))
				return true;
			if (!bpfx_is_pseudo_call(insn))
				continue;
			callee = sub_at(f, (uint32_t)((int64_t)i + 1 + insn->imm));
			if (callee >= 0 && !seen[callee]) {
				seen[callee] = 1;
				queue[tail++] = callee;
			}
		}
	}
	return false;
}

static int check_locked_cbs(struct bpfx_program *prog, const struct bpfx_prog_facts *f)
{
	int *queue = calloc(f->sub_cnt, sizeof(*queue));
	uint8_t *seen = calloc(f->sub_cnt, 1);
	int err = queue && seen ? 0 : -ENOMEM;

	for (uint32_t i = 0; i < prog->insn_cnt && !err; i++) {
		int s = locked_cb_at(prog, f, i);

		if (s < 0 || !reaches_throw(prog, f, s, queue, seen))
			continue;
		bpfx_program_reject(prog, -EINVAL,
				    "function calls are not allowed while holding a lock");
		err = -EINVAL;
	}
	free(queue);
	free(seen);
	return err;
}

static int check_call_graph(struct bpfx_program *prog, struct bpfx_prog_facts *f)
{
	struct walk w = { .prog = prog, .f = f };
	int err;

	w.on_path = calloc(f->sub_cnt, 1);
	if (!w.on_path)
		return -ENOMEM;
	err = walk_sub(&w, 0, 1);
	for (uint32_t s = 1; s < f->sub_cnt && !err; s++) {
		if (!f->subs[s].is_cb)
			continue;
		w.in_cb = true;
		w.in_exc_cb = f->subs[s].is_exc_cb;
		err = walk_sub(&w, (int)s, 1);
	}
	free(w.on_path);
	return err;
}

static void note_calls(const struct bpfx_program *prog, struct bpfx_prog_facts *f)
{
	for (uint32_t i = 0; i < prog->insn_cnt; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		int s = sub_of(f, i);

		if (s < 0)
			continue;
		if (bpfx_is_throw_call(prog, insn))
			f->subs[s].has_throw = f->may_throw = true;
		if (bpfx_is_helper_call(insn) && insn->imm == BPF_FUNC_tail_call)
			f->subs[s].has_tail_call = true;
	}
}

int bpfx_verify_structure(struct bpfx_program *prog, struct bpfx_prog_facts *f)
{
	int err;

	memset(f, 0, sizeof(*f));
	if (!prog->insn_cnt || !prog->func_cnt) {
		bpfx_program_reject(prog, -EINVAL, "program '%s' has no instructions", prog->name);
		return -EINVAL;
	}
	err = check_opcodes(prog);
	if (!err)
		err = find_exc_cb(prog);
	if (!err)
		err = build_subprogs(prog, f);
	for (uint32_t s = 0; !err && s < f->sub_cnt; s++)
		err = check_sub_jumps(prog, &f->subs[s]);
	if (!err)
		err = check_call_targets(prog, f);
	if (!err)
		err = check_cfg(prog);
	if (!err && prog->exc_cb >= 0)
		err = check_exc_cb_proto(prog);
	if (!err)
		err = check_global_protos(prog);
	if (!err)
		err = check_locked_cbs(prog, f);
	if (!err) {
		note_calls(prog, f);
		err = check_call_graph(prog, f);
	}
	if (err)
		bpfx_facts_free(f);
	return err;
}

void bpfx_facts_free(struct bpfx_prog_facts *f)
{
	free(f->subs);
	f->subs = NULL;
	f->sub_cnt = 0;
}
