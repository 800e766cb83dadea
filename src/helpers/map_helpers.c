/* SPDX-License-Identifier: MIT */
/*
 * map_helpers.c - the map helpers: element access through the map's ops (with
 * BPF_F_LOCK), bpf_for_each_map_elem, the ring buffer helpers and bpf_spin_lock.  Map
 * arguments are struct bpfx_map pointers (exec/ rewrote the ld_imm64s); checked mode
 * has vetted them against the signatures before the call.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>

#include "exec/run.h"
#include "helpers/func.h"

static struct bpfx_map *map_of(uint64_t r)
{
	struct bpfx_map *map = (struct bpfx_map *)(uintptr_t)r;

	return map && map->ops ? map : NULL;
}

BPFX_FN(map_lookup_elem)
{
	struct bpfx_map *map = map_of(r1);

	if (!map || !map->ops->lookup)
		return 0;
	return (uint64_t)(uintptr_t)map->ops->lookup(map, (const void *)(uintptr_t)r2, run->cpu);
}

/* bpf_map_lookup_percpu_elem(map, key, cpu): NULL for a CPU the map does not have. */
BPFX_FN(map_lookup_percpu_elem)
{
	struct bpfx_map *map = map_of(r1);

	if (!map || !map->ops->lookup || (uint32_t)r3 >= map->nr_cpus)
		return 0;
	return (uint64_t)(uintptr_t)map->ops->lookup(map, (const void *)(uintptr_t)r2,
						     (uint32_t)r3);
}

/* --- waiting for a value's bpf_spin_lock -----------------------------------------------
 *
 * The lock itself (a word in a map value, and how a waiter knows that nobody holds
 * it) is maps/spin_lock.c's.  A run's turns of waiting cost one instruction of its
 * budget each, and a stuck lock (taken, by nobody: the program wrote the word) stops
 * the run.
 */
struct run_wait {
	struct bpfx_lock_wait w;
	struct bpfx_run *run;
};

static int run_turn(struct bpfx_lock_wait *w, bool stuck)
{
	struct bpfx_run *run = ((struct run_wait *)w)->run;

	if (!run->checked)
		return 0;
	if (stuck)
		return -BPFX_ERR_CALL;
	if (!run->budget)
		return -BPFX_ERR_BUDGET;
	run->budget--;
	return 0;
}

/* Stop the run whose wait for a lock (what) ended in err. */
static _Noreturn void wait_failed(struct bpfx_run *run, int err, const char *what)
{
	if (err == -BPFX_ERR_CALL)
		bpfx_run_fault(run, err, "%s: taken, but no run holds it (did a program write it?)",
			       what);
	bpfx_run_fault(run, err, "%s: instruction budget exhausted waiting for the lock", what);
}

/* bpf_map_update_elem(map, key, value, BPF_F_LOCK | ...): the value goes into an
 * existing element under the element's bpf_spin_lock (the map's update copies
 * around the lock word, so the program's value need not be unlocked). */
static long update_locked(struct bpfx_run *run, struct bpfx_map *map, uint64_t key,
			  uint64_t value, uint64_t flags)
{
	struct run_wait rw = { { run_turn }, run };
	long err = bpfx_map_update_locked(map, (const void *)(uintptr_t)key,
					  (const void *)(uintptr_t)value, flags, true, &rw.w);

	if (err == -BPFX_ERR_CALL || err == -BPFX_ERR_BUDGET)
		wait_failed(run, (int)err, "bpf_map_update_elem: the value's bpf_spin_lock");
	return err;
}

BPFX_FN(map_update_elem)
{
	struct bpfx_map *map = map_of(r1);

	if (!map || !map->ops->update)
		return (uint64_t)-EOPNOTSUPP;
	if (r4 & BPF_F_LOCK)
		return (uint64_t)update_locked(run, map, r2, r3, r4);
	return (uint64_t)map->ops->update(map, (const void *)(uintptr_t)r2,
					  (const void *)(uintptr_t)r3, r4, run->cpu);
}

BPFX_FN(map_delete_elem)
{
	struct bpfx_map *map = map_of(r1);

	if (!map || !map->ops->delete)
		return (uint64_t)-EOPNOTSUPP;
	return (uint64_t)map->ops->delete(map, (const void *)(uintptr_t)r2);
}

/* bpf_for_each_map_elem: the map walks its elements and the trampoline runs the
 * program's callback(map, key, value, ctx) on each; a non-zero return stops. */
struct each_call {
	struct bpfx_run *run;
	uint64_t fn;
	uint64_t ctx;
};

static long each_elem(struct bpfx_map *map, void *key, void *value, void *p)
{
	struct each_call *c = p;

	return bpfx_run_callback(c->run, c->fn, (uint64_t)(uintptr_t)map,
				 (uint64_t)(uintptr_t)key, (uint64_t)(uintptr_t)value, c->ctx,
				 0) != 0;
}

BPFX_FN(for_each_map_elem)
{
	struct bpfx_map *map = map_of(r1);
	struct each_call c = { run, r2, r3 };

	if (!map || !map->ops->for_each || r4)
		return (uint64_t)-EINVAL;
	/* a hash map's walk looks at every slot, used or not */
	bpfx_run_charge(run, map->max_entries, "bpf_for_each_map_elem");
	return (uint64_t)map->ops->for_each(map, each_elem, &c, run->cpu);
}

/* --- ring buffers ----------------------------------------------------------------- */

BPFX_FN(ringbuf_output)
{
	return (uint64_t)bpfx_ringbuf_output(map_of(r1), (const void *)(uintptr_t)r2, r3, r4);
}

BPFX_FN(ringbuf_reserve)
{
	return (uint64_t)(uintptr_t)bpfx_ringbuf_reserve(map_of(r1), r2, r3);
}

/* submit and discard get no map: find the ring buffer the sample lies in. */
static void ringbuf_commit(struct bpfx_run *run, uint64_t sample, uint64_t flags,
			   bool discard)
{
	void *p = (void *)(uintptr_t)sample;
	struct bpfx_map *map = bpfx_ringbuf_of(run->prog ? run->prog->obj : NULL, p);

	if (!map && run->checked)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "bpf_ringbuf_%s: 0x%llx is not a ring "
			       "buffer record", discard ? "discard" : "submit",
			       (unsigned long long)sample);
	if (map)
		bpfx_ringbuf_commit(map, p, flags, discard);
}

BPFX_FN(ringbuf_submit)
{
	ringbuf_commit(run, r1, r2, false);
	return 0;
}

BPFX_FN(ringbuf_discard)
{
	ringbuf_commit(run, r1, r2, true);
	return 0;
}

BPFX_FN(ringbuf_query)
{
	return bpfx_ringbuf_query(map_of(r1), r2);
}

/* --- bpf_spin_lock ------------------------------------------------------------------
 *
 * run->spin_lock names the lock a run holds: checked mode refuses to take a second
 * one (it would spin forever on itself), to release one it does not hold, and any
 * call but bpf_spin_unlock while holding one (exec/checked.c).
 */
static uint32_t *lock_word(struct bpfx_run *run, uint64_t r1, const char *what)
{
	if (run->checked) {
		bpfx_mem_check(run, r1, sizeof(uint32_t), true);
		if (r1 & 3)
			bpfx_run_fault(run, -BPFX_ERR_FAULT, "%s: misaligned lock at 0x%llx",
				       what, (unsigned long long)r1);
	}
	return (uint32_t *)(uintptr_t)r1;
}

static struct bpfx_object *lock_obj(const struct bpfx_run *run)
{
	return run->prog->obj;
}

BPFX_FN(spin_lock)
{
	uint32_t *l = lock_word(run, r1, "bpf_spin_lock");
	struct run_wait rw = { { run_turn }, run };
	char what[48];
	int err;

	if (run->checked && run->spin_lock)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "bpf_spin_lock: a lock is already held");
	err = bpfx_value_lock(lock_obj(run), l, &rw.w);
	if (err) {
		snprintf(what, sizeof(what), "bpf_spin_lock 0x%llx", (unsigned long long)r1);
		wait_failed(run, err, what);
	}
	run->spin_lock = l;
	return 0;
}

void bpfx_spin_lock_release(struct bpfx_run *run)
{
	uint32_t *l = run->spin_lock;

	if (!l)
		return;
	run->spin_lock = NULL;
	bpfx_value_unlock(lock_obj(run), l);
}

BPFX_FN(spin_unlock)
{
	uint32_t *l = lock_word(run, r1, "bpf_spin_unlock");

	if (run->checked && run->spin_lock != l)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "bpf_spin_unlock: lock 0x%llx is not held",
			       (unsigned long long)r1);
	if (run->spin_lock) {
		run->spin_lock = l;
		bpfx_spin_lock_release(run);
	}
	return 0;
}

static const struct bpfx_func funcs[] = {
	BPFX_FUNC_ENTRY(map_lookup_elem, BPF_FUNC_map_lookup_elem, BPFX_RET_MAP_VALUE_OR_NULL,
			BPFX_ARG_MAP, BPFX_ARG_MAP_KEY),
	BPFX_FUNC_ENTRY(map_update_elem, BPF_FUNC_map_update_elem, BPFX_RET_INTEGER,
			BPFX_ARG_MAP, BPFX_ARG_MAP_KEY, BPFX_ARG_MAP_VALUE, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(map_delete_elem, BPF_FUNC_map_delete_elem, BPFX_RET_INTEGER,
			BPFX_ARG_MAP, BPFX_ARG_MAP_KEY),
	BPFX_FUNC_ENTRY(map_lookup_percpu_elem, BPF_FUNC_map_lookup_percpu_elem,
			BPFX_RET_MAP_VALUE_OR_NULL, BPFX_ARG_MAP, BPFX_ARG_MAP_KEY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(for_each_map_elem, BPF_FUNC_for_each_map_elem, BPFX_RET_INTEGER,
			BPFX_ARG_MAP, BPFX_ARG_FUNC, BPFX_ARG_PTR, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(ringbuf_output, BPF_FUNC_ringbuf_output, BPFX_RET_INTEGER,
			BPFX_ARG_MAP, BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE_OR_ZERO, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(ringbuf_reserve, BPF_FUNC_ringbuf_reserve, BPFX_RET_MEM_OR_NULL,
			BPFX_ARG_MAP, BPFX_ARG_ANY, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(ringbuf_submit, BPF_FUNC_ringbuf_submit, BPFX_RET_VOID,
			BPFX_ARG_PTR, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(ringbuf_discard, BPF_FUNC_ringbuf_discard, BPFX_RET_VOID,
			BPFX_ARG_PTR, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(ringbuf_query, BPF_FUNC_ringbuf_query, BPFX_RET_INTEGER,
			BPFX_ARG_MAP, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(spin_lock, BPF_FUNC_spin_lock, BPFX_RET_VOID, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(spin_unlock, BPF_FUNC_spin_unlock, BPFX_RET_VOID, BPFX_ARG_PTR),
};

const struct bpfx_func_list bpfx_map_helpers = {
	.funcs = funcs,
	.cnt = sizeof(funcs) / sizeof(funcs[0]),
};
