/* SPDX-License-Identifier: MIT */
/*
 * testrun.c - the public face of the kernel oracle: is bpf() usable here, load one
 * program into the kernel and run it with BPF_PROG_TEST_RUN on bpfx's inputs, and
 * the key message of a verifier log.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/kernel.h"

#define DEFAULT_DATA_LEN 64   /* test_loader.c's TEST_DATA_LEN */
#define ENOTSUPP_KERNEL 524   /* the kernel's internal ENOTSUPP, seen by user space */

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int probe_err;
static char probe_msg[160];

static void probe(void)
{
	struct bpfx_sys_map m = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				  .value_size = 4, .max_entries = 1, .name = "bpfx_probe",
				  .btf_fd = -1 };
	int fd = bpfx_sys_map_create(&m);

	if (fd >= 0) {
		close(fd);
		if (bpfx_kernel_vmlinux_btf())
			return;
		probe_err = -ENOENT;
		snprintf(probe_msg, sizeof(probe_msg),
			 "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
	} else if (fd == -ENOSYS) {
		probe_err = -ENOSYS;
		snprintf(probe_msg, sizeof(probe_msg), "this kernel has no bpf() (ENOSYS)");
	} else {
		probe_err = fd == -EACCES ? -EPERM : fd;
		snprintf(probe_msg, sizeof(probe_msg),
			 "bpf() is not permitted here (%s): run as root or with CAP_BPF",
			 strerror(-fd));
	}
}

int bpfx_kernel_probe(char *msg, size_t size)
{
	pthread_once(&probe_once, probe);
	if (msg && size)
		snprintf(msg, size, "%s", probe_err ? probe_msg : "the kernel's bpf() works");
	return probe_err;
}

static bool is_stat_line(const char *s, size_t n)
{
	static const char *const stats[] = { "processed ", "verification time ",
					     "stack depth ", "mark_read ", "insn_cnt " };
	size_t i;

	for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		if (n >= strlen(stats[i]) && !strncmp(s, stats[i], strlen(stats[i])))
			return true;
	return false;
}

/* A few messages have no newline ("insn %d cannot call exception cb directly"), so
 * the statistics line is glued to them: the length of the line without it. */
static size_t unglue_stats(const char *s, size_t n)
{
	static const char glued[] = "processed ";
	size_t k = sizeof(glued) - 1;

	for (size_t i = 1; i + k < n; i++)
		if (!strncmp(s + i, glued, k) && s[i + k] >= '0' && s[i + k] <= '9')
			return i;
	return n;
}

const char *bpfx_kernel_log_key(const char *log, char *buf, size_t size)
{
	const char *end, *start;

	if (!buf || !size)
		return "";
	buf[0] = '\0';
	if (!log)
		return buf;
	end = log + strlen(log);
	while (end > log) {
		size_t n;

		while (end > log && (end[-1] == '\n' || end[-1] == ' '))
			end--;
		start = end;
		while (start > log && start[-1] != '\n')
			start--;
		n = (size_t)(end - start);
		if (n && !is_stat_line(start, n)) {
			snprintf(buf, size, "%.*s", (int)unglue_stats(start, n), start);
			return buf;
		}
		end = start;
	}
	return buf;
}

void bpfx_kernel_result__free(struct bpfx_kernel_result *res)
{
	if (!res)
		return;
	free(res->log);
	res->log = NULL;
}

static const char *errno_text(int err)
{
	return err == ENOTSUPP_KERNEL ? "ENOTSUPP: operation not supported by this program type"
				      : strerror(err);
}

/* The input, as bpfx_program__run() gets it; packet programs default to 64 zeros. */
static int test_run(int fd, const struct bpfx_ktype *kt, const struct bpfx_run_opts *o,
		    struct bpfx_kernel_result *res)
{
	static const uint8_t zeros[DEFAULT_DATA_LEN];
	struct bpfx_sys_test t = {
		.data_in = o->data_in, .data_size_in = o->data_size_in,
		.data_out = o->data_out, .data_size_out = o->data_size_out,
		.ctx_in = o->ctx_in, .ctx_size_in = o->ctx_size_in,
		.ctx_out = o->ctx_out, .ctx_size_out = o->ctx_size_out,
		.repeat = o->repeat,
	};
	int ret;

	if (!t.data_in && kt->packet) {
		t.data_in = zeros;
		t.data_size_in = sizeof(zeros);
	}
	ret = bpfx_sys_test_run(fd, &t);
	res->retval = t.retval;
	res->duration_ns = t.duration;
	res->data_size_out = t.data_size_out;
	res->ctx_size_out = t.ctx_size_out;
	return ret;   /* -ENOSPC: it ran (retval is set) but the packet did not fit data_out */
}

static void set_reason(struct bpfx_kernel_result *res, const char *why)
{
	snprintf(res->reason, sizeof(res->reason), "%s", why);
}

static void run_loaded(struct bpfx_ksess *s, const struct bpfx_program *prog, int fd,
		       const struct bpfx_run_opts *o, struct bpfx_kernel_result *res)
{
	struct bpfx_ktype kt;
	char why[256];
	int ret;

	if (bpfx_kernel_type_of(prog, &kt, why, sizeof(why))) {
		set_reason(res, why);
		res->status = BPFX_KERNEL_UNSUPPORTED;
		return;
	}
	ret = test_run(fd, &kt, o, res);
	if (ret) {
		res->status = BPFX_KERNEL_RUN_FAILED;
		res->err = -ret;
		snprintf(res->reason, sizeof(res->reason), "BPF_PROG_TEST_RUN: %s%s%.300s",
			 errno_text(-ret), s->why[0] ? "; " : "", s->why);
		return;
	}
	res->status = BPFX_KERNEL_RAN;
	if (!res->reason[0])
		set_reason(res, s->why);
}

static int run_prog(struct bpfx_ksess *s, const struct bpfx_program *prog,
		    const struct bpfx_run_opts *o, const struct bpfx_kernel_opts *ko,
		    struct bpfx_kernel_result *res)
{
	int fd = bpfx_ksess_load(s, prog, ko, &res->log);

	if (fd < 0 && s->failed_by == BPFX_KSESS_INTERNAL)
		return fd;
	if (fd < 0 && s->failed_by == BPFX_KSESS_UNSUPPORTED) {
		res->status = BPFX_KERNEL_UNSUPPORTED;
		set_reason(res, s->why);
		return 0;
	}
	if (fd < 0) {
		res->status = BPFX_KERNEL_REJECTED;
		res->err = -fd;
		set_reason(res, s->why);
		return 0;
	}
	res->loaded = true;
	bpfx_ksess_load_aux(s, prog, ko);
	if (ko && ko->load_only) {
		res->status = BPFX_KERNEL_LOADED;
		set_reason(res, s->why);
		return 0;
	}
	run_loaded(s, prog, fd, o, res);
	return 0;
}

/* A program the object loader refused (a link error, found at open, before bpfx's
 * verifier ran) never reaches the kernel, as with libbpf: the loader's verdict is
 * the outcome. */
static bool refused_by_loader(const struct bpfx_program *prog,
			      struct bpfx_kernel_result *res)
{
	if (prog->obj->loaded || !prog->load_err)
		return false;
	res->status = BPFX_KERNEL_REJECTED;
	res->err = prog->load_err < 0 ? -prog->load_err : prog->load_err;
	res->log = prog->load_log ? strdup(prog->load_log) : NULL;
	set_reason(res, "refused by the object loader: not given to the kernel");
	return true;
}

int bpfx_program__kernel_run(const struct bpfx_program *prog,
			     const struct bpfx_run_opts *opts,
			     const struct bpfx_kernel_opts *kopts,
			     struct bpfx_kernel_result *res)
{
	struct bpfx_run_opts none = { .sz = sizeof(none) };
	struct bpfx_ksess s;
	int ret;

	if (!prog || !res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	ret = bpfx_kernel_probe(NULL, 0);
	if (ret || refused_by_loader(prog, res))
		return ret;
	ret = bpfx_ksess_open(&s, prog);
	if (ret == -ENOTSUP) {
		res->status = BPFX_KERNEL_UNSUPPORTED;
		set_reason(res, s.why);
		ret = 0;
	} else if (!ret) {
		ret = run_prog(&s, prog, opts ? opts : &none, kopts, res);
	}
	bpfx_ksess_close(&s);
	return ret;
}
