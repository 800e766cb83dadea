/* SPDX-License-Identifier: MIT */
/*
 * input.h - reading what the user gives the CLI: numbers on the command line, and
 * files (--data, --ctx, objects).
 */
#ifndef BPFX_CLI_INPUT_H
#define BPFX_CLI_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INPUT_MAX_FILE (16u << 20) /* the largest --data or --ctx file */

/* An unsigned number, decimal or 0x hex, the whole string, at most max. */
bool input_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Read a whole file (a regular file, pipe or device) of at most max bytes into a
 * malloc'ed buffer (NUL-terminated past *size).  0, or -errno (-EFBIG if larger). */
int input_read_file(const char *path, size_t max, void **buf, size_t *size);

/* 0 if path names a readable regular file, else -errno (-EISDIR for a directory). */
int input_check_file(const char *path);

#endif /* BPFX_CLI_INPUT_H */
