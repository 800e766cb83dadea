/* SPDX-License-Identifier: MIT */
/*
 * kfuncs.c - the builtin kfuncs: bpf_throw, bpf_obj_new/drop, the RCU, preempt and
 * IRQ markers, and the open-coded number and bits iterators (bpf_for, bpf_repeat,
 * bpf_for_each(bits, ...)).  Kfuncs are found by name, so every entry here has id 0.
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

/* --- the bits iterator (kernel/bpf/helpers.c) -------------------------------------
 *
 * struct bpf_iter_bits is 16 opaque bytes on the program's stack, laid out as the
 * kernel's: { u64 bits (the bits themselves when there are 64, else the address of
 * a copy); int nr_bits; int bit }.  new(it, ptr, nr_words) copies nr_words u64s
 * that ptr names (as bpf_probe_read_kernel reads them); the copy of more than one
 * word lives in the object's bpf_obj_new arena until destroy() (or close, for a
 * program that never destroys it, which the kernel's verifier would refuse).
 * next() gives the index of each set bit in turn.  The program may have written
 * the slot itself (there is no verifier yet), so nothing read back from it is
 * trusted: in checked mode the copy's address must be memory the program may touch
 * for the bits that nr_bits says, destroy() frees only what the arena handed out,
 * and any nr_bits and bit are fine (they only decide which bits are looked at).
 */
#define BITS_ITER_NR_WORDS_MAX 511

struct iter_bits {
	uint64_t bits;
	int32_t nr_bits;
	int32_t bit;
};

static struct iter_bits *bits_of(struct bpfx_run *run, uint64_t r1)
{
	if (run->checked) {
		bpfx_mem_check(run, r1, sizeof(struct iter_bits), true);
		if (r1 & 7)
			bpfx_run_fault(run, -BPFX_ERR_FAULT, "bpf_iter_bits: misaligned iterator at 0x%llx",
				       (unsigned long long)r1);
	}
	return (struct iter_bits *)(uintptr_t)r1;
}

/* The copy of more than one word, in the arena; 0 or the read's error. */
static int bits_copy(struct bpfx_run *run, struct iter_bits *it, uint64_t src,
		     uint32_t nr_bytes)
{
	struct bpfx_object *obj = run->prog->obj;
	void *p = bpfx_obj_mem_alloc(obj, nr_bytes);
	int err;

	if (!p)
		return -ENOMEM;
	bpfx_run_charge(run, nr_bytes / BPFX_CHARGE_BYTES, "bpf_iter_bits_new");
	err = bpfx_probe_read_kernel(run, p, src, nr_bytes);
	if (err) {
		bpfx_obj_mem_free(obj, p);
		return err;
	}
	it->bits = (uint64_t)(uintptr_t)p;
	return 0;
}

BPFX_FN(iter_bits_new)
{
	struct iter_bits *it = bits_of(run, r1);
	uint32_t nr_words = (uint32_t)r3;
	int err;

	it->bits = 0;
	it->nr_bits = 0;
	it->bit = -1;
	if (!r2 || !nr_words)
		return (uint64_t)-EINVAL;
	if (nr_words > BITS_ITER_NR_WORDS_MAX)
		return (uint64_t)-E2BIG;
	if (nr_words == 1)   /* one word stays in the slot; any failure is -EFAULT */
		err = bpfx_probe_read_kernel(run, &it->bits, r2, sizeof(it->bits)) ? -EFAULT : 0;
	else
		err = bits_copy(run, it, r2, nr_words * 8);
	if (!err)
		it->nr_bits = (int32_t)(nr_words * 64);
	return (uint64_t)(int64_t)err;
}

/* The words next() may look at: in the slot for 64 bits, else the copy's, which must
 * be memory the program may touch (checked mode). */
static const uint64_t *bits_words(struct bpfx_run *run, struct iter_bits *it)
{
	uint64_t words = ((uint64_t)it->nr_bits + 63) / 64;

	if (it->nr_bits == 64)
		return &it->bits;
	if (run->checked)
		bpfx_mem_check(run, it->bits, words * 8, false);
	return (const uint64_t *)(uintptr_t)it->bits;
}

/* find_next_bit(): the first set bit at or after start, or nr_bits. */
static int32_t next_set_bit(struct bpfx_run *run, const uint64_t *w, int32_t nr_bits,
			    int64_t start)
{
	uint64_t word;
	int64_t b;

	if (start < 0 || start >= nr_bits)
		return nr_bits;
	bpfx_run_charge(run, ((uint64_t)nr_bits - (uint64_t)start) / 512, "bpf_iter_bits_next");
	for (int64_t i = start / 64; i * 64 < nr_bits; i++) {
		word = w[i];
		if (i == start / 64)
			word &= ~0ull << (start % 64);
		if (word) {
			b = i * 64 + __builtin_ctzll(word);
			return b < nr_bits ? (int32_t)b : nr_bits;
		}
	}
	return nr_bits;
}

BPFX_FN(iter_bits_next)
{
	struct iter_bits *it = bits_of(run, r1);
	int32_t bit = it->bit, nr_bits = it->nr_bits;

	if (!nr_bits || bit >= nr_bits)
		return 0;
	bit = next_set_bit(run, bits_words(run, it), nr_bits, (int64_t)bit + 1);
	it->bit = bit;
	return bit < nr_bits ? (uint64_t)(uintptr_t)&it->bit : 0;
}

BPFX_FN(iter_bits_destroy)
{
	struct iter_bits *it = bits_of(run, r1);
	void *copy = (void *)(uintptr_t)it->bits;

	if (it->nr_bits <= 64)
		return 0;
	if (!bpfx_obj_mem_free(run->prog->obj, copy))
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "bpf_iter_bits_destroy: 0x%llx is not a copy bpf_iter_bits_new made",
			       (unsigned long long)it->bits);
	/* the slot no longer names the copy: a second destroy frees nothing */
	it->bits = 0;
	it->nr_bits = 0;
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
	BPFX_FUNC_ENTRY(iter_bits_new, 0, BPFX_RET_INTEGER, BPFX_ARG_PTR, BPFX_ARG_PTR,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(iter_bits_next, 0, BPFX_RET_MEM_OR_NULL, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(iter_bits_destroy, 0, BPFX_RET_VOID, BPFX_ARG_PTR),
};

const struct bpfx_func_list bpfx_kfuncs = {
	.funcs = funcs,
	.cnt = sizeof(funcs) / sizeof(funcs[0]),
};
