/* SPDX-License-Identifier: MIT */
/*
 * bpfx.h - the public API of libbpfx, a userspace eBPF runtime with BPF exceptions.
 *
 * Objects are opened from clang-built .bpf.o files, loaded (maps created, programs
 * linked and checked), then run the way BPF_PROG_TEST_RUN runs them.  Every function
 * returning int gives 0 or a negative errno (or -BPFX_ERR_*); pointer-returning
 * functions give NULL and set errno.  The library never prints: messages go to the
 * print callback given at open time.
 */
#ifndef BPFX_H
#define BPFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BPFX_API
#define BPFX_API __attribute__((visibility("default")))
#endif

struct bpfx_object;
struct bpfx_program;
struct bpfx_map;
struct bpfx_run;

/* Extra error codes, beyond errno (returned negated). */
enum bpfx_error {
	BPFX_ERR_FORMAT = 4001,    /* malformed object: ELF, BTF, relocations */
	BPFX_ERR_FAULT = 4002,     /* checked mode stopped a bad memory access */
	BPFX_ERR_BUDGET = 4003,    /* the instruction budget ran out */
	BPFX_ERR_CALL = 4004,      /* bad call: depth, unknown helper, bad callback */
	BPFX_ERR_REJECTED = 4005,  /* the program was rejected at load */
	BPFX_ERR_NOTLOADED = 4006, /* the program is not loaded */
};

/* Human-readable text for an errno or BPFX_ERR_* (positive or negative). */
BPFX_API const char *bpfx_strerror(int err);

enum bpfx_print_level {
	BPFX_WARN,
	BPFX_INFO,
	BPFX_DEBUG,
};

typedef void (*bpfx_print_fn)(enum bpfx_print_level level, const char *msg, void *ctx);

/* Sink for bpf_trace_printk() output: one call per formatted message. */
typedef void (*bpfx_trace_fn)(const char *msg, size_t len, void *ctx);

struct bpfx_open_opts {
	size_t sz;                /* sizeof(struct bpfx_open_opts) */
	const char *object_name;  /* defaults to the file name */
	bpfx_print_fn print;      /* messages; NULL discards them */
	void *print_ctx;
	bpfx_trace_fn trace;      /* bpf_trace_printk output; NULL discards it */
	void *trace_ctx;
	uint32_t nr_cpus;         /* CPUs that per-CPU maps hold; 0 = host's count */
};

/* Open an object from a file or from memory (the bytes are copied).  Parses the ELF,
 * BTF and .BTF.ext; creates nothing yet.  NULL with errno on failure. */
BPFX_API struct bpfx_object *bpfx_object__open_file(const char *path,
						    const struct bpfx_open_opts *opts);
BPFX_API struct bpfx_object *bpfx_object__open_mem(const void *buf, size_t size,
						   const struct bpfx_open_opts *opts);

/* Create maps, resolve helpers and kfuncs, link and check every program.  A program
 * that cannot be loaded does not fail the object: its own status says why (see
 * bpfx_program__load_error()).  Returns an error only when the object as a whole
 * cannot be loaded (bad maps, bad global data).  Call at most once. */
BPFX_API int bpfx_object__load(struct bpfx_object *obj);
BPFX_API void bpfx_object__close(struct bpfx_object *obj);
BPFX_API const char *bpfx_object__name(const struct bpfx_object *obj);

/* Iteration: pass NULL to get the first. */
BPFX_API struct bpfx_program *bpfx_object__next_program(const struct bpfx_object *obj,
							struct bpfx_program *prev);
BPFX_API struct bpfx_program *bpfx_object__find_program(const struct bpfx_object *obj,
							const char *name);
BPFX_API struct bpfx_map *bpfx_object__next_map(const struct bpfx_object *obj,
						struct bpfx_map *prev);
BPFX_API struct bpfx_map *bpfx_object__find_map(const struct bpfx_object *obj,
						const char *name);

#define bpfx_object__for_each_program(pos, obj) \
	for ((pos) = bpfx_object__next_program((obj), NULL); (pos); \
	     (pos) = bpfx_object__next_program((obj), (pos)))
#define bpfx_object__for_each_map(pos, obj) \
	for ((pos) = bpfx_object__next_map((obj), NULL); (pos); \
	     (pos) = bpfx_object__next_map((obj), (pos)))

/* ---------------------------------------------------------------------------------
 * Host helpers and kfuncs.  Register them between open and load.  The function gets
 * the five BPF argument registers and the run it is called from.
 */
typedef uint64_t (*bpfx_func_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				 uint64_t r5, struct bpfx_run *run);

/* Argument and return kinds.  In checked mode they drive checks at the call: memory
 * arguments must lie in memory the program may touch. */
enum bpfx_arg {
	BPFX_ARG_NONE = 0,      /* no more arguments */
	BPFX_ARG_ANY,           /* any scalar */
	BPFX_ARG_PTR_TO_MEM,    /* readable memory; the size is the next BPFX_ARG_SIZE */
	BPFX_ARG_PTR_TO_UNINIT, /* writable memory; the size is the next BPFX_ARG_SIZE */
	BPFX_ARG_SIZE,          /* size of the previous memory argument */
	BPFX_ARG_SIZE_OR_ZERO,  /* same, may be 0 */
	BPFX_ARG_PTR_TO_CTX,
	BPFX_ARG_MAP,           /* pointer to a map (ld_imm64 of a map) */
	BPFX_ARG_MAP_KEY,       /* key_size bytes of the preceding map argument */
	BPFX_ARG_MAP_VALUE,     /* value_size bytes of the preceding map argument */
	BPFX_ARG_FUNC,          /* a callback subprogram */
	BPFX_ARG_PTR,           /* a pointer the function checks itself */
};

enum bpfx_ret {
	BPFX_RET_INTEGER = 0,
	BPFX_RET_VOID,
	BPFX_RET_MAP_VALUE_OR_NULL,
	BPFX_RET_MEM_OR_NULL,
	BPFX_RET_PTR,
	BPFX_RET_NORETURN,
};

struct bpfx_func_sig {
	enum bpfx_ret ret;
	enum bpfx_arg args[5];
};

/* A helper is called by number (`call 42`); ids below 1000 are the kernel's and may be
 * overridden; a name is used in disassembly and messages.  A kfunc is called by name
 * (`extern ... __ksym`).  Both return 0, -EINVAL or -EEXIST (kfunc name taken). */
BPFX_API int bpfx_object__register_helper(struct bpfx_object *obj, uint32_t id,
					  const char *name, bpfx_func_fn fn,
					  const struct bpfx_func_sig *sig);
BPFX_API int bpfx_object__register_kfunc(struct bpfx_object *obj, const char *name,
					 bpfx_func_fn fn, const struct bpfx_func_sig *sig);

/* From inside a helper or kfunc: the user data of the run and the program running. */
BPFX_API void *bpfx_run__user_data(const struct bpfx_run *run);
BPFX_API const struct bpfx_program *bpfx_run__program(const struct bpfx_run *run);

/* ---------------------------------------------------------------------------------
 * Programs.
 */
enum bpfx_prog_type {
	BPFX_PROG_UNSPEC = 0,
	BPFX_PROG_SOCKET_FILTER, /* SEC("socket") */
	BPFX_PROG_SCHED_CLS,     /* SEC("tc"), SEC("classifier"), SEC("tcx/...") */
	BPFX_PROG_SCHED_ACT,     /* SEC("action") */
	BPFX_PROG_XDP,           /* SEC("xdp") */
	BPFX_PROG_SYSCALL,       /* SEC("syscall") */
	BPFX_PROG_MEM,           /* SEC("mem"): R1 = pointer, R2 = length (embedding) */
	/* Run as BPF_PROG_TEST_RUN runs them: */
	BPFX_PROG_CGROUP_SKB,    /* SEC("cgroup_skb/ingress"), "cgroup_skb/egress", "cgroup/skb" */
	BPFX_PROG_RAW_TRACEPOINT, /* SEC("raw_tp/..."), SEC("raw_tracepoint/..."): ctx_in only */
	BPFX_PROG_LWT_IN,        /* SEC("lwt_in") */
	BPFX_PROG_LWT_OUT,       /* SEC("lwt_out") */
	BPFX_PROG_LWT_XMIT,      /* SEC("lwt_xmit") */
	/* Loaded and checked, but bpfx_program__run() gives -EOPNOTSUPP (the reason in
	 * res->fault): the kernel cannot test-run them, or bpfx cannot yet. */
	BPFX_PROG_LWT_SEG6LOCAL, /* SEC("lwt_seg6local") */
	BPFX_PROG_FLOW_DISSECTOR, /* SEC("flow_dissector") */
	BPFX_PROG_SK_LOOKUP,     /* SEC("sk_lookup") */
	BPFX_PROG_NETFILTER,     /* SEC("netfilter") */
	BPFX_PROG_KPROBE,        /* kprobe, kretprobe, uprobe, ksyscall, usdt, *.multi, ... */
	BPFX_PROG_TRACEPOINT,    /* SEC("tp/..."), SEC("tracepoint/...") */
	BPFX_PROG_PERF_EVENT,    /* SEC("perf_event") */
	BPFX_PROG_RAW_TRACEPOINT_WRITABLE, /* SEC("raw_tp.w/..."), "raw_tracepoint.w/..." */
	BPFX_PROG_TRACING,       /* tp_btf, fentry, fexit, fmod_ret, iter (and their .s) */
	BPFX_PROG_LSM,           /* SEC("lsm/..."), "lsm.s/...", "lsm_cgroup/..." */
	BPFX_PROG_EXT,           /* SEC("freplace/...") */
	BPFX_PROG_STRUCT_OPS,    /* SEC("struct_ops/..."), "struct_ops.s/..." */
	BPFX_PROG_CGROUP_SOCK,   /* cgroup/sock_create, sock_release, sock, post_bind4/6 */
	BPFX_PROG_CGROUP_SOCK_ADDR, /* cgroup/bind4, connect6, sendmsg_unix, ... */
	BPFX_PROG_CGROUP_SOCKOPT, /* cgroup/getsockopt, cgroup/setsockopt */
	BPFX_PROG_CGROUP_SYSCTL, /* cgroup/sysctl */
	BPFX_PROG_CGROUP_DEVICE, /* cgroup/dev */
	BPFX_PROG_SOCK_OPS,      /* SEC("sockops") */
	BPFX_PROG_SK_SKB,        /* SEC("sk_skb"), "sk_skb/stream_parser", ... */
	BPFX_PROG_SK_MSG,        /* SEC("sk_msg") */
	BPFX_PROG_SK_REUSEPORT,  /* SEC("sk_reuseport"), "sk_reuseport/migrate" */
	BPFX_PROG_LIRC_MODE2,    /* SEC("lirc_mode2") */
};

/* What a test run of a program type takes (see bpfx_program__run()). */
enum bpfx_run_input {
	BPFX_INPUT_NONE = 0,     /* cannot be test-run */
	BPFX_INPUT_DATA,         /* data_in (a packet, or a mem program's bytes), ctx_in */
	BPFX_INPUT_CTX,          /* ctx_in only (syscall, raw_tp) */
};

BPFX_API enum bpfx_run_input bpfx_prog_type_input(enum bpfx_prog_type type);

BPFX_API const char *bpfx_program__name(const struct bpfx_program *prog);
BPFX_API const char *bpfx_program__section_name(const struct bpfx_program *prog);
BPFX_API enum bpfx_prog_type bpfx_program__type(const struct bpfx_program *prog);
BPFX_API const char *bpfx_prog_type_str(enum bpfx_prog_type type);
/* Instructions after linking (main function, then the subprograms it uses). */
BPFX_API size_t bpfx_program__insn_cnt(const struct bpfx_program *prog);
BPFX_API const void *bpfx_program__insns(const struct bpfx_program *prog);
/* A small integer naming the program inside its object: the value a prog array holds. */
BPFX_API uint32_t bpfx_program__id(const struct bpfx_program *prog);

/* Load status: 0 when loaded, else the error; the message says why. */
BPFX_API int bpfx_program__load_error(const struct bpfx_program *prog);
BPFX_API const char *bpfx_program__load_log(const struct bpfx_program *prog);

/* BTF decl tags on the program's main function (e.g. "comment:test_expect_success"),
 * in the order of the object's BTF. */
BPFX_API size_t bpfx_program__tag_cnt(const struct bpfx_program *prog);
BPFX_API const char *bpfx_program__tag(const struct bpfx_program *prog, size_t i);

/* Disassembly, one instruction per call, in the kernel verifier log's syntax.
 * *insn_idx advances by 1 or 2 (ld_imm64).  Writes "" past the end.  Returns the
 * length written, or a negative error. */
BPFX_API int bpfx_program__disasm(const struct bpfx_program *prog, size_t *insn_idx,
				  char *buf, size_t size);

/* Source position of an instruction from line info; 0 when found, -ENOENT if not.
 * The strings live as long as the object. */
struct bpfx_line {
	const char *file;
	const char *src;  /* the source line's text, or NULL */
	uint32_t line;
	uint32_t col;
};
BPFX_API int bpfx_program__line(const struct bpfx_program *prog, size_t insn_idx,
				struct bpfx_line *out);
/* Name of the function (main or subprogram) an instruction belongs to, or NULL. */
BPFX_API const char *bpfx_program__func_name(const struct bpfx_program *prog,
					     size_t insn_idx);

/* ---------------------------------------------------------------------------------
 * Running.
 */
#define BPFX_MAX_FRAMES 8

struct bpfx_frame {
	const char *func;   /* function name */
	uint32_t insn;      /* the call in this frame (the throw, in frames[0]) */
	struct bpfx_line line;
};

/* The exception record: what a bpf_throw() left behind.  frames[0] is the function
 * that threw, frames[frame_cnt - 1] the boundary (the program's main function). */
struct bpfx_exception {
	uint64_t cookie;
	uint32_t insn;                 /* the throwing call, as an index into prog */
	struct bpfx_line line;         /* its source position, if known */
	const struct bpfx_program *prog; /* the program that threw (a tail-call target?) */
	uint32_t frame_cnt;
	struct bpfx_frame frames[BPFX_MAX_FRAMES];
};

struct bpfx_result {
	uint64_t r0;          /* all 64 bits of R0 at exit */
	uint32_t retval;      /* what BPF_PROG_TEST_RUN reports: the low 32 bits */
	bool threw;           /* the last run ended in bpf_throw() */
	struct bpfx_exception exception;
	uint64_t duration_ns; /* average time per run, when repeating */
	uint64_t insn_cnt;    /* instructions executed by the last run */
	uint32_t data_size_out; /* bytes of packet after the run (copied if room) */
	uint32_t ctx_size_out;  /* bytes of context written to ctx_out */
	char fault[256];      /* why the run stopped, for BPFX_ERR_FAULT/BUDGET/CALL */
};

struct bpfx_run_opts {
	size_t sz;               /* sizeof(struct bpfx_run_opts) */
	const void *data_in;     /* packet bytes (tc, xdp, socket); NULL with size 0: 64
				  * zero bytes, as kernel selftests use */
	uint32_t data_size_in;
	void *data_out;          /* receives the packet after the run */
	uint32_t data_size_out;  /* room in data_out */
	const void *ctx_in;      /* __sk_buff / xdp_md / syscall argument */
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;   /* room in ctx_out */
	uint32_t repeat;         /* 0 or 1: once */
	uint32_t cpu;            /* what bpf_get_smp_processor_id() returns */
	uint64_t insn_budget;    /* 0: the default (BPFX_DEFAULT_BUDGET) */
	void *user_data;         /* for host helpers: bpfx_run__user_data() */
	bool checked;            /* keep checked mode (bounds checks on every access) even
				  * for programs a verifier accepted.  Until bpfx has a
				  * verifier every run is checked, whatever this says. */
};

#define BPFX_DEFAULT_BUDGET (1ull << 30)

/* Run a loaded program as BPF_PROG_TEST_RUN would.  0 when the program ran (whether or
 * not it threw); -BPFX_ERR_FAULT, -BPFX_ERR_BUDGET or -BPFX_ERR_CALL when it was stopped
 * (res->fault says why); -EINVAL for bad input; -EOPNOTSUPP for a program type that
 * cannot be test-run (res->fault says why).  Safe to call from many threads. */
BPFX_API int bpfx_program__run(const struct bpfx_program *prog,
			       const struct bpfx_run_opts *opts, struct bpfx_result *res);

/* Fast path for embedding SEC("mem") programs: R1 = mem, R2 = len. */
BPFX_API int bpfx_program__run_mem(const struct bpfx_program *prog, void *mem,
				   size_t len, struct bpfx_result *res);

/* ---------------------------------------------------------------------------------
 * Maps, from the host.  Per-CPU maps read and write nr_cpus values, each rounded up to
 * 8 bytes, as bpf(BPF_MAP_*_ELEM) does.  Prog arrays hold bpfx_program__id() values.
 */
enum bpfx_map_type {
	BPFX_MAP_UNSPEC = 0,
	BPFX_MAP_HASH = 1,
	BPFX_MAP_ARRAY = 2,
	BPFX_MAP_PROG_ARRAY = 3,
	BPFX_MAP_PERCPU_HASH = 5,
	BPFX_MAP_PERCPU_ARRAY = 6,
	BPFX_MAP_LRU_HASH = 9,
	BPFX_MAP_RINGBUF = 27,
}; /* the kernel's enum bpf_map_type values */

BPFX_API const char *bpfx_map__name(const struct bpfx_map *map);
BPFX_API enum bpfx_map_type bpfx_map__type(const struct bpfx_map *map);
BPFX_API uint32_t bpfx_map__key_size(const struct bpfx_map *map);
BPFX_API uint32_t bpfx_map__value_size(const struct bpfx_map *map);
BPFX_API uint32_t bpfx_map__max_entries(const struct bpfx_map *map);
BPFX_API uint32_t bpfx_map__flags(const struct bpfx_map *map);

/* Flags for update: BPF_ANY (0), BPF_NOEXIST (1), BPF_EXIST (2), and BPF_F_LOCK (4)
 * for lookup and update: the value is copied under its struct bpf_spin_lock (-EINVAL
 * when the value has none).  Waiting for a lock gives -EDEADLK when nobody holds it
 * (a program wrote the lock word) or after a second. */
BPFX_API int bpfx_map__lookup_elem(struct bpfx_map *map, const void *key, void *value);
BPFX_API int bpfx_map__lookup_elem_flags(struct bpfx_map *map, const void *key,
					 void *value, uint64_t flags);
BPFX_API int bpfx_map__update_elem(struct bpfx_map *map, const void *key,
				   const void *value, uint64_t flags);
BPFX_API int bpfx_map__delete_elem(struct bpfx_map *map, const void *key);
/* key NULL: the first key.  -ENOENT after the last. */
BPFX_API int bpfx_map__get_next_key(struct bpfx_map *map, const void *key, void *next_key);

/* Ring buffers: call fn for each committed record, oldest first, then consume them.
 * fn returning non-zero stops early.  Returns the number of records or an error. */
typedef int (*bpfx_ringbuf_fn)(void *ctx, const void *data, size_t size);
BPFX_API int bpfx_map__ringbuf_consume(struct bpfx_map *map, bpfx_ringbuf_fn fn, void *ctx);

/* ---------------------------------------------------------------------------------
 * The host kernel as an oracle (src/kernel/).  A program of an opened object is given
 * to the running kernel through bpf(2) (its maps created there with their initial
 * contents, its prog arrays filled with the kernel's own copies of their programs) and
 * run with BPF_PROG_TEST_RUN on the same input as bpfx_program__run().  Each call
 * builds and tears down its own kernel objects: programs never see each other's map
 * state.  Needs bpf() (root, or CAP_BPF and friends) and kernel BTF.
 */
enum bpfx_kernel_status {
	BPFX_KERNEL_RAN = 0,     /* loaded and test-run: retval, duration_ns */
	BPFX_KERNEL_LOADED,      /* loaded, not run (load_only) */
	BPFX_KERNEL_REJECTED,    /* the kernel refused the program: err, log */
	BPFX_KERNEL_RUN_FAILED,  /* loaded, but the test run failed: err, reason */
	BPFX_KERNEL_UNSUPPORTED, /* the kernel loader cannot express it: reason */
};

struct bpfx_kernel_opts {
	size_t sz;            /* sizeof(struct bpfx_kernel_opts) */
	uint32_t log_level;   /* verifier log level; 0: 1 */
	bool full_log;        /* keep the whole log (else its end may be all that is kept) */
	bool load_only;       /* load, do not run */
	uint32_t prog_flags;  /* extra BPF_F_* load flags (e.g. from __flag()) */
};

struct bpfx_kernel_result {
	enum bpfx_kernel_status status;
	bool loaded;
	int err;              /* positive errno of the step that failed, else 0 */
	uint32_t retval;      /* the test run's retval: 32 bits, all the kernel reports */
	uint64_t duration_ns; /* the kernel's average time per run */
	uint32_t data_size_out;
	uint32_t ctx_size_out;
	char *log;            /* the verifier log (malloc'ed), or NULL */
	char reason[512];     /* why, for UNSUPPORTED and RUN_FAILED; notes otherwise */
};

/* Whether bpf() can be used here: 0, or -EPERM / -ENOSYS (no bpf()) / -ENOENT (no
 * kernel BTF), with a one-line reason in msg. */
BPFX_API int bpfx_kernel_probe(char *msg, size_t size);

/* Load prog into the kernel and test-run it.  The object needs only to be opened; a
 * program its loader already refused (a link error) is reported REJECTED with the
 * loader's log without reaching the kernel, as with libbpf.  opts as for
 * bpfx_program__run() (data_in NULL for a packet program: 64 zero bytes, as the
 * kernel's selftests use); kopts may be NULL.  Returns 0 when res describes the
 * outcome (whatever its status; free it with bpfx_kernel_result__free()), -EPERM,
 * -ENOSYS or -ENOENT when the kernel is not available (see bpfx_kernel_probe()),
 * -EINVAL or -ENOMEM.  Not to be called from several threads for one object. */
BPFX_API int bpfx_program__kernel_run(const struct bpfx_program *prog,
				      const struct bpfx_run_opts *opts,
				      const struct bpfx_kernel_opts *kopts,
				      struct bpfx_kernel_result *res);
BPFX_API void bpfx_kernel_result__free(struct bpfx_kernel_result *res);

/* The key message of a verifier log: its last line that is not a statistic
 * ("processed N insns ...", "verification time ...").  Copies it into buf; returns
 * buf ("" when none). */
BPFX_API const char *bpfx_kernel_log_key(const char *log, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* BPFX_H */
