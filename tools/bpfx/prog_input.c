/* SPDX-License-Identifier: MIT */
/*
 * prog_input.c - the program input options shared by run, kernel run and diff (see
 * prog_input.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "prog_input.h"

int prog_input_number(const char *cmd, const char *opt, const char *s, uint64_t min,
		      uint64_t max, uint64_t *out)
{
	if (input_parse_u64(s, max, out) && *out >= min)
		return 0;
	cli_err(cmd, "%s: '%s' is not a number from %" PRIu64 " to %" PRIu64, opt, s, min, max);
	return CLI_USAGE;
}

int prog_input_option(const char *cmd, struct prog_input_opts *o, int c, const char *arg)
{
	switch (c) {
	case PI_OPT_DATA:
		o->data_path = arg;
		return 0;
	case PI_OPT_CTX:
		o->ctx_path = arg;
		return 0;
	case PI_OPT_DATA_SIZE:
		o->have_data_size = true;
		return prog_input_number(cmd, "--data-size", arg, 0, INPUT_MAX_FILE, &o->data_size);
	case PI_OPT_REPEAT:
		o->have_repeat = true;
		return prog_input_number(cmd, "--repeat", arg, 1, UINT32_MAX, &o->repeat);
	default:
		return 1;
	}
}

int prog_input_check(const char *cmd, const struct prog_input_opts *o)
{
	if (o->data_path && o->have_data_size) {
		cli_err(cmd, "--data and --data-size cannot be used together");
		return CLI_USAGE;
	}
	return 0;
}

static int read_one(const char *cmd, const char *opt, const char *path, void **buf,
		    size_t *size)
{
	int err = input_read_file(path, INPUT_MAX_FILE, buf, size);

	if (err == -EFBIG)
		cli_err(cmd, "%s: '%s' is larger than %u bytes", opt, path, INPUT_MAX_FILE);
	else if (err)
		cli_err(cmd, "%s: cannot read '%s': %s", opt, path, strerror(-err));
	return err ? CLI_FAIL : 0;
}

int prog_input_load(const char *cmd, const struct prog_input_opts *o, struct prog_input *in)
{
	memset(in, 0, sizeof(*in));
	if (o->ctx_path && read_one(cmd, "--ctx", o->ctx_path, &in->ctx, &in->ctx_size))
		return CLI_FAIL;
	if (o->data_path)
		return read_one(cmd, "--data", o->data_path, &in->data, &in->data_size);
	if (!o->have_data_size)
		return 0;
	in->data_size = o->data_size;
	in->data = calloc(1, in->data_size ? in->data_size : 1);
	if (!in->data) {
		cli_err(cmd, "out of memory");
		return CLI_FAIL;
	}
	return 0;
}

void prog_input_free(struct prog_input *in)
{
	free(in->data);
	free(in->ctx);
	memset(in, 0, sizeof(*in));
}

void prog_input_run_opts(const char *cmd, const struct prog_input_opts *o,
			 const struct prog_input *in, const struct bpfx_program *prog,
			 struct bpfx_run_opts *ro)
{
	enum bpfx_prog_type type = bpfx_program__type(prog);

	memset(ro, 0, sizeof(*ro));
	ro->sz = sizeof(*ro);
	ro->repeat = o->have_repeat ? (uint32_t)o->repeat : 0;
	if (in->ctx) {
		ro->ctx_in = in->ctx;
		ro->ctx_size_in = (uint32_t)in->ctx_size;
	}
	if (!in->data)
		return;
	if (bpfx_prog_type_input(type) == BPFX_INPUT_CTX) {
		cli_err(cmd, "%s: %s programs take --ctx only; data ignored",
			bpfx_program__name(prog), bpfx_prog_type_str(type));
		return;
	}
	ro->data_in = in->data;
	ro->data_size_in = (uint32_t)in->data_size;
}
