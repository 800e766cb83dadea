/* SPDX-License-Identifier: MIT */
/*
 * obj_mem.c - the memory bpf_obj_new() hands out, and checked mode's view of it.
 *
 * Objects come from one arena per object, reserved on first use and returned to the
 * host only at close.  Checked mode checks an access, then makes it; another thread's
 * program may drop the object in between.  Since a dropped object's memory stays in
 * the arena (and is reused by later allocations, as bpf_mem_alloc reuses it), such a
 * late access lands in program memory, never in the host's heap.
 *
 * The arena is cut into 64 KiB chunks, each serving one size class (16 to 4096 bytes,
 * powers of 2).  A chunk's slot table holds each object's size (0: free), so checking
 * an address is O(1) whatever the number of objects: chunk = offset / 64 KiB, slot =
 * offset in chunk / class size.  Example: with the arena at A, a 24-byte object in a
 * chunk of class 32 at A + 0x20000, slot 3, spans A + 0x20060 .. A + 0x20078.
 * Bookkeeping (slot tables, free lists) lives outside the arena, out of programs'
 * reach.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/run.h"

#define ARENA_SIZE (64u << 20)       /* per object: bpf_obj_new gives NULL beyond */
#define CHUNK_SHIFT 16
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define NCHUNKS (ARENA_SIZE / CHUNK_SIZE)
#define MIN_SHIFT 4                  /* class 0: 16 bytes */
#define NCLASSES 9                   /* 16 .. 4096 */

struct chunk {
	_Atomic uint8_t cls;             /* class + 1; 0: not in use */
	_Atomic uint16_t *size;          /* per slot: the object's bytes, 0 when free */
};

struct class_state {
	uint32_t chunk;                  /* chunk being carved, or NCHUNKS */
	uint32_t next;                   /* its next never-used slot */
	uint32_t *free;                  /* dropped slots: chunk << 16 | slot */
	uint32_t free_cnt, free_cap;
};

struct bpfx_obj_mem {
	pthread_mutex_t lock;            /* alloc and free; checks take no lock */
	_Atomic(uint8_t *) base;         /* the arena, NULL until the first object */
	uint32_t chunks_used;
	struct class_state cls[NCLASSES];
	struct chunk chunks[NCHUNKS];
};

static uint32_t slot_size(uint32_t cls)
{
	return 1u << (cls + MIN_SHIFT);
}

static uint32_t class_of(size_t size)
{
	uint32_t c = 0;

	while (slot_size(c) < size)
		c++;
	return c;
}

int bpfx_obj_mem_init(struct bpfx_object *obj)
{
	struct bpfx_obj_mem *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	pthread_mutex_init(&m->lock, NULL);
	for (uint32_t c = 0; c < NCLASSES; c++)
		m->cls[c].chunk = NCHUNKS;
	obj->obj_mem = m;
	return 0;
}

void bpfx_obj_mem_destroy(struct bpfx_object *obj)
{
	struct bpfx_obj_mem *m = obj->obj_mem;
	uint8_t *base;

	if (!m)
		return;
	base = atomic_load(&m->base);
	if (base)
		munmap(base, ARENA_SIZE);    /* with whatever programs never dropped */
	for (uint32_t i = 0; i < m->chunks_used; i++)
		free((void *)m->chunks[i].size);
	for (uint32_t c = 0; c < NCLASSES; c++)
		free(m->cls[c].free);
	pthread_mutex_destroy(&m->lock);
	free(m);
	obj->obj_mem = NULL;
}

/* A new chunk for class c (under the lock); false when the arena is full. */
static bool new_chunk(struct bpfx_obj_mem *m, uint32_t c)
{
	uint32_t i = m->chunks_used;
	_Atomic uint16_t *size;

	if (!atomic_load(&m->base)) {
		void *p = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED)
			return false;
		atomic_store_explicit(&m->base, p, memory_order_release);
	}
	if (i == NCHUNKS)
		return false;
	size = calloc(CHUNK_SIZE / slot_size(c), sizeof(*size));
	if (!size)
		return false;
	m->chunks[i].size = size;
	atomic_store_explicit(&m->chunks[i].cls, (uint8_t)(c + 1), memory_order_release);
	m->chunks_used++;
	m->cls[c].chunk = i;
	m->cls[c].next = 0;
	return true;
}

/* A free slot of class c as chunk << 16 | slot (under the lock), or UINT32_MAX. */
static uint32_t take_slot(struct bpfx_obj_mem *m, uint32_t c)
{
	struct class_state *cs = &m->cls[c];

	if (cs->free_cnt)
		return cs->free[--cs->free_cnt];
	if ((cs->chunk == NCHUNKS || cs->next == CHUNK_SIZE / slot_size(c)) && !new_chunk(m, c))
		return UINT32_MAX;
	return cs->chunk << 16 | cs->next++;
}

static uint8_t *slot_addr(struct bpfx_obj_mem *m, uint32_t id)
{
	uint32_t chunk = id >> 16, slot = id & 0xffff;

	return atomic_load(&m->base) + (size_t)chunk * CHUNK_SIZE +
	       (size_t)slot * slot_size(atomic_load(&m->chunks[chunk].cls) - 1u);
}

void *bpfx_obj_mem_alloc(struct bpfx_object *obj, size_t size)
{
	struct bpfx_obj_mem *m = obj->obj_mem;
	uint8_t *p = NULL;
	uint32_t id;

	if (!m || !size || size > slot_size(NCLASSES - 1))
		return NULL;
	pthread_mutex_lock(&m->lock);
	id = take_slot(m, class_of(size));
	if (id != UINT32_MAX) {
		p = slot_addr(m, id);
		memset(p, 0, size);
		atomic_store(&m->chunks[id >> 16].size[id & 0xffff], (uint16_t)size);
	}
	pthread_mutex_unlock(&m->lock);
	return p;
}

/* The slot holding addr: its id, start and class size; false outside live chunks. */
static bool find_slot(struct bpfx_obj_mem *m, uint64_t addr, uint32_t *id, uint64_t *start)
{
	uintptr_t base = (uintptr_t)atomic_load_explicit(&m->base, memory_order_acquire);
	uint64_t off = addr - base;
	uint32_t chunk, cls;

	if (!base || addr < base || off >= ARENA_SIZE)
		return false;
	chunk = (uint32_t)(off >> CHUNK_SHIFT);
	cls = atomic_load_explicit(&m->chunks[chunk].cls, memory_order_acquire);
	if (!cls)
		return false;
	*id = chunk << 16 | (uint32_t)((off & (CHUNK_SIZE - 1)) / slot_size(cls - 1));
	*start = base + (uint64_t)chunk * CHUNK_SIZE +
		 (uint64_t)(*id & 0xffff) * slot_size(cls - 1);
	return true;
}

/* Remember a dropped slot for reuse (under the lock); out of memory, it is never
 * reused, which is safe. */
static void push_free(struct class_state *cs, uint32_t id)
{
	if (cs->free_cnt == cs->free_cap) {
		uint32_t cap = cs->free_cap ? cs->free_cap * 2 : 64;
		uint32_t *f = realloc(cs->free, cap * sizeof(*f));

		if (!f)
			return;
		cs->free = f;
		cs->free_cap = cap;
	}
	cs->free[cs->free_cnt++] = id;
}

bool bpfx_obj_mem_free(struct bpfx_object *obj, void *p)
{
	struct bpfx_obj_mem *m = obj->obj_mem;
	_Atomic uint16_t *size;
	uint64_t start;
	uint32_t id;
	bool ok = false;

	if (!m)
		return false;
	pthread_mutex_lock(&m->lock);
	if (find_slot(m, (uintptr_t)p, &id, &start) && start == (uintptr_t)p) {
		size = &m->chunks[id >> 16].size[id & 0xffff];
		ok = atomic_load(size) != 0;      /* not free already */
		if (ok) {
			atomic_store(size, 0);
			push_free(&m->cls[atomic_load(&m->chunks[id >> 16].cls) - 1u], id);
		}
	}
	pthread_mutex_unlock(&m->lock);
	return ok;
}

bool bpfx_obj_mem_has(const struct bpfx_object *obj, uint64_t addr, uint64_t size)
{
	struct bpfx_obj_mem *m = obj->obj_mem;
	uint64_t start;
	uint32_t id, n;

	if (!m || !find_slot(m, addr, &id, &start))
		return false;
	n = atomic_load_explicit(&m->chunks[id >> 16].size[id & 0xffff], memory_order_relaxed);
	return n && addr + size >= addr && addr + size <= start + n;
}
