/* SPDX-License-Identifier: MIT */
/*
 * hash.c - BPF_MAP_TYPE_HASH, PERCPU_HASH and LRU_HASH (kernel/bpf/hashtab.c).
 *
 * All max_entries elements are allocated up front, as the kernel does by default, so
 * a value pointer a program got stays valid memory for the map's lifetime (even after
 * the element is deleted or reused).  Element i is a key then a value in a slab; its
 * bookkeeping (bucket chain, LRU list, free list) lives apart in meta[i], out of the
 * programs' reach.  One mutex per map guards everything; for_each drops it around the
 * callback so that the callback may use the map.  get_next_key walks the slab in slot
 * order, which is stable while the map does not change.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "maps/internal.h"

#define HTAB_CREATE_FLAG_MASK                                            \
	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE |      \
	 BPFX_F_ACCESS_MASK | BPF_F_ZERO_SEED)
#define PCPU_MIN_UNIT_SIZE 32768
#define KMALLOC_MAX_SIZE (1u << 22)  /* x86-64 */
#define HTAB_ELEM_SIZE 48            /* sizeof(struct htab_elem) in the kernel */
#define BUCKET_SIZE 16               /* sizeof(struct bucket) */
#define NIL UINT32_MAX

struct hmeta {
	uint32_t next;              /* bucket chain when used, free list when not */
	uint32_t hash;
	uint32_t older, newer;      /* LRU list, when used */
	bool used;
};

struct htab {
	pthread_mutex_t lock;
	bool percpu, lru;
	uint32_t key_room;          /* key_size rounded up to 8 */
	size_t value_room;          /* one slot, or nr_cpus slots */
	size_t elem_size;
	uint32_t nslots;
	uint32_t n_buckets;         /* a power of 2 */
	uint32_t count;
	uint32_t free_head;
	uint32_t newest, oldest;    /* LRU ends */
	uint32_t *buckets;          /* first slot of each chain, or NIL */
	struct hmeta *meta;
	uint8_t *data;
	size_t data_size;
	char what[BPFX_MAP_WHAT_MAX];
};

static struct htab *htab(const struct bpfx_map *map)
{
	return map->priv;
}

static uint8_t *elem_key(const struct htab *h, uint32_t i)
{
	return h->data + (size_t)i * h->elem_size;
}

static uint8_t *elem_value(const struct htab *h, uint32_t i)
{
	return elem_key(h, i) + h->key_room;
}

/* Where cpu's slot starts in a value (0 unless per-CPU). */
static size_t cpu_off(const struct bpfx_map *map, uint32_t cpu)
{
	return htab(map)->percpu ? (size_t)cpu * bpfx_percpu_slot(map->value_size) : 0;
}

/* ---------------------------------------------------------------------------------
 * Hashing and the bucket chains.
 */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static uint32_t hash_key(const void *key, uint32_t size)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ size, w;

	for (; size >= 8; p += 8, size -= 8) {
		memcpy(&w, p, 8);
		h = mix(h ^ w);
	}
	if (size) {
		w = 0;
		memcpy(&w, p, size);
		h = mix(h ^ w);
	}
	return (uint32_t)(h ^ (h >> 32));
}

static uint32_t *bucket(const struct htab *h, uint32_t hash)
{
	return &h->buckets[hash & (h->n_buckets - 1)];
}

/* The slot holding key, or NIL.  The walk is bounded even if the chain were bad. */
static uint32_t find(const struct bpfx_map *map, const void *key, uint32_t hash)
{
	const struct htab *h = htab(map);
	uint32_t i = *bucket(h, hash), steps = 0;

	while (i < h->nslots && steps++ < h->nslots) {
		if (h->meta[i].hash == hash && !memcmp(elem_key(h, i), key, map->key_size))
			return i;
		i = h->meta[i].next;
	}
	return NIL;
}

/* ---------------------------------------------------------------------------------
 * The LRU list: newest at one end, the next victim at the other.
 */

static void lru_unlink(struct htab *h, uint32_t i)
{
	struct hmeta *m = &h->meta[i];

	if (m->older != NIL)
		h->meta[m->older].newer = m->newer;
	else
		h->oldest = m->newer;
	if (m->newer != NIL)
		h->meta[m->newer].older = m->older;
	else
		h->newest = m->older;
}

static void lru_push(struct htab *h, uint32_t i)
{
	h->meta[i].older = h->newest;
	h->meta[i].newer = NIL;
	if (h->newest != NIL)
		h->meta[h->newest].newer = i;
	else
		h->oldest = i;
	h->newest = i;
}

static void lru_touch(struct htab *h, uint32_t i)
{
	if (h->lru && h->newest != i) {
		lru_unlink(h, i);
		lru_push(h, i);
	}
}

/* ---------------------------------------------------------------------------------
 * Taking and giving back slots.
 */

static void link_elem(struct htab *h, uint32_t i, uint32_t hash)
{
	uint32_t *b = bucket(h, hash);

	h->meta[i].hash = hash;
	h->meta[i].next = *b;
	h->meta[i].used = true;
	*b = i;
	h->count++;
	if (h->lru)
		lru_push(h, i);
}

static void unlink_elem(struct htab *h, uint32_t i)
{
	uint32_t *p = bucket(h, h->meta[i].hash), steps = 0;

	while (*p != i && *p < h->nslots && steps++ < h->nslots)
		p = &h->meta[*p].next;
	if (*p == i)
		*p = h->meta[i].next;
	if (h->lru)
		lru_unlink(h, i);
	h->meta[i].used = false;
	h->meta[i].next = h->free_head;
	h->free_head = i;
	h->count--;
}

/* A free slot; an LRU map evicts its least recently used element when full. */
static uint32_t take_slot(struct htab *h)
{
	uint32_t i;

	if (h->free_head == NIL && h->lru && h->oldest != NIL)
		unlink_elem(h, h->oldest);
	i = h->free_head;
	if (i != NIL)
		h->free_head = h->meta[i].next;
	return i;
}

/* ---------------------------------------------------------------------------------
 * Creating.
 */

static int check_attr(const struct bpfx_map *map, bool percpu, bool lru, const char **why)
{
	uint32_t flags = map->map_flags;

	*why = NULL;
	if ((flags & ~HTAB_CREATE_FLAG_MASK) || !bpfx_map_access_ok(flags))
		*why = "unsupported map_flags";
	else if (!lru && (flags & BPF_F_NO_COMMON_LRU))
		*why = "BPF_F_NO_COMMON_LRU is for LRU maps";
	else if (lru && (flags & BPF_F_NO_PREALLOC)) {
		*why = "an LRU map must be preallocated";
		return -ENOTSUPP;
	} else if ((flags & BPF_F_NUMA_NODE) && (percpu || (flags & BPF_F_NO_COMMON_LRU)))
		*why = "BPF_F_NUMA_NODE not allowed for per-CPU maps";
	else if (!map->max_entries || !map->key_size || !map->value_size)
		*why = "max_entries, key_size and value_size must not be 0";
	if (*why)
		return -EINVAL;
	if ((uint64_t)map->key_size + map->value_size >= KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE ||
	    (percpu && bpfx_percpu_slot(map->value_size) > PCPU_MIN_UNIT_SIZE)) {
		*why = "key_size + value_size too large";
		return -E2BIG;
	}
	return 0;
}

/* BPF_F_NO_COMMON_LRU: the kernel gives every CPU's list the same share. */
static void round_percpu_lru(struct bpfx_map *map)
{
	uint64_t n = map->nr_cpus, up;

	if (!(map->map_flags & BPF_F_NO_COMMON_LRU) || n == 0)
		return;
	up = (map->max_entries + n - 1) / n * n;
	map->max_entries = up <= UINT32_MAX ? (uint32_t)up : (uint32_t)(map->max_entries / n * n);
}

static uint32_t roundup_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static int alloc_tables(struct bpfx_map *map, struct htab *h)
{
	uint32_t i;

	if (!bpfx_size_mul(h->nslots, h->elem_size, &h->data_size))
		return -ENOMEM;
	h->buckets = malloc((size_t)h->n_buckets * sizeof(*h->buckets));
	h->meta = calloc(h->nslots, sizeof(*h->meta));
	h->data = calloc(1, h->data_size);
	if (!h->buckets || !h->meta || !h->data)
		return -ENOMEM;
	for (i = 0; i < h->n_buckets; i++)
		h->buckets[i] = NIL;
	for (i = 0; i < h->nslots; i++)
		h->meta[i].next = i + 1 < h->nslots ? i + 1 : NIL;
	h->free_head = 0;
	h->newest = h->oldest = NIL;
	return 0;
}

static void htab_free(struct bpfx_map *map)
{
	struct htab *h = htab(map);

	if (!h)
		return;
	pthread_mutex_destroy(&h->lock);
	free(h->buckets);
	free(h->meta);
	free(h->data);
	free(h);
	map->priv = NULL;
}

static int alloc_fail(struct bpfx_map *map, int err, const char *why)
{
	bpfx_obj_log(map->obj, BPFX_WARN, "map '%s': %s (key_size %u, value_size %u, "
		     "max_entries %u, map_flags 0x%x)", map->name, why, map->key_size,
		     map->value_size, map->max_entries, map->map_flags);
	return err;
}

static int htab_alloc(struct bpfx_map *map)
{
	bool percpu = map->type == BPF_MAP_TYPE_PERCPU_HASH;
	bool lru = map->type == BPF_MAP_TYPE_LRU_HASH;
	const char *why;
	struct htab *h;
	int err;

	err = check_attr(map, percpu, lru, &why);
	if (err)
		return alloc_fail(map, err, why);
	if (lru)
		round_percpu_lru(map);
	if (map->max_entries > (1u << 31) ||
	    roundup_pow2(map->max_entries) > UINT32_MAX / BUCKET_SIZE)
		return alloc_fail(map, -E2BIG, "max_entries too large");
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	map->priv = h;
	pthread_mutex_init(&h->lock, NULL);
	h->percpu = percpu;
	h->lru = lru;
	h->key_room = bpfx_percpu_slot(map->key_size);
	h->value_room = (size_t)bpfx_percpu_slot(map->value_size) * (percpu ? map->nr_cpus : 1);
	h->elem_size = h->key_room + h->value_room;
	h->nslots = map->max_entries;
	h->n_buckets = roundup_pow2(map->max_entries);
	bpfx_map_what(h->what, sizeof(h->what), map, "elements");
	err = alloc_tables(map, h);
	if (err) {
		htab_free(map);
		return alloc_fail(map, err, "cannot allocate the elements");
	}
	return 0;
}

/* ---------------------------------------------------------------------------------
 * The BPF side.
 */

static void *htab_lookup(struct bpfx_map *map, const void *key, uint32_t cpu)
{
	struct htab *h = htab(map);
	uint8_t *value = NULL;
	uint32_t i;

	if (h->percpu && cpu >= map->nr_cpus)
		return NULL;
	pthread_mutex_lock(&h->lock);
	i = find(map, key, hash_key(key, map->key_size));
	if (i != NIL) {
		lru_touch(h, i);
		value = elem_value(h, i) + cpu_off(map, cpu);
	}
	pthread_mutex_unlock(&h->lock);
	return value;
}

/* Where an update's value comes from: the host gives every CPU's slot (cpu == NIL),
 * a program gives its own CPU's. */
static void store_value(const struct bpfx_map *map, uint32_t i, const void *value,
			uint32_t cpu, bool fresh)
{
	const struct htab *h = htab(map);
	uint32_t slot = bpfx_percpu_slot(map->value_size);
	uint8_t *dst = elem_value(h, i);

	/* memmove: a program may pass a pointer into this very map */
	if (!h->percpu) {
		if (fresh)
			bpfx_clear_lock(map, dst);
		bpfx_copy_value(map, dst, value);
	} else if (cpu == NIL) {
		memmove(dst, value, h->value_room);
	} else {
		size_t off = (size_t)cpu * slot;

		memmove(dst + off, value, map->value_size);
		/* pcpu_init_value(): a new element's other CPUs start at zero */
		if (fresh) {
			memset(dst, 0, off);
			memset(dst + off + slot, 0, h->value_room - off - slot);
		}
	}
}

/* locked: for BPF_F_LOCK, an existing element's value is not written but handed out
 * to be written under its lock. */
static long update(struct bpfx_map *map, const void *key, const void *value,
		   uint64_t flags, uint32_t cpu, void **locked)
{
	struct htab *h = htab(map);
	uint32_t hash = hash_key(key, map->key_size), i;
	long err = 0;

	if (flags > BPF_EXIST)
		return -EINVAL; /* unknown flags, or BPF_F_LOCK without a bpf_spin_lock */
	pthread_mutex_lock(&h->lock);
	i = find(map, key, hash);
	if (i != NIL && flags == BPF_NOEXIST)
		err = -EEXIST;
	else if (i == NIL && flags == BPF_EXIST)
		err = -ENOENT;
	else if (i != NIL && locked) {
		*locked = elem_value(h, i);
	} else if (i != NIL) {
		store_value(map, i, value, cpu, false);
		lru_touch(h, i);
	} else if ((i = take_slot(h)) == NIL) {
		err = -E2BIG;
	} else {
		memmove(elem_key(h, i), key, map->key_size);
		store_value(map, i, value, cpu, true);
		link_elem(h, i, hash);
	}
	pthread_mutex_unlock(&h->lock);
	return err;
}

static long htab_update(struct bpfx_map *map, const void *key, const void *value,
			uint64_t flags, uint32_t cpu)
{
	if (!bpfx_map_prog_writable(map))
		return -EPERM;
	if (htab(map)->percpu && cpu >= map->nr_cpus)
		return -EINVAL;
	return update(map, key, value, flags, htab(map)->percpu ? cpu : 0, NULL);
}

/* htab_map_update_elem() with BPF_F_LOCK: an existing element's value is copied in
 * place under its lock (outside the map's mutex, as the kernel copies outside the
 * bucket lock); a new element is written as usual.  The LRU and per-CPU maps take
 * no BPF_F_LOCK. */
static long htab_update_locked(struct bpfx_map *map, const void *key, const void *value,
			       uint64_t flags, struct bpfx_lock_wait *w)
{
	struct htab *h = htab(map);
	uint64_t plain = flags & ~(uint64_t)BPF_F_LOCK;
	void *dst = NULL;
	long err;

	if (h->percpu || h->lru || plain > BPF_EXIST || map->lock_off < 0)
		return -EINVAL;
	err = update(map, key, value, plain, 0, &dst);
	if (err || !dst)
		return err;
	return bpfx_map_copy_locked(map, dst, value, false, w);
}

static long htab_delete(struct bpfx_map *map, const void *key)
{
	struct htab *h = htab(map);
	uint32_t i;

	pthread_mutex_lock(&h->lock);
	i = find(map, key, hash_key(key, map->key_size));
	if (i != NIL)
		unlink_elem(h, i);
	pthread_mutex_unlock(&h->lock);
	return i != NIL ? 0 : -ENOENT;
}

/* Slot order; the lock is not held while fn runs, so fn may update or delete. */
static long htab_for_each(struct bpfx_map *map, bpfx_map_each_fn fn, void *ctx,
			  uint32_t cpu)
{
	struct htab *h = htab(map);
	size_t off = cpu_off(map, cpu);
	long n = 0;
	uint32_t i;
	bool used;

	if (h->percpu && cpu >= map->nr_cpus)
		return -EINVAL;
	for (i = 0; i < h->nslots; i++) {
		pthread_mutex_lock(&h->lock);
		used = h->meta[i].used;
		pthread_mutex_unlock(&h->lock);
		if (!used)
			continue;
		n++;
		if (fn(map, elem_key(h, i), elem_value(h, i) + off, ctx))
			break;
	}
	return n;
}

/* ---------------------------------------------------------------------------------
 * The host side.
 */

static int htab_host_lookup(struct bpfx_map *map, const void *key, void *value)
{
	struct htab *h = htab(map);
	uint32_t i;

	/* like htab_lru_map_lookup_elem_sys(): the host does not refresh LRU order */
	pthread_mutex_lock(&h->lock);
	i = find(map, key, hash_key(key, map->key_size));
	if (i != NIL) {
		memcpy(value, elem_value(h, i), h->percpu ? h->value_room : map->value_size);
		if (!h->percpu)
			bpfx_clear_lock(map, value);
	}
	pthread_mutex_unlock(&h->lock);
	return i != NIL ? 0 : -ENOENT;
}

static int htab_host_update(struct bpfx_map *map, const void *key, const void *value,
			    uint64_t flags)
{
	return (int)update(map, key, value, flags, NIL, NULL);
}

/* The key after key in slot order; the first when key is NULL or absent. */
static int htab_get_next_key(struct bpfx_map *map, const void *key, void *next_key)
{
	struct htab *h = htab(map);
	uint32_t i = 0;
	int err = -ENOENT;

	pthread_mutex_lock(&h->lock);
	if (key) {
		i = find(map, key, hash_key(key, map->key_size));
		i = i == NIL ? 0 : i + 1;
	}
	for (; i < h->nslots; i++) {
		if (h->meta[i].used) {
			memcpy(next_key, elem_key(h, i), map->key_size);
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return err;
}

static size_t htab_regions(const struct bpfx_map *map, struct bpfx_region *out,
			   size_t max)
{
	const struct htab *h = htab(map);

	if (out && max) {
		out[0] = (struct bpfx_region){ (uintptr_t)h->data,
					       (uintptr_t)h->data + h->data_size,
					       bpfx_map_prog_writable(map), h->what };
		return 1;
	}
	return out ? 0 : 1;
}

const struct bpfx_map_ops bpfx_htab_ops = {
	.alloc = htab_alloc,
	.free = htab_free,
	.lookup = htab_lookup,
	.update = htab_update,
	.delete = htab_delete,
	.for_each = htab_for_each,
	.host_lookup = htab_host_lookup,
	.host_update = htab_host_update,
	.get_next_key = htab_get_next_key,
	.update_locked = htab_update_locked,
	.regions = htab_regions,
};
