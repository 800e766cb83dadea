/* SPDX-License-Identifier: MIT */
/*
 * known.h - lists of deliberate differences from the kernel, for `bpfx diff --known`.
 * One line per difference: OBJECT PROGRAM REASON...  ('#' starts a comment; PROGRAM
 * may be '*').  The reasons point into docs/compat.md.
 */
#ifndef BPFX_CLI_KNOWN_H
#define BPFX_CLI_KNOWN_H

#include <stddef.h>

struct known_entry {
	char *obj;
	char *prog;
	char *reason;
};

struct known_list {
	struct known_entry *e;
	size_t cnt;
};

/* 0, or an exit status after printing what is wrong with the file (path:line). */
int known_load(const char *cmd, const char *path, struct known_list *out);
void known_free(struct known_list *l);
/* The reason obj_path's program prog is listed for, or NULL. */
const char *known_reason(const struct known_list *l, const char *obj_path, const char *prog);

#endif
