/* SPDX-License-Identifier: MIT */
/*
 * test_run_safety.c - regressions of the run side that need threads or the internals:
 *   obj_drop_races_access  one thread's program drops a bpf_obj_new object while
 *                          another's writes to it (tests/progs/run_safety.bpf.c): a
 *                          write checked just before the drop went to freed host
 *                          memory (ASan: heap-use-after-free).  Now a dropped object
 *                          stays in the object's arena until close.
 *   obj_mem_*              that arena (exec/obj_mem.c): what a check accepts, drops
 *                          of bad pointers, reuse, and a full arena.
 *   spin_lock_contention_not_stuck
 *                          bpf_spin_lock stops a waiter when no run holds the lock
 *                          (a program wrote its word); threads contending for a real
 *                          lock must never be stopped so.
 * The single-threaded regressions are programs of run_safety.bpf.c checked by
 * tests/fuzz/tests.cmake.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/run.h"
#include "check.h"

#define RACE_SECONDS 0.5

/* --- obj_drop_races_access ------------------------------------------------------- */

struct race {
	struct bpfx_program *share, *use, *drop;
	volatile int stop;
	long faults, uses;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A run may end normally, or be stopped by checked mode (the object was dropped
 * under it); nothing else. */
static void run_ok(struct bpfx_program *prog, long *faults)
{
	struct bpfx_result res;
	int err = bpfx_program__run(prog, NULL, &res);

	if (err == -BPFX_ERR_FAULT)
		(*faults)++;
	else if (err)
		fprintf(stderr, "%s: %d %s\n", bpfx_program__name(prog), err, res.fault);
	CHECK(err == 0 || err == -BPFX_ERR_FAULT);
}

static void *race_user(void *p)
{
	struct race *r = p;
	long faults = 0, uses = 0;

	while (!r->stop) {
		run_ok(r->share, &faults);
		run_ok(r->use, &faults);
		uses++;
	}
	__atomic_add_fetch(&r->faults, faults, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&r->uses, uses, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *race_dropper(void *p)
{
	struct race *r = p;
	long faults = 0;

	while (!r->stop)
		run_ok(r->drop, &faults);
	__atomic_add_fetch(&r->faults, faults, __ATOMIC_SEQ_CST);
	return NULL;
}

static void obj_drop_races_access(void)
{
	const char *build = getenv("BPFX_BUILD");
	struct race r = { 0 };
	struct bpfx_object *obj;
	pthread_t t[3];
	char path[4096];
	double end;

	snprintf(path, sizeof(path), "%s/tests/progs/run_safety.bpf.o", build ? build : ".");
	obj = bpfx_object__open_file(path, NULL);
	CHECK(obj && bpfx_object__load(obj) == 0);
	if (!obj)
		return;
	r.share = bpfx_object__find_program(obj, "obj_share");
	r.use = bpfx_object__find_program(obj, "obj_use_shared");
	r.drop = bpfx_object__find_program(obj, "obj_drop_shared");
	CHECK(r.share && r.use && r.drop);
	if (r.share && r.use && r.drop) {
		pthread_create(&t[0], NULL, race_user, &r);
		pthread_create(&t[1], NULL, race_user, &r);
		pthread_create(&t[2], NULL, race_dropper, &r);
		for (end = now_s() + RACE_SECONDS; now_s() < end;)
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
		r.stop = 1;
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
		CHECK(r.uses > 0);
		printf("obj_drop_races_access: %ld uses, %ld stopped by checked mode\n", r.uses,
		       r.faults);
	}
	bpfx_object__close(obj);
}

/* --- spin_lock_contention_not_stuck ----------------------------------------------- *
 * A waiter stops when the lock it waits for is taken by no run (a program wrote the
 * word); real holders on other threads must never look like that.  maps_lock.bpf.c's
 * spin_lock_array returns 2128 whenever it ran its locked section whole. */

struct contention {
	struct bpfx_program *prog;
	volatile int stop;
	long runs;
};

static void *contender(void *p)
{
	struct contention *c = p;
	struct bpfx_result res;
	long runs = 0;
	int err;

	while (!c->stop) {
		err = bpfx_program__run(c->prog, NULL, &res);
		if (err || res.retval != 2128)
			fprintf(stderr, "spin_lock_array: %d retval %u %s\n", err, res.retval,
				res.fault);
		CHECK(err == 0 && res.retval == 2128);
		runs++;
	}
	__atomic_add_fetch(&c->runs, runs, __ATOMIC_SEQ_CST);
	return NULL;
}

static void spin_lock_contention_not_stuck(void)
{
	const char *build = getenv("BPFX_BUILD");
	struct contention c = { 0 };
	struct bpfx_object *obj;
	pthread_t t[3];
	char path[4096];
	double end;

	snprintf(path, sizeof(path), "%s/tests/progs/maps_lock.bpf.o", build ? build : ".");
	obj = bpfx_object__open_file(path, NULL);
	CHECK(obj && bpfx_object__load(obj) == 0);
	c.prog = obj ? bpfx_object__find_program(obj, "spin_lock_array") : NULL;
	CHECK(c.prog != NULL);
	if (c.prog) {
		for (int i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, contender, &c);
		for (end = now_s() + RACE_SECONDS; now_s() < end;)
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
		c.stop = 1;
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
		CHECK(c.runs > 0);
		printf("spin_lock_contention_not_stuck: %ld runs\n", c.runs);
	}
	if (obj)
		bpfx_object__close(obj);
}

/* --- the arena --------------------------------------------------------------------- */

static void obj_mem_checks(void)
{
	struct bpfx_object obj = { 0 };
	uint8_t *a, *b, *c;

	CHECK(bpfx_obj_mem_init(&obj) == 0);
	CHECK(!bpfx_obj_mem_has(&obj, 0x1000, 1));          /* nothing reserved yet */
	a = bpfx_obj_mem_alloc(&obj, 24);
	b = bpfx_obj_mem_alloc(&obj, 24);
	CHECK(a && b && a != b);
	if (!a || !b)
		goto out;
	CHECK(bpfx_obj_mem_has(&obj, (uintptr_t)a, 24));
	CHECK(bpfx_obj_mem_has(&obj, (uintptr_t)a + 23, 1));
	CHECK(!bpfx_obj_mem_has(&obj, (uintptr_t)a + 20, 8)); /* past its 24 bytes */
	CHECK(!bpfx_obj_mem_has(&obj, (uintptr_t)a + 24, 1)); /* the slot's padding */
	CHECK(!bpfx_obj_mem_has(&obj, (uintptr_t)a, UINT64_MAX)); /* wraps */
	CHECK(!bpfx_obj_mem_free(&obj, a + 8));              /* not the start */
	CHECK(bpfx_obj_mem_free(&obj, a));
	CHECK(!bpfx_obj_mem_has(&obj, (uintptr_t)a, 1));     /* dropped */
	CHECK(!bpfx_obj_mem_free(&obj, a));                  /* twice */
	memset(a, 0xff, 24);                                 /* dropped: still ours */
	c = bpfx_obj_mem_alloc(&obj, 32);                    /* a's slot again, zeroed */
	CHECK(c == a && c[0] == 0 && c[31] == 0);
	CHECK(!bpfx_obj_mem_alloc(&obj, 0) && !bpfx_obj_mem_alloc(&obj, 4097));
	CHECK(!bpfx_obj_mem_free(&obj, (void *)&obj));       /* not in the arena */
out:
	bpfx_obj_mem_destroy(&obj);                          /* frees b and c */
}

/* A full arena makes bpf_obj_new return NULL: 64 MiB of 4096-byte objects. */
static void obj_mem_full(void)
{
	struct bpfx_object obj = { 0 };
	long n = 0;

	CHECK(bpfx_obj_mem_init(&obj) == 0);
	while (bpfx_obj_mem_alloc(&obj, 4000))
		n++;
	CHECK(n == (64l << 20) / 4096);
	CHECK(bpfx_obj_mem_alloc(&obj, 16) == NULL);          /* no chunk left either */
	bpfx_obj_mem_destroy(&obj);
}

int main(void)
{
	if (!getenv("BPFX_BUILD")) {
		fprintf(stderr, "test_run_safety: BPFX_BUILD must be set (run it with ctest)\n");
		return 77;
	}
	obj_mem_checks();
	obj_mem_full();
	obj_drop_races_access();
	spin_lock_contention_not_stuck();
	if (failures) {
		fprintf(stderr, "test_run_safety: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_run_safety: ok\n");
	return 0;
}
