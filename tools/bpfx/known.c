/* SPDX-License-Identifier: MIT */
/*
 * known.c - read a list of deliberate differences (see known.h) and look programs up
 * in it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "known.h"

static char *next_word(char **p)
{
	char *w;

	*p += strspn(*p, " \t");
	if (!**p)
		return NULL;
	w = *p;
	*p += strcspn(*p, " \t");
	if (**p)
		*(*p)++ = '\0';
	return w;
}

static int add_line(struct known_list *l, char *line)
{
	char *p = line, *obj, *prog, *reason;
	struct known_entry *e;

	line[strcspn(line, "#\n")] = '\0';
	obj = next_word(&p);
	if (!obj)
		return 0;
	prog = next_word(&p);
	p += strspn(p, " \t");
	reason = p;
	if (!prog || !*reason)
		return -1;
	e = realloc(l->e, (l->cnt + 1) * sizeof(*e));
	if (!e)
		return -1;
	l->e = e;
	e[l->cnt].obj = strdup(obj);
	e[l->cnt].prog = strdup(prog);
	e[l->cnt].reason = strdup(reason);
	l->cnt++;
	return 0;
}

int known_load(const char *cmd, const char *path, struct known_list *out)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned int n = 0;

	memset(out, 0, sizeof(*out));
	if (!f) {
		cli_err(cmd, "--known: cannot open '%s': %s", path, strerror(errno));
		return CLI_FAIL;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (add_line(out, line)) {
			cli_err(cmd, "%s:%u: want 'OBJECT PROGRAM REASON'", path, n);
			fclose(f);
			known_free(out);
			return CLI_USAGE;
		}
	}
	fclose(f);
	return 0;
}

void known_free(struct known_list *l)
{
	for (size_t i = 0; i < l->cnt; i++) {
		free(l->e[i].obj);
		free(l->e[i].prog);
		free(l->e[i].reason);
	}
	free(l->e);
	memset(l, 0, sizeof(*l));
}

const char *known_reason(const struct known_list *l, const char *obj_path, const char *prog)
{
	const char *slash = strrchr(obj_path, '/');
	const char *base = slash ? slash + 1 : obj_path;

	for (size_t i = 0; i < l->cnt; i++)
		if (!strcmp(l->e[i].obj, base) &&
		    (!strcmp(l->e[i].prog, "*") || !strcmp(l->e[i].prog, prog)))
			return l->e[i].reason;
	return NULL;
}
