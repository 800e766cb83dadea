/* SPDX-License-Identifier: MIT */
/*
 * object.h - the object model: what the loader makes of a .bpf.o.
 *
 * Opening an object parses the ELF, BTF and .BTF.ext and links every program into one
 * self-contained instruction array (main function first, then the .text subprograms
 * it reaches, then its exception callback), in the kernel's load format:
 *   - maps:        ld_imm64 src=BPF_PSEUDO_MAP_IDX,       imm = index into obj->maps
 *   - global data: ld_imm64 src=BPF_PSEUDO_MAP_IDX_VALUE, imm = map index,
 *                  insn[1].imm = offset inside the value
 *   - subprograms: call src=BPF_PSEUDO_CALL, imm = relative offset (insn + 1 + imm)
 *   - callbacks:   ld_imm64 src=BPF_PSEUDO_FUNC, imm = relative offset
 *   - kfuncs:      call src=BPF_PSEUDO_KFUNC_CALL, imm = index into obj->externs
 * Loading then creates the maps and checks and prepares each program (exec/).
 */
#ifndef BPFX_OBJECT_H
#define BPFX_OBJECT_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfx.h"

struct btf;
struct bpfx_exec;
struct bpfx_func;
struct bpfx_region;
struct bpfx_obj_mem;
struct bpfx_sec_def;

/* One function of a linked program (func_info, or ELF symbols without BTF). */
struct bpfx_func_info {
	uint32_t insn_off;  /* first instruction, in the linked program */
	uint32_t type_id;   /* BTF FUNC id, 0 without BTF */
	const char *name;
	bool global;        /* BTF linkage (ELF binding without BTF) */
};

/* One line_info record, offsets in the linked program, strings in the BTF. */
struct bpfx_line_info {
	uint32_t insn_off;
	const char *file;
	const char *src;    /* NULL when empty */
	uint32_t line;
	uint32_t col;
};

struct bpfx_program {
	struct bpfx_object *obj;
	uint32_t id;                    /* index in obj->progs */
	char *name;                     /* the main function's symbol */
	char *sec_name;
	enum bpfx_prog_type type;
	const struct bpfx_sec_def *sec_def; /* its section's row; NULL if none */

	struct bpf_insn *insns;         /* linked, see the banner */
	uint32_t insn_cnt;
	struct bpfx_func_info *funcs;   /* sorted by insn_off; funcs[0] is main at 0 */
	uint32_t func_cnt;
	struct bpfx_line_info *lines;   /* sorted by insn_off */
	uint32_t line_cnt;
	int exc_cb;                     /* funcs index of the custom callback, -1 if none */
	char **tags;                    /* decl tags on main (component_idx -1), BTF order */
	uint32_t tag_cnt;

	/* Load status.  The loader may already set an error (a link failure that affects
	 * only this program); load keeps it. */
	int load_err;
	char *load_log;                 /* malloc'ed, the messages that explain load_err */
	struct bpfx_exec *exec;         /* prepared for running, after a successful load */
};

/* Where a map came from: a BTF-defined map in .maps, or a global data section. */
enum bpfx_map_kind {
	BPFX_MAPK_USER,
	BPFX_MAPK_DATA,     /* .data, .data.* */
	BPFX_MAPK_RODATA,   /* .rodata, .rodata.*: frozen, read-only for programs */
	BPFX_MAPK_BSS,      /* .bss, .bss.* */
	BPFX_MAPK_KCONFIG,  /* .kconfig externs */
};

struct bpfx_map_ops;

struct bpfx_map {
	struct bpfx_object *obj;
	uint32_t idx;                 /* index in obj->maps */
	char *name;                   /* symbol in .maps, or the section name */
	enum bpfx_map_kind kind;
	uint32_t type;                /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_var_type_id;     /* the VAR (.maps) or DATASEC (global data) */

	/* Initial contents: global data (value_size bytes, NULL for .bss), and for prog
	 * arrays the static initialiser `.values = { [k] = &prog }`. */
	void *init_data;
	struct bpfx_map_init_prog {
		uint32_t key;
		uint32_t prog;            /* index in obj->progs */
	} *init_progs;
	uint32_t init_prog_cnt;

	/* Set at load. */
	const struct bpfx_map_ops *ops;
	int32_t lock_off;             /* a struct bpf_spin_lock in the value, or -1 */
	void *priv;
	uint32_t nr_cpus;
};

/* An `extern ... __ksym` function the object calls. */
struct bpfx_extern {
	char *name;
	uint32_t btf_id;              /* the FUNC in the object's BTF, 0 if none */
	bool weak;
	const struct bpfx_func *func; /* resolved at load; NULL if weak and absent */
};

struct bpfx_object {
	char *name;
	bpfx_print_fn print;
	void *print_ctx;
	bpfx_trace_fn trace;
	void *trace_ctx;
	uint32_t nr_cpus;

	char *license;                /* the "license" section, NULL without one */
	void *elf_buf;                /* our copy of the file */
	size_t elf_size;
	struct btf *btf;              /* NULL when the object has no .BTF */

	struct bpfx_program *progs;
	uint32_t prog_cnt;
	struct bpfx_map *maps;        /* never reallocated after open: insns point here */
	uint32_t map_cnt;
	struct bpfx_extern *externs;
	uint32_t extern_cnt;

	struct bpfx_func_table *funcs; /* helpers and kfuncs: builtin plus registered */
	bool loaded;

	/* Checked mode (exec/checked.c): map memory, sorted by start, built at load;
	 * memory handed out while running (bpf_obj_new, exec/obj_mem.c). */
	struct bpfx_region *regions;
	uint32_t region_cnt;
	struct bpfx_obj_mem *obj_mem;
	/* bpf_spin_lock (helpers/map_helpers.c), atomically: the runs taking or holding a
	 * lock, and how many times one started taking one. */
	uint32_t spin_holders;
	uint64_t spin_gen;
};

/* Message helpers: every message names the object (and program). */
void bpfx_obj_log(const struct bpfx_object *obj, enum bpfx_print_level level,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ELF side (object/elf.c): parse and link.  Fills progs, maps, externs, btf.  A
 * malformed object gives -BPFX_ERR_FORMAT (or -ENOMEM) with a message through
 * bpfx_obj_log naming the problem. */
int bpfx_object_parse(struct bpfx_object *obj);
void bpfx_object_free_parsed(struct bpfx_object *obj);

/* Program types and section names (object/prog_types.c).  A section name maps to a
 * row of libbpf's section_defs: the program type and what the kernel needs to load
 * it (expected attach type, load flags, how to find the attach target). */
enum bpfx_sec_btf {                /* the kernel's attach_btf_id */
	BPFX_SEC_BTF_NONE = 0,
	BPFX_SEC_BTF_TP,           /* tp_btf/X: vmlinux typedef btf_trace_X */
	BPFX_SEC_BTF_FUNC,         /* fentry/X: vmlinux function X */
	BPFX_SEC_BTF_LSM,          /* lsm/X: vmlinux function bpf_lsm_X */
	BPFX_SEC_BTF_ITER,         /* iter/X: vmlinux function bpf_iter_X */
	BPFX_SEC_BTF_PROG,         /* freplace/X: a function of another program */
	BPFX_SEC_BTF_STRUCT_OPS,   /* a member of a struct_ops map */
};

struct bpfx_sec_def {
	const char *sec;           /* "x": exactly x; "x+": x or x/...; "x/": x/... */
	enum bpfx_prog_type type;
	uint32_t attach;           /* the kernel's expected_attach_type */
	uint32_t flags;            /* BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS */
	enum bpfx_sec_btf btf;
};

/* The row for a section name (a leading '?' is ignored), NULL if none. */
const struct bpfx_sec_def *bpfx_sec_def_find(const char *sec_name);
/* The attach target a section names ("fentry/foo" -> "foo"), "" if none. */
const char *bpfx_sec_def_target(const struct bpfx_sec_def *def, const char *sec_name);
/* Program type from a section name ("tc", "xdp", ...), BPFX_PROG_UNSPEC if unknown. */
enum bpfx_prog_type bpfx_prog_type_from_sec(const char *sec_name);
/* May programs of this type call the kernel's generic kfuncs (bpf_throw, ...)? */
bool bpfx_prog_type_generic_kfuncs(enum bpfx_prog_type type);
/* The kernel's enum bpf_prog_type for a type; 0 when it has none (mem). */
uint32_t bpfx_prog_type_kernel(enum bpfx_prog_type type);
/* Whether the kernel's test run of the type takes a packet (data_in). */
bool bpfx_prog_type_kernel_packet(enum bpfx_prog_type type);
/* 0 when bpfx test-runs prog; else -EOPNOTSUPP (a type that cannot be test-run) or
 * -EINVAL (a devmap/cpumap xdp program, as the kernel's test run), the reason in why. */
int bpfx_prog_run_support(const struct bpfx_program *prog, char *why, size_t size);

/* Program-level helpers shared by the stages. */
int bpfx_program_func_at(const struct bpfx_program *prog, size_t insn_idx);
const struct bpfx_line_info *bpfx_program_line_at(const struct bpfx_program *prog,
						  size_t insn_idx);

/* Record why a program cannot be loaded: sets load_err (first error wins) and appends
 * the message to load_log. */
void bpfx_program_reject(struct bpfx_program *prog, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* BPFX_OBJECT_H */
