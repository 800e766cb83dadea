/* SPDX-License-Identifier: MIT */
/*
 * load.c - a bpfx program into the running kernel.  A session holds what one program
 * needs there: the object's BTF (fixed up), the maps it reaches with their initial
 * contents (.rodata frozen), and the programs its prog arrays hold, each loaded on
 * its own.  Linked instructions go to the kernel unchanged except for kfunc calls,
 * whose extern index becomes a kernel BTF id; maps travel through fd_array.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "insn.h"
#include "kernel/kernel.h"

#define LOG_START (1u << 20)
#define LOG_MAX (256u << 20)
#define POISON_CALL_KFUNC_BASE 2002000000 /* libbpf's: "invalid func unknown#2002..." */

static void note(struct bpfx_ksess *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append a sentence to s->why ("; " between them). */
static void note(struct bpfx_ksess *s, const char *fmt, ...)
{
	size_t len = strlen(s->why);
	va_list ap;

	if (len && len + 2 < sizeof(s->why)) {
		memcpy(s->why + len, "; ", 3);
		len += 2;
	}
	if (len >= sizeof(s->why) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(s->why + len, sizeof(s->why) - len, fmt, ap);
	va_end(ap);
}

/* --- program types --------------------------------------------------------- */

/* The section's row of libbpf's section_defs (object/prog_types.c, shared with the
 * object loader) gives the kernel program type, expected attach type and flags. */

/* attach_btf_id: the target a tp_btf, fentry, lsm or iter section names, in vmlinux. */
static int attach_id(enum bpfx_sec_btf kind, const char *target, char *why,
		     size_t why_size)
{
	static const char *const prefix[] = {
		[BPFX_SEC_BTF_TP] = "btf_trace_", [BPFX_SEC_BTF_FUNC] = "",
		[BPFX_SEC_BTF_LSM] = "bpf_lsm_", [BPFX_SEC_BTF_ITER] = "bpf_iter_",
	};
	char name[256];
	int id;

	if (!*target) {
		snprintf(why, why_size, "the section names no attach target");
		return -ENOTSUP;
	}
	snprintf(name, sizeof(name), "%s%s", prefix[kind], target);
	id = bpfx_kernel_vmlinux_find(name, kind == BPFX_SEC_BTF_TP ? BTF_KIND_TYPEDEF :
				      BTF_KIND_FUNC);
	if (id < 0)
		snprintf(why, why_size, "attach target '%s' is not in the kernel's BTF",
			 name);
	return id < 0 ? -ENOTSUP : id;
}

/* Targets the loader cannot give the kernel: another program, a struct_ops map. */
static int attach_unsupported(const struct bpfx_program *prog,
			      const struct bpfx_sec_def *d, char *why, size_t why_size)
{
	snprintf(why, why_size, "section '%s': %s", prog->sec_name,
		 d->btf == BPFX_SEC_BTF_PROG ?
		 "freplace programs need the program they replace a function of" :
		 "struct_ops programs need their struct_ops map");
	return -ENOTSUP;
}

int bpfx_kernel_type_of(const struct bpfx_program *prog, struct bpfx_ktype *kt,
			char *why, size_t why_size)
{
	const struct bpfx_sec_def *d = bpfx_sec_def_find(prog->sec_name);
	int id;

	memset(kt, 0, sizeof(*kt));
	if (!d || !bpfx_prog_type_kernel(d->type)) {
		snprintf(why, why_size, "no kernel program type for section '%s'",
			 prog->sec_name ? prog->sec_name : "");
		return -ENOTSUP;
	}
	kt->prog_type = bpfx_prog_type_kernel(d->type);
	kt->expected_attach = d->attach;
	kt->flags = d->flags;
	kt->packet = bpfx_prog_type_kernel_packet(d->type);
	switch (d->btf) {
	case BPFX_SEC_BTF_NONE:
		return 0;
	case BPFX_SEC_BTF_PROG:
	case BPFX_SEC_BTF_STRUCT_OPS:
		return attach_unsupported(prog, d, why, why_size);
	default:
		id = attach_id(d->btf, bpfx_sec_def_target(d, prog->sec_name), why, why_size);
		if (id < 0)
			return id;
		kt->attach_btf_id = (uint32_t)id;
		return 0;
	}
}

/* --- what a program needs ---------------------------------------------------- */

static bool is_ld_map(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_IDX ||
		insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE);
}

static bool is_kfunc_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_KFUNC_CALL;
}

/* Mark the maps prog references; then the programs its prog arrays hold. */
static int mark_prog(struct bpfx_ksess *s, uint32_t p, uint32_t *todo, uint32_t *cnt)
{
	const struct bpfx_program *prog = &s->obj->progs[p];
	uint32_t i, k;

	for (i = 0; i < prog->insn_cnt; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		const struct bpfx_map *m;

		if (!is_ld_map(insn))
			continue;
		if ((uint32_t)insn->imm >= s->obj->map_cnt) {
			note(s, "prog '%s': insn %u: map index %d out of range", prog->name, i,
			     insn->imm);
			return -ENOTSUP;
		}
		m = &s->obj->maps[insn->imm];
		s->need_map[m->idx] = true;
		for (k = 0; k < m->init_prog_cnt; k++) {
			uint32_t t = m->init_progs[k].prog;

			if (t < s->obj->prog_cnt && !s->need_prog[t]) {
				s->need_prog[t] = true;
				todo[(*cnt)++] = t;
			}
		}
	}
	return 0;
}

static int mark_needed(struct bpfx_ksess *s, const struct bpfx_program *prog)
{
	uint32_t *todo = calloc(s->obj->prog_cnt + 1, sizeof(*todo));
	uint32_t cnt = 0;
	int ret = 0;

	if (!todo)
		return -ENOMEM;
	s->need_prog[prog->id] = true;
	todo[cnt++] = prog->id;
	while (cnt && !ret)
		ret = mark_prog(s, todo[--cnt], todo, &cnt);
	free(todo);
	return ret;
}

/* --- BTF ------------------------------------------------------------------------ */

static int load_btf(struct bpfx_ksess *s)
{
	char err[256] = "";
	const void *raw;
	uint32_t size;
	int ret;

	/* A copy: the object's BTF is shared and stays as bpfx uses it.  Its data
	 * sections already have their sizes and offsets (object/btf_ext.c). */
	raw = btf__raw_data(s->obj->btf, &size);
	s->btf = raw ? btf__new(raw, size) : NULL;
	if (!s->btf)
		return -ENOMEM;
	ret = bpfx_kernel_btf_fixup(s->btf, NULL, err, sizeof(err));
	if (ret) {
		note(s, "%s", err);
		return -ENOTSUP;
	}
	return 0;
}

/* After the line info strings are in (see add_line_strs). */
static int btf_to_kernel(struct bpfx_ksess *s)
{
	const void *raw;
	uint32_t size;
	char *log;
	int fd;

	raw = btf__raw_data(s->btf, &size);
	if (!raw)
		return -ENOMEM;
	log = malloc(LOG_START);
	if (!log)
		return -ENOMEM;
	fd = bpfx_sys_btf_load(raw, size, log, LOG_START);
	if (fd < 0) {
		char key[200];

		note(s, "the kernel refused the object's BTF (%s): %s", strerror(-fd),
		     bpfx_kernel_log_key(log, key, sizeof(key)));
		free(log);
		return fd == -EPERM ? -EPERM : -ENOTSUP;
	}
	free(log);
	s->btf_fd = fd;
	return 0;
}

/* Line info names its strings by offset in the BTF given to the kernel. */
static int str_off(struct btf *btf, const char *str, uint32_t *off)
{
	int ret;

	if (!str || !*str) {
		*off = 0;
		return 0;
	}
	ret = btf__find_str(btf, str);
	if (ret < 0)
		ret = btf__add_str(btf, str);
	if (ret < 0)
		return ret;
	*off = (uint32_t)ret;
	return 0;
}

static int add_line_strs(struct bpfx_ksess *s)
{
	uint32_t p, i, off;

	for (p = 0; p < s->obj->prog_cnt; p++) {
		const struct bpfx_program *prog = &s->obj->progs[p];

		if (!s->need_prog[p])
			continue;
		for (i = 0; i < prog->line_cnt; i++)
			if (str_off(s->btf, prog->lines[i].file, &off) ||
			    str_off(s->btf, prog->lines[i].src, &off))
				return -ENOMEM;
	}
	return 0;
}

/* --- maps ------------------------------------------------------------------------ */

static bool is_data(const struct bpfx_map *m)
{
	return m->kind != BPFX_MAPK_USER;
}

static int create_map(struct bpfx_ksess *s, const struct bpfx_map *m)
{
	struct bpfx_sys_map spec = {
		.type = m->type, .key_size = m->key_size, .value_size = m->value_size,
		.max_entries = m->max_entries, .flags = m->map_flags, .name = m->name,
		.btf_fd = s->btf_fd, .btf_key_id = m->btf_key_type_id,
		.btf_value_id = m->btf_value_type_id,
	};
	int fd;

	if (is_data(m)) {
		spec.btf_key_id = 0;
		spec.btf_value_id = m->btf_var_type_id ? m->btf_var_type_id :
							 m->btf_value_type_id;
	}
	if (m->kind == BPFX_MAPK_RODATA || m->kind == BPFX_MAPK_KCONFIG)
		spec.flags |= BPF_F_RDONLY_PROG;
	fd = bpfx_sys_map_create(&spec);
	if (fd < 0 && spec.btf_value_id && fd != -EPERM) {
		spec.btf_fd = -1;            /* libbpf retries without BTF too */
		fd = bpfx_sys_map_create(&spec);
		if (fd >= 0)
			note(s, "map '%s' created without BTF", m->name);
	}
	return fd;
}

/* Global data: the initial bytes, then .rodata and .kconfig frozen. */
static int fill_map(const struct bpfx_map *m, int fd)
{
	uint32_t zero = 0;
	int ret = 0;

	if (is_data(m) && m->init_data)
		ret = bpfx_sys_map_update(fd, &zero, m->init_data, 0);
	if (!ret && (m->kind == BPFX_MAPK_RODATA || m->kind == BPFX_MAPK_KCONFIG))
		ret = bpfx_sys_map_freeze(fd);
	return ret;
}

static int create_maps(struct bpfx_ksess *s)
{
	uint32_t i;
	int fd, ret;

	for (i = 0; i < s->obj->map_cnt; i++) {
		const struct bpfx_map *m = &s->obj->maps[i];

		if (!s->need_map[i])
			continue;
		fd = create_map(s, m);
		if (fd < 0) {
			note(s, "map '%s' (type %u): the kernel refused it: %s", m->name,
			     m->type, strerror(-fd));
			return fd == -EPERM ? -EPERM : -ENOTSUP;
		}
		s->fds[i] = fd;
		ret = fill_map(m, fd);
		if (ret) {
			note(s, "map '%s': cannot set its contents: %s", m->name,
			     strerror(-ret));
			return -ENOTSUP;
		}
	}
	return 0;
}

/* --- sessions --------------------------------------------------------------------- */

static int alloc_sess(struct bpfx_ksess *s, const struct bpfx_object *obj)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->obj = obj;
	s->btf_fd = -1;
	s->mod_base = obj->map_cnt ? obj->map_cnt : 1;
	s->fd_cnt = s->mod_base;
	s->fds = malloc(s->fd_cnt * sizeof(*s->fds));
	s->need_map = calloc(obj->map_cnt + 1, sizeof(*s->need_map));
	s->need_prog = calloc(obj->prog_cnt + 1, sizeof(*s->need_prog));
	s->prog_fds = malloc((obj->prog_cnt + 1) * sizeof(*s->prog_fds));
	if (!s->fds || !s->need_map || !s->need_prog || !s->prog_fds)
		return -ENOMEM;
	for (i = 0; i < s->fd_cnt; i++)
		s->fds[i] = -1;
	for (i = 0; i < obj->prog_cnt; i++)
		s->prog_fds[i] = -1;
	return 0;
}

int bpfx_ksess_open(struct bpfx_ksess *s, const struct bpfx_program *prog)
{
	int ret = alloc_sess(s, prog->obj);

	if (!ret)
		ret = mark_needed(s, prog);
	if (!ret && s->obj->btf) {
		ret = load_btf(s);
		if (!ret)
			ret = add_line_strs(s);
		if (!ret)
			ret = btf_to_kernel(s);
	}
	if (!ret)
		ret = create_maps(s);
	return ret;
}

void bpfx_ksess_close(struct bpfx_ksess *s)
{
	uint32_t i;

	if (s->prog_fds)
		for (i = 0; i < s->obj->prog_cnt; i++)
			if (s->prog_fds[i] >= 0)
				close(s->prog_fds[i]);
	if (s->fds)   /* module BTF fds past mod_base belong to kfunc.c's cache */
		for (i = 0; i < s->mod_base && i < s->obj->map_cnt; i++)
			if (s->fds[i] >= 0)
				close(s->fds[i]);
	if (s->btf_fd >= 0)
		close(s->btf_fd);
	btf__free(s->btf);
	free(s->fds);
	free(s->need_map);
	free(s->need_prog);
	free(s->prog_fds);
	memset(s, 0, sizeof(*s));
	s->btf_fd = -1;
}

/* --- instructions ------------------------------------------------------------------ */

/* A kfunc's name without its "___flavour" suffix, as libbpf resolves it. */
static void essential_name(const char *name, char *buf, size_t size)
{
	size_t n = strlen(name), i;

	snprintf(buf, size, "%s", name);
	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;) {
		if (name[i] != '_' && !strncmp(name + i + 1, "___", 3) && name[i + 4] != '_') {
			if (i + 1 < size)
				buf[i + 1] = '\0';
			return;
		}
	}
}

/* The fd_array slot of a module's BTF, added on first use. */
static int mod_slot(struct bpfx_ksess *s, int btf_fd)
{
	uint32_t i;
	int *fds;

	for (i = s->mod_base; i < s->fd_cnt; i++)
		if (s->fds[i] == btf_fd)
			return (int)i;
	if (s->fd_cnt >= INT16_MAX)
		return -E2BIG;
	fds = realloc(s->fds, (s->fd_cnt + 1) * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	s->fds = fds;
	s->fds[s->fd_cnt] = btf_fd;
	return (int)s->fd_cnt++;
}

static int fix_kfunc(struct bpfx_ksess *s, const struct bpfx_program *prog,
		     struct bpf_insn *insn)
{
	const struct bpfx_extern *ext;
	char name[128];
	uint32_t id;
	int fd, slot;

	if ((uint32_t)insn->imm >= s->obj->extern_cnt) {
		note(s, "prog '%s': kfunc call to extern #%d out of range", prog->name,
		     insn->imm);
		return -ENOTSUP;
	}
	ext = &s->obj->externs[insn->imm];
	essential_name(ext->name, name, sizeof(name));
	if (bpfx_kernel_kfunc_find(name, &id, &fd)) {
		if (ext->weak) {     /* verifier rejects it only if reachable */
			int idx = insn->imm;

			*insn = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
						   .imm = POISON_CALL_KFUNC_BASE + idx };
			return 0;
		}
		note(s, "kfunc '%s' is not in the kernel's BTF", ext->name);
		return -ENOTSUP;
	}
	slot = fd < 0 ? 0 : mod_slot(s, fd);
	if (slot < 0)
		return slot;
	insn->imm = (int32_t)id;
	insn->off = (int16_t)slot;
	return 0;
}

static int kernel_insns(struct bpfx_ksess *s, const struct bpfx_program *prog,
			struct bpf_insn **out)
{
	struct bpf_insn *insns;
	uint32_t i;
	int ret;

	*out = NULL;
	if (!prog->insns || !prog->insn_cnt) {
		note(s, "prog '%s' was not linked%s%s", prog->name,
		     prog->load_log ? ": " : "", prog->load_log ? prog->load_log : "");
		return -ENOTSUP;
	}
	insns = malloc(prog->insn_cnt * sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memcpy(insns, prog->insns, prog->insn_cnt * sizeof(*insns));
	for (i = 0; i < prog->insn_cnt; i++) {
		if (!is_kfunc_call(&insns[i]))
			continue;
		ret = fix_kfunc(s, prog, &insns[i]);
		if (ret) {
			free(insns);
			return ret;
		}
	}
	*out = insns;
	return 0;
}

/* --- func and line info ------------------------------------------------------------ */

/* func_info from the program's functions; none (NULL, 0) when one has no BTF. */
static int func_info(const struct bpfx_program *prog, struct bpf_func_info **out)
{
	struct bpf_func_info *fi;
	uint32_t i;

	*out = NULL;
	for (i = 0; i < prog->func_cnt; i++)
		if (!prog->funcs[i].type_id)
			return 0;
	if (!prog->func_cnt)
		return 0;
	fi = calloc(prog->func_cnt, sizeof(*fi));
	if (!fi)
		return -ENOMEM;
	for (i = 0; i < prog->func_cnt; i++) {
		fi[i].insn_off = prog->funcs[i].insn_off;
		fi[i].type_id = prog->funcs[i].type_id;
	}
	*out = fi;
	return 0;
}

/* Records the kernel would refuse (out of order, past the end, on the second half of
 * a ld_imm64) are dropped. */
static struct bpf_line_info *line_info(struct bpfx_ksess *s,
				       const struct bpfx_program *prog, uint32_t *cnt)
{
	struct bpf_line_info *li = calloc(prog->line_cnt + 1, sizeof(*li));
	uint32_t i, n = 0;

	if (!li)
		return NULL;
	for (i = 0; i < prog->line_cnt; i++) {
		const struct bpfx_line_info *l = &prog->lines[i];
		struct bpf_line_info *k = &li[n];

		if (l->insn_off >= prog->insn_cnt || !prog->insns[l->insn_off].code ||
		    (n && l->insn_off <= li[n - 1].insn_off))
			continue;
		if (str_off(s->btf, l->file, &k->file_name_off) ||
		    str_off(s->btf, l->src, &k->line_off))
			continue;
		k->insn_off = l->insn_off;
		k->line_col = (l->line << 10) | (l->col & 0x3ff);
		n++;
	}
	*cnt = n;
	return li;
}

/* --- loading --------------------------------------------------------------------- */

/* Load with a log.  Too small a log fails with ENOSPC even when the program is fine
 * (the kernel keeps the log's end): grow it for a full log, else load again without
 * a log to learn the real verdict. */
static int load_logged(struct bpfx_sys_prog *p, uint32_t level, bool full, char **log)
{
	uint32_t size = LOG_START;
	int fd;

	for (;;) {
		char *buf = realloc(*log, size);

		if (!buf && !*log)
			return -ENOMEM;     /* ours: the caller sees no log */
		if (!buf)
			break;              /* keep the end we have; learn the verdict */
		*log = buf;
		p->log = buf;
		p->log_size = size;
		p->log_level = level;
		fd = bpfx_sys_prog_load(p);
		if (fd != -ENOSPC)
			return fd;
		if (!full || size >= LOG_MAX)
			break;
		size *= 4;
	}
	p->log = NULL;
	p->log_size = 0;
	p->log_level = 0;
	return bpfx_sys_prog_load(p);
}

static int load_prog(struct bpfx_ksess *s, const struct bpfx_program *prog,
		     const struct bpfx_kernel_opts *o, struct bpf_insn *insns, char **log)
{
	struct bpf_func_info *fi = NULL;
	struct bpf_line_info *li = NULL;
	struct bpfx_sys_prog p;
	struct bpfx_ktype kt;
	uint32_t li_cnt = 0;
	char why[256];
	int fd;

	if (bpfx_kernel_type_of(prog, &kt, why, sizeof(why))) {
		note(s, "prog '%s': %s", prog->name, why);
		s->failed_by = BPFX_KSESS_UNSUPPORTED;
		return -ENOTSUP;
	}
	if (s->btf_fd >= 0 && (func_info(prog, &fi) ||
				(fi && !(li = line_info(s, prog, &li_cnt))))) {
		free(fi);
		s->failed_by = BPFX_KSESS_INTERNAL;
		return -ENOMEM;
	}
	p = (struct bpfx_sys_prog){
		.type = kt.prog_type, .expected_attach = kt.expected_attach,
		.flags = kt.flags | (o ? o->prog_flags : 0), .attach_btf_id = kt.attach_btf_id,
		.name = prog->name, .license = prog->obj->license ? prog->obj->license : "", .insns = insns,
		.insn_cnt = prog->insn_cnt, .btf_fd = fi ? s->btf_fd : -1,
		.fd_array = s->fds, .func_info = fi, .func_info_cnt = fi ? prog->func_cnt : 0,
		.line_info = li, .line_info_cnt = li ? li_cnt : 0,
	};
	s->failed_by = BPFX_KSESS_KERNEL;
	fd = load_logged(&p, o && o->log_level ? o->log_level : 1, o && o->full_log, log);
	if (fd == -ENOMEM && !*log)
		s->failed_by = BPFX_KSESS_INTERNAL;
	free(fi);
	free(li);
	return fd;
}

int bpfx_ksess_load(struct bpfx_ksess *s, const struct bpfx_program *prog,
		    const struct bpfx_kernel_opts *o, char **log)
{
	struct bpf_insn *insns;
	int fd;

	*log = NULL;
	fd = kernel_insns(s, prog, &insns);
	if (fd) {
		s->failed_by = fd == -ENOTSUP ? BPFX_KSESS_UNSUPPORTED : BPFX_KSESS_INTERNAL;
		return fd;
	}
	fd = load_prog(s, prog, o, insns, log);
	free(insns);
	if (fd >= 0)
		s->prog_fds[prog->id] = fd;
	return fd;
}

static void fill_prog_arrays(struct bpfx_ksess *s)
{
	uint32_t i, k;

	for (i = 0; i < s->obj->map_cnt; i++) {
		const struct bpfx_map *m = &s->obj->maps[i];

		if (!s->need_map[i] || m->type != BPF_MAP_TYPE_PROG_ARRAY)
			continue;
		for (k = 0; k < m->init_prog_cnt; k++) {
			uint32_t key = m->init_progs[k].key, p = m->init_progs[k].prog;
			int fd = p < s->obj->prog_cnt ? s->prog_fds[p] : -1, ret;

			if (fd < 0)
				continue;
			ret = bpfx_sys_map_update(s->fds[i], &key, &fd, 0);
			if (ret)
				note(s, "map '%s'[%u] = prog '%s': %s", m->name, key,
				     s->obj->progs[p].name, strerror(-ret));
		}
	}
}

void bpfx_ksess_load_aux(struct bpfx_ksess *s, const struct bpfx_program *main_prog,
			 const struct bpfx_kernel_opts *o)
{
	struct bpfx_kernel_opts aux = { .sz = sizeof(aux), .log_level = 1,
					.prog_flags = o ? o->prog_flags : 0 };
	char key[160];
	uint32_t p;

	for (p = 0; p < s->obj->prog_cnt; p++) {
		const struct bpfx_program *prog = &s->obj->progs[p];
		char *log = NULL;
		int fd;

		if (!s->need_prog[p] || p == main_prog->id || s->prog_fds[p] >= 0)
			continue;
		fd = bpfx_ksess_load(s, prog, &aux, &log);
		if (fd < 0 && s->failed_by == BPFX_KSESS_KERNEL)
			note(s, "prog '%s' (in a prog array) not loaded: %s: %s", prog->name,
			     strerror(-fd), bpfx_kernel_log_key(log, key, sizeof(key)));
		free(log);
	}
	fill_prog_arrays(s);
}
