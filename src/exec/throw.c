/* SPDX-License-Identifier: MIT */
/*
 * throw.c - the one contract for leaving a program early, for every engine.
 *
 * Exception boundaries form a chain on the C stack (struct bpfx_boundary, linked by
 * prev, as Lua's ldo.c chains its error handlers).  A boundary is set up in exactly
 * one place, bpfx_run_boundary(), and only for programs that may throw: the others
 * pay nothing.  bpf_throw() records where it happened and longjmps to the innermost
 * boundary: every BPF frame above it is dropped at once, whatever the depth (no stack
 * walk).  The boundary then runs the program's exception callback on its own frame
 * (or returns the cookie: the default callback) and returns that as the program's R0.
 * Faults jump to the run's top (run->stop) the same way.
 */
#include <stdarg.h>
#include <stdio.h>

#include "exec/run.h"

static uint64_t run_callback(struct bpfx_run *run, struct bpfx_boundary *b, uint64_t cookie)
{
	const uint64_t args[5] = { cookie };
	uint64_t r0;

	if (b->x->exc_cb_insn < 0)
		return cookie;                     /* the hidden default: r0 = r1; exit */
	b->in_callback = true;
	run->boundary = b;
	r0 = bpfx_interp_call(run, b->x, b->depth, (uint32_t)b->x->exc_cb_insn, args);
	run->boundary = b->prev;
	return r0;
}

uint64_t bpfx_run_boundary(struct bpfx_run *run, const struct bpfx_exec *x, uint32_t depth,
			   uint64_t r1, uint64_t r2)
{
	const uint64_t args[5] = { r1, r2 };
	struct bpfx_boundary b;
	uint64_t r0;

	if (!x->may_throw)
		return bpfx_interp_call(run, x, depth, 0, args);
	b.prev = run->boundary;
	b.x = x;
	b.depth = depth;
	b.in_callback = false;
	run->boundary = &b;
	if (setjmp(b.jb) == 0) {
		r0 = bpfx_interp_call(run, x, depth, 0, args);
		run->boundary = b.prev;
		return r0;
	}
	return run_callback(run, &b, run->rec.cookie);
}

/* The frames from the boundary to the thrower, innermost first: each frame's function
 * follows from the instruction it is at (the throw, or the call to the frame above). */
static void record(struct bpfx_run *run, const struct bpfx_boundary *b, uint64_t cookie)
{
	struct bpfx_throw_rec *rec = &run->rec;
	uint32_t insn = (uint32_t)(run->pc - b->x->insns);

	rec->cookie = cookie;
	rec->x = b->x;
	rec->insn = insn;
	rec->frame_cnt = 0;
	for (uint32_t d = run->depth + 1; d-- > b->depth && rec->frame_cnt < BPFX_MAX_FRAMES;) {
		rec->frames[rec->frame_cnt].insn = insn;
		rec->frames[rec->frame_cnt].func = bpfx_exec_func_of(b->x, insn);
		rec->frame_cnt++;
		insn = run->frames[d].call_insn;
	}
	run->threw = true;
}

/* The kernel refuses a throw that would leave a lock or a section open, with these
 * messages, in this order (do_check_insn(), then check_resource_leak()); the
 * verifier-less run stops there instead. */
static void check_regions(struct bpfx_run *run)
{
	if (run->spin_lock)
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "function calls are not allowed while holding a lock");
	if (run->irq_depth)
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "bpf_throw cannot be used inside bpf_local_irq_save-ed region");
	if (run->rcu_depth)
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "bpf_throw cannot be used inside bpf_rcu_read_lock-ed region");
	if (run->preempt_depth)
		bpfx_run_fault(run, -BPFX_ERR_CALL,
			       "bpf_throw cannot be used inside bpf_preempt_disable-ed region");
}

void bpfx_run_throw(struct bpfx_run *run, uint64_t cookie)
{
	struct bpfx_boundary *b = run->boundary;

	if (!b)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "bpf_throw outside an exception boundary");
	if (b->in_callback)
		bpfx_run_fault(run, -BPFX_ERR_CALL, "bpf_throw inside the exception callback");
	check_regions(run);
	record(run, b, cookie);
	run->boundary = b->prev;
	longjmp(b->jb, 1);
}

void bpfx_run_fault(struct bpfx_run *run, int err, const char *fmt, ...)
{
	const struct bpfx_exec *x = run->x;
	size_t n = 0;
	va_list ap;

	if (run->fault_size && x && run->pc >= x->insns && run->pc < x->insns + x->insn_cnt) {
		uint32_t insn = (uint32_t)(run->pc - x->insns);
		const struct bpfx_line_info *li = bpfx_program_line_at(x->prog, insn);
		int k = li ? snprintf(run->fault, run->fault_size, "insn %u (%s:%u): ", insn,
				      li->file, li->line)
			   : snprintf(run->fault, run->fault_size, "insn %u: ", insn);

		n = k > 0 && (size_t)k < run->fault_size ? (size_t)k : 0;
	}
	if (run->fault_size) {
		va_start(ap, fmt);
		vsnprintf(run->fault + n, run->fault_size - n, fmt, ap);
		va_end(ap);
	}
	run->err = err;
	longjmp(*run->stop, 1);
}
