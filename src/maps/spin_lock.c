/* SPDX-License-Identifier: MIT */
/*
 * spin_lock.c - the struct bpf_spin_lock of a map value: taking and freeing it, for
 * the bpf_spin_lock helpers and for BPF_F_LOCK copies (copy_map_value_locked()),
 * whether a program or the host asks.
 *
 * The lock is one 4-byte word in the value: 0 free, 1 taken; a test-and-set spin
 * shared by every thread using the object's maps, yielding now and then since the
 * holder may be descheduled.  The verifier forbids calls (and throws) while a lock is
 * held, so a holder runs only straight-line BPF code (or a copy) until it unlocks.
 *
 * A program in checked mode may also have written the lock word itself, so that
 * nobody holds the lock a waiter waits for.  The object counts the callers taking or
 * holding a lock (spin_holders, raised before the exchange that takes it, lowered
 * after the store that frees it) and the attempts (spin_gen): a waiter that is the
 * only one counted, before and after reading the word as taken, with no attempt in
 * between, knows that nobody set it: the lock is stuck.  Each turn of waiting asks the
 * caller's bpfx_lock_wait whether to go on (a run pays for it from its budget, the
 * host gives up after a while).
 */
#include <sched.h>
#include <stdatomic.h>

#include "maps/internal.h"

/* Taken, by nobody: see the banner. */
static bool lock_stuck(struct bpfx_object *obj, _Atomic uint32_t *l)
{
	uint64_t gen = __atomic_load_n(&obj->spin_gen, __ATOMIC_SEQ_CST);

	return __atomic_load_n(&obj->spin_holders, __ATOMIC_SEQ_CST) == 1 &&
	       atomic_load_explicit(l, memory_order_seq_cst) &&
	       __atomic_load_n(&obj->spin_holders, __ATOMIC_SEQ_CST) == 1 &&
	       __atomic_load_n(&obj->spin_gen, __ATOMIC_SEQ_CST) == gen;
}

int bpfx_value_lock(struct bpfx_object *obj, uint32_t *word, struct bpfx_lock_wait *w)
{
	_Atomic uint32_t *l = (_Atomic uint32_t *)word;
	unsigned spins = 0;
	int err;

	__atomic_add_fetch(&obj->spin_holders, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&obj->spin_gen, 1, __ATOMIC_SEQ_CST);
	while (atomic_exchange_explicit(l, 1, memory_order_seq_cst)) {
		while (atomic_load_explicit(l, memory_order_relaxed)) {
			err = w->turn(w, lock_stuck(obj, l));
			if (err) {
				__atomic_sub_fetch(&obj->spin_holders, 1, __ATOMIC_SEQ_CST);
				return err;
			}
			if (++spins % 128 == 0)
				sched_yield();
		}
	}
	return 0;
}

void bpfx_value_unlock(struct bpfx_object *obj, uint32_t *word)
{
	__atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&obj->spin_holders, 1, __ATOMIC_SEQ_CST);
}

int bpfx_map_copy_locked(struct bpfx_map *map, void *dst, const void *src, bool lock_src,
			 struct bpfx_lock_wait *w)
{
	uint8_t *value = lock_src ? (uint8_t *)(uintptr_t)src : dst;
	uint32_t *l = (uint32_t *)(void *)(value + map->lock_off);
	int err = bpfx_value_lock(map->obj, l, w);

	if (err)
		return err;
	bpfx_copy_value(map, dst, src);
	bpfx_value_unlock(map->obj, l);
	return 0;
}
