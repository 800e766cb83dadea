/* SPDX-License-Identifier: MIT */
/*
 * test_kernel_load.c - the kernel loader on objects built by hand (no ELF): global
 * data through fd_array, a kfunc (bpf_throw) by vmlinux BTF id, a custom exception
 * callback found through hand-made BTF and func_info, prog arrays filled with kernel
 * program fds, a rejection with its errno and message, and what cannot be expressed.
 * The expected values follow from the kernel's documented semantics, not from bpfx.
 * Exits 77 (skipped) when bpf() cannot be used here.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A tiny assembler. */
#define MOV64_IMM(dst, v) ((struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, v })
#define MOV64_REG(dst, src) ((struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0 })
#define ADD64_IMM(dst, v) ((struct bpf_insn){ BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, v })
#define LDX_W(dst, src, o) ((struct bpf_insn){ BPF_LDX | BPF_MEM | BPF_W, dst, src, o, 0 })
#define LD_IMM64(dst, src, imm, imm2)                                             \
	((struct bpf_insn){ BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, imm }),      \
	((struct bpf_insn){ 0, 0, 0, 0, imm2 })
#define CALL(src, imm) ((struct bpf_insn){ BPF_JMP | BPF_CALL, 0, src, 0, imm })
#define EXIT() ((struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 })

struct fixture {
	struct bpfx_object obj;
	struct bpfx_program progs[4];
	struct bpfx_map maps[4];
	struct bpfx_extern externs[4];
};

static void init_fixture(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->obj.name = (char *)"handmade";
	f->obj.license = (char *)"GPL";   /* kfuncs need a GPL-compatible license */
	f->obj.progs = f->progs;
	f->obj.maps = f->maps;
	f->obj.externs = f->externs;
}

static struct bpfx_program *add_prog(struct fixture *f, const char *name, const char *sec,
				     struct bpf_insn *insns, uint32_t cnt)
{
	struct bpfx_program *p = &f->progs[f->obj.prog_cnt];

	p->obj = &f->obj;
	p->id = f->obj.prog_cnt++;
	p->name = (char *)name;
	p->sec_name = (char *)sec;
	p->insns = insns;
	p->insn_cnt = cnt;
	p->exc_cb = -1;
	return p;
}

static struct bpfx_map *add_map(struct fixture *f, const char *name, uint32_t type,
				uint32_t ksz, uint32_t vsz, uint32_t max)
{
	struct bpfx_map *m = &f->maps[f->obj.map_cnt];

	m->obj = &f->obj;
	m->idx = f->obj.map_cnt++;
	m->name = (char *)name;
	m->type = type;
	m->key_size = ksz;
	m->value_size = vsz;
	m->max_entries = max;
	return m;
}

static int run(const struct bpfx_program *p, struct bpfx_kernel_result *r)
{
	struct bpfx_kernel_opts ko = { .sz = sizeof(ko) };
	int err = bpfx_program__kernel_run(p, NULL, &ko, r);

	CHECK(err == 0, "prog '%s': kernel_run returned %d", p->name, err);
	return err;
}

static void expect_retval(const struct bpfx_program *p, uint32_t want)
{
	struct bpfx_kernel_result r;
	char key[256];

	if (run(p, &r))
		return;
	CHECK(r.status == BPFX_KERNEL_RAN && r.retval == want,
	      "prog '%s': status %d err %d retval %u (want %u): %s | %s", p->name, r.status,
	      r.err, r.retval, want, r.reason, bpfx_kernel_log_key(r.log, key, sizeof(key)));
	bpfx_kernel_result__free(&r);
}

/* bpf_throw(64) with the default callback: the program returns the cookie. */
static void test_throw(void)
{
	static struct bpf_insn insns[] = {
		MOV64_IMM(1, 64), CALL(BPF_PSEUDO_KFUNC_CALL, 0), MOV64_IMM(0, 0), EXIT(),
	};
	struct fixture f;

	init_fixture(&f);
	f.externs[0].name = (char *)"bpf_throw";
	f.obj.extern_cnt = 1;
	expect_retval(add_prog(&f, "throw64", "tc", insns, 4), 64);
}

/* .rodata through BPF_PSEUDO_MAP_IDX_VALUE: initial contents, frozen, read-only. */
static void test_rodata(void)
{
	static struct bpf_insn insns[] = {
		LD_IMM64(1, BPF_PSEUDO_MAP_IDX_VALUE, 0, 4), LDX_W(0, 1, 0), EXIT(),
	};
	static uint32_t data[2] = { 0x11111111, 7 };
	struct bpfx_map *m;
	struct fixture f;

	init_fixture(&f);
	m = add_map(&f, ".rodata", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	m->kind = BPFX_MAPK_RODATA;
	m->init_data = data;
	expect_retval(add_prog(&f, "rodata", "xdp", insns, 4), 7);
}

/* A prog array filled from the object's initialiser with the kernel's fds. */
static void test_tail_call(void)
{
	static struct bpf_insn caller[] = {
		LD_IMM64(2, BPF_PSEUDO_MAP_IDX, 1, 0), MOV64_IMM(3, 0),
		CALL(0, BPF_FUNC_tail_call), MOV64_IMM(0, 1), EXIT(),
	};
	static struct bpf_insn target[] = { MOV64_IMM(0, 99), EXIT() };
	static struct bpfx_map_init_prog init[] = { { .key = 0, .prog = 1 } };
	struct bpfx_map *m;
	struct fixture f;

	init_fixture(&f);
	add_map(&f, "unused", BPF_MAP_TYPE_HASH, 4, 4, 1);
	m = add_map(&f, "jmp", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2);
	m->init_progs = init;
	m->init_prog_cnt = 1;
	add_prog(&f, "caller", "tc", caller, 6);
	add_prog(&f, "target", "tc", target, 2);
	expect_retval(&f.progs[0], 99);
	expect_retval(&f.progs[1], 99);
}

/* Reading an uninitialised register: EACCES and the verifier's own words. */
static void test_reject(void)
{
	static struct bpf_insn insns[] = { MOV64_REG(0, 2), EXIT() };
	struct bpfx_kernel_result r;
	struct fixture f;
	char key[256];

	init_fixture(&f);
	if (run(add_prog(&f, "bad", "socket", insns, 2), &r))
		return;
	bpfx_kernel_log_key(r.log, key, sizeof(key));
	CHECK(r.status == BPFX_KERNEL_REJECTED && r.err == EACCES && !r.loaded,
	      "status %d err %d", r.status, r.err);
	CHECK(strstr(key, "R2 !read_ok"), "key message '%s'", key);
	CHECK(r.log && strstr(r.log, "processed "), "log: %s", r.log ? r.log : "(null)");
	bpfx_kernel_result__free(&r);
}

static void expect_unsupported(const struct bpfx_program *p, const char *why)
{
	struct bpfx_kernel_result r;

	if (run(p, &r))
		return;
	CHECK(r.status == BPFX_KERNEL_UNSUPPORTED && strstr(r.reason, why),
	      "prog '%s': status %d reason '%s' (want '%s')", p->name, r.status, r.reason,
	      why);
	bpfx_kernel_result__free(&r);
}

/* A missing kfunc cannot be expressed; a weak one becomes libbpf's poisoned helper
 * call, which the verifier refuses only where it is reached (here it is). */
static void test_missing_kfunc(void)
{
	static struct bpf_insn insns[] = {
		CALL(BPF_PSEUDO_KFUNC_CALL, 0), MOV64_IMM(0, 3), EXIT(),
	};
	static struct bpf_insn mem[] = { MOV64_IMM(0, 0), EXIT() };
	struct bpfx_kernel_result r;
	struct fixture f;

	init_fixture(&f);
	f.externs[0].name = (char *)"bpfx_no_such_kfunc";
	f.obj.extern_cnt = 1;
	expect_unsupported(add_prog(&f, "strong", "tc", insns, 3),
			   "kfunc 'bpfx_no_such_kfunc' is not in the kernel's BTF");
	f.externs[0].weak = true;
	if (!run(add_prog(&f, "weak", "tc", insns, 3), &r)) {
		CHECK(r.status == BPFX_KERNEL_REJECTED && r.log &&
		      strstr(r.log, "unknown#2002000000"), "weak kfunc: status %d log %s",
		      r.status, r.log ? r.log : "");
		bpfx_kernel_result__free(&r);
	}
	expect_unsupported(add_prog(&f, "mem", "mem", mem, 2),
			   "no kernel program type for section 'mem'");
}

/* syscall programs take no packet: the kernel would refuse one. */
static void test_syscall(void)
{
	static struct bpf_insn insns[] = { MOV64_IMM(0, 5), EXIT() };
	struct fixture f;

	init_fixture(&f);
	expect_retval(add_prog(&f, "sys", "syscall", insns, 2), 5);
}

/* BTF made by hand: main carries the decl tag "exception_callback:cb", cb is a
 * global function listed in func_info; the kernel must find it and run it. */
static struct btf *exc_btf(int *main_id, int *cb_id)
{
	struct btf *btf = btf__new_empty();
	int int_id, u64_id, ptr_id, proto_main, proto_cb;

	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u64_id = btf__add_int(btf, "unsigned long long", 8, 0);
	ptr_id = btf__add_ptr(btf, 0);
	proto_main = btf__add_func_proto(btf, int_id);
	btf__add_func_param(btf, "ctx", ptr_id);
	*main_id = btf__add_func(btf, "exc_main", BTF_FUNC_GLOBAL, proto_main);
	proto_cb = btf__add_func_proto(btf, int_id);
	btf__add_func_param(btf, "cookie", u64_id);
	*cb_id = btf__add_func(btf, "cb", BTF_FUNC_GLOBAL, proto_cb);
	btf__add_decl_tag(btf, "exception_callback:cb", *main_id, -1);
	return btf;
}

static void test_exception_cb(void)
{
	static struct bpf_insn insns[] = {
		MOV64_IMM(1, 5), CALL(BPF_PSEUDO_KFUNC_CALL, 0), MOV64_IMM(0, 0), EXIT(),
		MOV64_REG(0, 1), ADD64_IMM(0, 100), EXIT(),
	};
	struct bpfx_func_info funcs[2];
	struct bpfx_program *p;
	struct fixture f;
	int main_id, cb_id;

	init_fixture(&f);
	f.obj.btf = exc_btf(&main_id, &cb_id);
	f.externs[0].name = (char *)"bpf_throw";
	f.obj.extern_cnt = 1;
	funcs[0] = (struct bpfx_func_info){ 0, (uint32_t)main_id, "exc_main", true };
	funcs[1] = (struct bpfx_func_info){ 4, (uint32_t)cb_id, "cb", true };
	p = add_prog(&f, "exc_main", "tc", insns, 7);
	p->funcs = funcs;
	p->func_cnt = 2;
	p->exc_cb = 1;
	expect_retval(p, 105);
	btf__free(f.obj.btf);
}

/* kernel_msg_no_newline: the kernel prints "insn %d cannot call exception cb directly"
 * with no newline, so the statistics line is glued to it; the key message is the
 * message alone.  (Pure: runs without bpf().) */
static void test_log_key(void)
{
	char key[128];

	bpfx_kernel_log_key("0: R1=ctx() R10=fp0\ninsn 3 cannot call exception cb directly"
			    "processed 7 insns (limit 1000000) max_states_per_insn 0\n",
			    key, sizeof(key));
	CHECK(!strcmp(key, "insn 3 cannot call exception cb directly"), "got '%s'", key);
	bpfx_kernel_log_key("R1 invalid mem access 'scalar'\nprocessed 5 insns (limit 1000000)\n",
			    key, sizeof(key));
	CHECK(!strcmp(key, "R1 invalid mem access 'scalar'"), "got '%s'", key);
}

int main(void)
{
	char msg[200];
	int err;

	test_log_key();
	err = bpfx_kernel_probe(msg, sizeof(msg));
	if (err) {
		printf("SKIP: %s\n", msg);
		return 77;
	}
	test_throw();
	test_rodata();
	test_tail_call();
	test_reject();
	test_missing_kfunc();
	test_syscall();
	test_exception_cb();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("test_kernel_load: all checks passed\n");
	return failures ? 1 : 0;
}
