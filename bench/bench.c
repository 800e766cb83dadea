/* SPDX-License-Identifier: MIT */
/*
 * bench.c - figures for the design's performance targets: the cost of a throw at
 * depth 1..8 (it should not grow with depth: no stack walk), the cost of the same call
 * chain returning normally, and interpreter throughput.  Prints; asserts nothing.
 *
 *   bpfx_bench [throw_depth.bpf.o] [repeat]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfx.h>

static double ns_per_run(struct bpfx_program *prog, uint32_t repeat, struct bpfx_result *res)
{
	unsigned char pkt[64] = { 0 };
	struct bpfx_run_opts opts = {
		.sz = sizeof(opts), .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = repeat,
	};
	double best = 1e18;

	for (int round = 0; round < 5; round++) {
		if (bpfx_program__run(prog, &opts, res))
			return -1;
		if ((double)res->duration_ns < best)
			best = (double)res->duration_ns;
	}
	return best;
}

static double run_named(struct bpfx_object *obj, const char *name, uint32_t repeat,
			struct bpfx_result *res)
{
	struct bpfx_program *prog = bpfx_object__find_program(obj, name);

	return prog ? ns_per_run(prog, repeat, res) : -1;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/release/bench/throw_depth.bpf.o";
	uint32_t repeat = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 200000;
	struct bpfx_object *obj = bpfx_object__open_file(path, NULL);
	struct bpfx_result res;
	char name[32];
	double ns;

	if (!obj || bpfx_object__load(obj)) {
		fprintf(stderr, "bench: cannot load %s\n", path);
		return 1;
	}
	printf("interpreter, checked mode, %u runs per figure (best of 5)\n", repeat);
	printf("%-6s %14s %14s %14s\n", "depth", "return ns/run", "throw ns/run", "throw extra");
	for (int d = 1; d <= 8; d++) {
		double ret, thr;

		snprintf(name, sizeof(name), "return_depth_%d", d);
		ret = run_named(obj, name, repeat, &res);
		snprintf(name, sizeof(name), "throw_depth_%d", d);
		thr = run_named(obj, name, repeat, &res);
		printf("%-6d %14.1f %14.1f %14.1f%s\n", d, ret, thr, thr - ret,
		       res.threw ? "" : "  (did not throw!)");
	}
	ns = run_named(obj, "loop_1000", repeat / 100 ? repeat / 100 : 1, &res);
	printf("loop_1000: %.1f ns/run, %llu insns, %.2f ns/insn\n", ns,
	       (unsigned long long)res.insn_cnt, res.insn_cnt ? ns / (double)res.insn_cnt : 0);
	bpfx_object__close(obj);
	return 0;
}
