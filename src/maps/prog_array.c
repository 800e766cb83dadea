/* SPDX-License-Identifier: MIT */
/*
 * prog_array.c - BPF_MAP_TYPE_PROG_ARRAY, the table of bpf_tail_call() targets.
 *
 * A slot holds a program's index in its object (bpfx_program__id()), the value the
 * host writes where the kernel takes a program fd.  As in the kernel, programs cannot
 * read or write the slots (only tail-call through them), and the first program stored
 * or checked fixes the program type every other one must have.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "maps/internal.h"

#define EMPTY UINT32_MAX
#define NO_OWNER (-1)

struct prog_array {
	_Atomic uint32_t *ids;     /* max_entries slots, EMPTY when unset */
	_Atomic int owner_type;    /* enum bpfx_prog_type, NO_OWNER until fixed */
};

static struct prog_array *parr(const struct bpfx_map *map)
{
	return map->priv;
}

static bool is_prog_array(const struct bpfx_map *map)
{
	return map && map->ops == &bpfx_prog_array_ops && map->priv;
}

static void pa_free(struct bpfx_map *map)
{
	struct prog_array *pa = parr(map);

	if (!pa)
		return;
	free(pa->ids);
	free(pa);
	map->priv = NULL;
}

/* fd_array_map_alloc_check() then array_map_alloc_check(). */
static int pa_alloc(struct bpfx_map *map)
{
	struct prog_array *pa;
	uint32_t i;

	if (map->key_size != 4 || map->value_size != 4 || !map->max_entries ||
	    (map->map_flags & ~(uint32_t)(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY))) {
		bpfx_obj_log(map->obj, BPFX_WARN, "map '%s': a prog array needs key_size 4, "
			     "value_size 4, max_entries > 0 and no program access flags",
			     map->name);
		return -EINVAL;
	}
	pa = calloc(1, sizeof(*pa));
	if (!pa)
		return -ENOMEM;
	map->priv = pa;
	pa->ids = calloc(map->max_entries, sizeof(*pa->ids));
	if (!pa->ids) {
		pa_free(map);
		return -ENOMEM;
	}
	for (i = 0; i < map->max_entries; i++)
		atomic_init(&pa->ids[i], EMPTY);
	atomic_init(&pa->owner_type, NO_OWNER);
	return 0;
}

bool bpfx_prog_array_compatible(struct bpfx_map *map, const struct bpfx_program *prog)
{
	int want = NO_OWNER;

	if (!is_prog_array(map) || !prog)
		return false;
	if (atomic_compare_exchange_strong(&parr(map)->owner_type, &want, (int)prog->type))
		return true;
	return want == (int)prog->type;
}

struct bpfx_program *bpfx_prog_array_get(struct bpfx_map *map, uint32_t index)
{
	struct bpfx_program *prog;
	uint32_t id;

	if (!is_prog_array(map) || index >= map->max_entries)
		return NULL;
	id = atomic_load_explicit(&parr(map)->ids[index], memory_order_acquire);
	if (id == EMPTY || id >= map->obj->prog_cnt)
		return NULL;
	prog = &map->obj->progs[id];
	return prog->load_err || !prog->exec ? NULL : prog;
}

/* Programs never see the slots: the verifier allows only bpf_tail_call(). */
static void *pa_lookup(struct bpfx_map *map, const void *key, uint32_t cpu)
{
	return NULL;
}

static long pa_update(struct bpfx_map *map, const void *key, const void *value,
		      uint64_t flags, uint32_t cpu)
{
	return -EINVAL;
}

static long pa_for_each(struct bpfx_map *map, bpfx_map_each_fn fn, void *ctx,
			uint32_t cpu)
{
	return -EINVAL;
}

/* fd_array_map_delete_elem() */
static long pa_delete(struct bpfx_map *map, const void *key)
{
	uint32_t index = bpfx_key_u32(key);

	if (index >= map->max_entries)
		return -E2BIG;
	if (atomic_exchange(&parr(map)->ids[index], EMPTY) == EMPTY)
		return -ENOENT;
	return 0;
}

/* bpf_fd_array_map_lookup_elem(): the id stored, as the kernel gives the prog id. */
static int pa_host_lookup(struct bpfx_map *map, const void *key, void *value)
{
	uint32_t index = bpfx_key_u32(key), id;

	if (index >= map->max_entries)
		return -ENOENT;
	id = atomic_load(&parr(map)->ids[index]);
	if (id == EMPTY)
		return -ENOENT;
	memcpy(value, &id, sizeof(id));
	return 0;
}

/* bpf_fd_array_map_update_elem(): an id that names no program is the kernel's bad
 * fd (-EBADF); a program of another type is -EINVAL. */
static int pa_host_update(struct bpfx_map *map, const void *key, const void *value,
			  uint64_t flags)
{
	uint32_t index = bpfx_key_u32(key), id = bpfx_key_u32(value);

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	if (id >= map->obj->prog_cnt)
		return -EBADF;
	if (!bpfx_prog_array_compatible(map, &map->obj->progs[id]))
		return -EINVAL;
	atomic_store_explicit(&parr(map)->ids[index], id, memory_order_release);
	return 0;
}

static int pa_get_next_key(struct bpfx_map *map, const void *key, void *next_key)
{
	return bpfx_index_next_key(map, key, next_key);
}

static size_t pa_regions(const struct bpfx_map *map, struct bpfx_region *out, size_t max)
{
	return 0;
}

const struct bpfx_map_ops bpfx_prog_array_ops = {
	.alloc = pa_alloc,
	.free = pa_free,
	.lookup = pa_lookup,
	.update = pa_update,
	.delete = pa_delete,
	.for_each = pa_for_each,
	.host_lookup = pa_host_lookup,
	.host_update = pa_host_update,
	.get_next_key = pa_get_next_key,
	.regions = pa_regions,
};
