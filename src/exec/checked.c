/* SPDX-License-Identifier: MIT */
/*
 * checked.c - checked mode: every load, store and helper argument must lie in memory
 * the program may touch (its stack, the context, the packet, map values, ringbuf
 * records, global data, bpf_obj_new objects).  A bad access stops the run with a
 * report naming the instruction, the address and the nearest region.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "exec/run.h"
#include "helpers/func.h"
#include "maps/map.h"

struct bpfx_dyn_regions {
	pthread_mutex_t lock;
	struct bpfx_region *r;
	uint32_t cnt, cap;
};

static int cmp_region(const void *a, const void *b)
{
	const struct bpfx_region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int bpfx_regions_build(struct bpfx_object *obj)
{
	size_t cnt = 0, n;

	for (uint32_t i = 0; i < obj->map_cnt; i++)
		cnt += obj->maps[i].ops->regions(&obj->maps[i], NULL, 0);
	obj->regions = calloc(cnt ? cnt : 1, sizeof(*obj->regions));
	if (!obj->regions)
		return -ENOMEM;
	for (uint32_t i = 0; i < obj->map_cnt; i++) {
		n = obj->maps[i].ops->regions(&obj->maps[i], obj->regions + obj->region_cnt,
					      cnt - obj->region_cnt);
		obj->region_cnt += (uint32_t)n;
	}
	qsort(obj->regions, obj->region_cnt, sizeof(*obj->regions), cmp_region);
	obj->dyn = calloc(1, sizeof(*obj->dyn));
	if (!obj->dyn)
		return -ENOMEM;
	pthread_mutex_init(&obj->dyn->lock, NULL);
	return 0;
}

void bpfx_regions_free(struct bpfx_object *obj)
{
	free(obj->regions);
	obj->regions = NULL;
	obj->region_cnt = 0;
	if (obj->dyn) {
		for (uint32_t i = 0; i < obj->dyn->cnt; i++)
			free((void *)obj->dyn->r[i].start);   /* never dropped: still ours */
		pthread_mutex_destroy(&obj->dyn->lock);
		free(obj->dyn->r);
		free(obj->dyn);
		obj->dyn = NULL;
	}
}

int bpfx_dyn_region_add(struct bpfx_object *obj, void *p, size_t size)
{
	struct bpfx_dyn_regions *d = obj->dyn;
	int err = 0;

	pthread_mutex_lock(&d->lock);
	if (d->cnt == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : 16;
		struct bpfx_region *r = realloc(d->r, cap * sizeof(*r));

		if (r) {
			d->r = r;
			d->cap = cap;
		} else {
			err = -ENOMEM;
		}
	}
	if (!err)
		d->r[d->cnt++] = (struct bpfx_region){ (uintptr_t)p, (uintptr_t)p + size, true,
						       "bpf_obj_new object" };
	pthread_mutex_unlock(&d->lock);
	return err;
}

bool bpfx_dyn_region_del(struct bpfx_object *obj, void *p)
{
	struct bpfx_dyn_regions *d = obj->dyn;
	bool found = false;

	pthread_mutex_lock(&d->lock);
	for (uint32_t i = 0; i < d->cnt && !found; i++) {
		if (d->r[i].start == (uintptr_t)p) {
			d->r[i] = d->r[--d->cnt];
			found = true;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return found;
}

/* What the run itself owns: stack, context, packet. */
static uint32_t run_regions(const struct bpfx_run *run, struct bpfx_region *out)
{
	uint32_t n = 0;

	out[n++] = (struct bpfx_region){ (uintptr_t)bpfx_run_fp(run, run->depth) - BPFX_STACK_SIZE,
					 (uintptr_t)run->stack + sizeof(run->stack), true, "stack" };
	if (run->ctx)
		out[n++] = (struct bpfx_region){ (uintptr_t)run->ctx,
						 (uintptr_t)run->ctx + run->ctx_size, true, "context" };
	if (run->pkt.data)
		out[n++] = (struct bpfx_region){ (uintptr_t)run->pkt.meta,
						 (uintptr_t)run->pkt.data_end, true, "packet" };
	return n;
}

static bool inside(const struct bpfx_region *r, uint64_t addr, uint64_t size)
{
	return addr >= r->start && addr + size <= r->end;
}

/* Distance from [addr, addr + size) to a region, for "what it was near". */
static uint64_t distance(const struct bpfx_region *r, uint64_t addr, uint64_t size)
{
	if (addr + size <= r->start)
		return r->start - addr;
	return addr >= r->end ? addr - r->end + 1 : 0;
}

static const struct bpfx_region *find_static(const struct bpfx_object *obj, uint64_t addr,
					     uint64_t size)
{
	int lo = 0, hi = (int)obj->region_cnt - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const struct bpfx_region *r = &obj->regions[mid];

		if (addr < r->start)
			hi = mid - 1;
		else if (addr >= r->end)
			lo = mid + 1;
		else
			return inside(r, addr, size) ? r : NULL;
	}
	return NULL;
}

static bool find_dyn(struct bpfx_object *obj, uint64_t addr, uint64_t size)
{
	struct bpfx_dyn_regions *d = obj->dyn;
	bool found = false;

	pthread_mutex_lock(&d->lock);
	for (uint32_t i = 0; i < d->cnt && !found; i++)
		found = inside(&d->r[i], addr, size);
	pthread_mutex_unlock(&d->lock);
	return found;
}

static _Noreturn void access_fault(struct bpfx_run *run, uint64_t addr, uint64_t size,
				   bool write, const char *why)
{
	const struct bpfx_object *obj = run->prog->obj;
	struct bpfx_region own[3];
	const struct bpfx_region *near = NULL;
	uint32_t n = run_regions(run, own);
	uint64_t best = UINT64_MAX;

	for (uint32_t i = 0; i < n + obj->region_cnt; i++) {
		const struct bpfx_region *r = i < n ? &own[i] : &obj->regions[i - n];

		if (distance(r, addr, size) < best) {
			best = distance(r, addr, size);
			near = r;
		}
	}
	if (near && best <= 4096)
		bpfx_run_fault(run, -BPFX_ERR_FAULT,
			       "invalid %s of %" PRIu64 " bytes at 0x%" PRIx64 ": %s (%s is 0x%" PRIxPTR "-0x%" PRIxPTR ")",
			       write ? "write" : "read", size, addr, why, near->what, near->start,
			       near->end);
	bpfx_run_fault(run, -BPFX_ERR_FAULT, "invalid %s of %" PRIu64 " bytes at 0x%" PRIx64 ": %s",
		       write ? "write" : "read", size, addr, why);
}

enum verdict { MEM_OK, MEM_WRAPS, MEM_READ_ONLY, MEM_OUTSIDE };

static enum verdict mem_verdict(struct bpfx_run *run, uint64_t addr, uint64_t size,
				bool write)
{
	struct bpfx_object *obj = run->prog->obj;
	struct bpfx_region own[3];
	const struct bpfx_region *r;
	uint32_t n;

	if (addr + size < addr)
		return MEM_WRAPS;
	n = run_regions(run, own);
	for (uint32_t i = 0; i < n; i++)
		if (inside(&own[i], addr, size))
			return MEM_OK;
	r = find_static(obj, addr, size);
	if (r && write && !r->writable)
		return MEM_READ_ONLY;
	if (r || find_dyn(obj, addr, size))
		return MEM_OK;
	return MEM_OUTSIDE;
}

void bpfx_mem_check(struct bpfx_run *run, uint64_t addr, uint64_t size, bool write)
{
	static const char *const why[] = {
		[MEM_WRAPS] = "the range wraps around",
		[MEM_READ_ONLY] = "the memory is read-only",
		[MEM_OUTSIDE] = "not memory the program may touch",
	};
	enum verdict v = mem_verdict(run, addr, size, write);

	if (v != MEM_OK)
		access_fault(run, addr, size, write, why[v]);
}

bool bpfx_mem_ok(struct bpfx_run *run, uint64_t addr, uint64_t size, bool write)
{
	return mem_verdict(run, addr, size, write) == MEM_OK;
}

struct bpfx_map *bpfx_map_arg(struct bpfx_run *run, uint64_t ptr, int regno)
{
	const struct bpfx_object *obj = run->prog->obj;
	uintptr_t lo = (uintptr_t)obj->maps, off = (uintptr_t)ptr - lo;

	if ((uintptr_t)ptr < lo || off % sizeof(*obj->maps) ||
	    off / sizeof(*obj->maps) >= obj->map_cnt)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "R%d is not a map (0x%llx)", regno,
			       (unsigned long long)ptr);
	return (struct bpfx_map *)(uintptr_t)ptr;
}

static uint64_t size_arg(const struct bpfx_func *f, const uint64_t *r, int i)
{
	if (i < 4 && (f->sig.args[i + 1] == BPFX_ARG_SIZE ||
		      f->sig.args[i + 1] == BPFX_ARG_SIZE_OR_ZERO))
		return r[i + 2];
	return 0;
}

void bpfx_args_check(struct bpfx_run *run, const struct bpfx_func *f, const uint64_t *r)
{
	struct bpfx_map *map = NULL;

	for (int i = 0; i < 5 && f->sig.args[i] != BPFX_ARG_NONE; i++) {
		uint64_t v = r[i + 1];

		switch (f->sig.args[i]) {
		case BPFX_ARG_MAP:
			map = bpfx_map_arg(run, v, i + 1);
			break;
		case BPFX_ARG_MAP_KEY:
		case BPFX_ARG_MAP_VALUE:
			if (!map)
				bpfx_run_fault(run, -BPFX_ERR_CALL, "%s: R%d needs a map argument first",
					       f->name, i + 1);
			bpfx_mem_check(run, v, f->sig.args[i] == BPFX_ARG_MAP_KEY ? map->key_size
										  : map->value_size, false);
			break;
		case BPFX_ARG_PTR_TO_MEM:
		case BPFX_ARG_PTR_TO_UNINIT:
			if (size_arg(f, r, i))
				bpfx_mem_check(run, v, size_arg(f, r, i),
					       f->sig.args[i] == BPFX_ARG_PTR_TO_UNINIT);
			break;
		case BPFX_ARG_PTR_TO_CTX:
			if (v != (uint64_t)(uintptr_t)run->ctx)
				bpfx_run_fault(run, -BPFX_ERR_CALL, "%s: R%d is not the context",
					       f->name, i + 1);
			break;
		default:
			break;
		}
	}
}
