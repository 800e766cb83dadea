/* SPDX-License-Identifier: MIT */
/*
 * func.h - helpers and kfuncs: an implementation and its signature, side by side.
 *
 * Each file in helpers/ defines its functions with BPFX_FN(name) and ends with one
 * table listing them with BPFX_FUNC_ENTRY; the function table of an object starts
 * from those tables and adds what the host registers.
 *
 * Names are stored as the kernel prints them ("bpf_map_lookup_elem", "bpf_throw"):
 * BPFX_FUNC_ENTRY(map_lookup_elem, ...) names its entry "bpf_map_lookup_elem", and
 * disassembly prints the name unchanged ("call bpf_map_lookup_elem#1").  Host
 * registrations keep the name the host gave.
 */
#ifndef BPFX_FUNC_H
#define BPFX_FUNC_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfx.h"

struct bpfx_func {
	const char *name;            /* as printed: "bpf_ktime_get_ns", "bpf_throw" */
	uint32_t id;                 /* helper number; 0 for kfuncs */
	bpfx_func_fn fn;
	struct bpfx_func_sig sig;
	bool generic;                /* a kfunc of the kernel's generic set: only the program
				      * types bpfx_prog_type_generic_kfuncs() names may call it */
};

/* Define a builtin: `BPFX_FN(ktime_get_ns) { ... }`, with r1..r5 and run in scope.
 * The function is bpfx_fn_<name>; its table entry is
 * BPFX_FUNC_ENTRY(name, id, ret, args...), named "bpf_<name>". */
#define BPFX_FN(name)                                                                  \
	static uint64_t bpfx_fn_##name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,  \
				       uint64_t r5, struct bpfx_run *run)
#define BPFX_FUNC_ENTRY(fname, fid, fret, ...)                                         \
	{ .name = "bpf_" #fname, .id = (fid), .fn = bpfx_fn_##fname,                    \
	  .sig = { .ret = (fret), .args = { __VA_ARGS__ } } }

/* The same, for a kfunc of the kernel's generic set. */
#define BPFX_GENERIC_KFUNC_ENTRY(fname, fret, ...)                                     \
	{ .name = "bpf_" #fname, .id = 0, .fn = bpfx_fn_##fname,                        \
	  .sig = { .ret = (fret), .args = { __VA_ARGS__ } }, .generic = true }

/* Per-file tables, one in each file of helpers/. */
struct bpfx_func_list {
	const struct bpfx_func *funcs;
	uint32_t cnt;
};
extern const struct bpfx_func_list bpfx_core_helpers;   /* helpers/core.c */
extern const struct bpfx_func_list bpfx_map_helpers;    /* helpers/map_helpers.c */
extern const struct bpfx_func_list bpfx_pkt_helpers;    /* helpers/pkt.c */
extern const struct bpfx_func_list bpfx_kfuncs;         /* helpers/kfuncs.c */

#define BPFX_MAX_HELPER_ID 1024

/* An object's table: helpers by id, kfuncs by name.  Built before load and only
 * read afterwards (adding is not thread-safe). */
struct bpfx_func_table {
	const struct bpfx_func *helpers[BPFX_MAX_HELPER_ID];
	struct bpfx_func **owned;    /* registered by the host, each malloc'ed */
	uint32_t owned_cnt;
	const struct bpfx_func **kfuncs;
	uint32_t kfunc_cnt;
};

/* A table holding every builtin: 0 or -ENOMEM. */
int bpfx_func_table_init(struct bpfx_func_table **out);
void bpfx_func_table_free(struct bpfx_func_table *t);
/* Register a host function (name and signature are copied).  id != 0: a helper,
 * 1 <= id < BPFX_MAX_HELPER_ID, replacing any builtin of that id except
 * bpf_tail_call; id == 0: a kfunc, whose name must be new (-EEXIST).  -EINVAL for a
 * bad id, name or signature (see bpfx_func_sig_valid), -ENOMEM. */
int bpfx_func_table_add(struct bpfx_func_table *t, uint32_t id, const char *name,
			bpfx_func_fn fn, const struct bpfx_func_sig *sig);
/* A signature engines can rely on: known kinds; a PTR_TO_MEM/UNINIT argument is
 * followed by its SIZE/SIZE_OR_ZERO and a SIZE follows one; MAP_KEY/MAP_VALUE come
 * after a MAP; nothing after the first NONE. */
bool bpfx_func_sig_valid(const struct bpfx_func_sig *sig);
const struct bpfx_func *bpfx_func_helper(const struct bpfx_func_table *t, uint32_t id);
const struct bpfx_func *bpfx_func_kfunc(const struct bpfx_func_table *t, const char *name);

/* bpf_probe_read_kernel_common() for the helpers and kfuncs that read memory a
 * program names (helpers/core.c): 0, or -EFAULT / -ERANGE as the kernel's reads
 * fail, with dst zeroed.  In checked mode only memory the program may touch reads. */
int bpfx_probe_read_kernel(struct bpfx_run *run, void *dst, uint64_t src, uint32_t size);

/* The kfunc that throws; the engines recognise it by address.  It is not in the
 * bpfx_kfuncs array (a named object cannot also be an array element): the table
 * adds this object itself, so bpfx_func_kfunc(t, "bpf_throw") == &bpfx_kfunc_throw. */
extern const struct bpfx_func bpfx_kfunc_throw;

#endif /* BPFX_FUNC_H */
