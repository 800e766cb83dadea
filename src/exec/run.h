/* SPDX-License-Identifier: MIT */
/*
 * run.h - one invocation of a program: the run context, and the contract for leaving
 * it early.
 *
 * A run lives on the caller's stack; nothing about an invocation is global, so any
 * number of threads may run the same program at once.  A run ends early in exactly
 * two ways, both implemented in exec/throw.c with one mechanism (a chain of jump
 * buffers, as in Lua's ldo.c):
 *   - bpfx_run_throw(): bpf_throw(cookie).  Jumps to the innermost exception boundary
 *     (the running program's main frame; a tail-call target is its own boundary),
 *     discarding every frame above it in constant time, then runs the callback.
 *   - bpfx_run_fault(): checked mode stopped the program (bad access, budget, bad
 *     call).  Jumps to the top of the run; the run reports the fault.
 */
#ifndef BPFX_RUN_H
#define BPFX_RUN_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfx.h"
#include "exec/exec.h"
#include "maps/map.h"

#define BPFX_STACK_SIZE 512        /* per frame, as MAX_BPF_STACK */
#define BPFX_MAX_TAIL_CALLS 33     /* MAX_TAIL_CALL_CNT */

/* The packet of tc/xdp/socket programs.  The buffer is mapped below 4 GiB so that the
 * 32-bit data/data_end fields of __sk_buff and xdp_md hold real addresses. */
struct bpfx_pkt {
	uint8_t *buf;            /* start of the mapping (headroom first) */
	size_t buf_size;
	uint8_t *meta;           /* xdp data_meta; == data when unused */
	uint8_t *data;
	uint8_t *data_end;
	uint8_t *frags;          /* xdp multi-buffer: the bytes past the linear part, */
	uint32_t frags_len;      /* frag i at frags + i * BPFX_XDP_FRAME_SIZE (a page each) */
	uint8_t *mac;            /* skb mac and network headers; NULL: the test-run */
	uint8_t *net;            /* layout (buf + BPFX_SKB_HEADROOM, + ETH_HLEN) */
	uint16_t trans;          /* skb->transport_header + 1, from buf; 0 is the kernel's */
				 /* ~0, "not set" (a test run's).  A u16 as the kernel's: */
				 /* helpers/pkt.c says why that matters */
	uint8_t ip_summed;       /* skb: CHECKSUM_NONE (0) in a test run; bpf_csum_level */
	uint8_t csum_level;      /* may make it CHECKSUM_UNNECESSARY (1) with a level */
	uint16_t mac_len;        /* skb->mac_len: 0 in a test run; the VLAN helpers set it */
	bool encap;              /* skb->encapsulation: set by bpf_skb_adjust_room */
	uint64_t sk_cookie;      /* the test run's socket's cookie, given on first use */
};

/* The test run's packet layout (exec/ctx.c), for helpers that move data/data_end.
 * skb (tc, socket): buf_size is BPFX_SKB_BUF_SIZE; data starts BPFX_SKB_HEADROOM
 * into buf (tc; socket filters are past the Ethernet header); the packet may grow to
 * BPFX_SKB_MAX_LEN bytes (SKB_MAX_ALLOC: bpf_skb_change_tail's limit at tc).
 * xdp: buf is data_hard_start and buf_size the frame (a page); data_meta and data
 * may not go below buf + BPFX_XDP_FRAME_HDR; data_end may not pass
 * buf + buf_size - BPFX_SHINFO_SIZE. */
#define BPFX_SKB_HEADROOM 64       /* NET_SKB_PAD + NET_IP_ALIGN (x86-64) */
#define BPFX_SKB_MAX_LEN 16064     /* SKB_MAX_ALLOC */
#define BPFX_SKB_BUF_SIZE 16384    /* headroom + SKB_MAX_LEN, page-rounded */
#define BPFX_XDP_HEADROOM 256      /* XDP_PACKET_HEADROOM */
#define BPFX_XDP_FRAME_SIZE 4096   /* one page: xdp frame_sz, and each frag */
#define BPFX_XDP_FRAME_HDR 40      /* sizeof(struct xdp_frame) */
#define BPFX_SHINFO_SIZE 320       /* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) */

/* An skb's mac and network headers: the test-run layout (the Ethernet header at
 * buf + BPFX_SKB_HEADROOM, the network header after it) until a helper moves them. */
static inline uint8_t *bpfx_pkt_mac(const struct bpfx_pkt *pkt)
{
	return pkt->mac ? pkt->mac : pkt->buf + BPFX_SKB_HEADROOM;
}

static inline uint8_t *bpfx_pkt_net(const struct bpfx_pkt *pkt)
{
	return pkt->net ? pkt->net : bpfx_pkt_mac(pkt) + 14 /* ETH_HLEN */;
}

/* One BPF frame of the interpreter.  Frames between a boundary and the top all run
 * the boundary's program; which function each runs follows from the call sites. */
struct bpfx_frame_state {
	const struct bpf_insn *ret_pc;   /* caller's next insn; NULL: return to C */
	uint64_t saved[4];               /* caller's r6-r9 */
	uint32_t call_insn;              /* the insn that called this frame, in the caller */
	uint32_t may_goto;               /* may_goto count left in this frame */
};

/* The loop count of may_goto per function invocation: BPF_MAX_LOOPS, what kernels
 * without the timed may_goto allow (x86-64 6.18 allows as many as fit in 250 ms). */
#define BPFX_MAY_GOTO_LOOPS (8u * 1024 * 1024)

/* An exception boundary (exec/throw.c). */
struct bpfx_boundary {
	jmp_buf jb;
	struct bpfx_boundary *prev;
	const struct bpfx_exec *x;       /* whose callback runs */
	uint32_t depth;                  /* frame index of the boundary */
	bool in_callback;                /* its exception callback is running */
};

/* The raw exception record, filled at the throw; names are resolved after the run. */
struct bpfx_throw_rec {
	uint64_t cookie;
	const struct bpfx_exec *x;
	uint32_t insn;
	uint32_t frame_cnt;
	struct { uint32_t func, insn; } frames[BPFX_MAX_FRAMES];
};

struct bpfx_ctx_ops;

struct bpfx_run {
	const struct bpfx_program *prog;  /* the program asked to run */
	const struct bpfx_exec *x;        /* the program running now */
	void *user_data;
	uint32_t cpu;
	bool checked;
	uint64_t budget;                  /* instructions left (checked mode) */
	uint64_t insn_cnt;

	/* Engine state: valid during helper and kfunc calls. */
	const struct bpf_insn *pc;        /* the call being made */
	uint32_t depth;                   /* current frame index */
	struct bpfx_frame_state frames[BPFX_MAX_FRAMES];
	uint32_t tail_calls;

	/* Context and packet, built by the program type's ctx ops. */
	const struct bpfx_ctx_ops *ctx_ops;
	void *ctx;
	uint32_t ctx_size;
	struct bpfx_pkt pkt;
	void *ctx_priv;                   /* the ctx ops' own state */

	/* Leaving early (exec/throw.c). */
	struct bpfx_boundary *boundary;
	jmp_buf *stop;
	int err;
	char *fault;                      /* buffer for the fault message */
	size_t fault_size;
	bool threw;
	struct bpfx_throw_rec rec;
	uint32_t *spin_lock;              /* the bpf_spin_lock held, if any: a run stopped
					     by a fault must release it (store 0) */
	uint32_t rcu_depth;               /* open bpf_rcu_read_lock() sections, */
	uint32_t preempt_depth;           /* bpf_preempt_disable() ones and */
	uint32_t irq_depth;               /* bpf_local_irq_save() ones: no throw inside */

	_Alignas(16) uint8_t stack[BPFX_MAX_FRAMES * BPFX_STACK_SIZE];
};

/* Frame pointer (r10) of frame d: stacks grow down, frame 0 at the top. */
static inline uint8_t *bpfx_run_fp(const struct bpfx_run *run, uint32_t d)
{
	return (uint8_t *)run->stack + sizeof(run->stack) - (size_t)d * BPFX_STACK_SIZE;
}

/* --- exec/throw.c: the unwinding contract ------------------------------------ */

/* Run program x at frame depth as an exception boundary when it may throw: returns R0,
 * or the callback's R0 after a throw.  Engines call this for the top program and for
 * every tail-call target. */
uint64_t bpfx_run_boundary(struct bpfx_run *run, const struct bpfx_exec *x,
			   uint32_t depth, uint64_t r1, uint64_t r2);

_Noreturn void bpfx_run_throw(struct bpfx_run *run, uint64_t cookie);
_Noreturn void bpfx_run_fault(struct bpfx_run *run, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --- the engine (exec/interp.c for now) -------------------------------------- */

/* Run function func_insn of x in a new frame at depth (engine entry, no boundary). */
uint64_t bpfx_interp_call(struct bpfx_run *run, const struct bpfx_exec *x,
			  uint32_t depth, uint32_t func_insn, const uint64_t args[5]);

/* From a helper: run the callback subprogram fn (the value a program passed for a
 * BPFX_ARG_FUNC argument) with r1..r5 in a new frame; returns its R0.  Faults if fn
 * is not a callback of the running program or the frames run out. */
uint64_t bpfx_run_callback(struct bpfx_run *run, uint64_t fn, uint64_t r1, uint64_t r2,
			   uint64_t r3, uint64_t r4, uint64_t r5);

/* --- exec/checked.c: checked mode -------------------------------------------- */

/* Fault unless [addr, addr + size) lies in memory the program may read (write). */
void bpfx_mem_check(struct bpfx_run *run, uint64_t addr, uint64_t size, bool write);
/* The same question without stopping the run: for helpers that report a bad pointer
 * as an error (bpf_trace_printk's %s, like the kernel's *_nofault copies). */
bool bpfx_mem_ok(struct bpfx_run *run, uint64_t addr, uint64_t size, bool write);
/* Check a helper's arguments against its signature before calling it. */
void bpfx_args_check(struct bpfx_run *run, const struct bpfx_func *f, const uint64_t *r);
/* Fault if a bpf_spin_lock is held and f may not be called then (NULL: a tail call). */
void bpfx_lock_call_check(struct bpfx_run *run, const struct bpfx_func *f);
/* Charge n instructions' worth of a helper's own work to the run's budget, and stop
 * the run when it is spent (checked mode): a run may not outlast its budget inside
 * helpers either.  Memory arguments cost one per BPFX_CHARGE_BYTES bytes (charged by
 * bpfx_args_check); other work (a map walk) is charged by its helper. */
#define BPFX_CHARGE_BYTES 64
void bpfx_run_charge(struct bpfx_run *run, uint64_t n, const char *what);
/* Free the bpf_spin_lock the run holds, if any (helpers/map_helpers.c). */
void bpfx_spin_lock_release(struct bpfx_run *run);

/* The object's map regions, built at load and freed at close. */
int bpfx_regions_build(struct bpfx_object *obj);
void bpfx_regions_free(struct bpfx_object *obj);
/* Fault unless ptr is one of the object's maps; regno names the argument. */
struct bpfx_map *bpfx_map_arg(struct bpfx_run *run, uint64_t ptr, int regno);

/* --- exec/obj_mem.c: memory handed out at run time (bpf_obj_new) --------------- */

/* The object owns it, in an arena kept until close (which frees whatever programs did
 * not drop), so that a dropped object's memory never goes back to the host while
 * programs run.  init/destroy come with bpfx_regions_build/free. */
int bpfx_obj_mem_init(struct bpfx_object *obj);
void bpfx_obj_mem_destroy(struct bpfx_object *obj);
/* size bytes, zeroed; NULL for 0 or more than 4096 bytes, or when the arena is full. */
void *bpfx_obj_mem_alloc(struct bpfx_object *obj, size_t size);
/* false when p is not a live object's start (a bad or double bpf_obj_drop). */
bool bpfx_obj_mem_free(struct bpfx_object *obj, void *p);
/* Whether [addr, addr + size) lies inside one live object.  O(1), no lock. */
bool bpfx_obj_mem_has(const struct bpfx_object *obj, uint64_t addr, uint64_t size);

/* --- context builders (exec/ctx.c) ------------------------------------------- */

struct bpfx_ctx_ops {
	/* Build run->ctx and run->pkt from the options, as BPF_PROG_TEST_RUN does.
	 * -EINVAL with a message in err for input the kernel refuses. */
	int (*prepare)(struct bpfx_run *run, const struct bpfx_run_opts *opts, char *err,
		       size_t err_size);
	/* Copy the packet and context out (data_out/ctx_out); sizes into res. */
	int (*finish)(struct bpfx_run *run, const struct bpfx_run_opts *opts,
		      struct bpfx_result *res);
	void (*release)(struct bpfx_run *run);
	/* Optional: a store of size bytes at offset off of the context, val being the
	 * register (imm: the instruction's immediate, sign-extended), for fields whose
	 * stores the kernel rewrites (convert_ctx_access).  true: it stored the value
	 * its own way; false: the plain store happens. */
	bool (*store)(struct bpfx_run *run, uint32_t off, uint32_t size, uint64_t val,
		      bool imm);
};

const struct bpfx_ctx_ops *bpfx_ctx_ops_for(enum bpfx_prog_type type);

/* After a helper moved the packet (xdp_adjust_head, skb_change_tail, ...): store the
 * new data/data_end/data_meta into the context's fields. */
void bpfx_ctx_sync_pkt(struct bpfx_run *run);

/* The __sk_buff R1 points at, for the helpers of skb programs; NULL for any other
 * context. */
struct __sk_buff *bpfx_ctx_skb(struct bpfx_run *run);
/* The test run's socket (what skb->sk pointed at before the program could write the
 * field), NULL for a context without one. */
struct bpf_sock *bpfx_ctx_sock(struct bpfx_run *run);

/* A checked store at addr (the ops' store() when it falls in the context): true
 * when the context handled it and the plain store must not happen. */
bool bpfx_ctx_store(struct bpfx_run *run, uint64_t addr, uint32_t size, uint64_t val,
		    bool imm);

#endif /* BPFX_RUN_H */
