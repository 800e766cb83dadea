// SPDX-License-Identifier: MIT
/*
 * maps_def.c - the object's maps: BTF-defined maps in .maps (`__uint(x, N)` is
 * `int (*x)[N]`, `__type(x, T)` is `T *x`), prog-array initialisers from .rel.maps,
 * then one single-element array per global data section (.data*, .rodata*, .bss*).
 * obj->maps is allocated once here and never moves afterwards.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "object/loader.h"

#define fmt_err(ld, ...) \
	(bpfx_obj_log((ld)->obj, BPFX_WARN, __VA_ARGS__), -BPFX_ERR_FORMAT)

#define MAX_MODS 64

static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id, uint32_t *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	for (int i = 0; t && i < MAX_MODS; i++) {
		if (!btf_is_mod(t) && !btf_is_typedef(t)) {
			if (res_id)
				*res_id = id;
			return t;
		}
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return NULL;
}

static const char *kind_str(const struct btf_type *t)
{
	static const char *const names[] = {
		"void", "int", "ptr", "array", "struct", "union", "enum", "fwd", "typedef",
		"volatile", "const", "restrict", "func", "func_proto", "var", "datasec",
		"float", "decl_tag", "type_tag", "enum64",
	};
	unsigned int k = t ? btf_kind(t) : 0;

	return k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}

/* ---------------------------------------------------------------------------------
 * One BTF-defined map.
 */

struct map_parse {
	struct bpfx_ld *ld;
	struct bpfx_map *map;
	const struct btf *btf;
	const char *mname;        /* member being parsed */
};

/* `__uint(name, N)`: a pointer to an array of N elements. */
static int field_int(struct map_parse *mp, const struct btf_member *m, uint32_t *res)
{
	const struct btf_type *t = skip_mods(mp->btf, m->type, NULL);
	const struct btf_type *arr;

	if (!t || !btf_is_ptr(t))
		return fmt_err(mp->ld, "map '%s': attr '%s': expected PTR, got %s.",
			       mp->map->name, mp->mname, kind_str(t));
	arr = btf__type_by_id(mp->btf, t->type);
	if (!arr)
		return fmt_err(mp->ld, "map '%s': attr '%s': type [%u] not found.",
			       mp->map->name, mp->mname, t->type);
	if (!btf_is_array(arr))
		return fmt_err(mp->ld, "map '%s': attr '%s': expected ARRAY, got %s.",
			       mp->map->name, mp->mname, kind_str(arr));
	*res = btf_array(arr)->nelems;
	return 0;
}

/* `__type(key, T)`: a pointer to T; the size comes from T. */
static int field_type(struct map_parse *mp, const struct btf_member *m, const char *what,
		      uint32_t *size, uint32_t *type_id)
{
	const struct btf_type *t = btf__type_by_id(mp->btf, m->type);
	int64_t sz;

	if (!t)
		return fmt_err(mp->ld, "map '%s': %s type [%u] not found.", mp->map->name, what,
			       m->type);
	if (!btf_is_ptr(t))
		return fmt_err(mp->ld, "map '%s': %s spec is not PTR: %s.", mp->map->name, what,
			       kind_str(t));
	sz = btf__resolve_size(mp->btf, t->type);
	if (sz < 0 || sz > UINT32_MAX)
		return fmt_err(mp->ld, "map '%s': can't determine %s size for type [%u]: %lld.",
			       mp->map->name, what, t->type, (long long)sz);
	if (*size && *size != sz)
		return fmt_err(mp->ld, "map '%s': conflicting %s size %u != %lld.",
			       mp->map->name, what, *size, (long long)sz);
	*size = (uint32_t)sz;
	*type_id = t->type;
	return 0;
}

static int field_size(struct map_parse *mp, const struct btf_member *m, const char *what,
		      uint32_t *size)
{
	uint32_t sz;
	int err = field_int(mp, m, &sz);

	if (err)
		return err;
	if (*size && *size != sz)
		return fmt_err(mp->ld, "map '%s': conflicting %s size %u != %u.", mp->map->name,
			       what, *size, sz);
	*size = sz;
	return 0;
}

/* `__array(values, int (void *))` of a prog array: the last member, a zero-sized
 * array of pointers to functions.  Its contents come from .rel.maps. */
static int field_values(struct map_parse *mp, const struct btf_member *m, bool last)
{
	struct bpfx_map *map = mp->map;
	const struct btf_type *t;

	if (map->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || map->type == BPF_MAP_TYPE_HASH_OF_MAPS)
		return fmt_err(mp->ld, "map '%s': map-in-map is not supported", map->name);
	if (!last)
		return fmt_err(mp->ld, "map '%s': '%s' member should be last.", map->name, mp->mname);
	if (map->type != BPF_MAP_TYPE_PROG_ARRAY)
		return fmt_err(mp->ld, "map '%s': should be map-in-map or prog-array.", map->name);
	if (map->value_size && map->value_size != 4)
		return fmt_err(mp->ld, "map '%s': conflicting value size %u != 4.", map->name,
			       map->value_size);
	map->value_size = 4;
	t = btf__type_by_id(mp->btf, m->type);
	if (!t || !btf_is_array(t) || btf_array(t)->nelems)
		return fmt_err(mp->ld, "map '%s': prog-array value spec is not a zero-sized array.",
			       map->name);
	t = skip_mods(mp->btf, btf_array(t)->type, NULL);
	if (!t || !btf_is_ptr(t))
		return fmt_err(mp->ld, "map '%s': prog-array value def is of unexpected kind %s.",
			       map->name, kind_str(t));
	t = skip_mods(mp->btf, t->type, NULL);
	if (!t || !btf_is_func_proto(t))
		return fmt_err(mp->ld, "map '%s': prog-array value def is of unexpected kind %s.",
			       map->name, kind_str(t));
	return 0;
}

static int parse_member(struct map_parse *mp, const struct btf_member *m, bool last)
{
	struct bpfx_map *map = mp->map;
	const char *n = mp->mname;
	uint32_t ignored;

	if (!strcmp(n, "type"))
		return field_int(mp, m, &map->type);
	if (!strcmp(n, "max_entries"))
		return field_int(mp, m, &map->max_entries);
	if (!strcmp(n, "map_flags"))
		return field_int(mp, m, &map->map_flags);
	if (!strcmp(n, "key_size"))
		return field_size(mp, m, "key", &map->key_size);
	if (!strcmp(n, "value_size"))
		return field_size(mp, m, "value", &map->value_size);
	if (!strcmp(n, "key"))
		return field_type(mp, m, "key", &map->key_size, &map->btf_key_type_id);
	if (!strcmp(n, "value"))
		return field_type(mp, m, "value", &map->value_size, &map->btf_value_type_id);
	if (!strcmp(n, "values"))
		return field_values(mp, m, last);
	if (!strcmp(n, "numa_node") || !strcmp(n, "map_extra"))
		return field_int(mp, m, &ignored);
	if (!strcmp(n, "pinning")) {
		int err = field_int(mp, m, &ignored);

		if (!err && ignored > 1)
			return fmt_err(mp->ld, "map '%s': invalid pinning value %u.", map->name,
				       ignored);
		return err;
	}
	return fmt_err(mp->ld, "map '%s': unknown field '%s'.", map->name, n);
}

static int parse_def(struct map_parse *mp, const struct btf_type *def)
{
	const struct btf_member *m = btf_members(def);
	uint16_t vlen = btf_vlen(def);
	int err = 0;

	for (uint16_t i = 0; i < vlen && !err; i++) {
		mp->mname = btf__name_by_offset(mp->btf, m[i].name_off);
		if (!mp->mname || !*mp->mname)
			return fmt_err(mp->ld, "map '%s': invalid field #%u.", mp->map->name, i);
		err = parse_member(mp, &m[i], i + 1 == vlen);
	}
	return err;
}

static int user_map(struct bpfx_ld *ld, uint32_t idx, const struct btf_var_secinfo *vsi)
{
	const struct btf *btf = ld->obj->btf;
	struct bpfx_map *map = &ld->obj->maps[idx];
	struct map_parse mp = { .ld = ld, .map = map, .btf = btf };
	const struct btf_type *var = btf__type_by_id(btf, vsi->type), *def;
	const char *name = var ? btf__name_by_offset(btf, var->name_off) : NULL;
	uint32_t def_id = 0;

	if (!var || !btf_is_var(var))
		return fmt_err(ld, "map #%u: unexpected var kind %s.", idx, kind_str(var));
	if (!name || !*name)
		return fmt_err(ld, "map #%u: empty or bad name.", idx);
	map->name = strdup(name);
	if (!map->name)
		return -ENOMEM;
	if (btf_var(var)->linkage != BTF_VAR_GLOBAL_ALLOCATED && btf_var(var)->linkage != BTF_VAR_STATIC)
		return fmt_err(ld, "map '%s': unsupported map linkage %u.", name,
			       btf_var(var)->linkage);
	def = skip_mods(btf, var->type, &def_id);
	if (!def || !btf_is_struct(def))
		return fmt_err(ld, "map '%s': unexpected def kind %s.", name, kind_str(def));
	if (def->size > vsi->size)
		return fmt_err(ld, "map '%s': invalid def size.", name);
	if (vsi->offset > ld->secs[ld->maps_sec].size ||
	    ld->secs[ld->maps_sec].size - vsi->offset < vsi->size)
		return fmt_err(ld, "map '%s': definition (offset %u, size %u) lies outside '.maps'",
			       name, vsi->offset, vsi->size);
	map->btf_var_type_id = vsi->type;
	ld->umaps[idx] = (struct bpfx_ld_map){ .off = vsi->offset, .size = vsi->size,
					       .def_id = def_id };
	return parse_def(&mp, def);
}

/* ---------------------------------------------------------------------------------
 * Global data sections.
 */

static int data_map(struct bpfx_ld *ld, uint32_t idx, uint32_t sec)
{
	struct bpfx_ld_sec *s = &ld->secs[sec];
	struct bpfx_map *map = &ld->obj->maps[idx];
	int id;

	map->name = strdup(s->name);
	if (!map->name)
		return -ENOMEM;
	map->kind = s->kind == BPFX_LD_DATA ? BPFX_MAPK_DATA :
		    s->kind == BPFX_LD_RODATA ? BPFX_MAPK_RODATA : BPFX_MAPK_BSS;
	map->type = BPF_MAP_TYPE_ARRAY;
	map->key_size = 4;
	map->value_size = (uint32_t)s->size;
	map->max_entries = 1;
	map->map_flags = s->kind == BPFX_LD_RODATA ? BPF_F_RDONLY_PROG : 0;
	id = ld->obj->btf ? btf__find_by_name_kind(ld->obj->btf, s->name, BTF_KIND_DATASEC) : -1;
	map->btf_value_type_id = id > 0 ? (uint32_t)id : 0;
	map->btf_var_type_id = map->btf_value_type_id;
	if (s->kind != BPFX_LD_BSS) {
		map->init_data = malloc(s->size);
		if (!map->init_data)
			return -ENOMEM;
		memcpy(map->init_data, s->data, s->size);
	}
	s->map = (int)idx;
	return 0;
}

static bool is_data(const struct bpfx_ld_sec *s)
{
	return (s->kind == BPFX_LD_DATA || s->kind == BPFX_LD_RODATA || s->kind == BPFX_LD_BSS) &&
	       s->size > 0 && s->size <= UINT32_MAX;
}

static int maps_datasec(struct bpfx_ld *ld, const struct btf_type **ds)
{
	int id;

	*ds = NULL;
	if (!ld->maps_sec)
		return 0;
	if (!ld->obj->btf)
		return fmt_err(ld, "section '.maps': BTF is required for BTF-defined maps");
	id = btf__find_by_name_kind(ld->obj->btf, ".maps", BTF_KIND_DATASEC);
	if (id <= 0)
		return fmt_err(ld, "section '.maps': DATASEC '.maps' not found in BTF");
	*ds = btf__type_by_id(ld->obj->btf, (uint32_t)id);
	return 0;
}

int bpfx_ld_maps(struct bpfx_ld *ld)
{
	struct bpfx_object *obj = ld->obj;
	const struct btf_type *ds;
	uint32_t ucnt, cnt, idx;
	int err;

	err = maps_datasec(ld, &ds);
	if (err)
		return err;
	ucnt = ds ? btf_vlen(ds) : 0;
	cnt = ucnt;
	for (uint32_t i = 1; i < ld->sec_cnt; i++)
		cnt += is_data(&ld->secs[i]);
	if (!cnt)
		return 0;
	obj->maps = calloc(cnt, sizeof(*obj->maps));
	ld->umaps = calloc(ucnt ? ucnt : 1, sizeof(*ld->umaps));
	if (!obj->maps || !ld->umaps)
		return -ENOMEM;
	obj->map_cnt = cnt;
	ld->umap_cnt = ucnt;
	for (uint32_t i = 0; i < cnt; i++) {
		obj->maps[i].obj = obj;
		obj->maps[i].idx = i;
	}
	for (idx = 0; idx < ucnt && !err; idx++)
		err = user_map(ld, idx, &btf_var_secinfos(ds)[idx]);
	for (uint32_t i = 1; i < ld->sec_cnt && !err; i++)
		if (is_data(&ld->secs[i]))
			err = data_map(ld, idx++, i);
	return err;
}

/* The BTF-defined map that starts at off in .maps, or -1. */
int bpfx_ld_map_at(const struct bpfx_ld *ld, uint64_t off)
{
	for (uint32_t i = 0; i < ld->umap_cnt; i++)
		if (ld->umaps[i].off == off)
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------------------------
 * .rel.maps: `.values = { [k] = &prog }` of prog arrays.
 */

static int map_containing(const struct bpfx_ld *ld, uint64_t off)
{
	for (uint32_t i = 0; i < ld->umap_cnt; i++)
		if (ld->umaps[i].off <= off && off + 8 <= (uint64_t)ld->umaps[i].off + ld->umaps[i].size)
			return (int)i;
	return -1;
}

static int values_off(struct bpfx_ld *ld, uint32_t map, uint32_t *off)
{
	const struct btf_type *def = btf__type_by_id(ld->obj->btf, ld->umaps[map].def_id);
	const struct btf_member *m;
	const char *name;
	uint16_t vlen = def ? btf_vlen(def) : 0;

	if (!vlen)
		return -1;
	m = &btf_members(def)[vlen - 1];
	name = btf__name_by_offset(ld->obj->btf, m->name_off);
	if (!name || strcmp(name, "values"))
		return -1;
	*off = btf_member_bit_offset(def, vlen - 1) / 8;
	return 0;
}

static int set_init_prog(struct bpfx_map *map, uint32_t key, uint32_t prog)
{
	struct bpfx_map_init_prog *p;

	for (uint32_t i = 0; i < map->init_prog_cnt; i++)
		if (map->init_progs[i].key == key) {
			map->init_progs[i].prog = prog;
			return 0;
		}
	p = realloc(map->init_progs, (map->init_prog_cnt + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	map->init_progs = p;
	p[map->init_prog_cnt++] = (struct bpfx_map_init_prog){ .key = key, .prog = prog };
	return 0;
}

/* The program a .rel.maps symbol names: an entry point, not a subprogram. */
static int reloc_prog(struct bpfx_ld *ld, uint32_t k, uint32_t symi)
{
	const Elf64_Sym *sym = &ld->syms[symi];
	int f = -1;

	if (sym->st_shndx != SHN_UNDEF && sym->st_shndx < ld->sec_cnt &&
	    sym->st_value % BPFX_INSN_SZ == 0 && sym->st_value / BPFX_INSN_SZ <= UINT32_MAX)
		f = bpfx_ld_func_at(ld, sym->st_shndx, (uint32_t)(sym->st_value / BPFX_INSN_SZ));
	if (f < 0 || ld->funcs[f].prog < 0 ||
	    (uint64_t)ld->funcs[f].start * BPFX_INSN_SZ != sym->st_value)
		return fmt_err(ld, ".maps relo #%u: '%s' isn't an entry-point program", k,
			       bpfx_ld_sym_name(ld, symi));
	return ld->funcs[f].prog;
}

static int maps_relo(struct bpfx_ld *ld, const struct bpfx_ld_sec *rs, uint32_t k)
{
	const struct bpfx_ld_sec *ms = &ld->secs[ld->maps_sec];
	Elf64_Rel rel;
	uint32_t symi, moff;
	int map, prog;

	memcpy(&rel, rs->data + (size_t)k * sizeof(rel), sizeof(rel));
	if (ELF64_R_TYPE(rel.r_info) == R_BPF_NONE)
		return 0;
	symi = ELF64_R_SYM(rel.r_info);
	if (symi == 0 || symi >= ld->sym_cnt)
		return fmt_err(ld, "section '%s': relocation %u refers to symbol %u, outside the symbol table",
			       rs->name, k, symi);
	if (rel.r_offset > ms->size || ms->size - rel.r_offset < 8)
		return fmt_err(ld, "section '%s': relocation %u points past the end of '.maps'",
			       rs->name, k);
	map = map_containing(ld, rel.r_offset);
	if (map < 0)
		return fmt_err(ld, ".maps relo #%u: cannot find map '%s' at rel->r_offset %llu",
			       k, bpfx_ld_sym_name(ld, symi), (unsigned long long)rel.r_offset);
	if (ld->obj->maps[map].type != BPF_MAP_TYPE_PROG_ARRAY)
		return fmt_err(ld, "map '%s': map-in-map is not supported",
			       ld->obj->maps[map].name);
	if (values_off(ld, (uint32_t)map, &moff) ||
	    rel.r_offset - ld->umaps[map].off < moff ||
	    (rel.r_offset - ld->umaps[map].off - moff) % 8)
		return fmt_err(ld, ".maps relo #%u: not inside the 'values' of map '%s'", k,
			       ld->obj->maps[map].name);
	prog = reloc_prog(ld, k, symi);
	if (prog < 0)
		return prog;
	return set_init_prog(&ld->obj->maps[map],
			     (uint32_t)((rel.r_offset - ld->umaps[map].off - moff) / 8),
			     (uint32_t)prog);
}

int bpfx_ld_maps_relos(struct bpfx_ld *ld, uint32_t r)
{
	const struct bpfx_ld_sec *rs = &ld->secs[r];
	uint32_t n = (uint32_t)(rs->size / sizeof(Elf64_Rel));
	int err = 0;

	for (uint32_t k = 0; k < n && !err; k++)
		err = maps_relo(ld, rs, k);
	return err;
}
