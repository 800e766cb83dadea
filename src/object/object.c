/* SPDX-License-Identifier: MIT */
/*
 * object.c - open, load and close objects; the public accessors of objects and
 * programs.  Opening parses and links (object/elf.c); loading creates maps and
 * prepares every program on its own, so one rejection never hides the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/exec.h"
#include "exec/run.h"
#include "helpers/func.h"
#include "insn.h"
#include "maps/map.h"
#include "object/object.h"

#define BPFX_MAX_OBJECT_SIZE (256u << 20)

void bpfx_obj_log(const struct bpfx_object *obj, enum bpfx_print_level level,
		  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	if (!obj || !obj->print)
		return;
	n = snprintf(msg, sizeof(msg), "%s: ", obj->name ? obj->name : "object");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	obj->print(level, msg, obj->print_ctx);
}

void bpfx_program_reject(struct bpfx_program *prog, int err, const char *fmt, ...)
{
	size_t old = prog->load_log ? strlen(prog->load_log) : 0;
	char line[1024];
	char *log;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (!prog->load_err)
		prog->load_err = err;
	log = realloc(prog->load_log, old + (size_t)n + 2);
	if (!log)
		return;
	memcpy(log + old, line, (size_t)n);
	if (n == 0 || line[n - 1] != '\n')
		log[old + n++] = '\n';
	log[old + n] = '\0';
	prog->load_log = log;
}

int bpfx_program_func_at(const struct bpfx_program *prog, size_t insn_idx)
{
	int lo = 0, hi = (int)prog->func_cnt - 1, found = -1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (prog->funcs[mid].insn_off <= insn_idx) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

const struct bpfx_line_info *bpfx_program_line_at(const struct bpfx_program *prog,
						  size_t insn_idx)
{
	const struct bpfx_line_info *found = NULL;
	int lo = 0, hi = (int)prog->line_cnt - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (prog->lines[mid].insn_off <= insn_idx) {
			found = &prog->lines[mid];
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

static uint32_t host_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (uint32_t)n : 1;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static struct bpfx_object *object_new(const char *name, const struct bpfx_open_opts *opts)
{
	struct bpfx_object *obj = calloc(1, sizeof(*obj));

	if (!obj)
		return NULL;
	if (opts && opts->sz >= offsetof(struct bpfx_open_opts, nr_cpus) + sizeof(uint32_t)) {
		obj->print = opts->print;
		obj->print_ctx = opts->print_ctx;
		obj->trace = opts->trace;
		obj->trace_ctx = opts->trace_ctx;
		obj->nr_cpus = opts->nr_cpus;
		if (opts->object_name)
			name = opts->object_name;
	}
	if (!obj->nr_cpus)
		obj->nr_cpus = host_cpus();
	obj->name = strdup(name);
	if (!obj->name || bpfx_func_table_init(&obj->funcs)) {
		free(obj->name);
		free(obj);
		return NULL;
	}
	return obj;
}

static struct bpfx_object *object_open(void *buf, size_t size, const char *name,
				       const struct bpfx_open_opts *opts)
{
	struct bpfx_object *obj;
	int err;

	if (opts && opts->sz && opts->sz < sizeof(size_t)) {
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	obj = object_new(name, opts);
	if (!obj) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	obj->elf_buf = buf;
	obj->elf_size = size;
	err = bpfx_object_parse(obj);
	if (err) {
		bpfx_object__close(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

struct bpfx_object *bpfx_object__open_mem(const void *buf, size_t size,
					  const struct bpfx_open_opts *opts)
{
	void *copy;

	if (!buf || !size || size > BPFX_MAX_OBJECT_SIZE) {
		errno = buf && size ? E2BIG : EINVAL;
		return NULL;
	}
	copy = malloc(size);
	if (!copy) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(copy, buf, size);
	return object_open(copy, size, "object", opts);
}

static int read_file(int fd, void **out, size_t *size)
{
	struct stat st;
	size_t done = 0;
	char *buf;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size <= 0)
		return -BPFX_ERR_FORMAT;
	if ((uint64_t)st.st_size > BPFX_MAX_OBJECT_SIZE)
		return -E2BIG;
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return -ENOMEM;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0) {
			free(buf);
			return n < 0 ? -errno : -EIO;
		}
		done += (size_t)n;
	}
	*out = buf;
	*size = done;
	return 0;
}

struct bpfx_object *bpfx_object__open_file(const char *path,
					   const struct bpfx_open_opts *opts)
{
	void *buf = NULL;
	size_t size = 0;
	int fd, err;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	err = read_file(fd, &buf, &size);
	close(fd);
	if (err) {
		if (err == -BPFX_ERR_FORMAT && opts && opts->print) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s: empty file", base_name(path));
			opts->print(BPFX_WARN, msg, opts->print_ctx);
		}
		errno = -err;
		return NULL;
	}
	return object_open(buf, size, base_name(path), opts);
}

static void load_program(struct bpfx_program *prog)
{
	if (prog->load_err)
		return;
	if (prog->type == BPFX_PROG_UNSPEC) {
		bpfx_program_reject(prog, -EINVAL,
				    "prog '%s': missing BPF prog type, check ELF section name '%s'",
				    prog->name, prog->sec_name);
		return;
	}
	bpfx_exec_prepare(prog);
}

int bpfx_object__load(struct bpfx_object *obj)
{
	int err;

	if (!obj)
		return -EINVAL;
	if (obj->loaded)
		return -EALREADY;
	err = bpfx_maps_create(obj);
	if (err)
		return err;
	err = bpfx_regions_build(obj);
	if (err) {
		bpfx_maps_destroy(obj);
		return err;
	}
	obj->loaded = true;
	for (uint32_t i = 0; i < obj->prog_cnt; i++) {
		struct bpfx_program *prog = &obj->progs[i];

		load_program(prog);
		if (prog->load_err)
			bpfx_obj_log(obj, BPFX_DEBUG, "prog '%s': not loaded: %s", prog->name,
				     prog->load_log ? prog->load_log : bpfx_strerror(prog->load_err));
	}
	return 0;
}

void bpfx_object__close(struct bpfx_object *obj)
{
	if (!obj)
		return;
	for (uint32_t i = 0; i < obj->prog_cnt; i++) {
		bpfx_exec_free(obj->progs[i].exec);
		obj->progs[i].exec = NULL;
	}
	if (obj->loaded) {
		bpfx_regions_free(obj);
		bpfx_maps_destroy(obj);
	}
	bpfx_object_free_parsed(obj);
	bpfx_func_table_free(obj->funcs);
	free(obj->elf_buf);
	free(obj->license);
	free(obj->name);
	free(obj);
}

const char *bpfx_object__name(const struct bpfx_object *obj)
{
	return obj ? obj->name : NULL;
}

struct bpfx_program *bpfx_object__next_program(const struct bpfx_object *obj,
					       struct bpfx_program *prev)
{
	size_t next;

	if (!obj || !obj->prog_cnt)
		return NULL;
	next = prev ? (size_t)(prev - obj->progs) + 1 : 0;
	return next < obj->prog_cnt ? &obj->progs[next] : NULL;
}

struct bpfx_program *bpfx_object__find_program(const struct bpfx_object *obj,
					       const char *name)
{
	for (uint32_t i = 0; obj && name && i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	errno = ENOENT;
	return NULL;
}

struct bpfx_map *bpfx_object__next_map(const struct bpfx_object *obj, struct bpfx_map *prev)
{
	size_t next;

	if (!obj || !obj->map_cnt)
		return NULL;
	next = prev ? (size_t)(prev - obj->maps) + 1 : 0;
	return next < obj->map_cnt ? &obj->maps[next] : NULL;
}

struct bpfx_map *bpfx_object__find_map(const struct bpfx_object *obj, const char *name)
{
	for (uint32_t i = 0; obj && name && i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	errno = ENOENT;
	return NULL;
}

int bpfx_object__register_helper(struct bpfx_object *obj, uint32_t id, const char *name,
				 bpfx_func_fn fn, const struct bpfx_func_sig *sig)
{
	if (!obj || !fn || !sig || !id || obj->loaded)
		return -EINVAL;
	return bpfx_func_table_add(obj->funcs, id, name, fn, sig);
}

int bpfx_object__register_kfunc(struct bpfx_object *obj, const char *name, bpfx_func_fn fn,
				const struct bpfx_func_sig *sig)
{
	if (!obj || !fn || !sig || !name || !*name || obj->loaded)
		return -EINVAL;
	return bpfx_func_table_add(obj->funcs, 0, name, fn, sig);
}

/* ---- programs --------------------------------------------------------------- */

const char *bpfx_program__name(const struct bpfx_program *prog)
{
	return prog ? prog->name : NULL;
}

const char *bpfx_program__section_name(const struct bpfx_program *prog)
{
	return prog ? prog->sec_name : NULL;
}

enum bpfx_prog_type bpfx_program__type(const struct bpfx_program *prog)
{
	return prog ? prog->type : BPFX_PROG_UNSPEC;
}

size_t bpfx_program__insn_cnt(const struct bpfx_program *prog)
{
	return prog ? prog->insn_cnt : 0;
}

const void *bpfx_program__insns(const struct bpfx_program *prog)
{
	return prog ? prog->insns : NULL;
}

uint32_t bpfx_program__id(const struct bpfx_program *prog)
{
	return prog ? prog->id : 0;
}

int bpfx_program__load_error(const struct bpfx_program *prog)
{
	if (!prog)
		return -EINVAL;
	if (!prog->obj->loaded)
		return -BPFX_ERR_NOTLOADED;
	return prog->load_err;
}

const char *bpfx_program__load_log(const struct bpfx_program *prog)
{
	return prog && prog->load_log ? prog->load_log : "";
}

size_t bpfx_program__tag_cnt(const struct bpfx_program *prog)
{
	return prog ? prog->tag_cnt : 0;
}

const char *bpfx_program__tag(const struct bpfx_program *prog, size_t i)
{
	return prog && i < prog->tag_cnt ? prog->tags[i] : NULL;
}

int bpfx_program__line(const struct bpfx_program *prog, size_t insn_idx,
		       struct bpfx_line *out)
{
	const struct bpfx_line_info *li;

	if (!prog || !out)
		return -EINVAL;
	li = insn_idx < prog->insn_cnt ? bpfx_program_line_at(prog, insn_idx) : NULL;
	if (!li)
		return -ENOENT;
	out->file = li->file;
	out->src = li->src;
	out->line = li->line;
	out->col = li->col;
	return 0;
}

const char *bpfx_program__func_name(const struct bpfx_program *prog, size_t insn_idx)
{
	int f;

	if (!prog || insn_idx >= prog->insn_cnt)
		return NULL;
	f = bpfx_program_func_at(prog, insn_idx);
	return f < 0 ? NULL : prog->funcs[f].name;
}

static const char *disasm_call_name(void *ctx, const struct bpf_insn *insn, size_t idx)
{
	const struct bpfx_program *prog = ctx;
	const struct bpfx_func *f;

	(void)idx;
	if (bpfx_is_kfunc_call(insn)) {
		if (insn->imm >= 0 && (uint32_t)insn->imm < prog->obj->extern_cnt)
			return prog->obj->externs[insn->imm].name;
		return NULL;
	}
	if (!bpfx_is_helper_call(insn) || insn->imm < 0)
		return NULL;
	f = bpfx_func_helper(prog->obj->funcs, (uint32_t)insn->imm);
	return f ? f->name : NULL;
}

int bpfx_program__disasm(const struct bpfx_program *prog, size_t *insn_idx, char *buf,
			 size_t size)
{
	struct bpfx_disasm_cbs cbs = { .call_name = disasm_call_name, .ctx = (void *)prog };
	int n;

	if (!prog || !insn_idx || !buf || !size)
		return -EINVAL;
	if (*insn_idx >= prog->insn_cnt) {
		buf[0] = '\0';
		return 0;
	}
	n = bpfx_disasm(prog->insns, prog->insn_cnt, *insn_idx, &cbs, buf, size);
	if (n < 0)
		return n;
	*insn_idx += (size_t)n;
	return (int)strlen(buf);
}
