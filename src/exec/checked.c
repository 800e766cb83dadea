/* SPDX-License-Identifier: MIT */
/*
 * checked.c - checked mode: every load, store and helper argument must lie in memory
 * the program may touch (its stack, the context, the packet, map values, ringbuf
 * records, global data, bpf_obj_new objects: exec/obj_mem.c).  A bad access stops the
 * run with a report naming the instruction, the address and the nearest region.
 * Helpers' own work is charged to the run's instruction budget.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "exec/run.h"
#include "helpers/func.h"
#include "maps/map.h"

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
	return bpfx_obj_mem_init(obj);
}

void bpfx_regions_free(struct bpfx_object *obj)
{
	free(obj->regions);
	obj->regions = NULL;
	obj->region_cnt = 0;
	bpfx_obj_mem_destroy(obj);
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
	if (r || bpfx_obj_mem_has(obj, addr, size))
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

void bpfx_run_charge(struct bpfx_run *run, uint64_t n, const char *what)
{
	if (!run->checked)
		return;
	if (n > run->budget) {
		run->budget = 0;
		bpfx_run_fault(run, -BPFX_ERR_BUDGET, "instruction budget exhausted in %s", what);
	}
	run->budget -= n;
}

/* What a helper pays for the bytes of a memory argument it may touch. */
static void charge_bytes(struct bpfx_run *run, const struct bpfx_func *f, uint64_t size)
{
	bpfx_run_charge(run, size / BPFX_CHARGE_BYTES, f->name);
}

/* A memory argument sized by BPFX_ARG_SIZE needs at least one byte, as the kernel's
 * ARG_CONST_SIZE does (only BPFX_ARG_SIZE_OR_ZERO lets a helper see 0 bytes, and
 * then maybe a NULL pointer). */
static void mem_arg_check(struct bpfx_run *run, const struct bpfx_func *f,
			  const uint64_t *r, int i)
{
	uint64_t size = size_arg(f, r, i);

	if (!size && i < 4 && f->sig.args[i + 1] == BPFX_ARG_SIZE)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "%s: R%d invalid zero-sized read",
			       f->name, i + 2);
	if (size)
		bpfx_mem_check(run, r[i + 1], size, f->sig.args[i] == BPFX_ARG_PTR_TO_UNINIT);
	charge_bytes(run, f, size);
}

/* While a bpf_spin_lock is held the kernel allows no call but bpf_spin_unlock and the
 * kfuncs of open-coded iterators: any other could free the lock's memory
 * (bpf_obj_drop), take the lock again from a callback, or tail-call away with it. */
static bool may_call_locked(const struct bpfx_func *f)
{
	if (!f)
		return false;                          /* bpf_tail_call */
	if (f->id)
		return f->id == BPF_FUNC_spin_unlock;
	return !strncmp(f->name, "bpf_iter_num_", strlen("bpf_iter_num_"));
}

void bpfx_lock_call_check(struct bpfx_run *run, const struct bpfx_func *f)
{
	if (run->spin_lock && !may_call_locked(f))
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "function calls are not allowed while holding a lock (%s)",
			       f ? f->name : "bpf_tail_call");
}

void bpfx_args_check(struct bpfx_run *run, const struct bpfx_func *f, const uint64_t *r)
{
	struct bpfx_map *map = NULL;

	bpfx_lock_call_check(run, f);

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
			charge_bytes(run, f, f->sig.args[i] == BPFX_ARG_MAP_KEY ? map->key_size
										: map->value_size);
			break;
		case BPFX_ARG_PTR_TO_MEM:
		case BPFX_ARG_PTR_TO_UNINIT:
			mem_arg_check(run, f, r, i);
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
