/* SPDX-License-Identifier: MIT */
/*
 * kfuncs.c - the builtin kfuncs: bpf_throw, bpf_obj_new/drop, the RCU, preempt and
 * IRQ markers, and the open-coded number iterator (bpf_for, bpf_repeat).  Kfuncs are
 * found by name, so every entry here has id 0.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	BPFX_GENERIC_KFUNC_ENTRY(throw, BPFX_RET_NORETURN, BPFX_ARG_ANY);

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
	/* the object owns what programs allocate: close frees what was never dropped */
	p = bpfx_obj_mem_alloc(run->prog->obj, size);
	return (uint64_t)(uintptr_t)p;
}

BPFX_FN(obj_drop_impl)
{
	void *p = (void *)(uintptr_t)r1;

	if (!p)
		return 0;
	if (!bpfx_obj_mem_free(run->prog->obj, p))
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "bpf_obj_drop: 0x%llx was not returned by bpf_obj_new",
			       (unsigned long long)r1);
	return 0;
}

/* --- RCU, preemption and interrupts -------------------------------------------------
 *
 * Markers for the verifier (which checks that sections are balanced and that no
 * throw happens inside one); nothing needs protecting at run time here.  struct
 * bpfx_run counts the open sections so that a throw inside one stops the run with
 * the kernel's message (exec/throw.c) until a verifier refuses it at load.
 */
static void open_section(uint32_t *depth)
{
	(*depth)++;
}

static void close_section(uint32_t *depth)
{
	if (*depth)
		(*depth)--;
}

BPFX_FN(rcu_read_lock)
{
	open_section(&run->rcu_depth);
	return 0;
}

BPFX_FN(rcu_read_unlock)
{
	close_section(&run->rcu_depth);
	return 0;
}

BPFX_FN(preempt_disable)
{
	open_section(&run->preempt_depth);
	return 0;
}

BPFX_FN(preempt_enable)
{
	close_section(&run->preempt_depth);
	return 0;
}

/* bpf_local_irq_save(unsigned long *flags): the flags word is opaque to programs (the
 * kernel's verifier forbids reading it); bpfx stores 0, and restore only checks it. */
BPFX_FN(local_irq_save)
{
	if (run->checked)
		bpfx_mem_check(run, r1, sizeof(uint64_t), true);
	memset((void *)(uintptr_t)r1, 0, sizeof(uint64_t));   /* any alignment */
	open_section(&run->irq_depth);
	return 0;
}

BPFX_FN(local_irq_restore)
{
	if (run->checked)
		bpfx_mem_check(run, r1, sizeof(uint64_t), false);
	close_section(&run->irq_depth);
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

/* The iterator is an 8-byte stack slot in the kernel: checked mode wants it
 * writable and aligned like one. */
static struct iter_num *iter_of(struct bpfx_run *run, uint64_t r1)
{
	if (run->checked) {
		bpfx_mem_check(run, r1, sizeof(struct iter_num), true);
		if (r1 & 7)
			bpfx_run_fault(run, -BPFX_ERR_FAULT, "bpf_iter_num: misaligned iterator at 0x%llx",
				       (unsigned long long)r1);
	}
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
	BPFX_GENERIC_KFUNC_ENTRY(obj_new_impl, BPFX_RET_MEM_OR_NULL, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_GENERIC_KFUNC_ENTRY(obj_drop_impl, BPFX_RET_VOID, BPFX_ARG_PTR, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(rcu_read_lock, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(rcu_read_unlock, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(preempt_disable, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(preempt_enable, 0, BPFX_RET_VOID),
	BPFX_FUNC_ENTRY(local_irq_save, 0, BPFX_RET_VOID, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(local_irq_restore, 0, BPFX_RET_VOID, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(iter_num_new, 0, BPFX_RET_INTEGER, BPFX_ARG_PTR, BPFX_ARG_ANY,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(iter_num_next, 0, BPFX_RET_MEM_OR_NULL, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(iter_num_destroy, 0, BPFX_RET_VOID, BPFX_ARG_PTR),
};

const struct bpfx_func_list bpfx_kfuncs = {
	.funcs = funcs,
	.cnt = sizeof(funcs) / sizeof(funcs[0]),
};
