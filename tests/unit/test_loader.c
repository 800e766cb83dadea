/* SPDX-License-Identifier: MIT */
/*
 * test_loader.c - the object loader (src/object/elf.c, link.c, maps_def.c, btf_ext.c)
 * on the fixtures tests/progs/loader_*.bpf.o: what each linked program holds (calls
 * decoded back to their callees, map and global-data references checked against the
 * data itself, func/line info against the source file), per-program rejections, and
 * malformed objects: targeted corruptions with their messages, then a mutation smoke
 * test (run it under ASan: BPFX_SANITIZE=ON).  Needs BPFX_BUILD and BPFX_SRC.
 */
#include <dirent.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "object/object.h"
#include "check.h"

/* ---------------------------------------------------------------------------------
 * Files and opening.
 */

static char log_buf[8192];

static void capture(enum bpfx_print_level level, const char *msg, void *ctx)
{
	size_t n = strlen(log_buf);

	snprintf(log_buf + n, sizeof(log_buf) - n, "%s\n", msg);
}

static void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static void *read_under(const char *env, const char *rel, size_t *size)
{
	char path[4096];
	const char *dir = getenv(env);

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return read_all(path, size);
}

static struct bpfx_object *open_buf(const void *buf, size_t size)
{
	struct bpfx_open_opts opts = { .sz = sizeof(opts), .object_name = "t",
				       .print = capture };

	log_buf[0] = '\0';
	return bpfx_object__open_mem(buf, size, &opts);
}

static struct bpfx_program *prog_by_name(struct bpfx_object *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	fprintf(stderr, "no program '%s'\n", name);
	failures++;
	return NULL;
}

static int map_by_name(const struct bpfx_object *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].name, name))
			return (int)i;
	return -1;
}

/* Name of the function starting at insn, or NULL. */
static const char *func_starting_at(const struct bpfx_program *p, uint32_t insn)
{
	for (uint32_t i = 0; i < p->func_cnt; i++)
		if (p->funcs[i].insn_off == insn)
			return p->funcs[i].name;
	return NULL;
}

/* The 1-based line of the source file that contains text. */
static uint32_t source_line(const char *src, const char *text)
{
	const char *hit = strstr(src, text);
	uint32_t line = 1;

	if (!hit)
		return 0;
	for (const char *p = src; p < hit; p++)
		line += *p == '\n';
	return line;
}

/* ---------------------------------------------------------------------------------
 * Linked programs: structure.
 */

static bool is_ld64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Every function but the last ends in exit or ja; funcs sorted, funcs[0] at 0. */
static void check_layout(const struct bpfx_program *p)
{
	CHECK(p->func_cnt >= 1);
	CHECK(p->insns != NULL);
	if (!p->func_cnt || !p->insns)
		return;
	CHECK_EQ(p->funcs[0].insn_off, 0);
	CHECK_STR(p->funcs[0].name, p->name);
	for (uint32_t i = 1; i < p->func_cnt; i++) {
		const struct bpf_insn *end = &p->insns[p->funcs[i].insn_off - 1];

		CHECK(p->funcs[i].insn_off > p->funcs[i - 1].insn_off);
		CHECK(end->code == (BPF_JMP | BPF_EXIT) || end->code == (BPF_JMP | BPF_JA));
	}
	CHECK(p->insns[p->insn_cnt - 1].code == (BPF_JMP | BPF_EXIT));
	for (uint32_t i = 1; i < p->line_cnt; i++)
		CHECK(p->lines[i].insn_off >= p->lines[i - 1].insn_off);
	for (uint32_t i = 0; i < p->line_cnt; i++)
		CHECK(p->lines[i].insn_off < p->insn_cnt);
}

/* The callees of the BPF_PSEUDO_CALL / BPF_PSEUDO_FUNC insns of the function that
 * starts at from, as "name,name,...". */
static void callees(const struct bpfx_program *p, const char *from, char *out, size_t size)
{
	uint32_t start = 0, end = p->insn_cnt;

	out[0] = '\0';
	for (uint32_t i = 0; i < p->func_cnt; i++)
		if (!strcmp(p->funcs[i].name, from)) {
			start = p->funcs[i].insn_off;
			end = i + 1 < p->func_cnt ? p->funcs[i + 1].insn_off : p->insn_cnt;
		}
	for (uint32_t i = start; i < end; i++) {
		const struct bpf_insn *insn = &p->insns[i];
		bool call = insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
		bool addr = is_ld64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
		const char *name;

		if (call || addr) {
			name = func_starting_at(p, i + 1 + insn->imm);
			snprintf(out + strlen(out), size - strlen(out), "%s%s%s",
				 *out ? "," : "", addr ? "&" : "", name ? name : "?");
		}
		if (is_ld64(insn))
			i++;
	}
}

static void check_funcs(const struct bpfx_program *p, const char *const *names,
			const bool *global, uint32_t cnt)
{
	CHECK_EQ(p->func_cnt, cnt);
	for (uint32_t i = 0; i < cnt && i < p->func_cnt; i++) {
		CHECK_STR(p->funcs[i].name, names[i]);
		CHECK_EQ(p->funcs[i].global, global[i]);
		CHECK(p->funcs[i].type_id > 0);
	}
}

static void test_calls(struct bpfx_object *obj)
{
	static const char *const names[] = { "link_calls", "mid", "leaf", "glob_add" };
	static const bool global[] = { true, false, false, true };
	struct bpfx_program *p = prog_by_name(obj, "link_calls");
	char buf[256];

	if (!p)
		return;
	check_layout(p);
	/* libbpf's order: depth first, a callee placed when its first call is met */
	check_funcs(p, names, global, 4);
	callees(p, "link_calls", buf, sizeof(buf));
	CHECK_STR(buf, "mid,glob_add");
	callees(p, "mid", buf, sizeof(buf));    /* a call with no relocation in .text */
	CHECK_STR(buf, "leaf");
	CHECK_EQ(p->exc_cb, -1);
	CHECK_EQ(p->load_err, 0);
	CHECK_EQ(p->type, BPFX_PROG_SCHED_CLS);
	CHECK_STR(p->sec_name, "tc");

	p = prog_by_name(obj, "link_leaf");     /* only what it reaches, each once */
	if (p) {
		static const char *const n2[] = { "link_leaf", "leaf" };
		static const bool g2[] = { true, false };

		check_layout(p);
		check_funcs(p, n2, g2, 2);
	}
}

static void test_callback(struct bpfx_object *obj)
{
	struct bpfx_program *p = prog_by_name(obj, "link_callback");
	char buf[256];

	if (!p)
		return;
	check_layout(p);
	CHECK_EQ(p->func_cnt, 2);
	callees(p, "link_callback", buf, sizeof(buf));
	CHECK_STR(buf, "&loop_cb");
	for (uint32_t i = 0; i < p->insn_cnt; i++)
		if (is_ld64(&p->insns[i]) && p->insns[i].src_reg == BPF_PSEUDO_FUNC)
			CHECK_EQ(p->insns[i + 1].imm, 0);
}

/* A global data reference: the value its offset points to in the map's initial
 * data must be the variable's initial value. */
static void check_data_ref(const struct bpfx_object *obj, const struct bpf_insn *insn,
			   int *seen)
{
	const struct bpfx_map *m;
	uint32_t off = (uint32_t)insn[1].imm, v = 0;

	CHECK(insn->imm >= 0 && (uint32_t)insn->imm < obj->map_cnt);
	if (insn->imm < 0 || (uint32_t)insn->imm >= obj->map_cnt)
		return;
	m = &obj->maps[insn->imm];
	CHECK(off + 4 <= m->value_size);
	if (m->init_data && off + 4 <= m->value_size)
		memcpy(&v, (char *)m->init_data + off, 4);
	if (!strcmp(m->name, ".data")) {
		CHECK(v == 7 || v == 9);
		seen[0] += v == 7;
		seen[4] += v == 9;
	} else if (!strcmp(m->name, ".rodata")) {
		CHECK_EQ(v, 100);
		seen[1]++;
	} else if (!strcmp(m->name, ".bss")) {
		CHECK(!m->init_data);
		seen[2]++;
	} else if (!strcmp(m->name, ".data.two")) {
		CHECK_EQ(v, 3);
		seen[3]++;
	} else {
		CHECK(!"unexpected data map");
	}
}

static void test_data(struct bpfx_object *obj)
{
	struct bpfx_program *p = prog_by_name(obj, "link_data");
	int seen[5] = { 0 }, maps = 0, counts = map_by_name(obj, "counts");

	if (!p)
		return;
	check_layout(p);
	for (uint32_t i = 0; i < p->insn_cnt; i++) {
		const struct bpf_insn *insn = &p->insns[i];

		if (!is_ld64(insn))
			continue;
		if (insn->src_reg == BPF_PSEUDO_MAP_IDX) {
			CHECK_EQ(insn->imm, counts);
			maps++;
		} else if (insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
			check_data_ref(obj, insn, seen);
		} else {
			CHECK_EQ(insn->src_reg, 0);
		}
		i++;
	}
	CHECK_EQ(maps, 1);
	for (int k = 0; k < 5; k++)
		CHECK(seen[k] >= 1);
}

static void test_btf_maps(struct bpfx_object *obj)
{
	int counts = map_by_name(obj, "counts"), jt = map_by_name(obj, "jump_table");
	struct bpfx_program *target = prog_by_name(obj, "tail_target");
	const struct bpfx_map *m;
	const struct btf_type *t;

	CHECK(counts >= 0 && jt >= 0);
	if (counts < 0 || jt < 0 || !target)
		return;
	m = &obj->maps[counts];
	CHECK_EQ(m->kind, BPFX_MAPK_USER);
	CHECK_EQ(m->type, BPF_MAP_TYPE_ARRAY);
	CHECK_EQ(m->key_size, 4);
	CHECK_EQ(m->value_size, 8);
	CHECK_EQ(m->max_entries, 4);
	CHECK_EQ(m->idx, (uint32_t)counts);
	t = btf__type_by_id(obj->btf, m->btf_key_type_id);
	CHECK(t && !strcmp(btf__name_by_offset(obj->btf, t->name_off), "__u32"));
	t = btf__type_by_id(obj->btf, m->btf_var_type_id);
	CHECK(t && btf_is_var(t) && !strcmp(btf__name_by_offset(obj->btf, t->name_off), "counts"));

	m = &obj->maps[jt];
	CHECK_EQ(m->type, BPF_MAP_TYPE_PROG_ARRAY);
	CHECK_EQ(m->key_size, 4);
	CHECK_EQ(m->value_size, 4);
	CHECK_EQ(m->init_prog_cnt, 1);
	if (m->init_prog_cnt == 1) {
		CHECK_EQ(m->init_progs[0].key, 2);
		CHECK_EQ(m->init_progs[0].prog, target->id);
	}
}

/* Global data maps; their DATASECs get the section size and symbol offsets, as
 * libbpf fixes them up (clang leaves 0). */
static void test_data_maps(struct bpfx_object *obj)
{
	static const struct { const char *name; enum bpfx_map_kind kind; } want[] = {
		{ ".data", BPFX_MAPK_DATA }, { ".rodata", BPFX_MAPK_RODATA },
		{ ".bss", BPFX_MAPK_BSS }, { ".data.two", BPFX_MAPK_DATA },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int idx = map_by_name(obj, want[i].name);
		const struct bpfx_map *m;
		const struct btf_type *ds;

		CHECK(idx >= 0);
		if (idx < 0)
			continue;
		m = &obj->maps[idx];
		CHECK_EQ(m->kind, want[i].kind);
		CHECK_EQ(m->type, BPF_MAP_TYPE_ARRAY);
		CHECK_EQ(m->key_size, 4);
		CHECK_EQ(m->max_entries, 1);
		CHECK_EQ(!!m->init_data, want[i].kind != BPFX_MAPK_BSS);
		CHECK_EQ(!!(m->map_flags & BPF_F_RDONLY_PROG), want[i].kind == BPFX_MAPK_RODATA);
		ds = btf__type_by_id(obj->btf, m->btf_value_type_id);
		CHECK(ds && btf_is_datasec(ds));
		if (ds && btf_is_datasec(ds))
			CHECK_EQ(ds->size, m->value_size);
	}
}

/* The DATASEC offsets of data_val (a global: libbpf's fix-up from its symbol) and
 * data_static (a static: clang's own) are offsets the instructions use (computed
 * from relocations: symbol value, or section symbol plus imm). */
static bool uses_data_off(const struct bpfx_program *p, int map, uint32_t off)
{
	for (uint32_t i = 0; i + 1 < p->insn_cnt; i++)
		if (is_ld64(&p->insns[i]) && p->insns[i].src_reg == BPF_PSEUDO_MAP_IDX_VALUE &&
		    p->insns[i].imm == map && (uint32_t)p->insns[i + 1].imm == off)
			return true;
	return false;
}

static void test_datasec_offsets(struct bpfx_object *obj)
{
	int id = btf__find_by_name_kind(obj->btf, ".data", BTF_KIND_DATASEC);
	const struct btf_type *ds = id > 0 ? btf__type_by_id(obj->btf, id) : NULL;
	struct bpfx_program *p = prog_by_name(obj, "link_data");
	int data = map_by_name(obj, ".data"), found = 0;

	CHECK(ds && p && data >= 0);
	if (!ds || !p || data < 0)
		return;
	for (uint16_t i = 0; i < btf_vlen(ds); i++) {
		const struct btf_var_secinfo *vsi = &btf_var_secinfos(ds)[i];
		const struct btf_type *v = btf__type_by_id(obj->btf, vsi->type);
		const char *name = btf__name_by_offset(obj->btf, v->name_off);

		if (!strcmp(name, "data_val") || !strcmp(name, "data_static")) {
			CHECK(vsi->offset > 0);
			CHECK(uses_data_off(p, data, vsi->offset));
			found++;
		}
	}
	CHECK_EQ(found, 2);
}

static void test_exc(struct bpfx_object *obj)
{
	static const char *const tags[] = {
		"comment:test_description=exception callback",
		"exception_callback:exc_cb",
		"comment:test_expect_success",
		"comment:test_retval=43",
	};
	struct bpfx_program *p = prog_by_name(obj, "link_exc");
	int throw_id = -1;

	if (!p)
		return;
	check_layout(p);
	CHECK_EQ(p->func_cnt, 2);
	CHECK_EQ(p->exc_cb, 1);
	if (p->exc_cb == 1)
		CHECK_STR(p->funcs[1].name, "exc_cb");
	CHECK_EQ(p->tag_cnt, 4);
	for (uint32_t i = 0; i < p->tag_cnt && i < 4; i++)
		CHECK_STR(p->tags[i], tags[i]);
	for (uint32_t i = 0; i < obj->extern_cnt; i++)
		if (!strcmp(obj->externs[i].name, "bpf_throw"))
			throw_id = (int)i;
	CHECK(throw_id >= 0);
	if (throw_id < 0)
		return;
	CHECK_EQ(obj->externs[throw_id].btf_id,
		 btf__find_by_name_kind(obj->btf, "bpf_throw", BTF_KIND_FUNC));
	CHECK(!obj->externs[throw_id].weak);
	for (uint32_t i = 0; i < p->insn_cnt; i++)
		if (p->insns[i].code == (BPF_JMP | BPF_CALL) &&
		    p->insns[i].src_reg == BPF_PSEUDO_KFUNC_CALL)
			CHECK_EQ(p->insns[i].imm, throw_id);
}

/* line_info: the line of `return x + bss_val + 1;` inside leaf, as in the source. */
static void test_lines(struct bpfx_object *obj, const char *src)
{
	struct bpfx_program *p = prog_by_name(obj, "link_leaf");
	uint32_t want = source_line(src, "return x + bss_val + 1;"), found = 0;

	CHECK(want > 0);
	if (!p || p->func_cnt != 2)
		return;
	CHECK(p->line_cnt > 0);
	for (uint32_t i = 0; i < p->line_cnt; i++) {
		const struct bpfx_line_info *l = &p->lines[i];

		CHECK(l->file && strstr(l->file, "loader_link.bpf.c"));
		if (l->insn_off >= p->funcs[1].insn_off && l->src &&
		    strstr(l->src, "bss_val + 1")) {
			CHECK_EQ(l->line, want);
			CHECK(l->col > 0);
			found++;
		}
	}
	CHECK(found > 0);
	CHECK(bpfx_program_line_at(p, p->funcs[1].insn_off) != NULL);
}

static void test_misc_progs(struct bpfx_object *obj)
{
	static const char *const order[] = {
		"link_calls", "link_leaf", "link_callback", "link_data", "link_exc",
		"tail_target", "link_tail", "link_core", "link_xdp",
	};
	struct bpfx_program *p = prog_by_name(obj, "link_xdp");

	CHECK_EQ(obj->prog_cnt, 9);
	for (uint32_t i = 0; i < obj->prog_cnt && i < 9; i++) {
		CHECK_STR(obj->progs[i].name, order[i]);
		CHECK_EQ(obj->progs[i].id, i);
		CHECK_EQ(obj->progs[i].load_err, 0);
	}
	if (p) {
		CHECK_EQ(p->type, BPFX_PROG_XDP);
		CHECK_EQ(p->insn_cnt, 2);
	}
}

static void test_link(void)
{
	size_t size, src_size;
	void *buf = read_under("BPFX_BUILD", "tests/progs/loader_link.bpf.o", &size);
	char *src = read_under("BPFX_SRC", "tests/progs/loader_link.bpf.c", &src_size);
	struct bpfx_object *obj;

	CHECK(buf && src);
	if (!buf || !src)
		goto out;
	src = realloc(src, src_size + 1);
	src[src_size] = '\0';
	obj = open_buf(buf, size);
	CHECK(obj != NULL);
	if (!obj) {
		fprintf(stderr, "%s", log_buf);
		goto out;
	}
	test_misc_progs(obj);
	test_calls(obj);
	test_callback(obj);
	test_data(obj);
	test_btf_maps(obj);
	test_data_maps(obj);
	test_datasec_offsets(obj);
	test_exc(obj);
	test_lines(obj, src);
	bpfx_object__close(obj);
out:
	free(buf);
	free(src);
}

/* ---------------------------------------------------------------------------------
 * Per-program rejections (loader_reject.bpf.o): right after open, before any check.
 */

static void check_reject(struct bpfx_object *obj, const char *name, int err, const char *msg)
{
	struct bpfx_program *p = prog_by_name(obj, name);

	if (!p)
		return;
	CHECK_EQ(p->load_err, err);
	if (msg && (!p->load_log || !strstr(p->load_log, msg))) {
		fprintf(stderr, "prog '%s': log \"%s\" lacks \"%s\"\n", name,
			p->load_log ? p->load_log : "", msg);
		failures++;
	}
}

/* An extern __weak kfunc: one extern, weak, with its BTF FUNC; the call names it. */
static void test_weak_extern(struct bpfx_object *obj)
{
	struct bpfx_program *p = prog_by_name(obj, "kconfig_var");
	int ext = -1, calls = 0;

	for (uint32_t i = 0; i < obj->extern_cnt; i++)
		if (!strcmp(obj->externs[i].name, "bpfx_weak_kfunc")) {
			CHECK(ext < 0);
			ext = (int)i;
		}
	CHECK(ext >= 0);
	if (ext < 0 || !p)
		return;
	CHECK(obj->externs[ext].weak);
	CHECK_EQ(obj->externs[ext].btf_id,
		 btf__find_by_name_kind(obj->btf, "bpfx_weak_kfunc", BTF_KIND_FUNC));
	for (uint32_t i = 0; i < p->insn_cnt; i++)
		if (p->insns[i].code == (BPF_JMP | BPF_CALL) &&
		    p->insns[i].src_reg == BPF_PSEUDO_KFUNC_CALL) {
			CHECK_EQ(p->insns[i].imm, ext);
			calls++;
		}
	CHECK_EQ(calls, 1);
}

static void test_reject(void)
{
	size_t size;
	void *buf = read_under("BPFX_BUILD", "tests/progs/loader_reject.bpf.o", &size);
	struct bpfx_object *obj;
	struct bpfx_program *p;

	CHECK(buf != NULL);
	obj = buf ? open_buf(buf, size) : NULL;
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	check_reject(obj, "loader_ok", 0, NULL);
	/* a callback libbpf would not append (missing, static, hidden): nothing is
	 * appended and the kernel's checks at load give the kernel's verdict */
	check_reject(obj, "missing_cb", 0, NULL);
	check_reject(obj, "static_cb_prog", 0, NULL);
	check_reject(obj, "hidden_cb_prog", 0, NULL);
	p = prog_by_name(obj, "missing_cb");
	if (p)
		CHECK_EQ(p->exc_cb, -1);
	check_reject(obj, "kconfig_var", -EOPNOTSUPP,
		     "extern variable 'LINUX_KERNEL_VERSION' is not supported yet");
	/* two callbacks: nothing appended, the verifier has the last word */
	check_reject(obj, "two_cbs", 0, NULL);
	p = prog_by_name(obj, "two_cbs");
	if (p) {
		CHECK_EQ(p->exc_cb, -1);
		CHECK_EQ(p->func_cnt, 1);
	}
	check_reject(obj, "ksym_exists", -EOPNOTSUPP,
		     "address of extern function 'bpfx_weak_kfunc' is not supported yet");
	test_weak_extern(obj);
	/* a hidden global subprogram becomes static in BTF, as libbpf makes it */
	p = prog_by_name(obj, "hidden_cb_prog");
	if (p && p->func_cnt == 2) {
		CHECK_STR(p->funcs[1].name, "hidden_cb");
		CHECK_EQ(p->funcs[1].global, false);
	}
	CHECK_EQ(bpfx_object__load(obj), 0);
	/* missing_cb_enoent: the kernel's errno is btf_find_by_name_kind()'s -ENOENT */
	check_reject(obj, "missing_cb", -ENOENT,
		     "exception callback 'no_such_cb' could not be found in BTF");
	check_reject(obj, "static_cb_prog", -EINVAL,
		     "exception callback 'static_cb' must have global linkage");
	check_reject(obj, "hidden_cb_prog", -EINVAL,
		     "exception callback 'hidden_cb' must have global linkage");
	/* multiple_cb_tags_eexist: the kernel fails this load with -EEXIST (from
	 * btf_find_next_decl_tag()), not -EINVAL */
	check_reject(obj, "two_cbs", -EEXIST, "multiple exception callback tags for main subprog");
	bpfx_object__close(obj);
out:
	free(buf);
}

/* ---------------------------------------------------------------------------------
 * Malformed objects.  Sections are found with libelf here, independently.
 */

struct sec_pos {
	size_t off, size, hdr;   /* data offset and size; offset of its section header */
};

static bool find_sec(const void *buf, size_t size, const char *name, struct sec_pos *pos)
{
	Elf *elf = elf_memory((char *)buf, size);
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	bool found = false;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx) || !gelf_getehdr(elf, &eh))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		gelf_getshdr(scn, &sh);
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name)) {
			pos->off = sh.sh_offset;
			pos->size = sh.sh_size;
			pos->hdr = eh.e_shoff + elf_ndxscn(scn) * sizeof(Elf64_Shdr);
			found = true;
			break;
		}
	}
out:
	elf_end(elf);
	return found;
}

/* Open a corrupted copy: it must fail with -BPFX_ERR_FORMAT and a message with msg. */
static void expect_format(const void *buf, size_t size, const char *msg, const char *what)
{
	struct bpfx_object *obj = open_buf(buf, size);

	if (obj) {
		fprintf(stderr, "%s: opened a malformed object\n", what);
		failures++;
		bpfx_object__close(obj);
		return;
	}
	CHECK_EQ(errno, BPFX_ERR_FORMAT);
	if (!strstr(log_buf, msg)) {
		fprintf(stderr, "%s: log \"%s\" lacks \"%s\"\n", what, log_buf, msg);
		failures++;
	}
}

static void corrupt_rel(const char *orig, size_t size)
{
	char *buf = malloc(size);
	struct sec_pos rel, text;
	Elf64_Rel r;

	if (!find_sec(orig, size, ".rel.text", &rel) || !find_sec(orig, size, ".text", &text)) {
		CHECK(!"no .rel.text/.text");
		free(buf);
		return;
	}
	memcpy(buf, orig, size);
	memcpy(&r, buf + rel.off + 16, sizeof(r));   /* relocation 1 */
	r.r_offset = text.size;
	memcpy(buf + rel.off + 16, &r, sizeof(r));
	expect_format(buf, size, "section '.rel.text': relocation 1 points past the end of '.text'",
		      "reloc past end");
	r.r_offset = 4;
	memcpy(buf + rel.off + 16, &r, sizeof(r));
	expect_format(buf, size, "is not on an instruction boundary of '.text'", "reloc misaligned");
	r.r_offset = 0;
	r.r_info = ELF64_R_INFO(0x7fffff, ELF64_R_TYPE(r.r_info));
	memcpy(buf + rel.off + 16, &r, sizeof(r));
	expect_format(buf, size, "outside the symbol table", "reloc symbol");
	free(buf);
}

static void corrupt_headers(const char *orig, size_t size)
{
	char *buf = malloc(size);
	struct sec_pos pos;
	Elf64_Shdr sh;
	Elf64_Sym sym;

	memcpy(buf, orig, size);
	buf[18] = 62;   /* e_machine = EM_X86_64 */
	expect_format(buf, size, "not EM_BPF", "machine");

	memcpy(buf, orig, size);
	if (find_sec(orig, size, ".maps", &pos)) {
		memcpy(&sh, buf + pos.hdr, sizeof(sh));
		sh.sh_offset = size - 8;
		memcpy(buf + pos.hdr, &sh, sizeof(sh));
		expect_format(buf, size, "lies past the end of the file", "section offset");
	}
	memcpy(buf, orig, size);
	if (find_sec(orig, size, ".symtab", &pos)) {
		memcpy(&sym, buf + pos.off + 2 * sizeof(sym), sizeof(sym));
		sym.st_name = 0x7fffffff;
		memcpy(buf + pos.off + 2 * sizeof(sym), &sym, sizeof(sym));
		expect_format(buf, size, "name offset 2147483647 is outside the string table",
			      "symbol name");
	}
	memcpy(buf, orig, size);
	if (find_sec(orig, size, ".BTF.ext", &pos)) {
		uint32_t hdr_len, func_off, v = 3;

		memcpy(&hdr_len, buf + pos.off + 4, 4);
		memcpy(&func_off, buf + pos.off + 8, 4);
		/* first func_info record: after rec_size, sec_name_off, num_info */
		memcpy(buf + pos.off + hdr_len + func_off + 12, &v, 4);
		expect_format(buf, size, "insn_off 3 is not an instruction of the section",
			      "func_info insn_off");
	}
	for (size_t cut = 1; cut < size; cut += size / 64 + 1)
		expect_format(orig, cut, "", "truncated");
	free(buf);
}

/* Give section `from` the name of section `to` (its sh_name), or +skip bytes in. */
static bool rename_sec(char *buf, size_t size, const char *from, const char *to, uint32_t skip)
{
	struct sec_pos a, b;
	Elf64_Shdr sa, sb;

	if (!find_sec(buf, size, from, &a) || !find_sec(buf, size, to, &b))
		return false;
	memcpy(&sa, buf + a.hdr, sizeof(sa));
	memcpy(&sb, buf + b.hdr, sizeof(sb));
	sa.sh_name = sb.sh_name + skip;
	memcpy(buf + a.hdr, &sa, sizeof(sa));
	return true;
}

static void test_legacy_maps(const char *orig, size_t size)
{
	char *buf = malloc(size);

	memcpy(buf, orig, size);
	CHECK(rename_sec(buf, size, ".maps", ".maps", 1));   /* ".maps" + 1: "maps" */
	expect_format(buf, size, "legacy map definitions in 'maps' section are not supported",
		      "legacy maps");
	free(buf);
}

/* Without .BTF and .BTF.ext (renamed away): funcs come from ELF symbols, there are
 * no tags, no exception callbacks (as libbpf: they need BTF) and no line info. */
static void test_no_btf(void)
{
	size_t size;
	char *buf = read_under("BPFX_BUILD", "tests/progs/loader_reject.bpf.o", &size);
	struct bpfx_object *obj;
	struct bpfx_program *p;

	CHECK(buf && rename_sec(buf, size, ".BTF.ext", "license", 0) &&
	      rename_sec(buf, size, ".BTF", "license", 0));
	obj = buf ? open_buf(buf, size) : NULL;
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	CHECK(obj->btf == NULL);
	for (uint32_t i = 0; i < obj->prog_cnt; i++) {
		p = &obj->progs[i];
		CHECK_EQ(p->tag_cnt, 0);
		CHECK_EQ(p->line_cnt, 0);
		CHECK_EQ(p->exc_cb, -1);
		CHECK(p->func_cnt >= 1 && p->funcs[0].type_id == 0 && p->funcs[0].global);
	}
	check_reject(obj, "missing_cb", 0, NULL);
	check_reject(obj, "kconfig_var", -EOPNOTSUPP, "extern variable 'LINUX_KERNEL_VERSION'");
	p = prog_by_name(obj, "static_cb_prog");
	if (p && p->func_cnt == 2) {
		CHECK_STR(p->funcs[1].name, "static_cb");
		CHECK_EQ(p->funcs[1].global, false);
		CHECK_EQ(p->funcs[1].type_id, 0);
	}
	p = prog_by_name(obj, "hidden_cb_prog");
	if (p && p->func_cnt == 2)
		CHECK_EQ(p->funcs[1].global, false);   /* hidden */
	for (uint32_t i = 0; i < obj->extern_cnt; i++)
		CHECK_EQ(obj->externs[i].btf_id, 0);
	bpfx_object__close(obj);
out:
	free(buf);
}

/* ---------------------------------------------------------------------------------
 * CO-RE: the loader recomputes existence and size kinds, and rejects the programs
 * with a kind it does not know.
 */

struct core_rec {
	uint32_t insn_off, type_id, access, kind;
};

/* The first CO-RE record of a section named sec: its position in the file. */
static size_t find_core(const char *buf, size_t size, const char *sec, uint32_t kind)
{
	struct sec_pos ext;
	uint32_t hdr_len, off, len, rec_size, pos;
	const struct btf *btf;
	struct btf *b;
	struct sec_pos bpos;
	size_t found = 0;

	if (!find_sec(buf, size, ".BTF.ext", &ext) || !find_sec(buf, size, ".BTF", &bpos))
		return 0;
	b = btf__new(buf + bpos.off, (uint32_t)bpos.size);
	btf = b;
	memcpy(&hdr_len, buf + ext.off + 4, 4);
	memcpy(&off, buf + ext.off + 24, 4);
	memcpy(&len, buf + ext.off + 28, 4);
	memcpy(&rec_size, buf + ext.off + hdr_len + off, 4);
	for (pos = 4; btf && pos < len && !found;) {
		const char *p = buf + ext.off + hdr_len + off + pos;
		uint32_t name_off, num;

		memcpy(&name_off, p, 4);
		memcpy(&num, p + 4, 4);
		for (uint32_t i = 0; i < num && !found; i++) {
			struct core_rec r;

			memcpy(&r, p + 8 + i * rec_size, sizeof(r));
			if (r.kind == kind && !strcmp(btf__name_by_offset(btf, name_off), sec))
				found = (size_t)(p + 8 + i * rec_size - buf);
		}
		pos += 8 + num * rec_size;
	}
	btf__free(b);
	return found;
}

/* st_value of symbol name, found with libelf. */
static bool sym_value(const void *buf, size_t size, const char *name, uint64_t *value)
{
	Elf *elf = elf_memory((char *)buf, size);
	Elf_Scn *scn = NULL;
	bool found = false;

	while (elf && !found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Sym sym;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sizeof(Elf64_Sym) && !found; i++) {
			const char *n;

			gelf_getsym(d, (int)i, &sym);
			n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name)) {
				*value = sym.st_value;
				found = true;
			}
		}
	}
	elf_end(elf);
	return found;
}

static void test_core(void)
{
	size_t size;
	char *buf = read_under("BPFX_BUILD", "tests/progs/loader_link.bpf.o", &size);
	size_t at = buf ? find_core(buf, size, "tc", 2 /* field_exists */) : 0;
	struct bpfx_object *obj;
	struct bpfx_program *p;
	struct sec_pos tc;
	struct core_rec r;
	uint64_t start = 0;
	int32_t imm, zero = 0;
	uint32_t idx;

	CHECK(at && find_sec(buf, size, "tc", &tc) && sym_value(buf, size, "link_core", &start));
	if (!at)
		goto out;
	memcpy(&r, buf + at, sizeof(r));
	memcpy(&imm, buf + tc.off + r.insn_off + 4, 4);
	CHECK_EQ(imm, 1);      /* what clang wrote: the field exists */
	/* make it 0: the loader must write 1 back */
	memcpy(buf + tc.off + r.insn_off + 4, &zero, 4);
	obj = open_buf(buf, size);
	CHECK(obj != NULL);
	p = obj ? prog_by_name(obj, "link_core") : NULL;
	idx = (uint32_t)((r.insn_off - start) / 8);
	CHECK(r.insn_off >= start);
	if (p && idx < p->insn_cnt)
		CHECK_EQ(p->insns[idx].imm, 1);
	if (obj)
		bpfx_object__close(obj);
	/* an unknown kind: only the programs with that insn are rejected */
	r.kind = 99;
	memcpy(buf + at, &r, sizeof(r));
	obj = open_buf(buf, size);
	CHECK(obj != NULL);
	if (obj) {
		check_reject(obj, "link_core", -EOPNOTSUPP,
			     "CO-RE relocation kind 99 (unknown) is not supported");
		check_reject(obj, "link_calls", 0, NULL);
		bpfx_object__close(obj);
	}
out:
	free(buf);
}

/* ---------------------------------------------------------------------------------
 * Mutation smoke test: flips and overwrites inside the sections that matter.  It
 * must never crash (run under ASan), and a failure is always a format error.
 */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static void mutate(char *buf, size_t size, const struct sec_pos *targets, int ntargets)
{
	int n = 1 + rnd() % 4;

	for (int k = 0; k < n; k++) {
		const struct sec_pos *t = &targets[rnd() % ntargets];
		size_t at = t->off + (t->size ? rnd() % t->size : 0);
		static const uint32_t special[] = { 0, 1, 0xff, 0x7fffffff, 0xffffffff, 8, 0x80 };

		if (at >= size)
			continue;
		switch (rnd() % 3) {
		case 0:
			buf[at] ^= (char)(1u << (rnd() % 8));
			break;
		case 1:
			buf[at] = (char)rnd();
			break;
		default:
			if (at + 4 <= size)
				memcpy(buf + at, &special[rnd() % 7], 4);
		}
	}
}

/* What later stages rely on, for any object that opens. */
static void check_invariants(const struct bpfx_object *obj, const struct bpfx_program *p)
{
	CHECK(p->func_cnt >= 1 && p->funcs[0].insn_off == 0);
	for (uint32_t i = 0; i < p->func_cnt; i++)
		CHECK(p->funcs[i].insn_off < p->insn_cnt && p->funcs[i].name);
	for (uint32_t i = 0; i < p->line_cnt; i++)
		CHECK(p->lines[i].insn_off < p->insn_cnt && p->lines[i].file);
	for (uint32_t i = 1; i < p->line_cnt; i++)
		CHECK(p->lines[i].insn_off >= p->lines[i - 1].insn_off);
	CHECK(p->exc_cb < (int)p->func_cnt);
	if (p->load_err)
		return;
	for (uint32_t i = 0; i < p->insn_cnt; i++) {
		const struct bpf_insn *insn = &p->insns[i];
		int64_t tgt = (int64_t)i + 1 + insn->imm;

		if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL)
			CHECK(tgt >= 0 && tgt < p->insn_cnt);
		if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
			CHECK(insn->imm >= 0 && (uint32_t)insn->imm < obj->extern_cnt);
		if (!is_ld64(insn))
			continue;
		if (insn->src_reg == BPF_PSEUDO_MAP_IDX || insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE)
			CHECK(insn->imm >= 0 && (uint32_t)insn->imm < obj->map_cnt);
		if (insn->src_reg == BPF_PSEUDO_FUNC)
			CHECK(tgt >= 0 && tgt < p->insn_cnt);
		if (insn->src_reg)
			CHECK(i + 1 < p->insn_cnt);
		i++;
	}
}

static void fuzz_one(const char *rel, int iters)
{
	static const char *const secs[] = { ".text", "tc", ".rel.text", ".reltc", ".symtab",
					    ".strtab", ".BTF", ".BTF.ext", ".maps", ".rel.maps",
					    ".data", ".rodata" };
	struct sec_pos targets[16];
	int ntargets = 0, ok = 0;
	size_t size;
	char *orig = read_under("BPFX_BUILD", rel, &size), *buf;
	Elf64_Ehdr eh;

	CHECK(orig != NULL);
	if (!orig)
		return;
	memcpy(&eh, orig, sizeof(eh));
	targets[ntargets++] = (struct sec_pos){ .off = 0, .size = sizeof(eh) };
	targets[ntargets++] = (struct sec_pos){ .off = eh.e_shoff,
						.size = (size_t)eh.e_shnum * sizeof(Elf64_Shdr) };
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (find_sec(orig, size, secs[i], &targets[ntargets]))
			ntargets++;
	buf = malloc(size);
	for (int it = 0; it < iters; it++) {
		struct bpfx_object *obj;

		memcpy(buf, orig, size);
		mutate(buf, size, targets, ntargets);
		obj = open_buf(buf, size);
		if (obj) {
			ok++;
			for (uint32_t i = 0; i < obj->prog_cnt; i++)
				check_invariants(obj, &obj->progs[i]);
			bpfx_object__close(obj);
		} else if (errno != BPFX_ERR_FORMAT && errno != ENOMEM) {
			fprintf(stderr, "%s: mutation %d: unexpected errno %d\n", rel, it, errno);
			failures++;
		} else if (!log_buf[0]) {
			fprintf(stderr, "%s: mutation %d: failed without a message\n", rel, it);
			failures++;
		}
	}
	printf("fuzz %s: %d/%d mutants opened\n", rel, ok, iters);
	free(buf);
	free(orig);
}

/* Every object the build made in tests/progs. */
static void fuzz_all(int iters)
{
	char dir[4096];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/tests/progs", getenv("BPFX_BUILD"));
	d = opendir(dir);
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		char rel[512];
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 6, ".bpf.o"))
			continue;
		snprintf(rel, sizeof(rel), "tests/progs/%s", e->d_name);
		fuzz_one(rel, iters);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n >= 2);
}

int main(void)
{
	const char *iters_env = getenv("BPFX_FUZZ_ITERS");
	const char *seed_env = getenv("BPFX_FUZZ_SEED");
	int iters = iters_env ? atoi(iters_env) : 1000;

	if (seed_env)
		rng_state = strtoull(seed_env, NULL, 0) | 1;

	if (!getenv("BPFX_BUILD") || !getenv("BPFX_SRC")) {
		fprintf(stderr, "test_loader: BPFX_BUILD and BPFX_SRC must be set (run it with ctest)\n");
		return 77;
	}
	elf_version(EV_CURRENT);
	test_link();
	test_reject();
	test_core();
	test_no_btf();
	{
		size_t size;
		char *orig = read_under("BPFX_BUILD", "tests/progs/loader_link.bpf.o", &size);

		if (orig) {
			corrupt_rel(orig, size);
			corrupt_headers(orig, size);
			test_legacy_maps(orig, size);
		}
		free(orig);
	}
	fuzz_all(iters);
	if (failures) {
		fprintf(stderr, "test_loader: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_loader: ok\n");
	return 0;
}
