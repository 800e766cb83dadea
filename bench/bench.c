/* SPDX-License-Identifier: MIT */
/*
 * bench.c - figures for the design's performance targets: the cost of a throw at
 * depth 1..8 (it should not grow with depth: no stack walk), the cost of the same call
 * chain returning normally, and interpreter throughput; beside each, the host
 * kernel's figure for the same program (BPF_PROG_TEST_RUN, JIT) when bpf() can be
 * used here.  Prints; asserts nothing.
 *
 *   bpfx_bench [throw_depth.bpf.o] [repeat]
 */
#include <stdbool.h>
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

/* The kernel's time per run for the same program and input, or -1 without bpf(). */
static double kernel_ns(struct bpfx_object *obj, const char *name, uint32_t repeat)
{
	struct bpfx_program *prog = bpfx_object__find_program(obj, name);
	struct bpfx_run_opts opts = { .sz = sizeof(opts), .repeat = repeat };
	struct bpfx_kernel_opts kopts = { .sz = sizeof(kopts) };
	struct bpfx_kernel_result kres;
	double ns = -1;

	if (!prog || bpfx_program__kernel_run(prog, &opts, &kopts, &kres))
		return -1;
	if (kres.status == BPFX_KERNEL_RAN)
		ns = (double)kres.duration_ns;
	bpfx_kernel_result__free(&kres);
	return ns;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/release/bench/throw_depth.bpf.o";
	uint32_t repeat = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 200000;
	struct bpfx_object *obj = bpfx_object__open_file(path, NULL);
	struct bpfx_result res;
	char name[32];
	bool kernel = bpfx_kernel_probe(NULL, 0) == 0;
	double ns;

	if (!obj || bpfx_object__load(obj)) {
		fprintf(stderr, "bench: cannot load %s\n", path);
		return 1;
	}
	printf("bpfx: interpreter, checked mode, %u runs per figure (best of 5)\n", repeat);
	printf("kernel: %s\n", kernel ? "BPF_PROG_TEST_RUN of the same object (JIT), one figure"
				       : "bpf() cannot be used here: no kernel figures");
	printf("%-6s %12s %12s %12s | %12s %12s %12s\n", "depth", "return", "throw", "extra",
	       "k return", "k throw", "k extra");
	for (int d = 1; d <= 8; d++) {
		double ret, thr, kret = -1, kthr = -1;

		snprintf(name, sizeof(name), "return_depth_%d", d);
		ret = run_named(obj, name, repeat, &res);
		kret = kernel ? kernel_ns(obj, name, repeat) : -1;
		snprintf(name, sizeof(name), "throw_depth_%d", d);
		thr = run_named(obj, name, repeat, &res);
		kthr = kernel ? kernel_ns(obj, name, repeat) : -1;
		printf("%-6d %12.1f %12.1f %12.1f | %12.1f %12.1f %12.1f%s\n", d, ret, thr, thr - ret,
		       kret, kthr, kthr - kret, res.threw ? "" : "  (did not throw!)");
	}
	ns = run_named(obj, "loop_1000", repeat / 100 ? repeat / 100 : 1, &res);
	printf("loop_1000: %.1f ns/run, %llu insns, %.2f ns/insn; kernel %.1f ns/run\n", ns,
	       (unsigned long long)res.insn_cnt, res.insn_cnt ? ns / (double)res.insn_cnt : 0,
	       kernel ? kernel_ns(obj, "loop_1000", repeat / 100 ? repeat / 100 : 1) : -1);
	printf("(all times ns per run; -1: not measured)\n");
	bpfx_object__close(obj);
	return 0;
}
