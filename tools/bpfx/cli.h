/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the files of the bpfx command-line tool share: the commands, exit
 * statuses, messages, and the hooks for the kernel commands (issue 3).
 * The tool uses only the public header, include/bpfx.h.
 */
#ifndef BPFX_CLI_H
#define BPFX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpfx.h"
#include "annotations.h"

#ifndef BPFX_VERSION
#define BPFX_VERSION "0.1.0"
#endif

/* Exit statuses. */
#define CLI_OK 0
#define CLI_FAIL 1  /* a program failed, a test failed, a file could not be used */
#define CLI_USAGE 2 /* bad command line */

/* The commands: argv[0] is the command's name. */
int cmd_run(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_test(int argc, char **argv);

/*
 * Hooks for the commands that talk to the running kernel (issue 3), written in their
 * own files of this directory.  They are weak: until those files exist, the symbols
 * are NULL and the commands say they are not available in this build.
 *   bpfx kernel run ...    cmd_kernel(argc, argv), argv[0] == "kernel"
 *   bpfx diff ...          cmd_diff(argc, argv),   argv[0] == "diff"
 *   bpfx test --kernel     kernel_test_prog() for each test program: load prog_name of
 *                          the object at obj_path into the kernel (with its auxiliary
 *                          programs, log level spec->log_level), and when
 *                          test_should_run(spec) run it with TEST_DATA_LEN zero bytes
 *                          (no input for syscall programs) as the kernel's
 *                          test_loader does.  Fills *out (verified = true; strings
 *                          malloc'ed, freed by test_outcome_free()).  Returns 0, or a
 *                          negative errno when the kernel cannot be used at all
 *                          (-EPERM: no bpf(); the test is then reported as skipped).
 */
int cmd_kernel(int argc, char **argv) __attribute__((weak));
/* The run options `bpfx test` uses for prog, on either side: as the kernel's
 * test_loader, TEST_DATA_LEN zero bytes in and four times as much room out. */
void test_run_opts(const struct bpfx_program *prog, struct bpfx_run_opts *ro);
int cmd_diff(int argc, char **argv) __attribute__((weak));
int kernel_test_prog(const char *obj_path, const char *prog_name,
		     const struct test_spec *spec, struct test_outcome *out)
	__attribute__((weak));

/* --- util.c ---------------------------------------------------------------- */

/* "bpfx: <cmd>: <message>\n" on stderr. */
void cli_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report getopt_long()'s '?' or ':' (with opterr = 0 and ":" leading the short
 * options) as one line; returns CLI_USAGE. */
int cli_opt_error(const char *cmd, char **argv, int c);

/* The symbolic name of an errno or BPFX_ERR_* code, either sign ("EACCES"). */
const char *cli_errno_name(int err);

/* The first line of s (at most size - 1 bytes) into buf; "" for NULL. */
void cli_first_line(const char *s, char *buf, size_t size);

/* The line of a load log that says why: the last one that is not the kernel
 * verifier's statistics ("processed N insns ..."); the first line if none. */
void cli_key_line(const char *log, char *buf, size_t size);

/* The last path component. */
const char *cli_basename(const char *path);

/* Library messages: print callback context and callback.  Messages at or below
 * max_level go to stderr prefixed "bpfx: "; the last warning is kept. */
struct cli_log {
	int max_level;         /* -1: print nothing */
	char last_warn[512];
};
void cli_print(enum bpfx_print_level level, const char *msg, void *ctx);

/* bpf_trace_printk output: "trace: <line>" to the FILE * in ctx. */
void cli_trace(const char *msg, size_t len, void *ctx);

/* Open a .bpf.o for a command: checks that the file can be read (one clear line on
 * stderr if not), then opens it with the given callbacks (trace output to trace_out,
 * discarded if NULL).  NULL on failure. */
struct bpfx_object *cli_open(const char *cmd, const char *path, struct cli_log *log,
			     FILE *trace_out);

#endif /* BPFX_CLI_H */
