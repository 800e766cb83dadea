/* SPDX-License-Identifier: MIT */
/*
 * btf_fixup.c - turn the BTF clang emits into BTF the kernel accepts, as libbpf does
 * before BPF_BTF_LOAD (btf_fixup_datasec, the .ksyms/.kconfig handling of
 * bpf_object__collect_externs, "hidden" symbols made static).  The kernel refuses
 * extern linkage, unnamed parameters of a FUNC, DATASECs of size 0 and overlapping
 * VAR offsets, which is exactly what clang leaves for externs and global data.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"

#define KSYMS_SEC ".ksyms"
#define KCONFIG_SEC ".kconfig"
#define DUMMY_KSYM "dummy_ksym"

static int fail(char *err, size_t size, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t size, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && size) {
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* libbpf mutates types in place too: the pointers stay valid until a type or a
 * string is added, so every addition happens before the first write. */
static struct btf_type *type_rw(const struct btf *btf, uint32_t id)
{
	return (struct btf_type *)btf__type_by_id(btf, id);
}

static const char *name_of(const struct btf *btf, const struct btf_type *t)
{
	const char *s = btf__name_by_offset(btf, t->name_off);

	return s ? s : "";
}

static void set_linkage(struct btf_type *t, uint32_t linkage)
{
	t->info = (t->info & ~0xffffu) | linkage;   /* FUNC: linkage is in vlen */
}

static int find_int32(const struct btf *btf)
{
	uint32_t i, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_int(t) && btf_int_bits(t) == 32)
			return (int)i;
	}
	return 0;
}

static bool has_extern_func(const struct btf *btf)
{
	uint32_t i, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_func(t) && btf_vlen(t) == BTF_FUNC_EXTERN)
			return true;
	}
	return false;
}

/* Additions first (see type_rw): an int for the fake extern VARs and the dummy VAR
 * whose name also names anonymous kfunc parameters. */
static int add_dummies(struct btf *btf, int *int_id, int *dummy_id)
{
	*int_id = find_int32(btf);
	*dummy_id = 0;
	if (!has_extern_func(btf) && btf__find_by_name_kind(btf, KSYMS_SEC,
							     BTF_KIND_DATASEC) < 0)
		return 0;
	if (!*int_id)
		*int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	if (*int_id < 0)
		return *int_id;
	*dummy_id = btf__add_var(btf, DUMMY_KSYM, BTF_VAR_GLOBAL_ALLOCATED, *int_id);
	return *dummy_id < 0 ? *dummy_id : 0;
}

/* Every FUNC must have global or static linkage and named parameters. */
static void fix_extern_funcs(struct btf *btf, uint32_t dummy_name)
{
	uint32_t i, j, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		struct btf_type *t = type_rw(btf, i);
		const struct btf_type *proto;
		struct btf_param *p;

		if (!btf_is_func(t) || btf_vlen(t) != BTF_FUNC_EXTERN)
			continue;
		set_linkage(t, BTF_FUNC_GLOBAL);
		proto = btf__type_by_id(btf, t->type);
		if (!proto || !btf_is_func_proto(proto))
			continue;
		p = btf_params(proto);
		for (j = 0; j < btf_vlen(proto); j++)
			if (p[j].type && !p[j].name_off)
				p[j].name_off = dummy_name;
	}
}

/* .ksyms: each extern (kfunc or ksym variable) becomes a 4-byte int VAR, as in
 * libbpf; the kernel never looks at them, it resolves kfuncs by the call's imm. */
static int fix_ksyms(struct btf *btf, int int_id, int dummy_id, char *err, size_t size)
{
	int sec_id = btf__find_by_name_kind(btf, KSYMS_SEC, BTF_KIND_DATASEC);
	struct btf_var_secinfo *vs;
	struct btf_type *sec;
	uint32_t i, off = 0;

	if (sec_id < 0)
		return 0;
	sec = type_rw(btf, (uint32_t)sec_id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++, off += 4) {
		struct btf_type *vt = type_rw(btf, vs->type);

		if (!vt)
			return fail(err, size, -EINVAL, "BTF: .ksyms entry %u has no type", i);
		if (btf_is_func(vt)) {
			vs->type = (uint32_t)dummy_id;
		} else if (btf_is_var(vt)) {
			btf_var(vt)->linkage = BTF_VAR_GLOBAL_ALLOCATED;
			vt->type = (uint32_t)int_id;
		} else {
			return fail(err, size, -EINVAL, "BTF: .ksyms entry '%s' is not a VAR",
				    name_of(btf, vt));
		}
		vs->offset = off;
		vs->size = 4;
	}
	sec->size = off;
	return 0;
}

struct kcfg_var {
	struct btf_var_secinfo *vs;
	const char *name;
	int64_t size;
	int align;
};

/* libbpf's order for .kconfig: alignment descending, size ascending, then name. */
static int kcfg_cmp(const void *pa, const void *pb)
{
	const struct kcfg_var *a = pa, *b = pb;

	if (a->align != b->align)
		return a->align > b->align ? -1 : 1;
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int kcfg_collect(struct btf *btf, struct btf_type *sec, struct kcfg_var *v,
			char *err, size_t size)
{
	struct btf_var_secinfo *vs = btf_var_secinfos(sec);
	uint32_t i;

	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		struct btf_type *vt = type_rw(btf, vs->type);

		if (!vt || !btf_is_var(vt))
			return fail(err, size, -EINVAL, "BTF: .kconfig entry %u is not a VAR", i);
		v[i].vs = vs;
		v[i].name = name_of(btf, vt);
		v[i].size = btf__resolve_size(btf, vt->type);
		v[i].align = btf__align_of(btf, vt->type);
		if (v[i].size <= 0 || v[i].align <= 0)
			return fail(err, size, -EINVAL, "BTF: kconfig '%s' has no size",
				    v[i].name);
		btf_var(vt)->linkage = BTF_VAR_GLOBAL_ALLOCATED;
	}
	return 0;
}

/* .kconfig: lay the externs out the way libbpf (and so the object's map) does. */
static int fix_kconfig(struct btf *btf, char *err, size_t size)
{
	int sec_id = btf__find_by_name_kind(btf, KCONFIG_SEC, BTF_KIND_DATASEC);
	struct kcfg_var *v;
	struct btf_type *sec;
	uint32_t i, n, off = 0;
	int ret;

	if (sec_id < 0)
		return 0;
	sec = type_rw(btf, (uint32_t)sec_id);
	n = btf_vlen(sec);
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = kcfg_collect(btf, sec, v, err, size);
	if (!ret) {
		qsort(v, n, sizeof(*v), kcfg_cmp);
		for (i = 0; i < n; i++) {
			off = (off + (uint32_t)v[i].align - 1) & ~((uint32_t)v[i].align - 1);
			v[i].vs->offset = off;
			v[i].vs->size = (uint32_t)v[i].size;
			off += (uint32_t)v[i].size;
		}
		sec->size = off;
	}
	free(v);
	return ret;
}

static int vsi_cmp(const void *pa, const void *pb)
{
	const struct btf_var_secinfo *a = pa, *b = pb;

	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* One VAR of a data section: its offset from the symbol, static if hidden. */
static int fix_var(struct btf *btf, struct btf_var_secinfo *vs, bool offsets,
		   const struct bpfx_btf_layout *l, const char *sec_name, char *err,
		   size_t size)
{
	struct btf_type *vt = type_rw(btf, vs->type);
	uint32_t value;
	bool hidden = false;

	if (!vt || !btf_is_var(vt))
		return fail(err, size, -EINVAL, "BTF: sec '%s': an entry is not a VAR",
			    sec_name);
	if (btf_var(vt)->linkage == BTF_VAR_STATIC ||
	    btf_var(vt)->linkage == BTF_VAR_GLOBAL_EXTERN)
		return 0;
	if (!l || !l->sym || l->sym(l->ctx, name_of(btf, vt), &value, &hidden)) {
		if (!offsets)
			return 0;
		return fail(err, size, -ENOENT, "BTF: sec '%s': no symbol for '%s'",
			    sec_name, name_of(btf, vt));
	}
	if (offsets)
		vs->offset = value;
	if (hidden)
		btf_var(vt)->linkage = BTF_VAR_STATIC;
	return 0;
}

/* Data sections, .maps, license: clang leaves the size and the offsets of global
 * VARs 0 (static VARs have theirs); the ELF symbol table has them. */
static int fix_datasec(struct btf *btf, uint32_t id, const struct bpfx_btf_layout *l,
		       char *err, size_t size)
{
	struct btf_type *sec = type_rw(btf, id);
	const char *sec_name = name_of(btf, sec);
	struct btf_var_secinfo *vs = btf_var_secinfos(sec);
	bool offsets = false;
	uint32_t i, sz;
	int ret;

	if (!strcmp(sec_name, KSYMS_SEC) || !strcmp(sec_name, KCONFIG_SEC))
		goto sort;
	if (sec->size == 0) {
		if (!l || !l->sec_size || l->sec_size(l->ctx, sec_name, &sz) || !sz)
			return fail(err, size, -ENOENT,
				    "BTF: sec '%s': size unknown (no such ELF section)",
				    sec_name);
		sec->size = sz;
		offsets = true;
	}
	for (i = 0; i < btf_vlen(sec); i++) {
		ret = fix_var(btf, &vs[i], offsets, l, sec_name, err, size);
		if (ret)
			return ret;
	}
sort:
	qsort(vs, btf_vlen(sec), sizeof(*vs), vsi_cmp);
	return 0;
}

/* Global functions with hidden visibility are static for the kernel (libbpf's rule:
 * they are then verified with their caller, not on their own). */
static void fix_hidden_funcs(struct btf *btf, const struct bpfx_btf_layout *l)
{
	uint32_t i, n = btf__type_cnt(btf), value;

	if (!l || !l->sym)
		return;
	for (i = 1; i < n; i++) {
		struct btf_type *t = type_rw(btf, i);
		bool hidden = false;

		if (!btf_is_func(t) || btf_vlen(t) != BTF_FUNC_GLOBAL)
			continue;
		if (!l->sym(l->ctx, name_of(btf, t), &value, &hidden) && hidden)
			set_linkage(t, BTF_FUNC_STATIC);
	}
}

int bpfx_kernel_btf_fixup(struct btf *btf, const struct bpfx_btf_layout *layout,
			  char *err, size_t err_size)
{
	int int_id, dummy_id, ret;
	uint32_t i, n;

	ret = add_dummies(btf, &int_id, &dummy_id);
	if (ret)
		return fail(err, err_size, ret, "BTF: cannot add the dummy ksym VAR");
	if (dummy_id)
		fix_extern_funcs(btf, btf__type_by_id(btf, (uint32_t)dummy_id)->name_off);
	ret = fix_ksyms(btf, int_id, dummy_id, err, err_size);
	if (!ret)
		ret = fix_kconfig(btf, err, err_size);
	n = btf__type_cnt(btf);
	for (i = 1; i < n && !ret; i++)
		if (btf_is_datasec(btf__type_by_id(btf, i)))
			ret = fix_datasec(btf, i, layout, err, err_size);
	if (!ret)
		fix_hidden_funcs(btf, layout);
	return ret;
}
