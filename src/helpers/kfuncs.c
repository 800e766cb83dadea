/* SPDX-License-Identifier: MIT */
/*
 * kfuncs.c - the builtin kfuncs: bpf_throw, bpf_obj_new/drop, the RCU and preempt
 * markers, and the open-coded number iterator (bpf_for, bpf_repeat).  Kfuncs are
 * found by name, so every entry here has id 0.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>

#include "exec/run.h"
#include "helpers/func.h"

#define BPF_MAX_LOOPS (8 * 1024 * 1024)
#define MEM_ALLOC_MAX 4096      /* bpf_mem_alloc's largest unit */
#define LLIST_NODE_SZ 8         /* its per-object header */

/* bpf_throw(cookie): never returns; the engines recognise the call by the address
 * of bpfx_kfunc_throw and may never get here, but a host calling it through the
 * table gets the same unwinding. */
BPFX_FN(throw)
{
	bpfx_run_throw(run, r1);
}

const struct bpfx_func bpfx_kfunc_throw =
	BPFX_FUNC_ENTRY(throw, 0, BPFX_RET_NORETURN, BPFX_ARG_ANY);

/* --- bpf_obj_new / bpf_obj_drop ------------------------------------------------------
 *
 * bpf_obj_new(type) is bpf_obj_new_impl(bpf_core_type_id_local(type), NULL): the
 * object's size is that of a type of the program's own BTF.  Objects are zeroed and
 * registered with checked mode until dropped.
 */
static size_t local_type_size(const struct bpfx_run *run, uint64_t type_id)
{
	const struct bpfx_object *obj = run->prog ? run->prog->obj : NULL;
	long long size;

	if (!obj || !obj->btf || type_id == 0 || type_id > UINT32_MAX)
		return 0;
	size = btf__resolve_size(obj->btf, (uint32_t)type_id);
	if (size <= 0 || size + LLIST_NODE_SZ > MEM_ALLOC_MAX)
		return 0;
	return (size_t)size;
}

BPFX_FN(obj_new_impl)
{
	size_t size = local_type_size(run, r1);
	void *p;

	if (!size)
		return 0;
	p = calloc(1, size);
	/* the object owns what programs allocate: close frees what was never dropped */
	if (p && bpfx_dyn_region_add(run->prog->obj, p, size)) {
		free(p);
		p = NULL;
	}
	return (uint64_t)(uintptr_t)p;
}

BPFX_FN(obj_drop_impl)
{
	void *p = (void *)(uintptr_t)r1;

	if (!p)
		return 0;
	if (!bpfx_dyn_region_del(run->prog->obj, p))
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "bpf_obj_drop: 0x%llx was not returned by bpf_obj_new",
			       (unsigned long long)r1);
	free(p);
	return 0;
}

/* --- RCU and preemption -------------------------------------------------------------
 *
 * Markers for the verifier (which checks that sections are balanced and that no
 * throw happens inside one); nothing needs protecting at run time here, and struct
 * bpfx_run keeps no depth for them.
 */
BPFX_FN(rcu_read_lock)
{
	return 0;
}

BPFX_FN(rcu_read_unlock)
{
	return 0;
}

BPFX_FN(preempt_disable)
{
	return 0;
}

BPFX_FN(preempt_enable)
{
	return 0;
}

/* --- the number iterator (kernel/bpf/bpf_iter.c) -----------------------------------
 *
 * struct bpf_iter_num is 8 opaque bytes on the program's stack, holding
 * { int cur; int end; }.  new(it, start, end) yields start..end-1 from next(); int
 * arithmetic wraps as in the kernel (start == INT_MIN works).
 */
struct iter_num {
	int32_t cur;
	int32_t end;
};

static struct iter_num *iter_of(struct bpfx_run *run, uint64_t r1)
{
	if (run->checked)
		bpfx_mem_check(run, r1, sizeof(struct iter_num), true);
	return (struct iter_num *)(uintptr_t)r1;
}

BPFX_FN(iter_num_new)
{
	struct iter_num *it = iter_of(run, r1);
	int32_t start = (int32_t)r2, end = (int32_t)r3;

	if (start > end || (int64_t)end - start > BPF_MAX_LOOPS) {
		it->cur = it->end = 0;
		return (uint64_t)(start > end ? -EINVAL : -E2BIG);
	}
	it->cur = (int32_t)((uint32_t)start - 1);
	it->end = end;
	return 0;
}

BPFX_FN(iter_num_next)
{
	struct iter_num *it = iter_of(run, r1);
	int32_t next = (int32_t)((uint32_t)it->cur + 1);

	if (next >= it->end) {
		it->cur = it->end = 0;
		return 0;
	}
	it->cur = next;
	return (uint64_t)(uintptr_t)&it->cur;
}

BPFX_FN(iter_num_destroy)
{
	struct iter_num *it = iter_of(run, r1);

	it->cur = it->end = 0;
	return 0;
}

/* bpf_throw is not listed: see bpfx_kfunc_throw in func.h. */
static const struct bpfx_func funcs[] = {
	BPFX_FUNC_ENTRY(obj_new_impl, 0, BPFX_RET_MEM_OR_NULL, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(obj_drop_impl, 0, BPFX_RET_VOID, BPFX_ARG_PTR, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(rcu_read_lock, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(rcu_read_unlock, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(preempt_disable, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(preempt_enable, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(iter_num_new, 0, BPFX_RET_INTEGER, BPFX_ARG_PTR, BPFX_ARG_ANY,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(iter_num_next, 0, BPFX_RET_MEM_OR_NULL, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(iter_num_destroy, 0, BPFX_RET_VOID, BPFX_ARG_PTR),
};

const struct bpfx_func_list bpfx_kfuncs = {
	.funcs = funcs,
	.cnt = sizeof(funcs) / sizeof(funcs[0]),
};
