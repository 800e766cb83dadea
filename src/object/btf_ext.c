// SPDX-License-Identifier: MIT
/*
 * btf_ext.c - the object's BTF and .BTF.ext.  .BTF is parsed by libbpf, then fixed up
 * as libbpf does before loading (DATASEC sizes and variable offsets, hidden functions
 * made static).  .BTF.ext is parsed here: func_info and line_info per code section
 * (insn_off in bytes), and CO-RE relocations applied against the object's own BTF.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "object/loader.h"

#define fmt_err(ld, ...) \
	(bpfx_obj_log((ld)->obj, BPFX_WARN, __VA_ARGS__), -BPFX_ERR_FORMAT)

#define BTF_EXT_MAGIC 0xeB9F

/* CO-RE relocation kinds (enum bpf_core_relo_kind; newer than some UAPI headers). */
enum {
	CORE_FIELD_BYTE_OFFSET = 0,
	CORE_FIELD_BYTE_SIZE,
	CORE_FIELD_EXISTS,
	CORE_FIELD_SIGNED,
	CORE_FIELD_LSHIFT_U64,
	CORE_FIELD_RSHIFT_U64,
	CORE_TYPE_ID_LOCAL,
	CORE_TYPE_ID_TARGET,
	CORE_TYPE_EXISTS,
	CORE_TYPE_SIZE,
	CORE_ENUMVAL_EXISTS,
	CORE_ENUMVAL_VALUE,
	CORE_TYPE_MATCHES,
	CORE_KIND_CNT,
};

const char *bpfx_core_kind_str(uint32_t kind)
{
	static const char *const names[CORE_KIND_CNT] = {
		"byte_off", "byte_sz", "field_exists", "signed", "lshift_u64",
		"rshift_u64", "local_type_id", "target_type_id", "type_exists",
		"type_size", "enumval_exists", "enumval_value", "type_matches",
	};

	return kind < CORE_KIND_CNT ? names[kind] : "unknown";
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---------------------------------------------------------------------------------
 * .BTF, and libbpf's fix-ups of it.
 */

static int find_var_sym(const struct bpfx_ld *ld, const char *name, uint32_t sec)
{
	for (uint32_t i = 1; i < ld->sym_cnt; i++) {
		const Elf64_Sym *sym = &ld->syms[i];
		unsigned int bind = ELF64_ST_BIND(sym->st_info);

		if ((bind != STB_GLOBAL && bind != STB_WEAK) ||
		    ELF64_ST_TYPE(sym->st_info) != STT_OBJECT || sym->st_shndx != sec)
			continue;
		if (strcmp(bpfx_ld_sym_name(ld, i), name) == 0)
			return (int)i;
	}
	return -1;
}

static int cmp_vsi(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Clang leaves a DATASEC's size and its global variables' offsets at 0: the ELF
 * section and symbols hold them. */
static int fixup_var(struct bpfx_ld *ld, const char *sname, uint32_t sec,
		     struct btf_var_secinfo *vsi)
{
	const struct btf_type *vt = btf__type_by_id(ld->obj->btf, vsi->type);
	struct btf_var *var;
	const char *vname;
	unsigned int vis;
	int sym;

	if (!vt || !btf_is_var(vt))
		return fmt_err(ld, "BTF: DATASEC '%s' holds type [%u], which is not a VAR",
			       sname, vsi->type);
	var = btf_var(vt);
	if (var->linkage != BTF_VAR_GLOBAL_ALLOCATED)
		return 0;
	vname = btf__name_by_offset(ld->obj->btf, vt->name_off);
	sym = vname ? find_var_sym(ld, vname, sec) : -1;
	if (sym < 0)
		return fmt_err(ld, "BTF: DATASEC '%s': no ELF symbol for VAR '%s'", sname,
			       vname ? vname : "?");
	vsi->offset = (uint32_t)ld->syms[sym].st_value;
	vis = ELF64_ST_VISIBILITY(ld->syms[sym].st_other);
	if (vis == STV_HIDDEN || vis == STV_INTERNAL)
		var->linkage = BTF_VAR_STATIC;
	return 0;
}

static int fixup_datasec(struct bpfx_ld *ld, struct btf_type *t)
{
	const char *name = btf__name_by_offset(ld->obj->btf, t->name_off);
	struct btf_var_secinfo *vsi = btf_var_secinfos(t);
	uint16_t vlen = btf_vlen(t);
	int sec, err;

	if (!name)
		return fmt_err(ld, "BTF: DATASEC with a bad name offset %u", t->name_off);
	sec = bpfx_ld_sec_by_name(ld, name);
	if (t->size == 0 && sec > 0) {
		t->size = (uint32_t)ld->secs[sec].size;
		for (uint16_t i = 0; i < vlen; i++) {
			err = fixup_var(ld, name, (uint32_t)sec, &vsi[i]);
			if (err)
				return err;
		}
	}
	qsort(vsi, vlen, sizeof(*vsi), cmp_vsi);
	return 0;
}

/* libbpf prints its warnings to stderr unless told otherwise, and the library never
 * prints: while btf__new() runs, they go to the object's log instead.  The print
 * function is process-wide, hence the lock; another thread's libbpf warnings in that
 * window are dropped. */
static pthread_mutex_t libbpf_print_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local const struct bpfx_object *libbpf_obj;

static int libbpf_to_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	if (!libbpf_obj || level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	bpfx_obj_log(libbpf_obj, BPFX_WARN, "libbpf: %s", msg);
	return 0;
}

static struct btf *btf_new_quiet(const struct bpfx_object *obj, const void *data,
				 uint32_t size, int *err)
{
	libbpf_print_fn_t old;
	struct btf *btf;

	pthread_mutex_lock(&libbpf_print_lock);
	libbpf_obj = obj;
	old = libbpf_set_print(libbpf_to_log);
	errno = 0;
	btf = btf__new(data, size);
	*err = errno ? errno : EINVAL;
	libbpf_set_print(old);
	libbpf_obj = NULL;
	pthread_mutex_unlock(&libbpf_print_lock);
	return btf;
}

int bpfx_ld_btf_load(struct bpfx_ld *ld)
{
	const struct bpfx_ld_sec *s;
	struct btf *btf;
	uint32_t n;
	int err;

	if (!ld->btf_sec)
		return 0;
	s = &ld->secs[ld->btf_sec];
	if (!s->data || s->size > UINT32_MAX)
		return fmt_err(ld, "section '.BTF': empty or too large");
	btf = btf_new_quiet(ld->obj, s->data, (uint32_t)s->size, &err);
	if (!btf)
		return fmt_err(ld, "section '.BTF': invalid BTF (%s)", strerror(err));
	ld->obj->btf = btf;
	n = btf__type_cnt(btf);
	for (uint32_t id = 1; id < n; id++) {
		struct btf_type *t = (struct btf_type *)btf__type_by_id(btf, id);

		if (t && btf_is_datasec(t)) {
			err = fixup_datasec(ld, t);
			if (err)
				return err;
		}
	}
	return 0;
}

/* libbpf turns hidden global subprograms static in BTF, so that the verifier checks
 * them with their callers' context, like static ones. */
int bpfx_ld_btf_fixup_funcs(struct bpfx_ld *ld)
{
	struct btf *btf = ld->obj->btf;
	uint32_t n;

	if (!btf)
		return 0;
	n = btf__type_cnt(btf);
	for (uint32_t i = 0; i < ld->func_cnt; i++) {
		const struct bpfx_ld_func *f = &ld->funcs[i];

		if (f->prog >= 0 || !f->hidden)
			continue;
		for (uint32_t id = 1; id < n; id++) {
			struct btf_type *t = (struct btf_type *)btf__type_by_id(btf, id);
			const char *name;

			if (!btf_is_func(t) || btf_vlen(t) != BTF_FUNC_GLOBAL)
				continue;
			name = btf__name_by_offset(btf, t->name_off);
			if (name && strcmp(name, f->name) == 0) {
				/* a FUNC's vlen holds its linkage */
				t->info = (t->info & ~0xffffu) | BTF_FUNC_STATIC;
				break;
			}
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------------------
 * .BTF.ext records.
 */

struct ext_sub {
	const char *what;          /* "func_info" ... */
	uint32_t min_rec;
	int (*reserve)(struct bpfx_ld_sec *s, uint32_t n);
	int (*rec)(struct bpfx_ld *ld, uint32_t sec, const uint8_t *rec);
};

/* insn_off of a record, in bytes: an instruction of the section. */
static int rec_insn(struct bpfx_ld *ld, const char *what, uint32_t sec, uint32_t off,
		    uint32_t *idx)
{
	const struct bpfx_ld_sec *s = &ld->secs[sec];

	if (off % BPFX_INSN_SZ || off / BPFX_INSN_SZ >= s->insn_cnt)
		return fmt_err(ld, ".BTF.ext: %s for '%s': insn_off %u is not an instruction of the section",
			       what, s->name, off);
	*idx = off / BPFX_INSN_SZ;
	return 0;
}

static int grow(void **arr, uint32_t cnt, uint32_t more, size_t elem)
{
	void *p;

	if ((uint64_t)cnt + more > INT32_MAX)
		return -E2BIG;
	p = realloc(*arr, ((size_t)cnt + more) * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static int finfo_reserve(struct bpfx_ld_sec *s, uint32_t n)
{
	return grow((void **)&s->finfo, s->finfo_cnt, n, sizeof(*s->finfo));
}

static int linfo_reserve(struct bpfx_ld_sec *s, uint32_t n)
{
	return grow((void **)&s->linfo, s->linfo_cnt, n, sizeof(*s->linfo));
}

static int core_reserve(struct bpfx_ld_sec *s, uint32_t n)
{
	return 0;
}

static int finfo_rec(struct bpfx_ld *ld, uint32_t sec, const uint8_t *rec)
{
	struct bpfx_ld_sec *s = &ld->secs[sec];
	struct bpfx_ld_finfo *fi = &s->finfo[s->finfo_cnt];
	const struct btf_type *t;
	int err;

	err = rec_insn(ld, "func_info", sec, rd32(rec), &fi->insn);
	if (err)
		return err;
	fi->type_id = rd32(rec + 4);
	t = btf__type_by_id(ld->obj->btf, fi->type_id);
	if (!t || !btf_is_func(t))
		return fmt_err(ld, ".BTF.ext: func_info for '%s' at insn %u: type [%u] is not a FUNC",
			       s->name, fi->insn, fi->type_id);
	s->finfo_cnt++;
	return 0;
}

static int linfo_rec(struct bpfx_ld *ld, uint32_t sec, const uint8_t *rec)
{
	struct bpfx_ld_sec *s = &ld->secs[sec];
	struct bpfx_ld_linfo *li = &s->linfo[s->linfo_cnt];
	int err;

	err = rec_insn(ld, "line_info", sec, rd32(rec), &li->insn);
	if (err)
		return err;
	li->file_off = rd32(rec + 4);
	li->line_off = rd32(rec + 8);
	li->line_col = rd32(rec + 12);
	li->seq = s->linfo_cnt;
	if (!btf__name_by_offset(ld->obj->btf, li->file_off) ||
	    !btf__name_by_offset(ld->obj->btf, li->line_off))
		return fmt_err(ld, ".BTF.ext: line_info for '%s' at insn %u: bad string offset",
			       s->name, li->insn);
	s->linfo_cnt++;
	return 0;
}

/* ---------------------------------------------------------------------------------
 * CO-RE.  The target BTF is the object's own, so what clang wrote into each
 * instruction (the local value) is already the answer; existence and size kinds are
 * recomputed (cheap and exact), anything we do not know rejects the programs that
 * contain the instruction.
 */

static bool core_patch(struct bpfx_ld_sec *s, uint32_t idx, uint32_t val)
{
	struct bpf_insn *insn = &s->insns[idx];

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			return false;
		insn->imm = (int32_t)val;
		return true;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (val > INT16_MAX)
			return false;
		insn->off = (int16_t)val;
		return true;
	case BPF_LD:
		if (insn->code != (BPF_LD | BPF_IMM | BPF_DW) || idx + 1 >= s->insn_cnt)
			return false;
		insn[0].imm = (int32_t)val;
		insn[1].imm = 0;
		return true;
	default:
		return false;
	}
}

static int core_bad(struct bpfx_ld_sec *s, uint32_t idx, uint32_t kind, const char *why)
{
	int err = grow((void **)&s->bad, s->bad_cnt, 1, sizeof(*s->bad));
	struct bpfx_ld_bad *b;

	if (err)
		return err;
	b = &s->bad[s->bad_cnt++];
	b->insn = idx;
	b->kind = kind;
	snprintf(b->msg, sizeof(b->msg), "CO-RE relocation kind %u (%s) %s", kind,
		 bpfx_core_kind_str(kind), why);
	return 0;
}

static int core_apply(struct bpfx_ld *ld, struct bpfx_ld_sec *s, uint32_t idx,
		      uint32_t type_id, uint32_t kind)
{
	int64_t size;

	switch (kind) {
	case CORE_FIELD_EXISTS:
	case CORE_TYPE_EXISTS:
	case CORE_ENUMVAL_EXISTS:
	case CORE_TYPE_MATCHES:
		if (!core_patch(s, idx, 1))
			return core_bad(s, idx, kind, "is on an unexpected instruction");
		return 0;
	case CORE_TYPE_SIZE:
		size = btf__resolve_size(ld->obj->btf, type_id);
		if (size < 0 || size > UINT32_MAX)
			return core_bad(s, idx, kind, "names a type without a size");
		if (!core_patch(s, idx, (uint32_t)size))
			return core_bad(s, idx, kind, "is on an unexpected instruction");
		return 0;
	case CORE_FIELD_BYTE_OFFSET:
	case CORE_FIELD_BYTE_SIZE:
	case CORE_FIELD_SIGNED:
	case CORE_FIELD_LSHIFT_U64:
	case CORE_FIELD_RSHIFT_U64:
	case CORE_TYPE_ID_LOCAL:
	case CORE_TYPE_ID_TARGET:
	case CORE_ENUMVAL_VALUE:
		return 0;   /* the local value, already in the instruction */
	default:
		return core_bad(s, idx, kind, "is not supported");
	}
}

static int core_rec(struct bpfx_ld *ld, uint32_t sec, const uint8_t *rec)
{
	struct bpfx_ld_sec *s = &ld->secs[sec];
	uint32_t idx, type_id = rd32(rec + 4), access = rd32(rec + 8);
	int err;

	err = rec_insn(ld, "core_relo", sec, rd32(rec), &idx);
	if (err)
		return err;
	if (!btf__type_by_id(ld->obj->btf, type_id))
		return fmt_err(ld, ".BTF.ext: CO-RE relocation for '%s' at insn %u: bad type id %u",
			       s->name, idx, type_id);
	if (!btf__name_by_offset(ld->obj->btf, access))
		return fmt_err(ld, ".BTF.ext: CO-RE relocation for '%s' at insn %u: bad access string offset %u",
			       s->name, idx, access);
	return core_apply(ld, s, idx, type_id, rd32(rec + 12));
}

static const struct ext_sub ext_func = { "func_info", 8, finfo_reserve, finfo_rec };
static const struct ext_sub ext_line = { "line_info", 16, linfo_reserve, linfo_rec };
static const struct ext_sub ext_core = { "core_relo", 16, core_reserve, core_rec };

/* One block: {sec_name_off, num_info, records...}; returns its size or an error. */
static int64_t parse_block(struct bpfx_ld *ld, const struct ext_sub *sub, const uint8_t *p,
			   uint32_t left, uint32_t rec_size)
{
	uint32_t num, name_off;
	const char *name;
	int sec, err;

	if (left < 8)
		return fmt_err(ld, ".BTF.ext: %s: truncated section header", sub->what);
	name_off = rd32(p);
	num = rd32(p + 4);
	name = btf__name_by_offset(ld->obj->btf, name_off);
	if (!name)
		return fmt_err(ld, ".BTF.ext: %s: bad section name offset %u", sub->what, name_off);
	if (num == 0)
		return fmt_err(ld, ".BTF.ext: %s for section '%s' has no records", sub->what, name);
	if ((uint64_t)num * rec_size > left - 8)
		return fmt_err(ld, ".BTF.ext: %s for section '%s' runs past the end (%u records)",
			       sub->what, name, num);
	sec = bpfx_ld_sec_by_name(ld, name);
	if (sec < 0 || ld->secs[sec].kind != BPFX_LD_CODE)
		return 8 + (int64_t)num * rec_size;   /* not code we load: ignore */
	err = sub->reserve(&ld->secs[sec], num);
	for (uint32_t i = 0; i < num && !err; i++)
		err = sub->rec(ld, (uint32_t)sec, p + 8 + (size_t)i * rec_size);
	return err ? err : 8 + (int64_t)num * rec_size;
}

static int parse_sub(struct bpfx_ld *ld, const struct ext_sub *sub, const uint8_t *p,
		     uint32_t len)
{
	uint32_t rec_size, pos = 4;

	if (len == 0)
		return 0;
	if (len < 4)
		return fmt_err(ld, ".BTF.ext: %s is truncated", sub->what);
	rec_size = rd32(p);
	if (rec_size < sub->min_rec || rec_size % 4 || rec_size > 1024)
		return fmt_err(ld, ".BTF.ext: %s record size %u is invalid", sub->what, rec_size);
	while (pos < len) {
		int64_t n = parse_block(ld, sub, p + pos, len - pos, rec_size);

		if (n < 0)
			return (int)n;
		pos += (uint32_t)n;
	}
	return 0;
}

struct ext_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t off[3];   /* func_info, line_info, core_relo: after the header */
	uint32_t len[3];
};

static int read_hdr(struct bpfx_ld *ld, const struct bpfx_ld_sec *s, struct ext_hdr *h)
{
	uint32_t w[8] = { 0 };

	if (!s->data || s->size < 24 || s->size > UINT32_MAX)
		return fmt_err(ld, ".BTF.ext: section too small or too large (%llu bytes)",
			       (unsigned long long)s->size);
	memcpy(&h->magic, s->data, 2);
	h->version = s->data[2];
	h->flags = s->data[3];
	h->hdr_len = rd32(s->data + 4);
	if (h->magic != BTF_EXT_MAGIC || h->version != 1 || h->flags)
		return fmt_err(ld, ".BTF.ext: bad magic 0x%x, version %u or flags %u",
			       h->magic, h->version, h->flags);
	if (h->hdr_len < 24 || h->hdr_len > s->size)
		return fmt_err(ld, ".BTF.ext: bad header length %u", h->hdr_len);
	memcpy(w, s->data + 8, h->hdr_len >= 32 ? 24 : 16);
	for (int i = 0; i < 3; i++) {
		h->off[i] = w[2 * i];
		h->len[i] = w[2 * i + 1];
	}
	return 0;
}

static int cmp_finfo(const void *a, const void *b)
{
	const struct bpfx_ld_finfo *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* By insn; line records of one insn keep their file order. */
static int cmp_linfo(const void *a, const void *b)
{
	const struct bpfx_ld_linfo *x = a, *y = b;

	if (x->insn != y->insn)
		return x->insn < y->insn ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int check_funcs_unique(struct bpfx_ld *ld, struct bpfx_ld_sec *s)
{
	if (s->finfo_cnt)
		qsort(s->finfo, s->finfo_cnt, sizeof(*s->finfo), cmp_finfo);
	for (uint32_t i = 1; i < s->finfo_cnt; i++)
		if (s->finfo[i].insn == s->finfo[i - 1].insn)
			return fmt_err(ld, ".BTF.ext: func_info for '%s': two records for insn %u",
				       s->name, s->finfo[i].insn);
	if (s->linfo_cnt)
		qsort(s->linfo, s->linfo_cnt, sizeof(*s->linfo), cmp_linfo);
	return 0;
}

int bpfx_ld_btf_ext(struct bpfx_ld *ld)
{
	static const struct ext_sub *const subs[3] = { &ext_func, &ext_line, &ext_core };
	const struct bpfx_ld_sec *s;
	struct ext_hdr h;
	int err;

	if (!ld->btf_ext_sec)
		return 0;
	if (!ld->obj->btf)
		return fmt_err(ld, "section '.BTF.ext' without '.BTF'");
	s = &ld->secs[ld->btf_ext_sec];
	err = read_hdr(ld, s, &h);
	for (int i = 0; i < 3 && !err; i++) {
		uint64_t room = s->size - h.hdr_len;

		if (!h.len[i])
			continue;
		if (h.off[i] % 4 || h.off[i] > room || room - h.off[i] < h.len[i])
			return fmt_err(ld, ".BTF.ext: %s (offset %u, length %u) lies outside the section",
				       subs[i]->what, h.off[i], h.len[i]);
		err = parse_sub(ld, subs[i], s->data + h.hdr_len + h.off[i], h.len[i]);
	}
	for (uint32_t i = 1; i < ld->sec_cnt && !err; i++)
		if (ld->secs[i].kind == BPFX_LD_CODE)
			err = check_funcs_unique(ld, &ld->secs[i]);
	return err;
}
