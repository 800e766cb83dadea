/* SPDX-License-Identifier: MIT */
/*
 * prog_input.h - the input options `bpfx run`, `bpfx kernel run` and `bpfx diff`
 * share (--data, --data-size, --ctx, --repeat), parsed, checked and turned into run
 * options in one place, so the three commands always give programs the same bytes.
 */
#ifndef BPFX_CLI_PROG_INPUT_H
#define BPFX_CLI_PROG_INPUT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfx.h"

enum { PI_OPT_DATA = 300, PI_OPT_DATA_SIZE, PI_OPT_CTX, PI_OPT_REPEAT };

/* Rows for a getopt_long table. */
#define PROG_INPUT_LONGOPTS                                                  \
	{ "data", required_argument, NULL, PI_OPT_DATA },                    \
	{ "data-size", required_argument, NULL, PI_OPT_DATA_SIZE },          \
	{ "ctx", required_argument, NULL, PI_OPT_CTX },                      \
	{ "repeat", required_argument, NULL, PI_OPT_REPEAT }

struct prog_input_opts {
	const char *data_path;
	const char *ctx_path;
	uint64_t data_size;
	bool have_data_size;
	uint64_t repeat;
	bool have_repeat;
};

/* The bytes programs get.  data == NULL: none given, the library's default (64 zero
 * bytes for packet programs, as kernel selftests use). */
struct prog_input {
	void *data;
	size_t data_size;
	void *ctx;
	size_t ctx_size;
};

/* A number option "opt" from min to max; 0 or CLI_USAGE after saying why. */
int prog_input_number(const char *cmd, const char *opt, const char *s, uint64_t min,
		      uint64_t max, uint64_t *out);
/* One getopt result: 0 taken, 1 not an input option, or CLI_USAGE. */
int prog_input_option(const char *cmd, struct prog_input_opts *o, int c, const char *arg);
/* After parsing: 0, or CLI_USAGE for options that cannot go together. */
int prog_input_check(const char *cmd, const struct prog_input_opts *o);
/* Read the files; 0 or CLI_FAIL after saying why. */
int prog_input_load(const char *cmd, const struct prog_input_opts *o, struct prog_input *in);
void prog_input_free(struct prog_input *in);
/* Run options for prog: its context bytes, and packet bytes if its type takes them
 * (a warning on stderr when --data is given to a type that takes only a context). */
void prog_input_run_opts(const char *cmd, const struct prog_input_opts *o,
			 const struct prog_input *in, const struct bpfx_program *prog,
			 struct bpfx_run_opts *ro);

#endif
