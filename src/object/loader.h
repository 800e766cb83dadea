/* SPDX-License-Identifier: MIT */
/*
 * loader.h - private state of the object loader, shared by elf.c (ELF, symbols,
 * relocations), btf_ext.c (BTF fix-ups, .BTF.ext, CO-RE), maps_def.c (.maps and global
 * data) and link.c (one linked instruction array per program).  It exists only while
 * bpfx_object_parse() runs; everything that outlives it is in struct bpfx_object.
 */
#ifndef BPFX_LOADER_H
#define BPFX_LOADER_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>

#include "object/object.h"

#define BPFX_INSN_SZ 8u
#ifndef R_BPF_NONE
#define R_BPF_NONE 0
#endif

enum bpfx_ld_sec_kind {
	BPFX_LD_SKIP = 0,   /* debug info, license, anything we do not use */
	BPFX_LD_CODE,       /* executable: .text (subprograms) or a program section */
	BPFX_LD_MAPS,       /* .maps */
	BPFX_LD_DATA,       /* .data, .data.* */
	BPFX_LD_RODATA,     /* .rodata, .rodata.* */
	BPFX_LD_BSS,        /* .bss, .bss.* */
};

/* What a relocation in a code section turned into (resolved once, applied per program). */
enum bpfx_ld_rel_kind {
	BPFX_REL_CALL,       /* bpf-to-bpf call: target = function, off = insn inside it */
	BPFX_REL_FUNC_ADDR,  /* ld_imm64 of a function (callbacks): as CALL */
	BPFX_REL_MAP,        /* ld_imm64 of a .maps map: target = map index */
	BPFX_REL_DATA,       /* ld_imm64 into global data: target = map, off = byte offset */
	BPFX_REL_KFUNC,      /* call of an extern function: target = extern index */
	BPFX_REL_EXTERN_VAR, /* ld_imm64 of an extern variable: target = symbol */
};

struct bpfx_ld_rel {
	uint32_t insn;       /* instruction index in the section */
	uint32_t kind;       /* enum bpfx_ld_rel_kind */
	uint32_t target;
	uint32_t off;
};

/* .BTF.ext records of one code section, insn_off already turned into an index. */
struct bpfx_ld_finfo {
	uint32_t insn;
	uint32_t type_id;
};

struct bpfx_ld_linfo {
	uint32_t insn;
	uint32_t file_off;
	uint32_t line_off;
	uint32_t line_col;
	uint32_t seq;             /* file order, to keep the sort stable */
};

/* A CO-RE relocation we cannot apply: programs that contain the insn are rejected. */
struct bpfx_ld_bad {
	uint32_t insn;
	uint32_t kind;
	char msg[96];
};

struct bpfx_ld_sec {
	const char *name;
	uint32_t type;            /* sh_type */
	uint64_t flags;           /* sh_flags */
	uint64_t size;
	uint32_t link, info;
	uint64_t entsize;
	const uint8_t *data;      /* inside obj->elf_buf; NULL for SHT_NOBITS */
	enum bpfx_ld_sec_kind kind;
	int map;                  /* data sections: index in obj->maps, else -1 */

	/* Code sections only. */
	struct bpf_insn *insns;   /* our copy, CO-RE applied */
	uint32_t insn_cnt;
	uint32_t func_first;      /* functions of this section: funcs[first, end) */
	uint32_t func_end;
	struct bpfx_ld_rel *rels; /* sorted by insn */
	uint32_t rel_cnt;
	struct bpfx_ld_finfo *finfo;
	uint32_t finfo_cnt;
	struct bpfx_ld_linfo *linfo;
	uint32_t linfo_cnt;
	struct bpfx_ld_bad *bad;
	uint32_t bad_cnt;
};

/* One function: an STT_FUNC symbol in a code section. */
struct bpfx_ld_func {
	uint32_t sec;
	uint32_t start;           /* first instruction, in the section */
	uint32_t cnt;
	uint32_t sym;
	const char *name;
	bool global;              /* ELF binding is not STB_LOCAL */
	bool hidden;              /* STV_HIDDEN or STV_INTERNAL */
	int prog;                 /* index in obj->progs; -1 for .text subprograms */
};

/* Where a BTF-defined map sits in .maps. */
struct bpfx_ld_map {
	uint32_t off;
	uint32_t size;
	uint32_t def_id;          /* the map's definition STRUCT */
};

struct bpfx_ld {
	struct bpfx_object *obj;
	struct bpfx_ld_sec *secs;
	uint32_t sec_cnt;
	uint32_t text;            /* .text section index, 0 if none */
	uint32_t maps_sec;        /* .maps section index, 0 if none */
	uint32_t btf_sec, btf_ext_sec;
	uint32_t symtab, strtab;  /* .symtab and its string table */
	Elf64_Sym *syms;          /* aligned copy of the symbol table */
	uint32_t sym_cnt;
	struct bpfx_ld_func *funcs;  /* sorted by (sec, start) */
	uint32_t func_cnt;
	struct bpfx_ld_map *umaps;   /* BTF-defined maps: obj->maps[0, umap_cnt) */
	uint32_t umap_cnt;
};

/* elf.c */
const char *bpfx_ld_str(const struct bpfx_ld *ld, uint32_t sec, uint64_t off);
const char *bpfx_ld_sym_name(const struct bpfx_ld *ld, uint32_t sym);
int bpfx_ld_func_at(const struct bpfx_ld *ld, uint32_t sec, uint32_t insn);
int bpfx_ld_sec_by_name(const struct bpfx_ld *ld, const char *name);

/* btf_ext.c: load .BTF and fix it up as libbpf does; parse .BTF.ext, apply CO-RE. */
int bpfx_ld_btf_load(struct bpfx_ld *ld);
int bpfx_ld_btf_fixup_funcs(struct bpfx_ld *ld);
int bpfx_ld_btf_ext(struct bpfx_ld *ld);
const char *bpfx_core_kind_str(uint32_t kind);

/* maps_def.c: obj->maps from .maps and the global data sections. */
int bpfx_ld_maps(struct bpfx_ld *ld);
int bpfx_ld_maps_relos(struct bpfx_ld *ld, uint32_t rel_sec);
int bpfx_ld_map_at(const struct bpfx_ld *ld, uint64_t off);

/* link.c: the linked instruction array, funcs, lines, tags of one program. */
int bpfx_ld_link(struct bpfx_ld *ld, struct bpfx_program *prog, uint32_t func);

#endif /* BPFX_LOADER_H */
