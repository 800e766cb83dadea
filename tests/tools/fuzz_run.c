/* SPDX-License-Identifier: MIT */
/*
 * fuzz_run.c - mutation fuzzing of the RUN side: checked mode must make running any
 * program memory-safe for the host.
 *
 * Each iteration takes a seed object, mutates its instructions (in the ELF's program
 * sections, or after linking in the loaded form, where map references, kfunc calls
 * and map definitions can be changed too), opens and loads it, and runs every program
 * that loads with small random inputs (packet, ctx_in, CPU, repeat) under a small
 * instruction budget, now and then from several threads at once; then it pokes the
 * maps from the host side.  Externs bpfx lacks become host kfuncs that trust their
 * memory arguments.  Nothing may crash, hang, leak or trip a sanitizer; a run may only
 * end in one of the documented ways.  A PROT_NONE "canary" page below 4 GiB stands for
 * host memory: its addresses are sprinkled into packets, contexts and immediates, so
 * an unchecked access to them is a crash.  A watchdog turns a hang into a failure.
 *
 *   fuzz_run [--iters N] [--seed S] [--time SEC] [--only N] [-v] OBJ...
 *
 * --iters per object, --time in all (shared by the objects), -v names each iteration
 * and each run that did not end normally.
 *
 * Deterministic: iteration N of an object depends only on the seed, the object's
 * name and N, so `--seed S --only N OBJ` replays one mutant.
 */
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "bpfx.h"
#include "insn.h"
#include "object/object.h"

#define MAX_HELPER_ID 211
#define HANG_SECONDS 30
#define CANARY_SIZE 8192
#define THREADS 3

struct rng {
	uint64_t s;
};

static uint64_t rnd64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd64(r) % n) : 0;
}

static bool chance(struct rng *r, uint32_t one_in)
{
	return rnd(r, one_in) == 0;
}

/* --- options and statistics --------------------------------------------------- */

struct opts {
	uint64_t seed;
	long iters;
	long only;         /* -1: every iteration */
	double time_limit; /* seconds, 0: none */
	bool verbose;
};

struct stats {
	long iters, opened, loaded_progs, runs;
	long ok, threw, fault, budget, call, einval, other;
};

static uint8_t *canary;           /* PROT_NONE: any touch is a crash */
static bool verbose;
static const char *cur_obj;
static long cur_iter;
static char hang_msg[512];        /* what the watchdog says, made before each iteration */

static void on_alarm(int sig)
{
	ssize_t n = write(2, hang_msg, strlen(hang_msg));

	(void)n;
	(void)sig;
	_exit(3);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static uint32_t canary_addr(struct rng *r)
{
	return (uint32_t)(uintptr_t)canary + rnd(r, CANARY_SIZE);
}

/* --- interesting values ------------------------------------------------------- */

static int32_t special_imm(struct rng *r)
{
	static const int32_t v[] = { 0, 1, -1, 2, 4, 7, 8, 14, 16, 32, 63, 64, 255, 256,
				     512, 4096, 0x7fff, 0xffff, 0x7fffffff, INT32_MIN, -8,
				     -16, -64, -512, -4096, 1 << 20 };

	switch (rnd(r, 4)) {
	case 0:
		return (int32_t)canary_addr(r);
	case 1:
		return (int32_t)rnd64(r);
	default:
		return v[rnd(r, sizeof(v) / sizeof(v[0]))];
	}
}

static int16_t special_off(struct rng *r)
{
	static const int16_t v[] = { 0, 1, -1, 2, -2, 4, -4, 8, -8, 16, -16, 64, -512,
				     -513, 512, 0x7fff, INT16_MIN };

	if (chance(r, 3))
		return (int16_t)(rnd(r, 64) - 32);
	return v[rnd(r, sizeof(v) / sizeof(v[0]))];
}

static uint8_t valid_opcode(struct rng *r)
{
	for (;;) {
		uint8_t c = (uint8_t)rnd(r, 256);

		if (bpfx_opcodes[c].name)
			return c;
	}
}

static uint8_t reg(struct rng *r)
{
	return (uint8_t)(chance(r, 16) ? rnd(r, 16) : rnd(r, 11));
}

/* --- instruction mutations ------------------------------------------------------ */

/* One mutation of insns[0..cnt); extern_cnt/map_cnt > 0 allow the loaded forms of
 * kfunc calls and map references (linked mode), 0 the ELF forms. */
static void mutate_insn(struct rng *r, struct bpf_insn *insns, size_t cnt,
			uint32_t extern_cnt, uint32_t map_cnt)
{
	size_t i = rnd(r, (uint32_t)cnt), j = rnd(r, (uint32_t)cnt);
	struct bpf_insn *in = &insns[i], tmp;

	switch (rnd(r, 14)) {
	case 0:
		in->code = chance(r, 2) ? valid_opcode(r) : in->code ^ (uint8_t)(1u << rnd(r, 8));
		break;
	case 1:
		in->dst_reg = reg(r);
		break;
	case 2:
		in->src_reg = reg(r);
		break;
	case 3:
		in->off = chance(r, 2) ? special_off(r) : (int16_t)(in->off + (int)rnd(r, 9) - 4);
		break;
	case 4:
	case 5:
		in->imm = chance(r, 2) ? special_imm(r) : (int32_t)((uint32_t)in->imm + rnd(r, 9) - 4);
		break;
	case 6:
		tmp = *in;
		*in = insns[j];
		insns[j] = tmp;
		break;
	case 7:
		*in = insns[j];
		break;
	case 8: /* a helper call, maybe where there was none */
		if (in->code != (BPF_JMP | BPF_CALL) && !chance(r, 4))
			break;
		*in = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
					 .imm = 1 + (int32_t)rnd(r, MAX_HELPER_ID) };
		break;
	case 9: /* another kfunc */
		if (in->code == (BPF_JMP | BPF_CALL) && extern_cnt) {
			in->src_reg = BPF_PSEUDO_KFUNC_CALL;
			in->imm = (int32_t)rnd(r, extern_cnt + 1);
		}
		break;
	case 10: /* ld_imm64: another pseudo kind, map or value */
		if (!bpfx_is_ld_imm64(in) || i + 1 >= cnt)
			break;
		in->src_reg = (uint8_t)rnd(r, 7);
		if (map_cnt && chance(r, 2))
			in->imm = (int32_t)rnd(r, map_cnt + 1);
		if (chance(r, 2))
			insns[i + 1].imm = chance(r, 2) ? special_imm(r) : 0;
		break;
	case 11: /* ld_imm64 of a host address */
		if (!bpfx_is_ld_imm64(in) || i + 1 >= cnt)
			break;
		in->src_reg = 0;
		in->imm = (int32_t)canary_addr(r);
		insns[i + 1].imm = chance(r, 2) ? 0 : (int32_t)rnd64(r);
		break;
	case 12: /* a memory access with another size or mode */
		if (BPFX_CLASS(in->code) == BPF_LDX || BPFX_CLASS(in->code) == BPF_STX ||
		    BPFX_CLASS(in->code) == BPF_ST)
			in->code = (uint8_t)((in->code & ~0x18) | (rnd(r, 4) << 3));
		break;
	default:
		((uint8_t *)in)[rnd(r, 8)] ^= (uint8_t)(1u << rnd(r, 8));
		break;
	}
}

/* --- the ELF's program sections --------------------------------------------------- */

struct text {
	size_t off, size;
};

/* Executable sections of a (trusted, unmutated) ELF64 image. */
static int find_texts(const uint8_t *buf, size_t size, struct text *out, int max)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	int n = 0;

	if (size < sizeof(*eh) || eh->e_shoff > size ||
	    (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
		return 0;
	for (int i = 0; i < eh->e_shnum && n < max; i++) {
		const Elf64_Shdr *sh = (const Elf64_Shdr *)(buf + eh->e_shoff) + i;

		if (sh->sh_type != SHT_PROGBITS || !(sh->sh_flags & SHF_EXECINSTR) ||
		    sh->sh_size < 8 || sh->sh_offset > size || sh->sh_size > size - sh->sh_offset)
			continue;
		out[n++] = (struct text){ sh->sh_offset, sh->sh_size & ~(size_t)7 };
	}
	return n;
}

/* Mostly a few mutations; now and then many. */
static int mutation_cnt(struct rng *r)
{
	return chance(r, 8) ? 5 + (int)rnd(r, 12) : 1 + (int)rnd(r, 4);
}

static void mutate_elf(struct rng *r, uint8_t *buf, const struct text *texts, int ntexts)
{
	int n = mutation_cnt(r);

	for (int k = 0; k < n && ntexts; k++) {
		const struct text *t = &texts[rnd(r, (uint32_t)ntexts)];

		if (chance(r, 8))
			buf[t->off + rnd(r, (uint32_t)t->size)] ^= (uint8_t)(1u << rnd(r, 8));
		else
			mutate_insn(r, (struct bpf_insn *)(buf + t->off), t->size / 8, 0, 0);
	}
}

/* A map definition: another type or size, so that programs meet maps that are not
 * what their code expects.  Only what a .maps definition could say: global data
 * keeps the size of its section. */
static void mutate_map(struct rng *r, struct bpfx_map *map)
{
	static const uint32_t types[] = { BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY,
					  BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_PERCPU_HASH,
					  BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_LRU_HASH,
					  BPF_MAP_TYPE_RINGBUF };
	static const uint32_t sizes[] = { 0, 1, 2, 3, 4, 7, 8, 12, 16, 64, 4096, 8192 };

	if (map->kind != BPFX_MAPK_USER || map->init_data)
		return;
	switch (rnd(r, 5)) {
	case 0:
		map->type = types[rnd(r, sizeof(types) / sizeof(types[0]))];
		break;
	case 1:
		map->key_size = sizes[rnd(r, sizeof(sizes) / sizeof(sizes[0]))];
		break;
	case 2:
		map->value_size = sizes[rnd(r, sizeof(sizes) / sizeof(sizes[0]))];
		break;
	case 3:
		map->max_entries = sizes[rnd(r, sizeof(sizes) / sizeof(sizes[0]))];
		break;
	default:
		map->map_flags ^= 1u << rnd(r, 12);
		break;
	}
}

/* After opening: the linked form, with the object's externs and maps. */
static void mutate_linked(struct rng *r, struct bpfx_object *obj)
{
	int n = mutation_cnt(r);

	if (obj->map_cnt && chance(r, 8))
		mutate_map(r, &obj->maps[rnd(r, obj->map_cnt)]);

	for (int k = 0; k < n && obj->prog_cnt; k++) {
		struct bpfx_program *p = &obj->progs[rnd(r, obj->prog_cnt)];

		if (p->insn_cnt)
			mutate_insn(r, p->insns, p->insn_cnt, obj->extern_cnt, obj->map_cnt);
	}
}

/* --- random inputs --------------------------------------------------------------- */

static void fill_bytes(struct rng *r, uint8_t *p, size_t n)
{
	uint32_t style = rnd(r, 4);

	/* zeros, noise, or mostly zeros */
	for (size_t i = 0; i < n; i++)
		p[i] = style == 0 || (style > 1 && !chance(r, 4)) ? 0 : (uint8_t)rnd(r, 256);
	/* host addresses, 32 and 64 bits wide */
	for (uint32_t k = rnd(r, 4); k && n >= 8; k--) {
		uint64_t a = canary_addr(r);

		memcpy(p + rnd(r, (uint32_t)(n - 7)), &a, chance(r, 2) ? 8 : 4);
	}
	if (n >= 34 && chance(r, 3)) {   /* an IPv4 or IPv6 Ethernet frame */
		p[12] = chance(r, 2) ? 0x08 : 0x86;
		p[13] = p[12] == 0x08 ? 0x00 : 0xdd;
		p[14] = p[12] == 0x08 ? 0x45 : 0x60;
	}
}

static uint32_t pick_len(struct rng *r)
{
	static const uint32_t v[] = { 0, 1, 13, 14, 15, 20, 34, 54, 60, 64, 100, 255, 1500,
				      3520, 3712, 3713, 4096, 9000 };

	if (chance(r, 3))
		return v[rnd(r, sizeof(v) / sizeof(v[0]))];
	return chance(r, 2) ? 64 : 14 + rnd(r, 200);
}

struct input {
	uint8_t data[9000];
	uint8_t ctx[512];
	uint8_t data_out[10000];
	uint8_t ctx_out[512];
};

/* A context: mostly the right size and zero (what the test run accepts), with a few
 * fields set; sometimes any size and bytes. */
static uint32_t make_ctx(struct rng *r, uint8_t *ctx)
{
	static const uint32_t sizes[] = { sizeof(struct __sk_buff), sizeof(struct xdp_md),
					  4, 8, 16, 64 };
	uint32_t n = chance(r, 4) ? 1 + rnd(r, 512)
				  : sizes[rnd(r, sizeof(sizes) / sizeof(sizes[0]))];

	memset(ctx, 0, n);
	if (chance(r, 4))
		fill_bytes(r, ctx, n);
	for (uint32_t k = chance(r, 3) ? rnd(r, 3) : 0; k && n >= 4; k--) {
		/* __sk_buff's mark, priority and cb[], or any word */
		static const uint32_t offs[] = { 8, 32, 48, 52, 56, 60, 64 };
		uint32_t v = chance(r, 2) ? rnd(r, 300) : (uint32_t)rnd64(r);
		uint32_t at = chance(r, 2) ? offs[rnd(r, 7)] : rnd(r, n / 4) * 4;

		if (at + 4 <= n)
			memcpy(ctx + at, &v, 4);
	}
	return n;
}

static void make_opts(struct rng *r, struct input *in, struct bpfx_run_opts *o)
{
	uint32_t len = pick_len(r);

	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	if (len) {
		fill_bytes(r, in->data, len);
		o->data_in = in->data;
		o->data_size_in = len;
	}
	if (chance(r, 4)) {
		o->ctx_in = in->ctx;
		o->ctx_size_in = make_ctx(r, in->ctx);
	}
	if (chance(r, 2)) {
		o->data_out = in->data_out;
		o->data_size_out = chance(r, 4) ? 1 + rnd(r, 200) : sizeof(in->data_out);
	}
	if (chance(r, 3)) {
		o->ctx_out = in->ctx_out;
		o->ctx_size_out = chance(r, 4) ? 1 + rnd(r, 200) : sizeof(in->ctx_out);
	}
	o->repeat = chance(r, 4) ? 1 + rnd(r, 3) : 0;
	o->cpu = rnd(r, 6);
	o->insn_budget = chance(r, 8) ? 1 + rnd(r, 50) : 1 + rnd(r, 20000);
}

/* --- running -------------------------------------------------------------------- */

static void count_outcome(struct stats *st, int err, const struct bpfx_result *res)
{
	st->runs++;
	switch (-err) {
	case 0:
		if (res->threw)
			st->threw++;
		else
			st->ok++;
		break;
	case BPFX_ERR_FAULT:
		st->fault++;
		break;
	case BPFX_ERR_BUDGET:
		st->budget++;
		break;
	case BPFX_ERR_CALL:
		st->call++;
		break;
	case EINVAL:
	case E2BIG:
	case ENODEV:
	case EFAULT:
	case ENOSPC:
	case EOPNOTSUPP:
		st->einval++;
		break;
	default:
		st->other++;
		fprintf(stderr, "fuzz_run: %s iteration %ld: unexpected run error %d (%s)\n",
			cur_obj, cur_iter, err, bpfx_strerror(err));
		break;
	}
}

/* What a result must look like, whatever the program did. */
static bool result_sane(int err, const struct bpfx_result *res)
{
	if (!memchr(res->fault, 0, sizeof(res->fault)))
		return false;
	if (err == -BPFX_ERR_FAULT || err == -BPFX_ERR_BUDGET || err == -BPFX_ERR_CALL)
		return res->fault[0] != 0;
	if (res->threw && res->exception.frame_cnt > BPFX_MAX_FRAMES)
		return false;
	return true;
}

static void run_prog(struct rng *r, struct bpfx_program *prog, struct input *in,
		     struct stats *st)
{
	struct bpfx_run_opts o;
	struct bpfx_result res;
	int err;

	if (bpfx_program__type(prog) == BPFX_PROG_MEM && chance(r, 3)) {
		uint32_t len = rnd(r, 300);

		fill_bytes(r, in->data, len);
		err = bpfx_program__run_mem(prog, len ? in->data : NULL, len, &res);
	} else {
		make_opts(r, in, &o);
		err = bpfx_program__run(prog, &o, &res);
	}
	count_outcome(st, err, &res);
	if (verbose && err)
		fprintf(stderr, "  %s: %s: %s\n", bpfx_program__name(prog), bpfx_strerror(err),
			res.fault);
	if (!result_sane(err, &res)) {
		fprintf(stderr, "fuzz_run: %s iteration %ld: %s: insane result (err %d)\n",
			cur_obj, cur_iter, bpfx_program__name(prog), err);
		abort();
	}
}

static int consume_one(void *ctx, const void *data, size_t size)
{
	volatile const uint8_t *p = data;
	uint8_t sum = 0;

	for (size_t i = 0; i < size; i++)
		sum += p[i];
	*(uint8_t *)ctx += sum;
	return 0;
}

/* The host side after the runs: walk every map, read each element, drain ring
 * buffers (whose headers the programs may have scribbled on). */
static void poke_maps(struct rng *r, struct bpfx_object *obj)
{
	static uint8_t key[4096], next[4096], value[1 << 16];
	struct bpfx_map *map;
	uint8_t sum = 0;

	bpfx_object__for_each_map(map, obj) {
		size_t vsize = (size_t)bpfx_map__value_size(map) * 64;
		int steps = 0;

		if (bpfx_map__type(map) == BPFX_MAP_RINGBUF) {
			bpfx_map__ringbuf_consume(map, consume_one, &sum);
			continue;
		}
		if (bpfx_map__key_size(map) > sizeof(key) || vsize > sizeof(value))
			continue;
		if (bpfx_map__get_next_key(map, NULL, next))
			continue;
		do {
			memcpy(key, next, bpfx_map__key_size(map));
			bpfx_map__lookup_elem(map, key, value);
			if (chance(r, 8))
				bpfx_map__delete_elem(map, key);
		} while (++steps < 64 && !bpfx_map__get_next_key(map, key, next));
	}
}

static void trace_sink(const char *msg, size_t len, void *ctx)
{
	volatile size_t n = strnlen(msg, len + 1);

	(void)n;
	(void)ctx;
}

/* Host kfuncs for the externs bpfx does not provide (embed.bpf.o's app_sum): they
 * trust their signature, so checked mode must have vetted the memory. */
static uint64_t host_sum(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			 struct bpfx_run *run)
{
	const volatile uint8_t *p = (const uint8_t *)(uintptr_t)r1;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < r2; i++)
		sum += p[i];
	return sum;
}

static uint64_t host_fill(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct bpfx_run *run)
{
	if (r2)
		memset((void *)(uintptr_t)r1, 0x5a, r2);
	return r2;
}

static void add_host_kfuncs(struct rng *r, struct bpfx_object *obj)
{
	static const struct bpfx_func_sig sum_sig = {
		.args = { BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE },
	};
	static const struct bpfx_func_sig fill_sig = {
		.args = { BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE_OR_ZERO },
	};

	for (uint32_t i = 0; i < obj->extern_cnt; i++) {
		bool fill = chance(r, 2);

		bpfx_object__register_kfunc(obj, obj->externs[i].name, fill ? host_fill : host_sum,
					    fill ? &fill_sig : &sum_sig);
	}
}

static struct bpfx_object *open_obj(struct rng *r, const uint8_t *buf, size_t size,
				    const char *name)
{
	struct bpfx_open_opts oo = {
		.sz = sizeof(oo),
		.object_name = name,
		.trace = trace_sink,
		.nr_cpus = 1 + rnd(r, 4),
	};
	struct bpfx_object *obj = bpfx_object__open_mem(buf, size, &oo);

	if (obj)
		add_host_kfuncs(r, obj);
	return obj;
}

/* Threads running the programs of one object at once: maps, ring buffers, locks and
 * bpf_obj_new objects are shared between them. */
struct worker {
	pthread_t tid;
	struct bpfx_object *obj;
	struct rng r;
	struct stats st;
};

static void *worker_main(void *p)
{
	struct worker *w = p;
	struct input *in = malloc(sizeof(*in));
	struct bpfx_program *prog;

	for (int round = 0; in && round < 4; round++)
		bpfx_object__for_each_program(prog, w->obj)
			if (!bpfx_program__load_error(prog))
				run_prog(&w->r, prog, in, &w->st);
	free(in);
	return NULL;
}

static void run_threads(struct rng *r, struct bpfx_object *obj, struct stats *st)
{
	struct worker w[THREADS];
	int n = 0;

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .obj = obj, .r = { rnd64(r) } };
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) == 0)
			n++;
		else
			break;
	}
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].tid, NULL);
		st->runs += w[i].st.runs;
		st->other += w[i].st.other;
	}
}

static void one_iteration(struct rng *r, const uint8_t *orig, size_t size,
			  const struct text *texts, int ntexts, struct input *in,
			  struct stats *st)
{
	uint8_t *buf = malloc(size);
	struct bpfx_object *obj;
	struct bpfx_program *prog;
	bool linked = chance(r, 2);

	if (!buf)
		return;
	memcpy(buf, orig, size);
	if (!linked)
		mutate_elf(r, buf, texts, ntexts);
	obj = open_obj(r, buf, size, cur_obj);
	free(buf);
	if (!obj)
		return;
	st->opened++;
	if (linked)
		mutate_linked(r, obj);
	if (bpfx_object__load(obj) == 0) {
		for (int round = 0; round < 2; round++) {
			bpfx_object__for_each_program(prog, obj) {
				if (bpfx_program__load_error(prog))
					continue;
				st->loaded_progs += !round;
				run_prog(r, prog, in, st);
			}
		}
		if (chance(r, 16))
			run_threads(r, obj, st);
		poke_maps(r, obj);
	}
	bpfx_object__close(obj);
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = buf ? (size_t)n : 0;
	return buf;
}

/* Fuzz one object; false if it could not be read. */
static bool fuzz_obj(const char *path, const struct opts *op, double deadline,
		     struct input *in, struct stats *total)
{
	struct text texts[64];
	struct stats st = { 0 };
	size_t size;
	uint8_t *orig = read_all(path, &size);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int ntexts;

	if (!orig) {
		fprintf(stderr, "fuzz_run: cannot read %s\n", path);
		return false;
	}
	ntexts = find_texts(orig, size, texts, 64);
	cur_obj = base;
	for (long it = op->only >= 0 ? op->only : 0; it < op->iters || it == op->only; it++) {
		struct rng r = { op->seed ^ hash_str(base) ^ ((uint64_t)it * 0x2545f4914f6cdd1dull) };

		if (op->time_limit && now_s() > deadline)
			break;
		cur_iter = it;
		snprintf(hang_msg, sizeof(hang_msg),
			 "fuzz_run: HANG: %s iteration %ld (--seed %llu --only %ld) ran over %d s\n",
			 base, it, (unsigned long long)op->seed, it, HANG_SECONDS);
		if (op->verbose)
			fprintf(stderr, "%s %ld\n", base, it);
		alarm(HANG_SECONDS);
		one_iteration(&r, orig, size, texts, ntexts, in, &st);
		alarm(0);
		st.iters++;
		if (it == op->only)
			break;
	}
	printf("%s: %ld iterations, %ld opened, %ld programs loaded, %ld runs: %ld ok, "
	       "%ld threw, %ld fault, %ld budget, %ld call, %ld input refused, %ld other\n",
	       base, st.iters, st.opened, st.loaded_progs, st.runs, st.ok, st.threw, st.fault,
	       st.budget, st.call, st.einval, st.other);
	total->iters += st.iters;
	total->runs += st.runs;
	total->other += st.other;
	free(orig);
	return true;
}

static int usage(void)
{
	fprintf(stderr, "usage: fuzz_run [--iters N] [--seed S] [--time SEC] [--only N] [-v] "
		"OBJ...\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct opts *op, int *first)
{
	int i;

	*op = (struct opts){ .seed = 1, .iters = 100, .only = -1 };
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-v")) {
			op->verbose = verbose = true;
			continue;
		}
		if (!v)
			return usage();
		if (!strcmp(a, "--iters"))
			op->iters = strtol(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			op->seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--time"))
			op->time_limit = strtod(v, NULL);
		else if (!strcmp(a, "--only"))
			op->only = strtol(v, NULL, 0);
		else
			return usage();
		i++;
	}
	*first = i;
	return i < argc ? 0 : usage();
}

int main(int argc, char **argv)
{
	static struct input in;
	struct stats total = { 0 };
	struct opts op;
	double start, deadline;
	int first = argc, ret = parse_args(argc, argv, &op, &first), bad = 0;

	if (ret)
		return ret;
	canary = mmap(NULL, CANARY_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		      -1, 0);
	if (canary == MAP_FAILED) {
		perror("fuzz_run: mmap");
		return 1;
	}
	signal(SIGALRM, on_alarm);
	start = now_s();
	for (int i = first; i < argc; i++) {
		/* each object gets its share of the time */
		deadline = start + op.time_limit * (i - first + 1) / (argc - first);
		bad += !fuzz_obj(argv[i], &op, deadline, &in, &total);
	}
	printf("fuzz_run: seed %llu: %ld iterations, %ld runs, %ld unexpected\n",
	       (unsigned long long)op.seed, total.iters, total.runs, total.other);
	munmap(canary, CANARY_SIZE);
	return bad || total.other ? 1 : 0;
}
