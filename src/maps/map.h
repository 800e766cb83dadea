/* SPDX-License-Identifier: MIT */
/*
 * map.h - the interface every map type implements (one file per type in maps/).
 *
 * Two sides: the BPF side (helpers, one CPU's value, returns long like the kernel's
 * helpers) and the host side (bpf(2)-like, whole per-CPU values).  Values live in
 * memory that stays put for the map's lifetime, so a pointer a program got from
 * lookup stays valid (elements are preallocated, as the kernel does by default).
 * Every operation is safe to call from several threads at once.
 */
#ifndef BPFX_MAP_H
#define BPFX_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "object/object.h"

/* A piece of memory a program may touch, for checked mode. */
struct bpfx_region {
	uintptr_t start;
	uintptr_t end;          /* exclusive */
	bool writable;
	const char *what;       /* "map 'counts' values", "stack", ... */
};

typedef long (*bpfx_map_each_fn)(struct bpfx_map *map, void *key, void *value, void *ctx);

/* Waiting for a value's bpf_spin_lock that someone else holds (maps/spin_lock.c):
 * turn() is called on each turn of waiting, told whether the lock is stuck (taken,
 * though nobody holds it: a program wrote the word); 0 waits on, an error gives up. */
struct bpfx_lock_wait {
	int (*turn)(struct bpfx_lock_wait *w, bool stuck);
};

struct bpfx_map_ops {
	/* Check sizes and flags (-EINVAL with a message via bpfx_obj_log naming the map)
	 * and allocate.  map->nr_cpus is set before. */
	int (*alloc)(struct bpfx_map *map);
	void (*free)(struct bpfx_map *map);

	/* BPF side.  lookup returns this CPU's value or NULL. */
	void *(*lookup)(struct bpfx_map *map, const void *key, uint32_t cpu);
	long (*update)(struct bpfx_map *map, const void *key, const void *value,
		       uint64_t flags, uint32_t cpu);
	long (*delete)(struct bpfx_map *map, const void *key);
	/* bpf_for_each_map_elem: fn per element until it returns non-zero; returns the
	 * number of elements visited. */
	long (*for_each)(struct bpfx_map *map, bpfx_map_each_fn fn, void *ctx, uint32_t cpu);

	/* Host side: per-CPU maps copy nr_cpus values, each rounded up to 8 bytes. */
	int (*host_lookup)(struct bpfx_map *map, const void *key, void *value);
	int (*host_update)(struct bpfx_map *map, const void *key, const void *value,
			   uint64_t flags);
	int (*get_next_key)(struct bpfx_map *map, const void *key, void *next_key);

	/* BPF_F_LOCK updates, for the types whose values may hold a bpf_spin_lock: the
	 * type's own checks of flags, then the value copied into an existing element
	 * under its lock (taken through w); a new element is written as update would.
	 * NULL: -EINVAL, as for a value without a lock. */
	long (*update_locked)(struct bpfx_map *map, const void *key, const void *value,
			      uint64_t flags, struct bpfx_lock_wait *w);

	/* Memory programs may touch through this map; returns the count written (at most
	 * max), or the count needed when out is NULL. */
	size_t (*regions)(const struct bpfx_map *map, struct bpfx_region *out, size_t max);
};

/* The ops for a map type, or NULL if bpfx does not support it. */
const struct bpfx_map_ops *bpfx_map_ops_for(uint32_t type);

/* Create every map of the object (ops, alloc, initial contents, prog array
 * initialisers).  Errors name the map. */
int bpfx_maps_create(struct bpfx_object *obj);
void bpfx_maps_destroy(struct bpfx_object *obj);

/* A value's bpf_spin_lock (maps/spin_lock.c): take it (0, or the error w's turn()
 * gave up with), free it. */
int bpfx_value_lock(struct bpfx_object *obj, uint32_t *word, struct bpfx_lock_wait *w);
void bpfx_value_unlock(struct bpfx_object *obj, uint32_t *word);
/* copy_map_value_locked(): src into dst under the value's lock, which is src's
 * (lock_src) or dst's; the lock word itself is not copied.  0 or w's error. */
int bpfx_map_copy_locked(struct bpfx_map *map, void *dst, const void *src, bool lock_src,
			 struct bpfx_lock_wait *w);
/* bpf_map_update_elem(..., BPF_F_LOCK | ...) from a program (prog: the map must be
 * writable by programs, else -EPERM) or the host. */
long bpfx_map_update_locked(struct bpfx_map *map, const void *key, const void *value,
			    uint64_t flags, bool prog, struct bpfx_lock_wait *w);

/* Size of one per-CPU slot as the host sees it. */
static inline uint32_t bpfx_percpu_slot(uint32_t value_size)
{
	return (value_size + 7) & ~7u;
}

/* Prog arrays (maps/prog_array.c): the program at index, or NULL (empty slot, or a
 * program that failed to load). */
struct bpfx_program *bpfx_prog_array_get(struct bpfx_map *map, uint32_t index);
/* May prog use this prog array (tail calls)?  The first program stored or checked
 * fixes the array's program type, as the kernel's owner type does. */
bool bpfx_prog_array_compatible(struct bpfx_map *map, const struct bpfx_program *prog);

/* Ring buffers (maps/ringbuf.c), used by the ringbuf helpers.  bpf_ringbuf_submit()
 * gets no map: bpfx_ringbuf_of() finds the ring buffer of obj whose data holds sample
 * (NULL if none; any pointer is safe to ask about). */
struct bpfx_map *bpfx_ringbuf_of(const struct bpfx_object *obj, const void *sample);
void *bpfx_ringbuf_reserve(struct bpfx_map *map, uint64_t size, uint64_t flags);
void bpfx_ringbuf_commit(struct bpfx_map *map, void *sample, uint64_t flags, bool discard);
long bpfx_ringbuf_output(struct bpfx_map *map, const void *data, uint64_t size,
			 uint64_t flags);
uint64_t bpfx_ringbuf_query(struct bpfx_map *map, uint64_t flags);

#endif /* BPFX_MAP_H */
