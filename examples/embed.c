/* SPDX-License-Identifier: MIT */
/*
 * embed.c - bpfx as an extension language: load embed.bpf.o, give it a host kfunc,
 * and run its SEC("mem") program over a buffer of the application's.
 *
 *   embed_example build/.../examples/embed.bpf.o
 */
#include <stdio.h>
#include <string.h>

#include <bpfx.h>

/* The kfunc the program calls: the sum of n bytes at p. */
static uint64_t app_sum(uint64_t p, uint64_t n, uint64_t r3, uint64_t r4, uint64_t r5,
			struct bpfx_run *run)
{
	const unsigned char *bytes = (const unsigned char *)(uintptr_t)p;
	uint64_t sum = 0;

	(void)r3, (void)r4, (void)r5, (void)run;
	for (uint64_t i = 0; i < n; i++)
		sum += bytes[i];
	return sum;
}

static void print_msg(enum bpfx_print_level level, const char *msg, void *ctx)
{
	(void)ctx;
	if (level == BPFX_WARN)
		fprintf(stderr, "embed: %s\n", msg);
}

static int run(struct bpfx_program *prog, const char *text)
{
	struct bpfx_result res;
	char buf[64];
	int err;

	snprintf(buf, sizeof(buf), "%s", text);
	err = bpfx_program__run_mem(prog, buf, strlen(buf), &res);
	if (err) {
		fprintf(stderr, "embed: run: %s %s\n", bpfx_strerror(err), res.fault);
		return 1;
	}
	if (res.threw)
		printf("'%s': threw cookie %llu at line %u\n", text,
		       (unsigned long long)res.exception.cookie, res.exception.line.line);
	else
		printf("'%s': %llu\n", text, (unsigned long long)res.r0);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct bpfx_func_sig sum_sig = {
		.ret = BPFX_RET_INTEGER,
		.args = { BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE },
	};
	struct bpfx_open_opts opts = { .sz = sizeof(opts), .print = print_msg };
	struct bpfx_object *obj;
	struct bpfx_program *prog;
	int err = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s embed.bpf.o\n", argv[0]);
		return 2;
	}
	obj = bpfx_object__open_file(argv[1], &opts);
	if (!obj) {
		perror("embed: open");
		return 1;
	}
	if (bpfx_object__register_kfunc(obj, "app_sum", app_sum, &sum_sig) ||
	    bpfx_object__load(obj))
		goto out;
	prog = bpfx_object__find_program(obj, "checksum");
	if (!prog || bpfx_program__load_error(prog)) {
		fprintf(stderr, "embed: %s", prog ? bpfx_program__load_log(prog) : "no program\n");
		goto out;
	}
	err = run(prog, "hello") || run(prog, "") || run(prog, "this text is too long for it");
out:
	bpfx_object__close(obj);
	return err;
}
