/* SPDX-License-Identifier: MIT */
/*
 * test_btf_fixup.c - the kernel loader's BTF fix-up on clang's raw BTF (argv[1], a
 * clang-built .bpf.o such as kfixup.bpf.o).  The BTF and the ELF layout are read here
 * with libbpf and libelf, independently of bpfx's loader.  Checks the result against
 * the ELF (section sizes, symbol values, visibility) and, where bpf() works, that the
 * kernel refuses the raw BTF and accepts the fixed one.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/kernel.h"

static int failures;

#define CHECK(cond, ...)                                                          \
	do {                                                                      \
		if (!(cond)) {                                                    \
			failures++;                                               \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
		}                                                                 \
	} while (0)

struct elf_file {
	int fd;
	Elf *elf;
	size_t shstrndx;
};

static int elf_sec_size(void *ctx, const char *name, uint32_t *size)
{
	struct elf_file *e = ctx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e->elf, scn))) {
		const char *s;

		if (!gelf_getshdr(scn, &sh))
			continue;
		s = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
		if (s && !strcmp(s, name)) {
			*size = (uint32_t)sh.sh_size;
			return 0;
		}
	}
	return -ENOENT;
}

static int elf_sym(void *ctx, const char *name, uint32_t *value, bool *hidden)
{
	struct elf_file *e = ctx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym s;

	while ((scn = elf_nextscn(e->elf, scn))) {
		Elf_Data *d;
		size_t i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (i = 1; d && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *n;

			if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF ||
			    GELF_ST_TYPE(s.st_info) == STT_SECTION)
				continue;
			n = elf_strptr(e->elf, sh.sh_link, s.st_name);
			if (n && !strcmp(n, name)) {
				*value = (uint32_t)s.st_value;
				*hidden = GELF_ST_VISIBILITY(s.st_other) == STV_HIDDEN;
				return 0;
			}
		}
	}
	return -ENOENT;
}

static int open_elf(const char *path, struct elf_file *e)
{
	elf_version(EV_CURRENT);
	e->fd = open(path, O_RDONLY);
	if (e->fd < 0)
		return -errno;
	e->elf = elf_begin(e->fd, ELF_C_READ, NULL);
	if (!e->elf || elf_getshdrstrndx(e->elf, &e->shstrndx))
		return -EINVAL;
	return 0;
}

static const struct btf_type *named(const struct btf *btf, const char *name, int kind)
{
	int id = btf__find_by_name_kind(btf, name, (uint32_t)kind);

	return id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
}

/* Every DATASEC of a real section: its ELF size, VARs at their symbols, sorted. */
static void check_datasecs(const struct btf *btf, struct elf_file *e)
{
	uint32_t i, j, n = btf__type_cnt(btf), size, value, last;
	bool hidden;

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *sec = btf__name_by_offset(btf, t->name_off);
		const struct btf_var_secinfo *vs = btf_var_secinfos(t);

		if (!btf_is_datasec(t) || elf_sec_size(e, sec, &size))
			continue;
		CHECK(t->size == size, "sec '%s': size %u, ELF %u", sec, t->size, size);
		for (j = 0, last = 0; j < btf_vlen(t); j++) {
			const struct btf_type *v = btf__type_by_id(btf, vs[j].type);
			const char *vn = btf__name_by_offset(btf, v->name_off);

			CHECK(vs[j].offset >= last, "sec '%s': '%s' not sorted", sec, vn);
			last = vs[j].offset;
			if (btf_var(v)->linkage == BTF_VAR_STATIC && strcmp(vn, "d_hidden"))
				continue;
			CHECK(!elf_sym(e, vn, &value, &hidden) && value == vs[j].offset,
			      "sec '%s': '%s' at %u, symbol at %u", sec, vn, vs[j].offset, value);
		}
	}
}

static void check_fixed(const struct btf *btf, struct elf_file *e)
{
	const struct btf_type *t, *proto;
	uint32_t i, n = btf__type_cnt(btf);

	check_datasecs(btf, e);
	t = named(btf, "d_hidden", BTF_KIND_VAR);
	CHECK(t && btf_var(t)->linkage == BTF_VAR_STATIC, "hidden VAR not static");
	t = named(btf, "d1", BTF_KIND_VAR);
	CHECK(t && btf_var(t)->linkage == BTF_VAR_GLOBAL_ALLOCATED, "d1 not global");
	t = named(btf, "hidden_add", BTF_KIND_FUNC);
	CHECK(t && btf_vlen(t) == BTF_FUNC_STATIC, "hidden FUNC not static");
	t = named(btf, "global_add", BTF_KIND_FUNC);
	CHECK(t && btf_vlen(t) == BTF_FUNC_GLOBAL, "global FUNC changed");
	t = named(btf, "bpf_throw", BTF_KIND_FUNC);
	CHECK(t && btf_vlen(t) == BTF_FUNC_GLOBAL, "kfunc linkage not global");
	proto = t ? btf__type_by_id(btf, t->type) : NULL;
	CHECK(proto && btf_vlen(proto) == 1 && btf_params(proto)[0].name_off,
	      "kfunc parameter has no name");
	t = named(btf, ".ksyms", BTF_KIND_DATASEC);
	CHECK(t && t->size == 4 * btf_vlen(t), ".ksyms size %u", t ? t->size : 0);
	for (i = 0; t && i < btf_vlen(t); i++) {
		const struct btf_type *v = btf__type_by_id(btf, btf_var_secinfos(t)[i].type);

		CHECK(btf_is_var(v) && btf_var_secinfos(t)[i].offset == 4 * i,
		      ".ksyms entry %u is not a VAR at %u", i, 4 * i);
	}
	for (i = 1; i < n; i++) {
		t = btf__type_by_id(btf, i);
		CHECK(!btf_is_func(t) || btf_vlen(t) <= BTF_FUNC_GLOBAL, "FUNC [%u] extern", i);
		CHECK(!btf_is_var(t) || btf_var(t)->linkage != BTF_VAR_GLOBAL_EXTERN,
		      "VAR [%u] extern", i);
	}
}

static struct btf *copy(const struct btf *btf)
{
	uint32_t size;
	const void *raw = btf__raw_data(btf, &size);

	return btf__new(raw, size);
}

static int kernel_load(const struct btf *btf, char *log, uint32_t log_size)
{
	uint32_t size;
	const void *raw = btf__raw_data(btf, &size);
	int fd = bpfx_sys_btf_load(raw, size, log, log_size);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

static void check_kernel(const struct btf *raw, const struct btf *fixed)
{
	static char log[1 << 16];
	int err;

	if (bpfx_kernel_probe(NULL, 0)) {
		printf("kernel checks skipped: bpf() not available\n");
		return;
	}
	err = kernel_load(raw, log, sizeof(log));
	CHECK(err == -EINVAL, "the kernel took clang's raw BTF (%d)", err);
	err = kernel_load(fixed, log, sizeof(log));
	CHECK(err == 0, "the kernel refused the fixed BTF (%d): %s", err, log);
}

int main(int argc, char **argv)
{
	struct btf *raw, *fixed, *again;
	struct bpfx_btf_layout layout = { elf_sec_size, elf_sym, NULL };
	struct elf_file e;
	char err[256];
	int ret;

	if (argc != 2 || open_elf(argv[1], &e)) {
		fprintf(stderr, "usage: test_btf_fixup OBJ.bpf.o\n");
		return 2;
	}
	layout.ctx = &e;
	raw = btf__parse_elf(argv[1], NULL);
	if (!raw) {
		fprintf(stderr, "cannot read BTF of %s\n", argv[1]);
		return 2;
	}
	CHECK(named(raw, ".data", BTF_KIND_DATASEC)->size == 0, "clang sized .data now?");

	/* Without a layout, clang's BTF cannot be fixed: DATASEC sizes are unknown. */
	fixed = copy(raw);
	ret = bpfx_kernel_btf_fixup(fixed, NULL, err, sizeof(err));
	CHECK(ret == -ENOENT && strstr(err, "size unknown"), "no layout: %d %s", ret, err);
	btf__free(fixed);

	fixed = copy(raw);
	ret = bpfx_kernel_btf_fixup(fixed, &layout, err, sizeof(err));
	CHECK(ret == 0, "fixup: %d %s", ret, err);
	check_fixed(fixed, &e);

	/* Already fixed (as bpfx's loader leaves it): a second pass without a layout
	 * changes nothing. */
	again = copy(fixed);
	ret = bpfx_kernel_btf_fixup(again, NULL, err, sizeof(err));
	CHECK(ret == 0, "second pass: %d %s", ret, err);
	check_fixed(again, &e);
	check_kernel(raw, again);

	btf__free(again);
	btf__free(fixed);
	btf__free(raw);
	elf_end(e.elf);
	close(e.fd);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("test_btf_fixup: all checks passed\n");
	return failures ? 1 : 0;
}
