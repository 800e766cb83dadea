/* SPDX-License-Identifier: MIT */
/*
 * test_maps.c - every map type through its ops and through the public API, with the
 * errnos bpf(2) gives (kernel/bpf/{arraymap,hashtab,ringbuf,syscall}.c).  Objects are
 * built by hand: only maps/ is under test.  Build it alone with -DBPFX_TEST_STANDALONE
 * (a stand-in bpfx_obj_log), or through CMake against the library.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maps/map.h"
#include "check.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

#ifdef BPFX_TEST_STANDALONE
/* Stand-in for object/object.c's: hand the message to the print callback. */
void bpfx_obj_log(const struct bpfx_object *obj, enum bpfx_print_level level,
		  const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (obj->print)
		obj->print(level, buf, obj->print_ctx);
}
#endif

/* ---------------------------------------------------------------------------------
 * Building objects by hand.
 */

static char last_msg[1024];

static void capture(enum bpfx_print_level level, const char *msg, void *ctx)
{
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

static struct bpfx_object *new_obj(uint32_t map_cnt, uint32_t nr_cpus)
{
	struct bpfx_object *obj = calloc(1, sizeof(*obj));

	obj->name = strdup("test");
	obj->print = capture;
	obj->nr_cpus = nr_cpus;
	obj->maps = calloc(map_cnt, sizeof(*obj->maps));
	obj->map_cnt = map_cnt;
	return obj;
}

static struct bpfx_map *set_map(struct bpfx_object *obj, uint32_t i, const char *name,
				uint32_t type, uint32_t key_size, uint32_t value_size,
				uint32_t max_entries, uint32_t flags)
{
	struct bpfx_map *m = &obj->maps[i];

	m->name = strdup(name);
	m->type = type;
	m->key_size = key_size;
	m->value_size = value_size;
	m->max_entries = max_entries;
	m->map_flags = flags;
	return m;
}

static void free_obj(struct bpfx_object *obj)
{
	uint32_t i;

	bpfx_maps_destroy(obj);
	for (i = 0; i < obj->map_cnt; i++)
		free(obj->maps[i].name);
	for (i = 0; i < obj->prog_cnt; i++)
		free(obj->progs[i].name);
	free(obj->maps);
	free(obj->progs);
	free(obj->name);
	free(obj);
}

/* An object with one map; *err gets what creating it gave. */
static struct bpfx_object *one_map(const char *name, uint32_t type, uint32_t key_size,
				   uint32_t value_size, uint32_t max_entries, uint32_t flags,
				   uint32_t nr_cpus, int *err)
{
	struct bpfx_object *obj = new_obj(1, nr_cpus);

	set_map(obj, 0, name, type, key_size, value_size, max_entries, flags);
	last_msg[0] = 0;
	*err = bpfx_maps_create(obj);
	return obj;
}

/* Creating must fail with want, and the message must name the map. */
static void expect_create_error(const char *name, uint32_t type, uint32_t key_size,
				uint32_t value_size, uint32_t max_entries, uint32_t flags,
				int want)
{
	char quoted[64];
	int err;
	struct bpfx_object *obj = one_map(name, type, key_size, value_size, max_entries,
					  flags, 2, &err);

	CHECK_EQ(err, want);
	snprintf(quoted, sizeof(quoted), "map '%s'", name);
	CHECK(strstr(last_msg, quoted) != NULL);
	CHECK(obj->maps[0].ops == NULL);
	free_obj(obj);
}

/* for_each callbacks: count, remember keys, stop at a chosen visit. */
struct each_ctx {
	long calls;
	long stop_at;      /* stop on this call (1-based), 0 never */
	uint32_t keys[64];
	uint64_t sum;
	bool delete;
};

static long each_cb(struct bpfx_map *map, void *key, void *value, void *ctx)
{
	struct each_ctx *c = ctx;
	uint32_t k;

	memcpy(&k, key, sizeof(k));
	if (c->calls < 64)
		c->keys[c->calls] = k;
	c->sum += *(uint32_t *)value;
	c->calls++;
	if (c->delete)
		CHECK_EQ(map->ops->delete(map, key), 0);
	return c->stop_at && c->calls == c->stop_at;
}

/* ---------------------------------------------------------------------------------
 * Arrays.
 */

static void test_array_attrs(void)
{
	expect_create_error("a1", BPF_MAP_TYPE_ARRAY, 8, 4, 4, 0, -EINVAL);
	expect_create_error("a2", BPF_MAP_TYPE_ARRAY, 4, 0, 4, 0, -EINVAL);
	expect_create_error("a3", BPF_MAP_TYPE_ARRAY, 4, 4, 0, 0, -EINVAL);
	expect_create_error("a4", BPF_MAP_TYPE_ARRAY, 4, 4, 4, BPF_F_NO_PREALLOC, -EINVAL);
	expect_create_error("a5", BPF_MAP_TYPE_ARRAY, 4, 4, 4,
			    BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, -EINVAL);
	expect_create_error("a6", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 4, BPF_F_MMAPABLE, -EINVAL);
	expect_create_error("a7", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32769, 4, 0, -E2BIG);
}

static void test_array(void)
{
	uint32_t key, next, val[3] = { 1, 2, 3 }, out[3];
	struct bpfx_region regs[2];
	struct each_ctx ec = { 0 };
	struct bpfx_object *obj;
	struct bpfx_map *m;
	uint8_t *p1, *p2;
	int err;

	obj = one_map("arr", BPF_MAP_TYPE_ARRAY, 4, 12, 4, 0, 2, &err);
	m = &obj->maps[0];
	CHECK_EQ(err, 0);
	CHECK_EQ(bpfx_map__type(m), BPFX_MAP_ARRAY);
	CHECK(!strcmp(bpfx_map__name(m), "arr"));
	CHECK_EQ(bpfx_map__key_size(m), 4);
	CHECK_EQ(bpfx_map__value_size(m), 12);
	CHECK_EQ(bpfx_map__max_entries(m), 4);
	CHECK_EQ(bpfx_map__flags(m), 0);

	key = 1;
	CHECK_EQ(bpfx_map__update_elem(m, &key, val, BPF_ANY), 0);
	memset(out, 0xff, sizeof(out));
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), 0);
	CHECK(!memcmp(out, val, sizeof(val)));
	key = 0;
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), 0);
	CHECK_EQ(out[0] | out[1] | out[2], 0); /* zero-initialised */

	/* BPF side: elements are value_size rounded up to 8 apart */
	key = 1;
	p1 = m->ops->lookup(m, &key, 0);
	key = 2;
	p2 = m->ops->lookup(m, &key, 0);
	CHECK(p1 && p2);
	CHECK_EQ(p2 - p1, 16);
	CHECK(p1 && !memcmp(p1, val, sizeof(val)));
	key = 4;
	CHECK(m->ops->lookup(m, &key, 0) == NULL);
	val[0] = 42;
	key = 3;
	CHECK_EQ(m->ops->update(m, &key, val, BPF_ANY, 0), 0);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), 0);
	CHECK_EQ(out[0], 42);
	/* a program may store a value from the map into the map, even onto itself */
	CHECK_EQ(m->ops->update(m, &key, m->ops->lookup(m, &key, 0), BPF_ANY, 0), 0);
	key = 0;
	CHECK_EQ(m->ops->update(m, &key, p1, BPF_ANY, 0), 0);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), 0);
	CHECK(!memcmp(out, p1, sizeof(out)));
	memset(out, 0, sizeof(out));
	CHECK_EQ(m->ops->update(m, &key, out, BPF_ANY, 0), 0);
	key = 3;

	/* bpf(2) errors */
	key = 4;
	CHECK_EQ(bpfx_map__update_elem(m, &key, val, BPF_ANY), -E2BIG);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), -ENOENT);
	key = 0;
	CHECK_EQ(bpfx_map__update_elem(m, &key, val, BPF_NOEXIST), -EEXIST);
	CHECK_EQ(bpfx_map__update_elem(m, &key, val, BPF_EXIST), 0);
	CHECK_EQ(bpfx_map__update_elem(m, &key, val, 3), -EINVAL);
	CHECK_EQ(bpfx_map__update_elem(m, &key, val, BPF_F_LOCK), -EINVAL);
	CHECK_EQ(m->ops->update(m, &key, val, 8, 0), -EINVAL);
	CHECK_EQ(bpfx_map__delete_elem(m, &key), -EINVAL);
	CHECK_EQ(bpfx_map__lookup_elem(m, NULL, out), -EFAULT);

	/* get_next_key: no key or an absent one gives 0, the last -ENOENT */
	CHECK_EQ(bpfx_map__get_next_key(m, NULL, &next), 0);
	CHECK_EQ(next, 0);
	key = 0;
	CHECK_EQ(bpfx_map__get_next_key(m, &key, &next), 0);
	CHECK_EQ(next, 1);
	key = 3;
	CHECK_EQ(bpfx_map__get_next_key(m, &key, &next), -ENOENT);
	key = 100;
	CHECK_EQ(bpfx_map__get_next_key(m, &key, &next), 0);
	CHECK_EQ(next, 0);

	/* for_each visits every index; the call returning 1 counts */
	CHECK_EQ(m->ops->for_each(m, each_cb, &ec, 0), 4);
	CHECK_EQ(ec.keys[0], 0);
	CHECK_EQ(ec.keys[3], 3);
	CHECK_EQ(ec.sum, 42 + 1 + 42);
	memset(&ec, 0, sizeof(ec));
	ec.stop_at = 2;
	CHECK_EQ(m->ops->for_each(m, each_cb, &ec, 0), 2);
	CHECK_EQ(ec.calls, 2);

	/* regions: values (writable) and the keys for_each hands out (read-only) */
	CHECK_EQ(m->ops->regions(m, NULL, 0), 2);
	CHECK_EQ(m->ops->regions(m, regs, 2), 2);
	CHECK_EQ(regs[0].end - regs[0].start, 4 * 16);
	CHECK(regs[0].writable);
	CHECK(!strcmp(regs[0].what, "map 'arr' values"));
	CHECK(regs[0].start == (uintptr_t)p1 - 16);
	CHECK(!regs[1].writable);
	CHECK_EQ(m->ops->regions(m, regs, 1), 1);
	free_obj(obj);
}

static void test_percpu_array(void)
{
	uint32_t key = 1, buf[6] = { 10, 0, 20, 0, 30, 0 }, out[6], v = 77;
	struct each_ctx ec = { 0 };
	struct bpfx_object *obj;
	struct bpfx_map *m;
	uint32_t *p;
	int err, c;

	obj = one_map("pcpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 0, 3, &err);
	m = &obj->maps[0];
	CHECK_EQ(err, 0);
	CHECK_EQ(m->nr_cpus, 3);
	CHECK_EQ(bpfx_map__update_elem(m, &key, buf, BPF_ANY), 0);
	for (c = 0; c < 3; c++) {
		p = m->ops->lookup(m, &key, (uint32_t)c);
		CHECK(p && *p == (uint32_t)(c + 1) * 10);
	}
	CHECK(m->ops->lookup(m, &key, 3) == NULL); /* no such CPU */

	/* a program updates its own CPU's value only */
	CHECK_EQ(m->ops->update(m, &key, &v, BPF_ANY, 2), 0);
	memset(out, 0xff, sizeof(out));
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), 0);
	CHECK_EQ(out[0], 10);
	CHECK_EQ(out[2], 20);
	CHECK_EQ(out[4], 77);
	CHECK_EQ(bpfx_map__update_elem(m, &key, buf, BPF_NOEXIST), -EEXIST);
	CHECK_EQ(bpfx_map__update_elem(m, &key, buf, BPF_F_LOCK), -EINVAL);
	CHECK_EQ(bpfx_map__delete_elem(m, &key), -EINVAL);

	CHECK_EQ(m->ops->for_each(m, each_cb, &ec, 1), 2);
	CHECK_EQ(ec.sum, 20);
	CHECK_EQ(m->ops->regions(m, NULL, 0), 2);
	free_obj(obj);
}

static void test_global_data(void)
{
	static const char ro[16] = "read only bytes";
	static const char rw[16] = "writable bytes";
	struct bpfx_object *obj = new_obj(3, 2);
	struct bpfx_map *r, *d, *b;
	struct bpfx_region reg;
	uint32_t zero = 0;
	char buf[16];
	char *p;

	r = set_map(obj, 0, ".rodata", BPF_MAP_TYPE_ARRAY, 4, 16, 1, BPF_F_RDONLY_PROG);
	r->kind = BPFX_MAPK_RODATA;
	r->init_data = (void *)ro;
	d = set_map(obj, 1, ".data", BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0);
	d->kind = BPFX_MAPK_DATA;
	d->init_data = (void *)rw;
	b = set_map(obj, 2, ".bss", BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0);
	b->kind = BPFX_MAPK_BSS;
	CHECK_EQ(bpfx_maps_create(obj), 0);

	p = r->ops->lookup(r, &zero, 0);
	CHECK(p && !memcmp(p, ro, 16));
	CHECK(p != ro); /* a copy */
	CHECK_EQ(r->ops->regions(r, &reg, 1), 1);
	CHECK(!reg.writable);
	CHECK(!strcmp(reg.what, "map '.rodata' values"));
	CHECK_EQ(r->ops->update(r, &zero, rw, BPF_ANY, 0), -EPERM);
	/* the host may still write .rodata */
	CHECK_EQ(bpfx_map__update_elem(r, &zero, rw, BPF_ANY), 0);
	CHECK(p && !memcmp(p, rw, 16));

	p = d->ops->lookup(d, &zero, 0);
	CHECK(p && !memcmp(p, rw, 16));
	CHECK_EQ(d->ops->regions(d, &reg, 1), 1);
	CHECK(reg.writable);

	memset(buf, 1, sizeof(buf));
	CHECK_EQ(bpfx_map__lookup_elem(b, &zero, buf), 0);
	CHECK(buf[0] == 0 && buf[15] == 0);
	free_obj(obj);

	/* initial data needs an array */
	obj = new_obj(1, 2);
	set_map(obj, 0, "h", BPF_MAP_TYPE_HASH, 4, 16, 1, 0)->init_data = (void *)ro;
	CHECK_EQ(bpfx_maps_create(obj), -EINVAL);
	CHECK(strstr(last_msg, "map 'h'") != NULL);
	CHECK(obj->maps[0].ops == NULL);
	free_obj(obj);
}

/* ---------------------------------------------------------------------------------
 * Hash maps.
 */

static void test_hash_attrs(void)
{
	expect_create_error("h1", BPF_MAP_TYPE_HASH, 0, 4, 4, 0, -EINVAL);
	expect_create_error("h2", BPF_MAP_TYPE_HASH, 4, 0, 4, 0, -EINVAL);
	expect_create_error("h3", BPF_MAP_TYPE_HASH, 4, 4, 0, 0, -EINVAL);
	expect_create_error("h4", BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_NO_COMMON_LRU, -EINVAL);
	expect_create_error("h5", BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_MMAPABLE, -EINVAL);
	expect_create_error("h6", BPF_MAP_TYPE_LRU_HASH, 4, 4, 4, BPF_F_NO_PREALLOC, -ENOTSUPP);
	expect_create_error("h7", BPF_MAP_TYPE_PERCPU_HASH, 4, 32769, 4, 0, -E2BIG);
	expect_create_error("h8", BPF_MAP_TYPE_HASH, 4, 4, 0x80000001u, 0, -E2BIG);
	expect_create_error("h9", BPF_MAP_TYPE_HASH, 4, 4, 0x10000001u, BPF_F_NO_PREALLOC,
			    -E2BIG); /* 2^29 buckets do not fit in 32 bits of bytes */
}

static void test_hash(void)
{
	uint64_t key, val, out, next;
	struct bpfx_region reg;
	struct each_ctx ec = { 0 };
	struct bpfx_object *obj;
	struct bpfx_map *m;
	uint64_t *old;
	int err, i;

	obj = one_map("counts", BPF_MAP_TYPE_HASH, 8, 8, 4, BPF_F_NO_PREALLOC, 2, &err);
	m = &obj->maps[0];
	CHECK_EQ(err, 0);
	CHECK_EQ(bpfx_map__get_next_key(m, NULL, &next), -ENOENT);
	for (i = 0; i < 4; i++) {
		key = 100 + i;
		val = 1000 + i;
		CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_NOEXIST), 0);
	}
	key = 200;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_ANY), -E2BIG); /* full */
	CHECK_EQ(m->ops->update(m, &key, &val, BPF_ANY, 0), -E2BIG);
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_EXIST), -ENOENT);
	key = 101;
	val = 7;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_ANY), 0); /* existing, when full */
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_NOEXIST), -EEXIST);
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_EXIST), 0);
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_F_LOCK), -EINVAL);
	CHECK_EQ(m->ops->update(m, &key, &val, BPF_F_LOCK | BPF_EXIST, 0), -EINVAL);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, &out), 0);
	CHECK_EQ(out, 7);
	CHECK_EQ(m->ops->update(m, &key, m->ops->lookup(m, &key, 0), BPF_EXIST, 0), 0);

	/* delete; the old value pointer stays readable memory */
	old = m->ops->lookup(m, &key, 0);
	CHECK(old && *old == 7);
	CHECK_EQ(bpfx_map__delete_elem(m, &key), 0);
	CHECK_EQ(bpfx_map__delete_elem(m, &key), -ENOENT);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, &out), -ENOENT);
	CHECK(m->ops->lookup(m, &key, 0) == NULL);
	CHECK(old && *old == 7);
	key = 200;
	val = 2000;
	CHECK_EQ(m->ops->update(m, &key, &val, BPF_NOEXIST, 0), 0); /* room again */
	CHECK(old && *old == 2000); /* the slot was reused, as the kernel's freelist does */

	/* for_each: every element; the callback may delete */
	CHECK_EQ(m->ops->for_each(m, each_cb, &ec, 0), 4);
	CHECK_EQ(ec.sum, 1000 + 1002 + 1003 + 2000);
	memset(&ec, 0, sizeof(ec));
	ec.stop_at = 3;
	CHECK_EQ(m->ops->for_each(m, each_cb, &ec, 0), 3);
	memset(&ec, 0, sizeof(ec));
	ec.delete = true;
	CHECK_EQ(m->ops->for_each(m, each_cb, &ec, 0), 4);
	CHECK_EQ(bpfx_map__get_next_key(m, NULL, &next), -ENOENT);

	CHECK_EQ(m->ops->regions(m, &reg, 1), 1);
	CHECK(reg.writable && !strcmp(reg.what, "map 'counts' elements"));
	CHECK_EQ(reg.end - reg.start, 4 * 16);
	free_obj(obj);
}

/* get_next_key from NULL visits every key once, also after deletes. */
static void test_hash_iterate(void)
{
	bool seen[300] = { false }, present[300] = { false };
	uint32_t key, next, val = 0;
	struct bpfx_object *obj;
	struct bpfx_map *m;
	int err, i, visits = 0, want = 0;
	const void *prev = NULL;

	obj = one_map("it", BPF_MAP_TYPE_HASH, 4, 4, 256, 0, 2, &err);
	m = &obj->maps[0];
	CHECK_EQ(err, 0);
	for (i = 0; i < 200; i++) {
		key = (uint32_t)i * 7 % 300;
		CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_NOEXIST), 0);
		present[key] = true;
	}
	for (i = 0; i < 200; i += 3) {
		key = (uint32_t)i * 7 % 300;
		CHECK_EQ(bpfx_map__delete_elem(m, &key), 0);
		present[key] = false;
	}
	for (i = 0; i < 300; i++)
		want += present[i];
	while (bpfx_map__get_next_key(m, prev, &next) == 0 && visits < 1000) {
		CHECK(next < 300 && present[next] && !seen[next]);
		if (next < 300)
			seen[next] = true;
		key = next;
		prev = &key;
		visits++;
	}
	CHECK_EQ(visits, want);
	/* an absent key restarts from the first, as the kernel does */
	key = 1000;
	CHECK_EQ(bpfx_map__get_next_key(m, NULL, &next), 0);
	CHECK_EQ(bpfx_map__get_next_key(m, &key, &val), 0);
	CHECK_EQ(val, next);
	free_obj(obj);
}

static void test_percpu_hash(void)
{
	uint32_t key = 5, buf[4] = { 11, 0, 22, 0 }, out[4], v = 9;
	struct bpfx_object *obj;
	struct bpfx_map *m;
	uint32_t *p;
	int err;

	obj = one_map("ph", BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 1, 0, 2, &err);
	m = &obj->maps[0];
	CHECK_EQ(err, 0);
	CHECK_EQ(bpfx_map__update_elem(m, &key, buf, BPF_ANY), 0);
	p = m->ops->lookup(m, &key, 1);
	CHECK(p && *p == 22);
	p = m->ops->lookup(m, &key, 0);
	CHECK(p && *p == 11);
	CHECK(m->ops->lookup(m, &key, 2) == NULL);
	CHECK_EQ(m->ops->update(m, &key, &v, BPF_EXIST, 0), 0);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), 0);
	CHECK_EQ(out[0], 9);
	CHECK_EQ(out[2], 22);

	/* a program's new element: its CPU gets the value, the others zero, even in a
	 * reused slot that held 9 and 22 */
	CHECK_EQ(bpfx_map__delete_elem(m, &key), 0);
	key = 6;
	v = 33;
	CHECK_EQ(m->ops->update(m, &key, &v, BPF_NOEXIST, 1), 0);
	memset(out, 0xff, sizeof(out));
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, out), 0);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(out[2], 33);
	CHECK_EQ(m->ops->update(m, &key, &v, BPF_ANY, 2), -EINVAL); /* no CPU 2 */
	free_obj(obj);
}

static bool lru_has(struct bpfx_map *m, uint32_t key)
{
	uint32_t v;

	return bpfx_map__lookup_elem(m, &key, &v) == 0;
}

static void test_lru(void)
{
	struct bpfx_object *obj;
	struct bpfx_map *m;
	uint32_t key, val;
	int err;

	obj = one_map("lru", BPF_MAP_TYPE_LRU_HASH, 4, 4, 4, 0, 2, &err);
	m = &obj->maps[0];
	CHECK_EQ(err, 0);
	for (key = 1; key <= 4; key++) {
		val = key * 10;
		CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_NOEXIST), 0);
	}
	/* order, oldest first: 1 2 3 4 */
	key = 1;
	CHECK(m->ops->lookup(m, &key, 0) != NULL);     /* 2 3 4 1 */
	key = 5;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &key, BPF_ANY), 0); /* evicts 2 */
	CHECK(!lru_has(m, 2) && lru_has(m, 1) && lru_has(m, 5));
	/* host lookups do not refresh (lru_has(3) above did not either) */
	key = 6;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &key, BPF_ANY), 0); /* evicts 3 */
	CHECK(!lru_has(m, 3) && lru_has(m, 4));
	key = 4;
	CHECK_EQ(m->ops->update(m, &key, &key, BPF_EXIST, 0), 0);  /* 1 5 6 4 */
	key = 7;
	CHECK_EQ(m->ops->update(m, &key, &key, BPF_NOEXIST, 0), 0); /* evicts 1 */
	CHECK(!lru_has(m, 1));
	CHECK(lru_has(m, 4) && lru_has(m, 5) && lru_has(m, 6) && lru_has(m, 7));
	/* failed flag checks evict nothing */
	key = 8;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &key, BPF_EXIST), -ENOENT);
	CHECK(lru_has(m, 5));
	/* deleting frees a slot: no eviction */
	key = 5;
	CHECK_EQ(bpfx_map__delete_elem(m, &key), 0);
	key = 9;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &key, BPF_ANY), 0);
	CHECK(lru_has(m, 4) && lru_has(m, 6) && lru_has(m, 7) && lru_has(m, 9));
	free_obj(obj);

	/* BPF_F_NO_COMMON_LRU: max_entries rounded up to a multiple of the CPUs */
	obj = one_map("plru", BPF_MAP_TYPE_LRU_HASH, 4, 4, 4, BPF_F_NO_COMMON_LRU, 3, &err);
	CHECK_EQ(err, 0);
	CHECK_EQ(bpfx_map__max_entries(&obj->maps[0]), 6);
	free_obj(obj);
}

/* Four threads insert, bump a shared counter through a value pointer, and delete. */
#define THREADS 4
#define PER_THREAD 1000
#define SHARED_KEY 0xffffffu

struct thread_arg {
	struct bpfx_map *map;
	uint32_t id;
	int errors;
};

static void *hash_worker(void *p)
{
	struct thread_arg *a = p;
	struct bpfx_map *m = a->map;
	uint32_t i, key, shared = SHARED_KEY;
	uint64_t val, *cnt;

	for (i = 0; i < PER_THREAD; i++) {
		key = a->id * PER_THREAD + i;
		val = key;
		a->errors += m->ops->update(m, &key, &val, BPF_NOEXIST, a->id) != 0;
		cnt = m->ops->lookup(m, &shared, a->id);
		if (cnt)
			atomic_fetch_add((_Atomic uint64_t *)cnt, 1);
		else
			a->errors++;
	}
	for (i = 1; i < PER_THREAD; i += 2) {
		key = a->id * PER_THREAD + i;
		a->errors += bpfx_map__delete_elem(m, &key) != 0;
	}
	return NULL;
}

static void test_hash_threads(void)
{
	struct thread_arg args[THREADS];
	pthread_t th[THREADS];
	uint32_t key, next, shared = SHARED_KEY;
	uint64_t val = 0, zero = 0;
	struct bpfx_object *obj;
	struct bpfx_map *m;
	int err, t, n = 0, bad = 0;
	const void *prev = NULL;

	obj = one_map("mt", BPF_MAP_TYPE_HASH, 4, 8, THREADS * PER_THREAD + 1, 0, THREADS,
		      &err);
	m = &obj->maps[0];
	CHECK_EQ(err, 0);
	CHECK_EQ(bpfx_map__update_elem(m, &shared, &zero, BPF_NOEXIST), 0);
	for (t = 0; t < THREADS; t++) {
		args[t] = (struct thread_arg){ m, (uint32_t)t, 0 };
		pthread_create(&th[t], NULL, hash_worker, &args[t]);
	}
	for (t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		CHECK_EQ(args[t].errors, 0);
	}
	CHECK_EQ(bpfx_map__lookup_elem(m, &shared, &val), 0);
	CHECK_EQ(val, THREADS * PER_THREAD);
	while (bpfx_map__get_next_key(m, prev, &next) == 0) {
		CHECK_EQ(bpfx_map__lookup_elem(m, &next, &val), 0);
		if (next != SHARED_KEY)
			bad += val != next || next % 2 != 0;
		key = next;
		prev = &key;
		n++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(n, THREADS * PER_THREAD / 2 + 1);
	free_obj(obj);
}

/* ---------------------------------------------------------------------------------
 * Prog arrays.
 */

static struct bpfx_object *prog_obj(void)
{
	static const enum bpfx_prog_type types[3] = { BPFX_PROG_XDP, BPFX_PROG_XDP,
						      BPFX_PROG_SCHED_CLS };
	struct bpfx_object *obj = new_obj(1, 2);
	uint32_t i;

	obj->progs = calloc(3, sizeof(*obj->progs));
	obj->prog_cnt = 3;
	for (i = 0; i < 3; i++) {
		obj->progs[i].obj = obj;
		obj->progs[i].id = i;
		obj->progs[i].name = strdup("p");
		obj->progs[i].type = types[i];
		obj->progs[i].exec = (struct bpfx_exec *)&obj->progs[i]; /* "loaded" */
	}
	return obj;
}

static void test_prog_array(void)
{
	struct bpfx_map_init_prog init[1] = { { .key = 2, .prog = 1 } };
	struct bpfx_object *obj = prog_obj();
	uint32_t key, id, next;
	struct bpfx_map *m;

	m = set_map(obj, 0, "jmp", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	m->init_progs = init;
	m->init_prog_cnt = 1;
	CHECK_EQ(bpfx_maps_create(obj), 0);

	key = 2;
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, &id), 0);
	CHECK_EQ(id, 1);
	CHECK(bpfx_prog_array_get(m, 2) == &obj->progs[1]);
	CHECK(bpfx_prog_array_get(m, 0) == NULL);
	CHECK(bpfx_prog_array_get(m, 4) == NULL);
	key = 0;
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, &id), -ENOENT);
	key = 9;
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, &id), -ENOENT);

	key = 0;
	id = 0;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &id, BPF_ANY), 0);
	CHECK(bpfx_prog_array_get(m, 0) == &obj->progs[0]);
	CHECK_EQ(bpfx_map__update_elem(m, &key, &id, BPF_NOEXIST), -EINVAL);
	id = 7;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &id, BPF_ANY), -EBADF);
	id = 2; /* a tc program in an array of xdp programs */
	CHECK_EQ(bpfx_map__update_elem(m, &key, &id, BPF_ANY), -EINVAL);
	CHECK(!bpfx_prog_array_compatible(m, &obj->progs[2]));
	CHECK(bpfx_prog_array_compatible(m, &obj->progs[0]));
	key = 4;
	id = 0;
	CHECK_EQ(bpfx_map__update_elem(m, &key, &id, BPF_ANY), -E2BIG);

	/* a program that failed to load is not a target */
	obj->progs[1].load_err = -EACCES;
	CHECK(bpfx_prog_array_get(m, 2) == NULL);

	key = 0;
	CHECK_EQ(bpfx_map__delete_elem(m, &key), 0);
	CHECK_EQ(bpfx_map__delete_elem(m, &key), -ENOENT);
	key = 4;
	CHECK_EQ(bpfx_map__delete_elem(m, &key), -E2BIG);
	CHECK(bpfx_prog_array_get(m, 0) == NULL);

	/* programs never see the slots */
	key = 2;
	CHECK(m->ops->lookup(m, &key, 0) == NULL);
	CHECK_EQ(m->ops->update(m, &key, &id, BPF_ANY, 0), -EINVAL);
	CHECK_EQ(m->ops->regions(m, NULL, 0), 0);
	CHECK_EQ(bpfx_map__get_next_key(m, NULL, &next), 0);
	CHECK_EQ(next, 0);
	key = 3;
	CHECK_EQ(bpfx_map__get_next_key(m, &key, &next), -ENOENT);
	free_obj(obj);

	/* bad shapes and bad initialisers */
	expect_create_error("pa1", BPF_MAP_TYPE_PROG_ARRAY, 4, 8, 4, 0, -EINVAL);
	expect_create_error("pa2", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, BPF_F_RDONLY_PROG, -EINVAL);
	obj = prog_obj();
	m = set_map(obj, 0, "jmp2", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	init[0].prog = 5;
	m->init_progs = init;
	m->init_prog_cnt = 1;
	CHECK_EQ(bpfx_maps_create(obj), -EBADF);
	CHECK(strstr(last_msg, "map 'jmp2'") != NULL);
	CHECK(m->ops == NULL);
	free_obj(obj);
}

/* ---------------------------------------------------------------------------------
 * Ring buffers.
 */

struct rec_log {
	int n;
	size_t sizes[16];
	char data[16][64];
	int ret;             /* what the callback returns */
	struct bpfx_map *map;
	int nested;
};

static int log_rec(void *ctx, const void *data, size_t size)
{
	struct rec_log *l = ctx;

	if (l->n < 16) {
		l->sizes[l->n] = size;
		memcpy(l->data[l->n], data, size < 64 ? size : 64);
	}
	l->n++;
	if (l->map)
		l->nested = bpfx_map__ringbuf_consume(l->map, log_rec, l);
	return l->ret;
}

/* The length word of a record's header. */
static uint32_t hdr_len(const void *sample)
{
	uint32_t len = 0;

	if (sample)
		memcpy(&len, (const char *)sample - BPF_RINGBUF_HDR_SZ, sizeof(len));
	return len;
}

static void test_ringbuf_attrs(void)
{
	expect_create_error("r1", BPF_MAP_TYPE_RINGBUF, 0, 0, 4095, 0, -EINVAL);
	expect_create_error("r2", BPF_MAP_TYPE_RINGBUF, 0, 0, 12288, 0, -EINVAL);
	expect_create_error("r3", BPF_MAP_TYPE_RINGBUF, 0, 0, 2048, 0, -EINVAL);
	expect_create_error("r4", BPF_MAP_TYPE_RINGBUF, 4, 0, 4096, 0, -EINVAL);
	expect_create_error("r5", BPF_MAP_TYPE_RINGBUF, 0, 8, 4096, 0, -EINVAL);
	expect_create_error("r6", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, BPF_F_RDONLY_PROG,
			    -EINVAL);
}

static struct bpfx_object *ring(uint32_t size, struct bpfx_map **m)
{
	int err;
	struct bpfx_object *obj = one_map("rb", BPF_MAP_TYPE_RINGBUF, 0, 0, size, 0, 2, &err);

	CHECK_EQ(err, 0);
	*m = &obj->maps[0];
	return obj;
}

static void test_ringbuf_basic(void)
{
	struct rec_log log = { 0 };
	struct bpfx_region reg;
	struct bpfx_object *obj;
	struct bpfx_map *m;
	char *r1, *a, *b, *x;
	uint32_t key = 0;

	obj = ring(4096, &m);
	CHECK_EQ(bpfx_map__lookup_elem(m, NULL, NULL), -ENOTSUPP);
	CHECK_EQ(bpfx_map__update_elem(m, NULL, NULL, BPF_ANY), -ENOTSUPP);
	CHECK_EQ(bpfx_map__delete_elem(m, NULL), -ENOTSUPP);
	CHECK_EQ(bpfx_map__get_next_key(m, NULL, &key), -ENOTSUPP);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_RING_SIZE), 4096);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_AVAIL_DATA), 0);
	CHECK_EQ(bpfx_ringbuf_query(m, 99), 0);
	CHECK_EQ(m->ops->regions(m, &reg, 1), 1);
	CHECK_EQ(reg.end - reg.start, 2 * 4096);
	CHECK(reg.writable && !strcmp(reg.what, "map 'rb' data"));

	/* output and reserve/submit; positions count header and padding */
	CHECK_EQ(bpfx_ringbuf_output(m, "abc", 3, 0), 0);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_AVAIL_DATA), 16);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_PROD_POS), 16);
	r1 = bpfx_ringbuf_reserve(m, 10, 0);
	CHECK(r1 != NULL && (uintptr_t)r1 == reg.start + 16 + 8);
	CHECK((uintptr_t)r1 % 8 == 0);
	CHECK_EQ(hdr_len(r1), 10 | BPF_RINGBUF_BUSY_BIT);
	memcpy(r1, "0123456789", 10);
	CHECK(bpfx_ringbuf_of(obj, r1) == m);
	CHECK(bpfx_ringbuf_of(obj, &key) == NULL);
	bpfx_ringbuf_commit(bpfx_ringbuf_of(obj, r1), r1, 0, false);
	CHECK_EQ(hdr_len(r1), 10);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 2);
	CHECK_EQ(log.sizes[0], 3);
	CHECK(!memcmp(log.data[0], "abc", 3));
	CHECK_EQ(log.sizes[1], 10);
	CHECK(!memcmp(log.data[1], "0123456789", 10));
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_CONS_POS), 16 + 24);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_AVAIL_DATA), 0);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 0);

	/* discarded records are skipped */
	memset(&log, 0, sizeof(log));
	a = bpfx_ringbuf_reserve(m, 4, 0);
	b = bpfx_ringbuf_reserve(m, 4, 0);
	CHECK(a && b);
	memcpy(b, "bbbb", 4);
	bpfx_ringbuf_commit(m, a, 0, true);
	bpfx_ringbuf_commit(m, b, 0, false);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 1);
	CHECK(!memcmp(log.data[0], "bbbb", 4));
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_AVAIL_DATA), 0);

	/* a busy record holds back the ones behind it */
	memset(&log, 0, sizeof(log));
	x = bpfx_ringbuf_reserve(m, 1, 0);
	CHECK(x != NULL);
	CHECK_EQ(bpfx_ringbuf_output(m, "y", 1, BPF_RB_NO_WAKEUP), 0);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 0);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_AVAIL_DATA), 32);
	if (x)
		*x = 'x';
	bpfx_ringbuf_commit(m, x, BPF_RB_FORCE_WAKEUP, false);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 2);
	CHECK(log.data[0][0] == 'x' && log.data[1][0] == 'y');

	/* bad flags and sizes */
	CHECK(bpfx_ringbuf_reserve(m, 8, 1) == NULL);
	CHECK_EQ(bpfx_ringbuf_output(m, "z", 1, 4), -EINVAL);
	CHECK(bpfx_ringbuf_reserve(m, 4081, 0) == NULL); /* 4096 with the header */
	CHECK(bpfx_ringbuf_reserve(m, (uint64_t)1 << 31, 0) == NULL);
	free_obj(obj);
}

static void test_ringbuf_full_and_wrap(void)
{
	struct rec_log log = { 0 };
	struct bpfx_region reg;
	struct bpfx_object *obj;
	struct bpfx_map *m;
	uint8_t *big, *bad, *r;
	int i, good = 1;

	obj = ring(4096, &m);
	CHECK_EQ(m->ops->regions(m, &reg, 1), 1);
	/* the producer stays less than a whole ring ahead: 4088 bytes fit, 4104 not */
	big = bpfx_ringbuf_reserve(m, 4080, 0);
	CHECK(big != NULL);
	CHECK(bpfx_ringbuf_reserve(m, 1, 0) == NULL);
	CHECK_EQ(bpfx_ringbuf_output(m, "q", 1, 0), -EAGAIN);
	bpfx_ringbuf_commit(m, big, 0, true);
	CHECK(bpfx_ringbuf_reserve(m, 1, 0) == NULL); /* not consumed yet */
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 0); /* it was discarded */
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_CONS_POS), 4088);

	/* a record whose data runs past the end of the ring is contiguous: the data
	 * pages are mapped twice in a row */
	bad = bpfx_ringbuf_reserve(m, 4040, 0);   /* 4048 bytes: ends at 8136 */
	CHECK(bad != NULL);
	bpfx_ringbuf_commit(m, bad, 0, true);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 0);
	r = bpfx_ringbuf_reserve(m, 100, 0);      /* header at 4040, data 4048..4148 */
	CHECK(r != NULL && (uintptr_t)r == reg.start + 4048);
	for (i = 0; r && i < 100; i++)
		r[i] = (uint8_t)(i + 1);
	for (i = 48; r && i < 100; i++)      /* the part past the end is the start */
		good &= ((uint8_t *)reg.start)[i - 48] == i + 1;
	bpfx_ringbuf_commit(m, r, 0, false);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 1);
	CHECK_EQ(log.sizes[0], 100);
	for (i = 0; i < 64; i++)
		good &= log.data[0][i] == i + 1;
	CHECK(good);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_CONS_POS), 8136 + 112);

	/* the callback stops early: positive keeps the count, negative is returned */
	memset(&log, 0, sizeof(log));
	for (i = 0; i < 3; i++)
		CHECK_EQ(bpfx_ringbuf_output(m, &"abc"[i], 1, 0), 0);
	log.ret = 1;
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 1);
	log.ret = -5;
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), -5);
	log.ret = 0;
	log.map = m; /* consuming from the callback: -EBUSY */
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, &log), 1);
	CHECK_EQ(log.nested, -EBUSY);
	CHECK(log.data[0][0] == 'a' && log.data[1][0] == 'b' && log.data[2][0] == 'c');
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_AVAIL_DATA), 0);
	free_obj(obj);
}

/* Four producers on a small ring, the main thread consuming meanwhile: every
 * producer's records arrive complete and in its order. */
#define RB_RECORDS 3000

struct rb_arg {
	struct bpfx_map *map;
	uint32_t id;
};

static void *rb_producer(void *p)
{
	struct rb_arg *a = p;
	uint32_t rec[4], seq;

	for (seq = 0; seq < RB_RECORDS; seq++) {
		rec[0] = a->id;
		rec[1] = seq;
		rec[2] = a->id ^ seq;
		rec[3] = ~seq;
		while (bpfx_ringbuf_output(a->map, rec, sizeof(rec) - (seq % 2) * 4, 0) ==
		       -EAGAIN)
			sched_yield();
	}
	return NULL;
}

struct rb_check {
	uint32_t next[THREADS];
	int bad, total;
};

static int check_rec(void *ctx, const void *data, size_t size)
{
	struct rb_check *c = ctx;
	uint32_t rec[4];

	memcpy(rec, data, 12);
	c->total++;
	if (rec[0] >= THREADS || rec[1] != c->next[rec[0]] || rec[2] != (rec[0] ^ rec[1]) ||
	    size != 16 - (rec[1] % 2) * 4) {
		c->bad++;
		return 0;
	}
	c->next[rec[0]]++;
	return 0;
}

static void test_ringbuf_threads(void)
{
	struct rb_check chk = { { 0 }, 0, 0 };
	struct rb_arg args[THREADS];
	pthread_t th[THREADS];
	struct bpfx_object *obj;
	struct bpfx_map *m;
	int t, n, spins = 0;

	obj = ring(4096, &m);
	for (t = 0; t < THREADS; t++) {
		args[t] = (struct rb_arg){ m, (uint32_t)t };
		pthread_create(&th[t], NULL, rb_producer, &args[t]);
	}
	while (chk.total < THREADS * RB_RECORDS && spins < 100000000) {
		n = bpfx_map__ringbuf_consume(m, check_rec, &chk);
		CHECK(n >= 0);
		if (n <= 0)
			sched_yield();
		spins++;
	}
	for (t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	CHECK_EQ(chk.total, THREADS * RB_RECORDS);
	CHECK_EQ(chk.bad, 0);
	for (t = 0; t < THREADS; t++)
		CHECK_EQ(chk.next[t], RB_RECORDS);
	CHECK_EQ(bpfx_ringbuf_query(m, BPF_RB_AVAIL_DATA), 0);
	free_obj(obj);
}

/* ---------------------------------------------------------------------------------
 * Creating objects, and the public API's own checks.
 */

/* ---------------------------------------------------------------------------------
 * BPF_F_LOCK (copy_map_value_locked()).  Values here are { u32 a; struct
 * bpf_spin_lock lock; u64 b }: the lock at offset 4 (from BTF in a real object; set
 * by hand here).  Expected errnos from the 6.18 host through bpf(2) on the same
 * layout.
 */

struct locked_val {
	uint32_t a;
	uint32_t lock;
	uint64_t b;
};

static struct bpfx_object *lock_map(uint32_t type, bool with_lock, struct bpfx_map **m)
{
	int err;
	struct bpfx_object *obj = one_map("locked", type, 4, sizeof(struct locked_val), 2, 0,
					  1, &err);

	CHECK_EQ(err, 0);
	*m = &obj->maps[0];
	(*m)->lock_off = with_lock ? (int32_t)offsetof(struct locked_val, lock) : -1;
	return obj;
}

static void test_lock_flags(uint32_t type)
{
	struct locked_val v = { 5, 1, 7 }, out;
	uint32_t k = 1, k9 = 9;
	struct bpfx_object *obj;
	struct bpfx_map *m;

	obj = lock_map(type, true, &m);
	CHECK_EQ(bpfx_map__lookup_elem_flags(m, &k, &out, 8), -EINVAL);
	CHECK_EQ(bpfx_map__lookup_elem_flags(m, &k, &out, BPF_F_LOCK | 1), -EINVAL);
	CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK | 8), -EINVAL);
	if (type == BPF_MAP_TYPE_ARRAY) {
		CHECK_EQ(bpfx_map__update_elem(m, &k9, &v, BPF_F_LOCK), -E2BIG);
		CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK | BPF_NOEXIST), -EEXIST);
		CHECK_EQ(bpfx_map__lookup_elem_flags(m, &k9, &out, BPF_F_LOCK), -ENOENT);
	} else {
		CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK | BPF_EXIST), -ENOENT);
		CHECK_EQ(bpfx_map__lookup_elem_flags(m, &k, &out, BPF_F_LOCK), -ENOENT);
	}
	/* a new or existing element; the lock word is neither copied in nor out */
	CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK), 0);
	v.a = 6;
	CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK | BPF_EXIST), 0);
	if (type == BPF_MAP_TYPE_HASH)
		CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK | BPF_NOEXIST), -EEXIST);
	memset(&out, 0xff, sizeof(out));
	CHECK_EQ(bpfx_map__lookup_elem_flags(m, &k, &out, BPF_F_LOCK), 0);
	CHECK(out.a == 6 && out.lock == 0 && out.b == 7);
	CHECK_EQ(*(uint32_t *)((uint8_t *)m->ops->lookup(m, &k, 0) + 4), 0);
	free_obj(obj);

	/* no bpf_spin_lock in the value: the syscall's own -EINVAL comes first */
	obj = lock_map(type, false, &m);
	CHECK_EQ(bpfx_map__lookup_elem_flags(m, &k, &out, BPF_F_LOCK), -EINVAL);
	CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK), -EINVAL);
	CHECK_EQ(bpfx_map__update_elem(m, &k9, &v, BPF_F_LOCK), -EINVAL);
	CHECK_EQ(m->ops->update(m, &k, &v, BPF_F_LOCK, 0), -EINVAL); /* from a program */
	free_obj(obj);
}

struct holder {
	struct bpfx_map *map;
	uint32_t *word;
	atomic_int state;        /* 1: holding, 2: released */
};

static void *hold_lock(void *p)
{
	struct holder *h = p;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	atomic_store(&h->state, 1);
	nanosleep(&ts, NULL);
	atomic_store(&h->state, 2);
	bpfx_value_unlock(h->map->obj, h->word);
	return NULL;
}

static int no_wait(struct bpfx_lock_wait *w, bool stuck)
{
	return -EBUSY;
}

/* The host waits for a lock a program holds, and gives up (-EDEADLK) on one that
 * nobody holds: a program wrote the lock word. */
static void test_lock_wait(void)
{
	struct bpfx_lock_wait busy = { no_wait };
	struct locked_val v = { 9, 0, 9 }, out;
	struct holder h = { 0 };
	struct bpfx_object *obj;
	struct bpfx_map *m;
	uint32_t k = 0, *word;
	pthread_t t;

	obj = lock_map(BPF_MAP_TYPE_ARRAY, true, &m);
	word = (uint32_t *)((uint8_t *)m->ops->lookup(m, &k, 0) + 4);
	*word = 1;                                      /* as a program may store it */
	CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK), -EDEADLK);
	CHECK_EQ(bpfx_map__lookup_elem_flags(m, &k, &out, BPF_F_LOCK), -EDEADLK);
	CHECK_EQ(obj->spin_holders, 0);
	*word = 0;

	CHECK_EQ(bpfx_value_lock(obj, word, &busy), 0);  /* free: no turn taken */
	h.map = m;
	h.word = word;
	CHECK_EQ(pthread_create(&t, NULL, hold_lock, &h), 0);
	while (atomic_load(&h.state) == 0)
		sched_yield();
	CHECK_EQ(bpfx_value_lock(obj, word, &busy), -EBUSY);   /* taken: the turn says no */
	CHECK_EQ(bpfx_map__update_elem(m, &k, &v, BPF_F_LOCK), 0);
	CHECK_EQ(atomic_load(&h.state), 2);             /* only once it was freed */
	pthread_join(t, NULL);
	CHECK_EQ(*word, 0);
	CHECK_EQ(obj->spin_holders, 0);
	CHECK_EQ(bpfx_map__lookup_elem(m, &k, &out), 0);
	CHECK(out.a == 9 && out.b == 9);
	free_obj(obj);
}

static void test_create(void)
{
	struct bpfx_object *obj = new_obj(3, 2);
	uint32_t key = 0, val = 0;
	struct bpfx_map *m;
	int err;

	set_map(obj, 0, "ok", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	set_map(obj, 1, "dev", BPF_MAP_TYPE_DEVMAP, 4, 4, 1, 0);
	set_map(obj, 2, "later", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	CHECK_EQ(bpfx_maps_create(obj), -EOPNOTSUPP);
	CHECK(strstr(last_msg, "map 'dev': type 14 (BPF_MAP_TYPE_DEVMAP) is not supported"));
	CHECK(obj->maps[0].ops == NULL && obj->maps[2].ops == NULL); /* all undone */
	CHECK_EQ(bpfx_map__lookup_elem(&obj->maps[0], &key, &val), -BPFX_ERR_NOTLOADED);
	free_obj(obj);

	obj = one_map("odd", 200, 4, 4, 1, 0, 2, &err);
	CHECK_EQ(err, -EOPNOTSUPP);
	CHECK(strstr(last_msg, "type 200 (unknown)"));
	free_obj(obj);

	/* nr_cpus 0 means the host's CPUs */
	obj = one_map("cpus", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, &err);
	CHECK_EQ(err, 0);
	CHECK(obj->maps[0].nr_cpus >= 1);
	free_obj(obj);

	/* BPF_F_RDONLY / BPF_F_WRONLY restrict the host, as for a map fd */
	obj = one_map("ro", BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_RDONLY, 2, &err);
	m = &obj->maps[0];
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_ANY), -EPERM);
	CHECK_EQ(bpfx_map__delete_elem(m, &key), -EPERM);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, &val), -ENOENT);
	CHECK_EQ(m->ops->update(m, &key, &val, BPF_ANY, 0), 0); /* programs may */
	free_obj(obj);
	obj = one_map("wo", BPF_MAP_TYPE_ARRAY, 4, 4, 4, BPF_F_WRONLY, 2, &err);
	m = &obj->maps[0];
	CHECK_EQ(bpfx_map__update_elem(m, &key, &val, BPF_ANY), 0);
	CHECK_EQ(bpfx_map__lookup_elem(m, &key, &val), -EPERM);
	CHECK_EQ(bpfx_map__get_next_key(m, NULL, &val), -EPERM);
	CHECK_EQ(bpfx_map__ringbuf_consume(m, log_rec, NULL), -EINVAL); /* not a ring */
	CHECK_EQ(bpfx_map__update_elem(m, &key, NULL, BPF_ANY), -EFAULT);
	free_obj(obj);
}

int main(void)
{
	test_array_attrs();
	test_array();
	test_percpu_array();
	test_global_data();
	test_hash_attrs();
	test_hash();
	test_hash_iterate();
	test_percpu_hash();
	test_lru();
	test_hash_threads();
	test_prog_array();
	test_ringbuf_attrs();
	test_ringbuf_basic();
	test_ringbuf_full_and_wrap();
	test_ringbuf_threads();
	test_lock_flags(BPF_MAP_TYPE_ARRAY);
	test_lock_flags(BPF_MAP_TYPE_HASH);
	test_lock_wait();
	test_create();
	if (failures) {
		fprintf(stderr, "test_maps: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_maps: all checks passed\n");
	return 0;
}
