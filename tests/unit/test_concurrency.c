/* SPDX-License-Identifier: MIT */
/*
 * test_concurrency.c - exception state belongs to one invocation: threads running the
 * same program at once, each throwing its own cookie at its own depth, must each see
 * exactly their own exception record; a shared map counts every run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfx.h>

#define THREADS 4
#define RUNS 5000

static struct bpfx_program *prog;
static int failures;

static int check(uint64_t cookie, uint64_t depth)
{
	uint64_t pkt[8] = { cookie, depth };
	struct bpfx_run_opts opts = { .sz = sizeof(opts), .data_in = pkt,
				      .data_size_in = sizeof(pkt) };
	struct bpfx_result res;
	int err = bpfx_program__run(prog, &opts, &res);

	if (err)
		return fprintf(stderr, "run: %d %s\n", err, res.fault), 1;
	if (!res.threw || res.exception.cookie != cookie || res.r0 != cookie)
		return fprintf(stderr, "cookie %llx: threw %d got %llx r0 %llx\n",
			       (unsigned long long)cookie, res.threw,
			       (unsigned long long)res.exception.cookie,
			       (unsigned long long)res.r0), 1;
	if (res.exception.frame_cnt != depth)
		return fprintf(stderr, "cookie %llx: %u frames, want %llu\n",
			       (unsigned long long)cookie, res.exception.frame_cnt,
			       (unsigned long long)depth), 1;
	return strcmp(res.exception.frames[depth - 1].func, "concurrent_throw") != 0;
}

static void *worker(void *arg)
{
	uint64_t id = (uintptr_t)arg;
	int bad = 0;

	for (uint64_t i = 0; i < RUNS; i++)
		bad += check((id << 32) | (i + 1), 1 + (i + id) % 3);
	__atomic_add_fetch(&failures, bad, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(void)
{
	const char *build = getenv("BPFX_BUILD");
	char path[4096];
	struct bpfx_object *obj;
	pthread_t t[THREADS];
	uint64_t count = 0;
	uint32_t zero = 0;

	snprintf(path, sizeof(path), "%s/tests/progs/concurrency.bpf.o", build ? build : ".");
	obj = bpfx_object__open_file(path, NULL);
	if (!obj || bpfx_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", path);
		return 1;
	}
	prog = bpfx_object__find_program(obj, "concurrent_throw");
	for (uintptr_t i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	bpfx_map__lookup_elem(bpfx_object__find_map(obj, "runs"), &zero, &count);
	bpfx_object__close(obj);
	if (count != (uint64_t)THREADS * RUNS)
		fprintf(stderr, "map counted %llu runs, want %d\n", (unsigned long long)count,
			THREADS * RUNS);
	printf("test_concurrency: %d failures, %llu runs counted\n", failures,
	       (unsigned long long)count);
	return failures || count != (uint64_t)THREADS * RUNS;
}
