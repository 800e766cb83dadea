// SPDX-License-Identifier: MIT
/*
 * elf.c - open a clang-built .bpf.o: check the ELF (every header, offset, symbol and
 * relocation is bounds-checked against the file), find functions and programs,
 * resolve the relocations of code sections once, then let link.c build each program.
 * The rules follow libbpf's, so an object means here what it means to the kernel.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "object/loader.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

#define fmt_err(ld, ...) \
	(bpfx_obj_log((ld)->obj, BPFX_WARN, __VA_ARGS__), -BPFX_ERR_FORMAT)

/* ---------------------------------------------------------------------------------
 * Lookups shared with the other loader files.
 */

/* A NUL-terminated string at off inside section sec, or NULL. */
const char *bpfx_ld_str(const struct bpfx_ld *ld, uint32_t sec, uint64_t off)
{
	const struct bpfx_ld_sec *s;

	if (sec >= ld->sec_cnt)
		return NULL;
	s = &ld->secs[sec];
	if (!s->data || off >= s->size)
		return NULL;
	if (!memchr(s->data + off, '\0', s->size - off))
		return NULL;
	return (const char *)s->data + off;
}

/* Symbol names were all checked by load_symbols(). */
const char *bpfx_ld_sym_name(const struct bpfx_ld *ld, uint32_t sym)
{
	const char *name = bpfx_ld_str(ld, ld->strtab, ld->syms[sym].st_name);

	return name ? name : "";
}

int bpfx_ld_sec_by_name(const struct bpfx_ld *ld, const char *name)
{
	for (uint32_t i = 1; i < ld->sec_cnt; i++)
		if (ld->secs[i].name && strcmp(ld->secs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The function of code section sec that holds instruction insn, or -1. */
int bpfx_ld_func_at(const struct bpfx_ld *ld, uint32_t sec, uint32_t insn)
{
	uint32_t lo, hi;

	if (sec >= ld->sec_cnt)
		return -1;
	lo = ld->secs[sec].func_first;
	hi = ld->secs[sec].func_end;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct bpfx_ld_func *f = &ld->funcs[mid];

		if (insn < f->start)
			hi = mid;
		else if (insn >= f->start + f->cnt)
			lo = mid + 1;
		else
			return (int)mid;
	}
	return -1;
}

/* ---------------------------------------------------------------------------------
 * ELF header and sections.
 */

static int check_ehdr(struct bpfx_ld *ld, Elf *elf)
{
	GElf_Ehdr eh;

	if (elf_kind(elf) != ELF_K_ELF)
		return fmt_err(ld, "not an ELF file");
	if (!gelf_getehdr(elf, &eh))
		return fmt_err(ld, "cannot read the ELF header: %s", elf_errmsg(-1));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return fmt_err(ld, "not a 64-bit ELF file");
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return fmt_err(ld, "not a little-endian ELF file (big-endian BPF is not supported)");
	if (eh.e_machine != EM_BPF)
		return fmt_err(ld, "ELF machine is %u, not EM_BPF (247)", eh.e_machine);
	if (eh.e_type != ET_REL)
		return fmt_err(ld, "ELF type is %u, not ET_REL (a relocatable .o)", eh.e_type);
	if (eh.e_shentsize != sizeof(Elf64_Shdr))
		return fmt_err(ld, "ELF section header size is %u, not %zu", eh.e_shentsize,
			       sizeof(Elf64_Shdr));
	return 0;
}

/* The section header table must lie inside the file. */
static int check_shdr_table(struct bpfx_ld *ld, Elf *elf, size_t *cnt, size_t *shstrndx)
{
	size_t size = ld->obj->elf_size;
	GElf_Ehdr eh;

	if (elf_getshdrnum(elf, cnt) || elf_getshdrstrndx(elf, shstrndx))
		return fmt_err(ld, "cannot read the section headers: %s", elf_errmsg(-1));
	gelf_getehdr(elf, &eh);
	/* libelf counts no sections when the table lies past the end: say so first */
	if (eh.e_shoff > size || (size - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum)
		return fmt_err(ld, "section headers (offset %llu, %u entries) lie past the end of the file (%zu bytes): truncated?",
			       (unsigned long long)eh.e_shoff, eh.e_shnum, size);
	if (*cnt == 0 || *cnt > (1u << 20))
		return fmt_err(ld, "bad section count %zu", *cnt);
	if ((size - eh.e_shoff) / sizeof(Elf64_Shdr) < *cnt)
		return fmt_err(ld, "section headers (offset %llu, %zu entries) lie past the end of the file (%zu bytes)",
			       (unsigned long long)eh.e_shoff, *cnt, size);
	if (*shstrndx >= *cnt)
		return fmt_err(ld, "section name table index %zu out of range", *shstrndx);
	return 0;
}

static int read_shdr(struct bpfx_ld *ld, Elf *elf, uint32_t i, struct bpfx_ld_sec *s,
		     uint32_t *name_off)
{
	size_t size = ld->obj->elf_size;
	Elf_Scn *scn = elf_getscn(elf, i);
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh))
		return fmt_err(ld, "section %u: cannot read its header: %s", i, elf_errmsg(-1));
	s->type = sh.sh_type;
	s->flags = sh.sh_flags;
	s->size = sh.sh_size;
	s->link = sh.sh_link;
	s->info = sh.sh_info;
	s->entsize = sh.sh_entsize;
	s->map = -1;
	*name_off = sh.sh_name;
	if (sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL || sh.sh_size == 0)
		return 0;
	if (sh.sh_offset > size || size - sh.sh_offset < sh.sh_size)
		return fmt_err(ld, "section %u: data (offset %llu, size %llu) lies past the end of the file (%zu bytes)",
			       i, (unsigned long long)sh.sh_offset,
			       (unsigned long long)sh.sh_size, size);
	s->data = (const uint8_t *)ld->obj->elf_buf + sh.sh_offset;
	return 0;
}

static bool name_is(const char *name, const char *base)
{
	size_t n = strlen(base);

	return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

static enum bpfx_ld_sec_kind data_kind(const struct bpfx_ld_sec *s)
{
	if (!(s->flags & SHF_ALLOC) || (s->flags & SHF_EXECINSTR))
		return BPFX_LD_SKIP;
	if (s->type == SHT_PROGBITS && name_is(s->name, ".data"))
		return BPFX_LD_DATA;
	if (s->type == SHT_PROGBITS && name_is(s->name, ".rodata"))
		return BPFX_LD_RODATA;
	if (s->type == SHT_NOBITS && name_is(s->name, ".bss"))
		return BPFX_LD_BSS;
	return BPFX_LD_SKIP;
}

static int setup_code(struct bpfx_ld *ld, uint32_t i)
{
	struct bpfx_ld_sec *s = &ld->secs[i];

	if (s->size % BPFX_INSN_SZ)
		return fmt_err(ld, "section '%s': size %llu is not a multiple of 8",
			       s->name, (unsigned long long)s->size);
	if (s->size / BPFX_INSN_SZ > INT32_MAX)
		return fmt_err(ld, "section '%s': too large", s->name);
	s->insns = malloc(s->size);
	if (!s->insns)
		return -ENOMEM;
	memcpy(s->insns, s->data, s->size);
	s->insn_cnt = (uint32_t)(s->size / BPFX_INSN_SZ);
	s->kind = BPFX_LD_CODE;
	if (strcmp(s->name, ".text") == 0) {
		if (ld->text)
			return fmt_err(ld, "more than one '.text' section");
		ld->text = i;
	}
	return 0;
}

/* The license string, as the kernel gets it: up to the first NUL, within the section. */
static int read_license(struct bpfx_ld *ld, const struct bpfx_ld_sec *s)
{
	size_t n = s->data ? strnlen((const char *)s->data, s->size) : 0;

	if (n == s->size)
		return fmt_err(ld, "section 'license': the string is not NUL-terminated");
	free(ld->obj->license);
	ld->obj->license = strndup((const char *)s->data, n);
	return ld->obj->license ? 0 : -ENOMEM;
}

static int classify(struct bpfx_ld *ld, uint32_t i)
{
	struct bpfx_ld_sec *s = &ld->secs[i];

	if (s->type == SHT_SYMTAB) {
		if (ld->symtab)
			return fmt_err(ld, "more than one symbol table");
		ld->symtab = i;
	} else if (strcmp(s->name, "maps") == 0 && s->type == SHT_PROGBITS) {
		return fmt_err(ld, "legacy map definitions in 'maps' section are not supported (use BTF-defined maps in '.maps')");
	} else if (s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR) && s->size) {
		return setup_code(ld, i);
	} else if (strcmp(s->name, ".maps") == 0) {
		ld->maps_sec = i;
		s->kind = BPFX_LD_MAPS;
	} else if (strcmp(s->name, ".BTF") == 0) {
		ld->btf_sec = i;
	} else if (strcmp(s->name, ".BTF.ext") == 0) {
		ld->btf_ext_sec = i;
	} else if (strcmp(s->name, "license") == 0 && s->type == SHT_PROGBITS) {
		return read_license(ld, s);
	} else if (s->size) {
		s->kind = data_kind(s);
	}
	return 0;
}

static int load_sections(struct bpfx_ld *ld, Elf *elf)
{
	size_t cnt, shstrndx;
	uint32_t *name_off;
	int err;

	err = check_shdr_table(ld, elf, &cnt, &shstrndx);
	if (err)
		return err;
	ld->secs = calloc(cnt, sizeof(*ld->secs));
	name_off = calloc(cnt, sizeof(*name_off));
	if (!ld->secs || !name_off) {
		free(name_off);
		return -ENOMEM;
	}
	ld->sec_cnt = (uint32_t)cnt;
	for (uint32_t i = 0; i < cnt && !err; i++)
		err = read_shdr(ld, elf, i, &ld->secs[i], &name_off[i]);
	if (!err && ld->secs[shstrndx].type != SHT_STRTAB)
		err = fmt_err(ld, "section name table (section %zu) is not a string table", shstrndx);
	for (uint32_t i = 1; i < cnt && !err; i++) {
		ld->secs[i].name = bpfx_ld_str(ld, (uint32_t)shstrndx, name_off[i]);
		if (!ld->secs[i].name)
			err = fmt_err(ld, "section %u: name offset %u is outside the section name table",
				      i, name_off[i]);
		else
			err = classify(ld, i);
	}
	free(name_off);
	return err;
}

/* ---------------------------------------------------------------------------------
 * Symbols and functions.
 */

static int check_sym(struct bpfx_ld *ld, uint32_t i)
{
	const Elf64_Sym *sym = &ld->syms[i];

	if (!bpfx_ld_str(ld, ld->strtab, sym->st_name))
		return fmt_err(ld, "symbol %u: name offset %u is outside the string table",
			       i, sym->st_name);
	if (sym->st_shndx == SHN_XINDEX)
		return fmt_err(ld, "symbol '%s': extended section indexes are not supported",
			       bpfx_ld_sym_name(ld, i));
	if (sym->st_shndx != SHN_UNDEF && sym->st_shndx < SHN_LORESERVE &&
	    sym->st_shndx >= ld->sec_cnt)
		return fmt_err(ld, "symbol '%s': section index %u out of range",
			       bpfx_ld_sym_name(ld, i), sym->st_shndx);
	return 0;
}

static int load_symbols(struct bpfx_ld *ld)
{
	const struct bpfx_ld_sec *s;
	int err = 0;

	if (!ld->symtab)
		return fmt_err(ld, "no symbol table (.symtab)");
	s = &ld->secs[ld->symtab];
	if (s->entsize != sizeof(Elf64_Sym) || s->size % sizeof(Elf64_Sym) || !s->data)
		return fmt_err(ld, "section '%s': bad symbol table layout (entry size %llu, size %llu)",
			       s->name, (unsigned long long)s->entsize,
			       (unsigned long long)s->size);
	if (s->link >= ld->sec_cnt || ld->secs[s->link].type != SHT_STRTAB)
		return fmt_err(ld, "section '%s': linked string table %u is not a string table",
			       s->name, s->link);
	if (s->size / sizeof(Elf64_Sym) > INT32_MAX)
		return fmt_err(ld, "section '%s': too many symbols", s->name);
	ld->strtab = s->link;
	ld->syms = malloc(s->size ? s->size : 1);
	if (!ld->syms)
		return -ENOMEM;
	memcpy(ld->syms, s->data, s->size);
	ld->sym_cnt = (uint32_t)(s->size / sizeof(Elf64_Sym));
	for (uint32_t i = 1; i < ld->sym_cnt && !err; i++)
		err = check_sym(ld, i);
	return err;
}

static bool is_func_sym(const struct bpfx_ld *ld, const Elf64_Sym *sym)
{
	return ELF64_ST_TYPE(sym->st_info) == STT_FUNC && sym->st_shndx != SHN_UNDEF &&
	       sym->st_shndx < ld->sec_cnt && ld->secs[sym->st_shndx].kind == BPFX_LD_CODE;
}

static int add_func(struct bpfx_ld *ld, uint32_t i)
{
	const Elf64_Sym *sym = &ld->syms[i];
	const struct bpfx_ld_sec *s = &ld->secs[sym->st_shndx];
	struct bpfx_ld_func *f = &ld->funcs[ld->func_cnt++];
	unsigned int vis = ELF64_ST_VISIBILITY(sym->st_other);

	if (sym->st_value % BPFX_INSN_SZ || sym->st_size % BPFX_INSN_SZ || !sym->st_size ||
	    sym->st_value > s->size || s->size - sym->st_value < sym->st_size)
		return fmt_err(ld, "sec '%s': corrupted program '%s', offset %llu, size %llu",
			       s->name, bpfx_ld_sym_name(ld, i),
			       (unsigned long long)sym->st_value,
			       (unsigned long long)sym->st_size);
	f->sec = sym->st_shndx;
	f->start = (uint32_t)(sym->st_value / BPFX_INSN_SZ);
	f->cnt = (uint32_t)(sym->st_size / BPFX_INSN_SZ);
	f->sym = i;
	f->name = bpfx_ld_sym_name(ld, i);
	f->global = ELF64_ST_BIND(sym->st_info) != STB_LOCAL;
	f->hidden = f->global && (vis == STV_HIDDEN || vis == STV_INTERNAL);
	f->prog = -1;
	return 0;
}

static int cmp_funcs(const void *a, const void *b)
{
	const struct bpfx_ld_func *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* Sorted functions: no overlaps; per-section ranges; program numbers. */
static int index_funcs(struct bpfx_ld *ld)
{
	int prog = 0;

	qsort(ld->funcs, ld->func_cnt, sizeof(*ld->funcs), cmp_funcs);
	for (uint32_t i = 0; i < ld->func_cnt; i++) {
		struct bpfx_ld_func *f = &ld->funcs[i];
		struct bpfx_ld_sec *s = &ld->secs[f->sec];

		if (i && f[-1].sec == f->sec && f[-1].start + f[-1].cnt > f->start)
			return fmt_err(ld, "sec '%s': functions '%s' and '%s' overlap",
				       s->name, f[-1].name, f->name);
		if (!i || f[-1].sec != f->sec)
			s->func_first = i;
		s->func_end = i + 1;
		if (f->sec != ld->text)
			f->prog = prog++;
	}
	return 0;
}

static int collect_funcs(struct bpfx_ld *ld)
{
	uint32_t cnt = 0;
	int err = 0;

	for (uint32_t i = 1; i < ld->sym_cnt; i++)
		cnt += is_func_sym(ld, &ld->syms[i]);
	ld->funcs = calloc(cnt ? cnt : 1, sizeof(*ld->funcs));
	if (!ld->funcs)
		return -ENOMEM;
	for (uint32_t i = 1; i < ld->sym_cnt && !err; i++)
		if (is_func_sym(ld, &ld->syms[i]))
			err = add_func(ld, i);
	return err ? err : index_funcs(ld);
}

/* ---------------------------------------------------------------------------------
 * Relocations of code sections: checked and resolved once here.
 */

struct relo_ctx {
	struct bpfx_ld *ld;
	const char *rname;        /* the .rel section, for messages */
	uint32_t num;             /* relocation number in it */
	struct bpfx_ld_sec *cs;   /* the code section it patches */
};

static int extern_get(struct bpfx_ld *ld, uint32_t symi)
{
	struct bpfx_object *obj = ld->obj;
	const char *name = bpfx_ld_sym_name(ld, symi);
	struct bpfx_extern *ext;
	int id;

	for (uint32_t i = 0; i < obj->extern_cnt; i++)
		if (strcmp(obj->externs[i].name, name) == 0)
			return (int)i;
	ext = realloc(obj->externs, (obj->extern_cnt + 1) * sizeof(*ext));
	if (!ext)
		return -ENOMEM;
	obj->externs = ext;
	ext = &ext[obj->extern_cnt];
	memset(ext, 0, sizeof(*ext));
	ext->name = strdup(name);
	if (!ext->name)
		return -ENOMEM;
	id = obj->btf ? btf__find_by_name_kind(obj->btf, name, BTF_KIND_FUNC) : -1;
	ext->btf_id = id > 0 ? (uint32_t)id : 0;
	ext->weak = ELF64_ST_BIND(ld->syms[symi].st_info) == STB_WEAK;
	return (int)obj->extern_cnt++;
}

/* A call or function address aimed at instruction tgt of section sec. */
static int func_target(struct relo_ctx *rc, struct bpfx_ld_rel *out, uint32_t sec,
		       int64_t tgt)
{
	struct bpfx_ld *ld = rc->ld;
	const struct bpfx_ld_sec *ts = &ld->secs[sec];
	int f;

	if (tgt < 0 || tgt >= ts->insn_cnt)
		return fmt_err(ld, "section '%s': relocation %u: target insn %lld is outside '%s'",
			       rc->rname, rc->num, (long long)tgt, ts->name);
	f = bpfx_ld_func_at(ld, sec, (uint32_t)tgt);
	if (f < 0)
		return fmt_err(ld, "section '%s': relocation %u: target insn %lld of '%s' is not inside any function",
			       rc->rname, rc->num, (long long)tgt, ts->name);
	out->target = (uint32_t)f;
	out->off = (uint32_t)tgt - ld->funcs[f].start;
	return 0;
}

static int call_relo(struct relo_ctx *rc, const struct bpf_insn *insn, uint32_t symi,
		     struct bpfx_ld_rel *out)
{
	struct bpfx_ld *ld = rc->ld;
	const Elf64_Sym *sym = &ld->syms[symi];
	const char *name = bpfx_ld_sym_name(ld, symi);

	if (insn->src_reg != BPF_PSEUDO_CALL)
		return fmt_err(ld, "section '%s': relocation %u: incorrect bpf_call opcode (src_reg %u) for '%s'",
			       rc->rname, rc->num, insn->src_reg, name);
	if (!ld->text || sym->st_shndx != ld->text)
		return fmt_err(ld, "section '%s': relocation %u: bad call relo against '%s' in section '%s'",
			       rc->rname, rc->num, name,
			       sym->st_shndx < ld->sec_cnt ? ld->secs[sym->st_shndx].name : "?");
	if (sym->st_value % BPFX_INSN_SZ)
		return fmt_err(ld, "section '%s': relocation %u: bad call relo offset %llu",
			       rc->rname, rc->num, (unsigned long long)sym->st_value);
	out->kind = BPFX_REL_CALL;
	return func_target(rc, out, ld->text,
			   (int64_t)(sym->st_value / BPFX_INSN_SZ) + insn->imm + 1);
}

static int func_addr_relo(struct relo_ctx *rc, const struct bpf_insn *insn, uint32_t symi,
			  struct bpfx_ld_rel *out)
{
	struct bpfx_ld *ld = rc->ld;
	const Elf64_Sym *sym = &ld->syms[symi];
	unsigned int type = ELF64_ST_TYPE(sym->st_info);
	int64_t byte = (int64_t)sym->st_value + insn->imm;

	if (sym->st_shndx != ld->text || (type != STT_FUNC && type != STT_SECTION))
		return fmt_err(ld, "section '%s': relocation %u: bad map relo against '%s' in section '%s'",
			       rc->rname, rc->num, bpfx_ld_sym_name(ld, symi),
			       ld->secs[sym->st_shndx].name);
	if (byte % BPFX_INSN_SZ)
		return fmt_err(ld, "section '%s': relocation %u: bad subprog addr relo offset %lld",
			       rc->rname, rc->num, (long long)byte);
	out->kind = BPFX_REL_FUNC_ADDR;
	return func_target(rc, out, ld->text, byte / (int64_t)BPFX_INSN_SZ);
}

static int ld64_relo(struct relo_ctx *rc, const struct bpf_insn *insn, uint32_t symi,
		     struct bpfx_ld_rel *out)
{
	struct bpfx_ld *ld = rc->ld;
	const Elf64_Sym *sym = &ld->syms[symi];
	const char *name = bpfx_ld_sym_name(ld, symi);
	const struct bpfx_ld_sec *ts;
	int map;

	if (sym->st_shndx >= SHN_LORESERVE)
		return fmt_err(ld, "section '%s': relocation %u: invalid relo against '%s' in special section 0x%x; forgot to initialize global var?..",
			       rc->rname, rc->num, name, sym->st_shndx);
	ts = &ld->secs[sym->st_shndx];
	if (ts->kind == BPFX_LD_CODE)
		return func_addr_relo(rc, insn, symi, out);
	if (ts->kind == BPFX_LD_MAPS) {
		map = bpfx_ld_map_at(ld, sym->st_value);
		if (map < 0)
			return fmt_err(ld, "section '%s': relocation %u: map relo failed to find map for section '%s', off %llu",
				       rc->rname, rc->num, ts->name,
				       (unsigned long long)sym->st_value);
		out->kind = BPFX_REL_MAP;
		out->target = (uint32_t)map;
		return 0;
	}
	if (ts->kind != BPFX_LD_DATA && ts->kind != BPFX_LD_RODATA && ts->kind != BPFX_LD_BSS)
		return fmt_err(ld, "section '%s': relocation %u: bad data relo against '%s' in section '%s'",
			       rc->rname, rc->num, name, ts->name);
	if (ts->map < 0)
		return fmt_err(ld, "section '%s': relocation %u: data relo failed to find map for section '%s'",
			       rc->rname, rc->num, ts->name);
	out->kind = BPFX_REL_DATA;
	out->target = (uint32_t)ts->map;
	out->off = (uint32_t)insn->imm + (uint32_t)sym->st_value;
	return 0;
}

static int resolve_relo(struct relo_ctx *rc, uint32_t idx, uint32_t symi,
			struct bpfx_ld_rel *out)
{
	struct bpfx_ld *ld = rc->ld;
	const struct bpf_insn *insn = &rc->cs->insns[idx];
	bool call = insn->code == (BPF_JMP | BPF_CALL);
	bool ld64 = insn->code == (BPF_LD | BPF_IMM | BPF_DW);

	out->insn = idx;
	if (!call && !ld64)
		return fmt_err(ld, "section '%s': relocation %u against '%s' is on insn %u (code 0x%02x) of '%s', not a call or ld_imm64",
			       rc->rname, rc->num, bpfx_ld_sym_name(ld, symi), idx,
			       insn->code, rc->cs->name);
	if (ld64 && idx + 1 >= rc->cs->insn_cnt)
		return fmt_err(ld, "section '%s': relocation %u: ld_imm64 at insn %u is cut off by the end of '%s'",
			       rc->rname, rc->num, idx, rc->cs->name);
	if (ld->syms[symi].st_shndx == SHN_UNDEF) {
		int ext = call ? extern_get(ld, symi) : 0;

		if (ext < 0)
			return ext;
		out->kind = call ? BPFX_REL_KFUNC : BPFX_REL_EXTERN_VAR;
		out->target = call ? (uint32_t)ext : symi;
		return 0;
	}
	return call ? call_relo(rc, insn, symi, out) : ld64_relo(rc, insn, symi, out);
}

static int check_rel_sec(struct bpfx_ld *ld, const struct bpfx_ld_sec *rs)
{
	if ((rs->entsize && rs->entsize != sizeof(Elf64_Rel)) ||
	    rs->size % sizeof(Elf64_Rel) || (rs->size && !rs->data))
		return fmt_err(ld, "section '%s': bad relocation table layout", rs->name);
	if (rs->link != ld->symtab)
		return fmt_err(ld, "section '%s': relocations use section %u, not the symbol table",
			       rs->name, rs->link);
	return 0;
}

static int cmp_rels(const void *a, const void *b)
{
	const struct bpfx_ld_rel *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static int code_relo_one(struct relo_ctx *rc, const struct bpfx_ld_sec *rs)
{
	struct bpfx_ld *ld = rc->ld;
	Elf64_Rel rel;
	uint32_t symi;

	memcpy(&rel, rs->data + (size_t)rc->num * sizeof(rel), sizeof(rel));
	if (ELF64_R_TYPE(rel.r_info) == R_BPF_NONE)
		return 0;
	symi = ELF64_R_SYM(rel.r_info);
	if (symi == 0 || symi >= ld->sym_cnt)
		return fmt_err(ld, "section '%s': relocation %u refers to symbol %u, outside the symbol table",
			       rs->name, rc->num, symi);
	if (rel.r_offset >= rc->cs->size)
		return fmt_err(ld, "section '%s': relocation %u points past the end of '%s'",
			       rs->name, rc->num, rc->cs->name);
	if (rel.r_offset % BPFX_INSN_SZ)
		return fmt_err(ld, "section '%s': relocation %u is not on an instruction boundary of '%s' (offset %llu)",
			       rs->name, rc->num, rc->cs->name,
			       (unsigned long long)rel.r_offset);
	return resolve_relo(rc, (uint32_t)(rel.r_offset / BPFX_INSN_SZ), symi,
			    &rc->cs->rels[rc->cs->rel_cnt++]);
}

static int code_relos(struct bpfx_ld *ld, uint32_t r)
{
	const struct bpfx_ld_sec *rs = &ld->secs[r];
	struct relo_ctx rc = { .ld = ld, .rname = rs->name, .cs = &ld->secs[rs->info] };
	uint32_t n = (uint32_t)(rs->size / sizeof(Elf64_Rel));
	int err = 0;

	if (rc.cs->rels)
		return fmt_err(ld, "section '%s': more than one relocation section", rc.cs->name);
	rc.cs->rels = calloc(n ? n : 1, sizeof(*rc.cs->rels));
	if (!rc.cs->rels)
		return -ENOMEM;
	for (rc.num = 0; rc.num < n && !err; rc.num++)
		err = code_relo_one(&rc, rs);
	if (err)
		return err;
	qsort(rc.cs->rels, rc.cs->rel_cnt, sizeof(*rc.cs->rels), cmp_rels);
	for (uint32_t i = 1; i < rc.cs->rel_cnt; i++)
		if (rc.cs->rels[i].insn == rc.cs->rels[i - 1].insn)
			return fmt_err(ld, "section '%s': two relocations for insn %u",
				       rs->name, rc.cs->rels[i].insn);
	return 0;
}

static int collect_relos(struct bpfx_ld *ld)
{
	int err = 0;

	for (uint32_t i = 1; i < ld->sec_cnt && !err; i++) {
		const struct bpfx_ld_sec *s = &ld->secs[i];
		bool code = s->info < ld->sec_cnt && ld->secs[s->info].kind == BPFX_LD_CODE;

		if (s->type == SHT_RELA && code)
			return fmt_err(ld, "section '%s': RELA relocations are not supported", s->name);
		if (s->type != SHT_REL || s->info >= ld->sec_cnt)
			continue;
		if (!code && (!ld->maps_sec || s->info != ld->maps_sec))
			continue;
		err = check_rel_sec(ld, s);
		if (!err)
			err = code ? code_relos(ld, i) : bpfx_ld_maps_relos(ld, i);
	}
	return err;
}

/* ---------------------------------------------------------------------------------
 * Programs.
 */

static int make_prog(struct bpfx_ld *ld, uint32_t fi)
{
	const struct bpfx_ld_func *f = &ld->funcs[fi];
	struct bpfx_program *prog = &ld->obj->progs[f->prog];
	const char *sec = ld->secs[f->sec].name;

	prog->obj = ld->obj;
	prog->id = (uint32_t)f->prog;
	prog->exc_cb = -1;
	prog->name = strdup(f->name);
	prog->sec_name = strdup(sec);
	if (!prog->name || !prog->sec_name)
		return -ENOMEM;
	prog->sec_def = bpfx_sec_def_find(sec);
	prog->type = prog->sec_def ? prog->sec_def->type : BPFX_PROG_UNSPEC;
	if (!f->global)
		bpfx_program_reject(prog, -ENOTSUP,
				    "sec '%s': program '%s' is static and not supported",
				    sec, f->name);
	return bpfx_ld_link(ld, prog, fi);
}

static int make_progs(struct bpfx_ld *ld)
{
	struct bpfx_object *obj = ld->obj;
	uint32_t cnt = 0;
	int err = 0;

	for (uint32_t i = 0; i < ld->func_cnt; i++)
		cnt += ld->funcs[i].prog >= 0;
	if (!cnt)
		return 0;
	obj->progs = calloc(cnt, sizeof(*obj->progs));
	if (!obj->progs)
		return -ENOMEM;
	obj->prog_cnt = cnt;
	for (uint32_t i = 0; i < ld->func_cnt && !err; i++)
		if (ld->funcs[i].prog >= 0)
			err = make_prog(ld, i);
	return err;
}

/* ---------------------------------------------------------------------------------
 * Entry points.
 */

static void ld_free(struct bpfx_ld *ld)
{
	for (uint32_t i = 0; ld->secs && i < ld->sec_cnt; i++) {
		struct bpfx_ld_sec *s = &ld->secs[i];

		free(s->insns);
		free(s->rels);
		free(s->finfo);
		free(s->linfo);
		free(s->bad);
	}
	free(ld->secs);
	free(ld->syms);
	free(ld->funcs);
	free(ld->umaps);
}

static int parse(struct bpfx_ld *ld, Elf *elf)
{
	int err;

	err = check_ehdr(ld, elf);
	if (!err)
		err = load_sections(ld, elf);
	if (!err)
		err = load_symbols(ld);
	if (!err)
		err = bpfx_ld_btf_load(ld);
	if (!err)
		err = collect_funcs(ld);
	if (!err)
		err = bpfx_ld_btf_fixup_funcs(ld);
	if (!err)
		err = bpfx_ld_btf_ext(ld);
	if (!err)
		err = bpfx_ld_maps(ld);
	if (!err)
		err = collect_relos(ld);
	if (!err)
		err = make_progs(ld);
	return err;
}

int bpfx_object_parse(struct bpfx_object *obj)
{
	struct bpfx_ld ld = { .obj = obj };
	Elf *elf;
	int err;

	if (!obj->elf_buf || obj->elf_size < EI_NIDENT ||
	    memcmp(obj->elf_buf, ELFMAG, SELFMAG) != 0) {
		bpfx_obj_log(obj, BPFX_WARN, "not an ELF file");
		return -BPFX_ERR_FORMAT;
	}
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	elf = elf_memory(obj->elf_buf, obj->elf_size);
	if (!elf) {
		bpfx_obj_log(obj, BPFX_WARN, "cannot read the ELF file: %s", elf_errmsg(-1));
		return -BPFX_ERR_FORMAT;
	}
	err = parse(&ld, elf);
	ld_free(&ld);
	elf_end(elf);
	if (err)
		bpfx_object_free_parsed(obj);
	return err;
}

static void free_prog(struct bpfx_program *prog)
{
	free(prog->name);
	free(prog->sec_name);
	free(prog->insns);
	free(prog->funcs);
	free(prog->lines);
	for (uint32_t i = 0; prog->tags && i < prog->tag_cnt; i++)
		free(prog->tags[i]);
	free(prog->tags);
	free(prog->load_log);
}

void bpfx_object_free_parsed(struct bpfx_object *obj)
{
	for (uint32_t i = 0; obj->progs && i < obj->prog_cnt; i++)
		free_prog(&obj->progs[i]);
	free(obj->progs);
	obj->progs = NULL;
	obj->prog_cnt = 0;
	for (uint32_t i = 0; obj->maps && i < obj->map_cnt; i++) {
		free(obj->maps[i].name);
		free(obj->maps[i].init_data);
		free(obj->maps[i].init_progs);
	}
	free(obj->maps);
	obj->maps = NULL;
	obj->map_cnt = 0;
	for (uint32_t i = 0; obj->externs && i < obj->extern_cnt; i++)
		free(obj->externs[i].name);
	free(obj->externs);
	obj->externs = NULL;
	obj->extern_cnt = 0;
	btf__free(obj->btf);
	obj->btf = NULL;
}
