/* SPDX-License-Identifier: MIT */
/*
 * table.c - an object's function table: the builtin helpers and kfuncs of the files
 * in helpers/, then what the host registers.  Helpers are found by number (a host
 * helper replaces a builtin of the same number), kfuncs by name (names are unique).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/func.h"

#define MAX_NAME_LEN 127

static const struct bpfx_func_list *const builtin_lists[] = {
	&bpfx_core_helpers,
	&bpfx_map_helpers,
	&bpfx_pkt_helpers,
	&bpfx_kfuncs,
};

static bool is_mem_arg(enum bpfx_arg a)
{
	return a == BPFX_ARG_PTR_TO_MEM || a == BPFX_ARG_PTR_TO_UNINIT;
}

static bool is_size_arg(enum bpfx_arg a)
{
	return a == BPFX_ARG_SIZE || a == BPFX_ARG_SIZE_OR_ZERO;
}

bool bpfx_func_sig_valid(const struct bpfx_func_sig *sig)
{
	bool ended = false, seen_map = false;

	if (!sig || (unsigned)sig->ret > BPFX_RET_NORETURN)
		return false;
	for (int i = 0; i < 5; i++) {
		enum bpfx_arg a = sig->args[i];
		enum bpfx_arg next = i < 4 ? sig->args[i + 1] : BPFX_ARG_NONE;
		enum bpfx_arg prev = i > 0 ? sig->args[i - 1] : BPFX_ARG_NONE;

		if ((unsigned)a > BPFX_ARG_PTR || (ended && a != BPFX_ARG_NONE))
			return false;
		if (is_mem_arg(a) && !is_size_arg(next))
			return false;
		if (is_size_arg(a) && !is_mem_arg(prev))
			return false;
		if ((a == BPFX_ARG_MAP_KEY || a == BPFX_ARG_MAP_VALUE) && !seen_map)
			return false;
		seen_map |= a == BPFX_ARG_MAP;
		ended |= a == BPFX_ARG_NONE;
	}
	return true;
}

static bool name_valid(const char *name)
{
	size_t n = name ? strnlen(name, MAX_NAME_LEN + 1) : 0;

	if (n == 0 || n > MAX_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

static int push_kfunc(struct bpfx_func_table *t, const struct bpfx_func *f)
{
	const struct bpfx_func **k;

	if (bpfx_func_kfunc(t, f->name))
		return -EEXIST;
	k = realloc(t->kfuncs, (t->kfunc_cnt + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	k[t->kfunc_cnt++] = f;
	t->kfuncs = k;
	return 0;
}

static int add_builtin(struct bpfx_func_table *t, const struct bpfx_func *f)
{
	if (f->id == 0)
		return push_kfunc(t, f);
	if (f->id < BPFX_MAX_HELPER_ID)
		t->helpers[f->id] = f;
	return 0;
}

int bpfx_func_table_init(struct bpfx_func_table **out)
{
	struct bpfx_func_table *t = calloc(1, sizeof(*t));
	int err;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	err = add_builtin(t, &bpfx_kfunc_throw);
	for (size_t l = 0; !err && l < sizeof(builtin_lists) / sizeof(builtin_lists[0]); l++) {
		const struct bpfx_func_list *list = builtin_lists[l];

		for (uint32_t i = 0; !err && i < list->cnt; i++)
			err = add_builtin(t, &list->funcs[i]);
	}
	if (err) {
		bpfx_func_table_free(t);
		return err;
	}
	*out = t;
	return 0;
}

void bpfx_func_table_free(struct bpfx_func_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->owned_cnt; i++) {
		free((char *)t->owned[i]->name);
		free(t->owned[i]);
	}
	free(t->owned);
	free(t->kfuncs);
	free(t);
}

static struct bpfx_func *own(struct bpfx_func_table *t, uint32_t id, const char *name,
			     bpfx_func_fn fn, const struct bpfx_func_sig *sig)
{
	struct bpfx_func **owned = realloc(t->owned, (t->owned_cnt + 1) * sizeof(*owned));
	struct bpfx_func *f;

	if (!owned)
		return NULL;
	t->owned = owned;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->name = strdup(name);
	if (!f->name) {
		free(f);
		return NULL;
	}
	f->id = id;
	f->fn = fn;
	f->sig = *sig;
	owned[t->owned_cnt++] = f;
	return f;
}

int bpfx_func_table_add(struct bpfx_func_table *t, uint32_t id, const char *name,
			bpfx_func_fn fn, const struct bpfx_func_sig *sig)
{
	struct bpfx_func *f;

	if (!t || !fn || !name_valid(name) || !bpfx_func_sig_valid(sig))
		return -EINVAL;
	if (id >= BPFX_MAX_HELPER_ID || id == BPF_FUNC_tail_call)
		return -EINVAL;
	if (id == 0 && bpfx_func_kfunc(t, name))
		return -EEXIST;
	f = own(t, id, name, fn, sig);
	if (!f)
		return -ENOMEM;
	if (id)
		t->helpers[id] = f;
	else
		return push_kfunc(t, f);
	return 0;
}

const struct bpfx_func *bpfx_func_helper(const struct bpfx_func_table *t, uint32_t id)
{
	if (!t || id >= BPFX_MAX_HELPER_ID)
		return NULL;
	return t->helpers[id];
}

const struct bpfx_func *bpfx_func_kfunc(const struct bpfx_func_table *t, const char *name)
{
	if (!t || !name)
		return NULL;
	for (uint32_t i = 0; i < t->kfunc_cnt; i++)
		if (strcmp(t->kfuncs[i]->name, name) == 0)
			return t->kfuncs[i];
	return NULL;
}
