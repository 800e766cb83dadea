/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the map types in maps/ share and nobody outside maps/ needs:
 * the ops tables, size arithmetic that cannot overflow, and the text that names a
 * map's memory for checked mode.
 */
#ifndef BPFX_MAPS_INTERNAL_H
#define BPFX_MAPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "maps/map.h"

/* The kernel-internal errno that bpf(2) hands to user space unchanged (e.g. lookup
 * in a ring buffer, an LRU map without preallocation). */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

#define BPFX_MAP_WHAT_MAX 128

/* Flags every map type accepts: NUMA placement and access restrictions. */
#define BPFX_F_ACCESS_MASK \
	(BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG)

extern const struct bpfx_map_ops bpfx_array_ops;      /* array.c: ARRAY, PERCPU_ARRAY */
extern const struct bpfx_map_ops bpfx_htab_ops;       /* hash.c: (PERCPU_|LRU_)HASH */
extern const struct bpfx_map_ops bpfx_prog_array_ops; /* prog_array.c */
extern const struct bpfx_map_ops bpfx_ringbuf_ops;    /* ringbuf.c */

/* The kernel's name of a map type ("BPF_MAP_TYPE_DEVMAP"), or "unknown". */
const char *bpfx_map_type_name(uint32_t type);

/* Write "map '<name>' <part>" into buf (truncated to size). */
void bpfx_map_what(char *buf, size_t size, const struct bpfx_map *map, const char *part);

/* May programs write the map's memory?  Not .rodata/.kconfig, nor BPF_F_RDONLY_PROG. */
bool bpfx_map_prog_writable(const struct bpfx_map *map);

/* Not both BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG (bpf_map_flags_access_ok()). */
static inline bool bpfx_map_access_ok(uint32_t flags)
{
	return (flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !=
	       (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG);
}

/* *out = a * b; false if that overflows size_t. */
static inline bool bpfx_size_mul(size_t a, size_t b, size_t *out)
{
	if (a && b > SIZE_MAX / a)
		return false;
	*out = a * b;
	return true;
}

static inline uint32_t bpfx_key_u32(const void *key)
{
	uint32_t k;

	memcpy(&k, key, sizeof(k));
	return k;
}

/* Copying values as copy_map_value() does: every byte but a struct bpf_spin_lock's,
 * so that an update neither takes nor drops the lock of the element it writes (the
 * kernel's programs cannot touch the lock word; a host copy shows it as 0).  src may
 * overlap dst (a program may pass a pointer into the map). */
static inline void bpfx_copy_value(const struct bpfx_map *map, void *dst, const void *src)
{
	uint32_t off = map->lock_off >= 0 ? (uint32_t)map->lock_off : map->value_size;

	memmove(dst, src, off);
	if (off < map->value_size)
		memmove((uint8_t *)dst + off + 4, (const uint8_t *)src + off + 4,
			map->value_size - off - 4);
}

/* check_and_init_map_value(): the lock word of a copy for the host, or of a new
 * element, is 0. */
static inline void bpfx_clear_lock(const struct bpfx_map *map, void *value)
{
	if (map->lock_off >= 0)
		memset((uint8_t *)value + map->lock_off, 0, 4);
}

/* The offset of a struct bpf_spin_lock at the top level of the map's value (a .maps
 * value struct, or a variable of a global data section), from BTF; -1 if none. */
int32_t bpfx_map_lock_off(const struct bpfx_map *map);

/* array_map_get_next_key(): arrays and prog arrays.  No key, or one out of range,
 * gives index 0; the last index gives -ENOENT. */
int bpfx_index_next_key(const struct bpfx_map *map, const void *key, void *next_key);

#endif /* BPFX_MAPS_INTERNAL_H */
