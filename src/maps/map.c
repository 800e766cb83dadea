/* SPDX-License-Identifier: MIT */
/*
 * map.c - creating an object's maps, and the public map API (bpf(2) semantics).
 *
 * The public functions check what the bpf() syscall checks before it reaches a map
 * type (access flags, BPF_F_LOCK, bad pointers) and then call the type's host ops.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "maps/internal.h"

static const char *const type_names[] = {
	"BPF_MAP_TYPE_UNSPEC", "BPF_MAP_TYPE_HASH", "BPF_MAP_TYPE_ARRAY",
	"BPF_MAP_TYPE_PROG_ARRAY", "BPF_MAP_TYPE_PERF_EVENT_ARRAY",
	"BPF_MAP_TYPE_PERCPU_HASH", "BPF_MAP_TYPE_PERCPU_ARRAY",
	"BPF_MAP_TYPE_STACK_TRACE", "BPF_MAP_TYPE_CGROUP_ARRAY", "BPF_MAP_TYPE_LRU_HASH",
	"BPF_MAP_TYPE_LRU_PERCPU_HASH", "BPF_MAP_TYPE_LPM_TRIE",
	"BPF_MAP_TYPE_ARRAY_OF_MAPS", "BPF_MAP_TYPE_HASH_OF_MAPS", "BPF_MAP_TYPE_DEVMAP",
	"BPF_MAP_TYPE_SOCKMAP", "BPF_MAP_TYPE_CPUMAP", "BPF_MAP_TYPE_XSKMAP",
	"BPF_MAP_TYPE_SOCKHASH", "BPF_MAP_TYPE_CGROUP_STORAGE",
	"BPF_MAP_TYPE_REUSEPORT_SOCKARRAY", "BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE",
	"BPF_MAP_TYPE_QUEUE", "BPF_MAP_TYPE_STACK", "BPF_MAP_TYPE_SK_STORAGE",
	"BPF_MAP_TYPE_DEVMAP_HASH", "BPF_MAP_TYPE_STRUCT_OPS", "BPF_MAP_TYPE_RINGBUF",
	"BPF_MAP_TYPE_INODE_STORAGE", "BPF_MAP_TYPE_TASK_STORAGE",
	"BPF_MAP_TYPE_BLOOM_FILTER", "BPF_MAP_TYPE_USER_RINGBUF",
	"BPF_MAP_TYPE_CGRP_STORAGE", "BPF_MAP_TYPE_ARENA",
};

const char *bpfx_map_type_name(uint32_t type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0]))
		return type_names[type];
	return "unknown";
}

const struct bpfx_map_ops *bpfx_map_ops_for(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return &bpfx_array_ops;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
		return &bpfx_htab_ops;
	case BPF_MAP_TYPE_PROG_ARRAY:
		return &bpfx_prog_array_ops;
	case BPF_MAP_TYPE_RINGBUF:
		return &bpfx_ringbuf_ops;
	default:
		return NULL;
	}
}

void bpfx_map_what(char *buf, size_t size, const struct bpfx_map *map, const char *part)
{
	snprintf(buf, size, "map '%s' %s", map->name ? map->name : "?", part);
}

bool bpfx_map_prog_writable(const struct bpfx_map *map)
{
	if (map->kind == BPFX_MAPK_RODATA || map->kind == BPFX_MAPK_KCONFIG)
		return false;
	return !(map->map_flags & BPF_F_RDONLY_PROG);
}

int bpfx_index_next_key(const struct bpfx_map *map, const void *key, void *next_key)
{
	uint32_t index = key ? bpfx_key_u32(key) : UINT32_MAX;
	uint32_t next;

	if (index >= map->max_entries)
		next = 0;
	else if (index == map->max_entries - 1)
		return -ENOENT;
	else
		next = index + 1;
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

/* ---------------------------------------------------------------------------------
 * Creating and destroying an object's maps.
 */

static uint32_t host_cpus(uint32_t nr_cpus)
{
	long n;

	if (nr_cpus)
		return nr_cpus;
	n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (uint32_t)n : 1;
}

/* ---------------------------------------------------------------------------------
 * The value's bpf_spin_lock, as btf_parse_fields() finds it: a member of the value
 * struct, or a variable of a global data section, whose type is struct bpf_spin_lock.
 */

static bool is_spin_lock(const struct btf *btf, uint32_t id)
{
	int rid = btf__resolve_type(btf, id);
	const struct btf_type *t = rid > 0 ? btf__type_by_id(btf, (uint32_t)rid) : NULL;
	const char *name = t && btf_is_struct(t) ? btf__name_by_offset(btf, t->name_off) : NULL;

	return name && !strcmp(name, "bpf_spin_lock") && t->size == 4;
}

static int32_t lock_in_struct(const struct btf *btf, const struct btf_type *t,
			      uint32_t size)
{
	const struct btf_member *m = btf_members(t);

	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		uint32_t off = btf_member_bit_offset(t, i);

		if (!(off % 32) && off / 8 + 4 <= size && is_spin_lock(btf, m[i].type))
			return (int32_t)(off / 8);
	}
	return -1;
}

static int32_t lock_in_datasec(const struct btf *btf, const struct btf_type *t,
			       uint32_t size)
{
	const struct btf_var_secinfo *v = btf_var_secinfos(t);

	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *var = btf__type_by_id(btf, v[i].type);

		if (var && btf_is_var(var) && !(v[i].offset % 4) && v[i].offset + 4 <= size &&
		    is_spin_lock(btf, var->type))
			return (int32_t)v[i].offset;
	}
	return -1;
}

int32_t bpfx_map_lock_off(const struct bpfx_map *map)
{
	const struct btf *btf = map->obj ? map->obj->btf : NULL;
	const struct btf_type *t;
	int id;

	if (!btf || !map->btf_value_type_id ||
	    (map->type != BPF_MAP_TYPE_ARRAY && map->type != BPF_MAP_TYPE_HASH &&
	     map->type != BPF_MAP_TYPE_LRU_HASH))
		return -1;
	id = btf__resolve_type(btf, map->btf_value_type_id);
	t = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
	if (t && btf_is_struct(t))
		return lock_in_struct(btf, t, map->value_size);
	if (t && btf_is_datasec(t))
		return lock_in_datasec(btf, t, map->value_size);
	return -1;
}

/* Global data: the section's bytes become the value at index 0. */
static int init_data(struct bpfx_map *map)
{
	uint32_t zero = 0;
	void *value;

	if (!map->init_data)
		return 0;
	value = map->type == BPF_MAP_TYPE_ARRAY ? map->ops->lookup(map, &zero, 0) : NULL;
	if (!value) {
		bpfx_obj_log(map->obj, BPFX_WARN,
			     "map '%s': initial data needs an array map, not type %u (%s)",
			     map->name, map->type, bpfx_map_type_name(map->type));
		return -EINVAL;
	}
	memcpy(value, map->init_data, map->value_size);
	return 0;
}

/* `.values = { [k] = &prog }` of a prog array. */
static int init_progs(struct bpfx_map *map)
{
	uint32_t i;
	int err;

	if (map->init_prog_cnt && map->type != BPF_MAP_TYPE_PROG_ARRAY) {
		bpfx_obj_log(map->obj, BPFX_WARN,
			     "map '%s': program initialisers need a prog array", map->name);
		return -EINVAL;
	}
	for (i = 0; i < map->init_prog_cnt; i++) {
		const struct bpfx_map_init_prog *ip = &map->init_progs[i];

		err = map->ops->host_update(map, &ip->key, &ip->prog, BPF_ANY);
		if (err) {
			bpfx_obj_log(map->obj, BPFX_WARN,
				     "map '%s': cannot store program %u at index %u (error %d)",
				     map->name, ip->prog, ip->key, err);
			return err;
		}
	}
	return 0;
}

static int create_one(struct bpfx_object *obj, struct bpfx_map *map)
{
	const struct bpfx_map_ops *ops = bpfx_map_ops_for(map->type);
	int err;

	if (!ops) {
		bpfx_obj_log(obj, BPFX_WARN, "map '%s': type %u (%s) is not supported",
			     map->name, map->type, bpfx_map_type_name(map->type));
		return -EOPNOTSUPP;
	}
	map->obj = obj;
	map->nr_cpus = host_cpus(obj->nr_cpus);
	map->priv = NULL;
	map->lock_off = bpfx_map_lock_off(map);
	err = ops->alloc(map);
	if (err)
		return err;
	map->ops = ops;
	err = init_data(map);
	if (!err)
		err = init_progs(map);
	return err;
}

int bpfx_maps_create(struct bpfx_object *obj)
{
	uint32_t i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		obj->maps[i].idx = i;
		err = create_one(obj, &obj->maps[i]);
		if (err) {
			bpfx_maps_destroy(obj);
			return err;
		}
	}
	return 0;
}

void bpfx_maps_destroy(struct bpfx_object *obj)
{
	uint32_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		struct bpfx_map *map = &obj->maps[i];

		if (map->ops)
			map->ops->free(map);
		map->ops = NULL;
		map->priv = NULL;
	}
}

/* ---------------------------------------------------------------------------------
 * The public API.
 */

const char *bpfx_map__name(const struct bpfx_map *map)
{
	if (!map) {
		errno = EINVAL;
		return NULL;
	}
	return map->name;
}

enum bpfx_map_type bpfx_map__type(const struct bpfx_map *map)
{
	return map ? (enum bpfx_map_type)map->type : BPFX_MAP_UNSPEC;
}

uint32_t bpfx_map__key_size(const struct bpfx_map *map)
{
	return map ? map->key_size : 0;
}

uint32_t bpfx_map__value_size(const struct bpfx_map *map)
{
	return map ? map->value_size : 0;
}

uint32_t bpfx_map__max_entries(const struct bpfx_map *map)
{
	return map ? map->max_entries : 0;
}

uint32_t bpfx_map__flags(const struct bpfx_map *map)
{
	return map ? map->map_flags : 0;
}

/* What map_lookup_elem() and friends in kernel/bpf/syscall.c check first: the map
 * exists and its access flags allow the operation (-EPERM). */
static int host_check(const struct bpfx_map *map, bool write)
{
	if (!map)
		return -EINVAL;
	if (!map->ops)
		return -BPFX_ERR_NOTLOADED;
	if (map->map_flags & (write ? BPF_F_RDONLY : BPF_F_WRONLY))
		return -EPERM;
	return 0;
}

/* A NULL key or value where bytes are due: the kernel's failed copy_from_user(). */
static bool bad_buf(const void *p, uint32_t size)
{
	return !p && size;
}

long bpfx_map_update_locked(struct bpfx_map *map, const void *key, const void *value,
			    uint64_t flags, bool prog, struct bpfx_lock_wait *w)
{
	if (prog && !bpfx_map_prog_writable(map))
		return -EPERM; /* the verifier says "write into map forbidden" */
	if (!map->ops->update_locked)
		return -EINVAL;
	return map->ops->update_locked(map, key, value, flags, w);
}

/* The host waits for a value's lock as long as some program holds it, but gives up
 * (-EDEADLK) on a lock nobody holds (a program wrote the lock word) and after a
 * second in all: it has no instruction budget to run out. */
#define HOST_LOCK_WAIT_NS 1000000000ull

struct host_wait {
	struct bpfx_lock_wait w;
	uint64_t turns;
	uint64_t start_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int host_turn(struct bpfx_lock_wait *w, bool stuck)
{
	struct host_wait *hw = (struct host_wait *)w;

	if (stuck)
		return -EDEADLK;
	if (hw->turns++ % 4096)
		return 0;
	if (!hw->start_ns)
		hw->start_ns = mono_ns();
	return mono_ns() - hw->start_ns > HOST_LOCK_WAIT_NS ? -EDEADLK : 0;
}

/* A BPF_F_LOCK lookup: the element's value, copied under its lock. */
static int lookup_locked(struct bpfx_map *map, const void *key, void *value)
{
	struct host_wait hw = { .w = { host_turn } };
	void *elem = map->ops->lookup ? map->ops->lookup(map, key, 0) : NULL;
	int err;

	if (!elem)
		return -ENOENT;
	err = bpfx_map_copy_locked(map, value, elem, true, &hw.w);
	if (!err)
		bpfx_clear_lock(map, value);
	return err;
}

int bpfx_map__lookup_elem_flags(struct bpfx_map *map, const void *key, void *value,
				uint64_t flags)
{
	int err;

	if (flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	err = host_check(map, false);
	if (err)
		return err;
	if ((flags & BPF_F_LOCK) && map->lock_off < 0)
		return -EINVAL; /* the value has no bpf_spin_lock */
	if (bad_buf(key, map->key_size) || bad_buf(value, map->value_size))
		return -EFAULT;
	if (flags & BPF_F_LOCK)
		return lookup_locked(map, key, value);
	return map->ops->host_lookup(map, key, value);
}

int bpfx_map__lookup_elem(struct bpfx_map *map, const void *key, void *value)
{
	return bpfx_map__lookup_elem_flags(map, key, value, 0);
}

int bpfx_map__update_elem(struct bpfx_map *map, const void *key, const void *value,
			  uint64_t flags)
{
	struct host_wait hw = { .w = { host_turn } };
	int err = host_check(map, true);

	if (err)
		return err;
	if ((flags & BPF_F_LOCK) && map->lock_off < 0)
		return -EINVAL; /* the value has no bpf_spin_lock */
	if (bad_buf(key, map->key_size) || bad_buf(value, map->value_size))
		return -EFAULT;
	if (flags & BPF_F_LOCK)
		return (int)bpfx_map_update_locked(map, key, value, flags, false, &hw.w);
	return map->ops->host_update(map, key, value, flags);
}

int bpfx_map__delete_elem(struct bpfx_map *map, const void *key)
{
	int err = host_check(map, true);

	if (err)
		return err;
	if (bad_buf(key, map->key_size))
		return -EFAULT;
	return (int)map->ops->delete(map, key);
}

int bpfx_map__get_next_key(struct bpfx_map *map, const void *key, void *next_key)
{
	int err = host_check(map, false);

	if (err)
		return err;
	if (bad_buf(next_key, map->key_size))
		return -EFAULT;
	return map->ops->get_next_key(map, key, next_key);
}
