/* SPDX-License-Identifier: MIT */
/*
 * kernel.h - the host kernel as an oracle: a loader of our own that gives a bpfx
 * object's linked programs to the running kernel through raw bpf(2) and runs them with
 * BPF_PROG_TEST_RUN.  The linked format is already the kernel's load format (maps by
 * index through fd_array), so the work is BTF fix-ups, map creation, kfunc ids.
 */
#ifndef BPFX_KERNEL_H
#define BPFX_KERNEL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfx.h"
#include "object/object.h"

struct btf;

/* --- sys.c: bpf(2), nothing else.  fd or 0 on success, -errno on failure. ------ */

struct bpfx_sys_map {
	uint32_t type, key_size, value_size, max_entries, flags;
	const char *name;
	int btf_fd;                    /* -1: none */
	uint32_t btf_key_id, btf_value_id;
};

struct bpfx_sys_prog {
	uint32_t type, expected_attach, flags, attach_btf_id;
	const char *name;
	const char *license;
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	int btf_fd;                    /* -1: none (then no func/line info) */
	const int *fd_array;
	const struct bpf_func_info *func_info;
	uint32_t func_info_cnt;
	const struct bpf_line_info *line_info;
	uint32_t line_info_cnt;
	uint32_t log_level;
	char *log;
	uint32_t log_size;
};

struct bpfx_sys_test {
	const void *data_in;
	uint32_t data_size_in;
	void *data_out;
	uint32_t data_size_out;        /* in: room; out: the kernel's size */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;         /* in: room; out: the kernel's size */
	uint32_t repeat;
	uint32_t retval;               /* out */
	uint32_t duration;             /* out: ns per run */
};

int bpfx_sys_map_create(const struct bpfx_sys_map *m);
int bpfx_sys_map_update(int fd, const void *key, const void *value, uint64_t flags);
int bpfx_sys_map_freeze(int fd);
int bpfx_sys_btf_load(const void *data, uint32_t size, char *log, uint32_t log_size);
int bpfx_sys_prog_load(const struct bpfx_sys_prog *p);
int bpfx_sys_test_run(int prog_fd, struct bpfx_sys_test *t);
int bpfx_sys_btf_next_id(uint32_t id, uint32_t *next);
int bpfx_sys_btf_fd_by_id(uint32_t id);
/* The name of a kernel BTF object ("vmlinux", a module's name). */
int bpfx_sys_btf_name(int btf_fd, char *name, size_t size);

/* --- btf_fixup.c: make an object's BTF acceptable to the kernel ---------------- */

/* Where the layout that clang leaves out comes from (the ELF section sizes and symbol
 * values), for BTF that the object loader has not fixed up already (it has: the
 * object's BTF gets libbpf's DATASEC fix-ups at open, so the kernel loader passes no
 * layout).  Either callback may be NULL; a lookup that fails returns -ENOENT. */
struct bpfx_btf_layout {
	int (*sec_size)(void *ctx, const char *sec, uint32_t *size);
	int (*sym)(void *ctx, const char *name, uint32_t *value, bool *hidden);
	void *ctx;
};

/* Fix btf in place, as libbpf does before loading: .ksyms externs become int VARs
 * (kfunc prototypes get parameter names and global linkage), DATASEC sizes and VAR
 * offsets are filled in, hidden global functions and variables become static, VARs
 * are sorted by offset.  0, or a negative error with a message in err. */
int bpfx_kernel_btf_fixup(struct btf *btf, const struct bpfx_btf_layout *layout,
			  char *err, size_t err_size);

/* --- kfunc.c: kernel BTF (vmlinux and modules) ---------------------------------- */

/* The kernel's BTF, loaded once per process; NULL with errno if absent. */
const struct btf *bpfx_kernel_vmlinux_btf(void);
/* Find a kfunc (a BTF FUNC) by name: its id and the fd of the BTF object holding it
 * (-1 for vmlinux; module fds stay open for the process's lifetime).  -ENOENT. */
int bpfx_kernel_kfunc_find(const char *name, uint32_t *btf_id, int *btf_fd);
/* A type of vmlinux by name and kind, for attach targets.  id, or -ENOENT. */
int bpfx_kernel_vmlinux_find(const char *name, int kind);

/* --- load.c: programs into the kernel ------------------------------------------- */

/* How a program's section maps onto the kernel. */
struct bpfx_ktype {
	uint32_t prog_type;
	uint32_t expected_attach;
	uint32_t flags;
	uint32_t attach_btf_id;
	bool packet;                   /* test runs take packet data */
};

/* The kernel program type of a section; -ENOTSUP with a reason if none fits. */
int bpfx_kernel_type_of(const struct bpfx_program *prog, struct bpfx_ktype *kt,
			char *why, size_t why_size);

/* The kernel objects made for one program: the object's BTF, the maps the program
 * reaches (through prog arrays too), and every program its prog arrays hold. */
struct bpfx_ksess {
	const struct bpfx_object *obj;
	struct btf *btf;               /* the fixed-up copy given to the kernel */
	int btf_fd;                    /* -1: none */
	int *fds;                      /* fd_array: maps by index, then module BTFs */
	uint32_t fd_cnt;
	uint32_t mod_base;             /* first module slot (never 0: that is vmlinux) */
	bool *need_map;                /* per obj->maps */
	bool *need_prog;               /* per obj->progs */
	int *prog_fds;                 /* per obj->progs, -1 when not loaded */
	int failed_by;                 /* the last failure: enum bpfx_ksess_fail */
	char why[512];                 /* what cannot be expressed; notes */
};

/* Who a failure of bpfx_ksess_load() came from: errno values alone cannot say (the
 * kernel returns E2BIG, ENOMEM and EOPNOTSUPP too). */
enum bpfx_ksess_fail {
	BPFX_KSESS_KERNEL = 0,         /* the kernel refused the program: its errno */
	BPFX_KSESS_UNSUPPORTED,        /* the loader cannot express it: s->why */
	BPFX_KSESS_INTERNAL,           /* out of memory or similar, here */
};

/* Build the session for prog: BTF, maps with their contents.  0; -ENOTSUP when the
 * kernel loader cannot express the object (why says what); -ENOMEM. */
int bpfx_ksess_open(struct bpfx_ksess *s, const struct bpfx_program *prog);
void bpfx_ksess_close(struct bpfx_ksess *s);

/* Load prog into the session: fd, or a negative errno and s->failed_by says whose;
 * the verifier log in *log (malloc'ed, may be NULL). */
int bpfx_ksess_load(struct bpfx_ksess *s, const struct bpfx_program *prog,
		    const struct bpfx_kernel_opts *o, char **log);

/* Load the other programs the session needs and fill the prog arrays; failures become
 * notes in s->why. */
void bpfx_ksess_load_aux(struct bpfx_ksess *s, const struct bpfx_program *main_prog,
			 const struct bpfx_kernel_opts *o);

#endif /* BPFX_KERNEL_H */
