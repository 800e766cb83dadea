/* SPDX-License-Identifier: MIT */
/*
 * layout.c - the two facts the BTF fix-up needs and the object model does not keep:
 * the size of an ELF section by name, and the value and visibility of a symbol by
 * name.  Look-ups only, over the object's own copy of the file (obj->elf_buf); the
 * object is parsed by object/elf.c alone.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"

struct bpfx_elf_layout {
	Elf *elf;
	size_t shstrndx;
	Elf_Scn *symtab;
	size_t sym_cnt;
	uint32_t sym_link;
};

static int find_symtab(struct bpfx_elf_layout *l)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(l->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		if (sh.sh_entsize != sizeof(Elf64_Sym))
			return -EINVAL;
		l->symtab = scn;
		l->sym_cnt = sh.sh_size / sh.sh_entsize;
		l->sym_link = sh.sh_link;
		return 0;
	}
	return 0;
}

int bpfx_elf_layout_open(const struct bpfx_object *obj, struct bpfx_elf_layout **out)
{
	struct bpfx_elf_layout *l;

	*out = NULL;
	if (!obj->elf_buf || !obj->elf_size)
		return -ENOENT;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->elf = elf_memory(obj->elf_buf, obj->elf_size);
	if (!l->elf || elf_kind(l->elf) != ELF_K_ELF || elf_getshdrstrndx(l->elf,
								      &l->shstrndx) ||
	    find_symtab(l)) {
		bpfx_elf_layout_close(l);
		return -EINVAL;
	}
	*out = l;
	return 0;
}

void bpfx_elf_layout_close(struct bpfx_elf_layout *l)
{
	if (!l)
		return;
	if (l->elf)
		elf_end(l->elf);
	free(l);
}

static int sec_size(void *ctx, const char *name, uint32_t *size)
{
	struct bpfx_elf_layout *l = ctx;
	Elf_Scn *scn = NULL;
	const char *s;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(l->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		s = elf_strptr(l->elf, l->shstrndx, sh.sh_name);
		if (s && !strcmp(s, name) && sh.sh_size <= UINT32_MAX) {
			*size = (uint32_t)sh.sh_size;
			return 0;
		}
	}
	return -ENOENT;
}

/* A defined object or function symbol of that name (not a section symbol). */
static int sym(void *ctx, const char *name, uint32_t *value, bool *hidden)
{
	struct bpfx_elf_layout *l = ctx;
	Elf_Data *data;
	GElf_Sym s;
	size_t i;

	if (!l->symtab || !(data = elf_getdata(l->symtab, NULL)))
		return -ENOENT;
	for (i = 1; i < l->sym_cnt; i++) {
		const char *sname;
		int type;

		if (!gelf_getsym(data, (int)i, &s) || s.st_shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if (type != STT_OBJECT && type != STT_FUNC && type != STT_NOTYPE)
			continue;
		sname = elf_strptr(l->elf, l->sym_link, s.st_name);
		if (!sname || strcmp(sname, name) || s.st_value > UINT32_MAX)
			continue;
		*value = (uint32_t)s.st_value;
		*hidden = GELF_ST_VISIBILITY(s.st_other) == STV_HIDDEN ||
			  GELF_ST_VISIBILITY(s.st_other) == STV_INTERNAL;
		return 0;
	}
	return -ENOENT;
}

void bpfx_elf_layout_get(struct bpfx_elf_layout *l, struct bpfx_btf_layout *out)
{
	out->sec_size = l ? sec_size : NULL;
	out->sym = l ? sym : NULL;
	out->ctx = l;
}
