/* SPDX-License-Identifier: MIT */
/*
 * test_persist.c - maps and global data persist across runs of a loaded object and
 * are visible to the host; the host can set .rodata; a fresh object starts clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfx.h>
#include "check.h"

static uint32_t run_len(struct bpfx_program *prog, uint32_t len)
{
	static unsigned char pkt[128];
	struct bpfx_run_opts opts = { .sz = sizeof(opts), .data_in = pkt, .data_size_in = len };
	struct bpfx_result res;

	CHECK(bpfx_program__run(prog, &opts, &res) == 0);
	return res.retval;
}

static struct bpfx_object *open_loaded(const char *path, struct bpfx_program **prog)
{
	struct bpfx_object *obj = bpfx_object__open_file(path, NULL);

	if (!obj || bpfx_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", path);
		exit(1);
	}
	*prog = bpfx_object__find_program(obj, "count_runs");
	return obj;
}

int main(void)
{
	const char *build = getenv("BPFX_BUILD");
	struct bpfx_program *prog;
	struct bpfx_object *obj;
	uint64_t v = 0, scale = 7;
	uint32_t key, zero = 0;
	char path[4096];
	unsigned char bss[16];

	snprintf(path, sizeof(path), "%s/tests/progs/persist.bpf.o", build ? build : ".");
	obj = open_loaded(path, &prog);
	CHECK(run_len(prog, 64) == 1);
	CHECK(run_len(prog, 64) == 2);
	CHECK(run_len(prog, 80) == 3);
	key = 64;
	CHECK(bpfx_map__lookup_elem(bpfx_object__find_map(obj, "seen"), &key, &v) == 0 && v == 2);
	key = 80;
	CHECK(bpfx_map__lookup_elem(bpfx_object__find_map(obj, "seen"), &key, &v) == 0 && v == 1);
	/* .bss holds runs (3) and last_len (80), in the compiler's order */
	CHECK(bpfx_map__value_size(bpfx_object__find_map(obj, ".bss")) == sizeof(bss));
	CHECK(bpfx_map__lookup_elem(bpfx_object__find_map(obj, ".bss"), &zero, bss) == 0);
	{
		uint64_t a, b;

		memcpy(&a, bss, 8);
		memcpy(&b, bss + 8, 8);
		CHECK((a == 3 && b == 80) || (a == 80 && b == 3));
	}
	/* the host sets .rodata; the program sees it on its next run */
	CHECK(bpfx_map__update_elem(bpfx_object__find_map(obj, ".rodata"), &zero, &scale, 0) == 0);
	CHECK(run_len(prog, 64) == 4 + 700);
	bpfx_object__close(obj);

	/* a new object starts from the file's contents again */
	obj = open_loaded(path, &prog);
	CHECK(run_len(prog, 64) == 1);
	bpfx_object__close(obj);
	printf("test_persist: %d failure(s)\n", failures);
	return failures != 0;
}
