/* SPDX-License-Identifier: MIT */
/*
 * array.c - BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY (kernel/bpf/arraymap.c).
 *
 * Every element exists from the start, zeroed; each takes value_size rounded up to
 * 8 bytes.  A per-CPU element is nr_cpus such slots side by side, so the host copies
 * one element in one go.  Global data sections (.data, .rodata, .bss) are arrays of
 * one element.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "maps/internal.h"

#define ARRAY_CREATE_FLAG_MASK                                                     \
	(BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPFX_F_ACCESS_MASK | BPF_F_PRESERVE_ELEMS | \
	 BPF_F_INNER_MAP)
#define PCPU_MIN_UNIT_SIZE 32768 /* the kernel's bound on a per-CPU value */

struct array {
	bool percpu;
	uint32_t elem_size;    /* value_size rounded up to 8 */
	size_t values_size;
	uint8_t *values;       /* max_entries elements, each nr_cpus slots if per-CPU */
	uint32_t *keys;        /* keys[i] == i: the key pointer for_each hands out */
	char what[BPFX_MAP_WHAT_MAX];
	char what_keys[BPFX_MAP_WHAT_MAX];
};

static struct array *arr(const struct bpfx_map *map)
{
	return map->priv;
}

/* Element index's slot for cpu. */
static uint8_t *slot(const struct bpfx_map *map, uint32_t index, uint32_t cpu)
{
	const struct array *a = arr(map);
	size_t n = a->percpu ? (size_t)index * map->nr_cpus + cpu : index;

	return a->values + n * a->elem_size;
}

/* array_map_alloc_check(): -EINVAL or -E2BIG with the reason. */
static int check_attr(const struct bpfx_map *map, bool percpu, const char **why)
{
	uint32_t flags = map->map_flags;

	*why = NULL;
	if (map->max_entries == 0)
		*why = "max_entries must not be 0";
	else if (map->key_size != 4)
		*why = "key_size must be 4";
	else if (map->value_size == 0)
		*why = "value_size must not be 0";
	else if ((flags & ~ARRAY_CREATE_FLAG_MASK) || !bpfx_map_access_ok(flags))
		*why = "unsupported map_flags";
	else if (percpu && (flags & (BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_INNER_MAP)))
		*why = "map_flags not allowed for a per-CPU array";
	else if (flags & BPF_F_PRESERVE_ELEMS)
		*why = "BPF_F_PRESERVE_ELEMS is for perf event arrays";
	if (*why)
		return -EINVAL;
	if (map->value_size > INT_MAX ||
	    (percpu && bpfx_percpu_slot(map->value_size) > PCPU_MIN_UNIT_SIZE)) {
		*why = "value_size too large";
		return -E2BIG;
	}
	return 0;
}

static int alloc_storage(struct bpfx_map *map, struct array *a)
{
	size_t n = map->max_entries, i;

	if (a->percpu && !bpfx_size_mul(n, map->nr_cpus, &n))
		return -ENOMEM;
	if (!bpfx_size_mul(n, a->elem_size, &a->values_size))
		return -ENOMEM;
	a->values = calloc(1, a->values_size);
	a->keys = calloc(map->max_entries, sizeof(*a->keys));
	if (!a->values || !a->keys)
		return -ENOMEM;
	for (i = 0; i < map->max_entries; i++)
		a->keys[i] = (uint32_t)i;
	return 0;
}

static void array_free(struct bpfx_map *map)
{
	struct array *a = arr(map);

	if (!a)
		return;
	free(a->values);
	free(a->keys);
	free(a);
	map->priv = NULL;
}

static int array_alloc(struct bpfx_map *map)
{
	bool percpu = map->type == BPF_MAP_TYPE_PERCPU_ARRAY;
	const char *why;
	struct array *a;
	int err;

	err = check_attr(map, percpu, &why);
	if (err) {
		bpfx_obj_log(map->obj, BPFX_WARN, "map '%s': %s (key_size %u, value_size %u, "
			     "max_entries %u, map_flags 0x%x)", map->name, why, map->key_size,
			     map->value_size, map->max_entries, map->map_flags);
		return err;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	map->priv = a;
	a->percpu = percpu;
	a->elem_size = bpfx_percpu_slot(map->value_size);
	bpfx_map_what(a->what, sizeof(a->what), map, "values");
	bpfx_map_what(a->what_keys, sizeof(a->what_keys), map, "keys");
	err = alloc_storage(map, a);
	if (err) {
		bpfx_obj_log(map->obj, BPFX_WARN, "map '%s': cannot allocate %u entries",
			     map->name, map->max_entries);
		array_free(map);
	}
	return err;
}

static void *array_lookup(struct bpfx_map *map, const void *key, uint32_t cpu)
{
	uint32_t index = bpfx_key_u32(key);

	if (index >= map->max_entries || (arr(map)->percpu && cpu >= map->nr_cpus))
		return NULL;
	return slot(map, index, cpu);
}

/* The checks of array_map_update_elem(), in its order; BPF_F_LOCK needs a
 * bpf_spin_lock in the value, and the locked path (update_locked). */
static long check_update(const struct bpfx_map *map, uint32_t index, uint64_t flags,
			 bool locked)
{
	uint64_t plain = arr(map)->percpu ? flags : flags & ~(uint64_t)BPF_F_LOCK;

	if (plain > BPF_EXIST)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	if (flags & BPF_NOEXIST)
		return -EEXIST;
	if ((flags & BPF_F_LOCK) && (!locked || map->lock_off < 0))
		return -EINVAL;
	return 0;
}

static long array_update(struct bpfx_map *map, const void *key, const void *value,
			 uint64_t flags, uint32_t cpu)
{
	uint32_t index = bpfx_key_u32(key);
	long err;

	if (!bpfx_map_prog_writable(map))
		return -EPERM; /* the verifier says "write into map forbidden" */
	err = check_update(map, index, flags, false);
	if (err)
		return err;
	if (arr(map)->percpu && cpu >= map->nr_cpus)
		return -EINVAL;
	bpfx_copy_value(map, slot(map, index, cpu), value); /* value may be in the map */
	return 0;
}

static long array_delete(struct bpfx_map *map, const void *key)
{
	return -EINVAL;
}

static long array_for_each(struct bpfx_map *map, bpfx_map_each_fn fn, void *ctx,
			   uint32_t cpu)
{
	struct array *a = arr(map);
	long n = 0;
	uint32_t i;

	if (a->percpu && cpu >= map->nr_cpus)
		return -EINVAL;
	for (i = 0; i < map->max_entries; i++) {
		n++;
		if (fn(map, &a->keys[i], slot(map, i, cpu), ctx))
			break;
	}
	return n;
}

/* Host side: a per-CPU element's nr_cpus slots are contiguous, as bpf(2) wants them. */
static size_t host_value_size(const struct bpfx_map *map)
{
	const struct array *a = arr(map);

	return a->percpu ? (size_t)a->elem_size * map->nr_cpus : map->value_size;
}

static int array_host_lookup(struct bpfx_map *map, const void *key, void *value)
{
	uint32_t index = bpfx_key_u32(key);

	if (index >= map->max_entries)
		return -ENOENT;
	memcpy(value, slot(map, index, 0), host_value_size(map));
	bpfx_clear_lock(map, value);
	return 0;
}

static int array_host_update(struct bpfx_map *map, const void *key, const void *value,
			     uint64_t flags)
{
	uint32_t index = bpfx_key_u32(key);
	long err = check_update(map, index, flags, false);

	if (err)
		return (int)err;
	if (arr(map)->percpu)
		memmove(slot(map, index, 0), value, host_value_size(map));
	else
		bpfx_copy_value(map, slot(map, index, 0), value);
	return 0;
}

static long array_update_locked(struct bpfx_map *map, const void *key, const void *value,
				uint64_t flags, struct bpfx_lock_wait *w)
{
	uint32_t index = bpfx_key_u32(key);
	long err = check_update(map, index, flags, true);

	if (err)
		return err;
	return bpfx_map_copy_locked(map, slot(map, index, 0), value, false, w);
}

static int array_get_next_key(struct bpfx_map *map, const void *key, void *next_key)
{
	return bpfx_index_next_key(map, key, next_key);
}

static size_t array_regions(const struct bpfx_map *map, struct bpfx_region *out,
			    size_t max)
{
	const struct array *a = arr(map);
	struct bpfx_region r[2] = {
		{ (uintptr_t)a->values, (uintptr_t)a->values + a->values_size,
		  bpfx_map_prog_writable(map), a->what },
		{ (uintptr_t)a->keys, (uintptr_t)(a->keys + map->max_entries), false,
		  a->what_keys },
	};
	size_t n = out ? (max < 2 ? max : 2) : 2;

	if (out)
		memcpy(out, r, n * sizeof(r[0]));
	return n;
}

const struct bpfx_map_ops bpfx_array_ops = {
	.alloc = array_alloc,
	.free = array_free,
	.lookup = array_lookup,
	.update = array_update,
	.delete = array_delete,
	.for_each = array_for_each,
	.host_lookup = array_host_lookup,
	.host_update = array_host_update,
	.get_next_key = array_get_next_key,
	.update_locked = array_update_locked,
	.regions = array_regions,
};
