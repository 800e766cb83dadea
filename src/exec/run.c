/* SPDX-License-Identifier: MIT */
/*
 * run.c - running a loaded program: set up a run on the caller's stack, build the
 * context as BPF_PROG_TEST_RUN would, run (repeatedly), and turn the raw exception
 * record into names and source lines once, after the run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "exec/run.h"

void *bpfx_run__user_data(const struct bpfx_run *run)
{
	return run ? run->user_data : NULL;
}

const struct bpfx_program *bpfx_run__program(const struct bpfx_run *run)
{
	return run ? run->prog : NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fill_line(const struct bpfx_program *prog, uint32_t insn, struct bpfx_line *out)
{
	if (bpfx_program__line(prog, insn, out))
		memset(out, 0, sizeof(*out));
}

static void resolve_exception(const struct bpfx_throw_rec *rec, struct bpfx_exception *e)
{
	const struct bpfx_program *prog = rec->x->prog;

	e->cookie = rec->cookie;
	e->insn = rec->insn;
	e->prog = prog;
	fill_line(prog, rec->insn, &e->line);
	e->frame_cnt = rec->frame_cnt;
	for (uint32_t i = 0; i < rec->frame_cnt; i++) {
		e->frames[i].func = prog->funcs[rec->frames[i].func].name;
		e->frames[i].insn = rec->frames[i].insn;
		fill_line(prog, rec->frames[i].insn, &e->frames[i].line);
	}
}

static void run_init(struct bpfx_run *run, const struct bpfx_program *prog,
		     struct bpfx_result *res)
{
	memset(run, 0, offsetof(struct bpfx_run, stack));
	memset(run->stack, 0, sizeof(run->stack));
	memset(res, 0, sizeof(*res));
	run->prog = prog;
	run->x = prog->exec;
	/* Every program is untrusted until bpfx has a verifier: always checked. */
	run->checked = true;
	run->fault = res->fault;
	run->fault_size = sizeof(res->fault);
}

static uint64_t run_once(struct bpfx_run *run, uint64_t budget)
{
	run->threw = false;
	run->tail_calls = 0;
	run->depth = 0;
	run->boundary = NULL;
	run->insn_cnt = 0;
	run->budget = budget;
	run->rcu_depth = run->preempt_depth = run->irq_depth = 0;
	return bpfx_run_boundary(run, run->prog->exec, 0, (uint64_t)(uintptr_t)run->ctx,
				 run->prog->type == BPFX_PROG_MEM ? run->ctx_size : 0);
}

/* Run repeat times; 0, or the fault's error with res->fault set. */
static int run_loop(struct bpfx_run *run, uint32_t repeat, uint64_t budget,
		    struct bpfx_result *res)
{
	jmp_buf stop;
	uint64_t start;
	volatile uint64_t r0 = 0;

	run->stop = &stop;
	if (setjmp(stop)) {
		bpfx_spin_lock_release(run);   /* a stopped run must not keep its lock */
		return run->err;
	}
	start = now_ns();
	for (uint32_t i = 0; i < repeat; i++) {
		r0 = run_once(run, budget);
		if (run->spin_lock)
			bpfx_run_fault(run, -BPFX_ERR_CALL,
				       "program exited holding a bpf_spin_lock");
	}
	res->duration_ns = (now_ns() - start) / repeat;
	res->r0 = r0;
	res->retval = (uint32_t)r0;
	return 0;
}

static void finish_result(struct bpfx_run *run, struct bpfx_result *res)
{
	res->insn_cnt = run->insn_cnt;
	res->threw = run->threw;
	if (run->threw)
		resolve_exception(&run->rec, &res->exception);
}

static int check_runnable(const struct bpfx_program *prog, const struct bpfx_result *res)
{
	if (!prog || !res)
		return -EINVAL;
	if (!prog->obj->loaded)
		return -BPFX_ERR_NOTLOADED;
	if (prog->load_err || !prog->exec)
		return -BPFX_ERR_REJECTED;
	return 0;
}

int bpfx_program__run(const struct bpfx_program *prog, const struct bpfx_run_opts *opts,
		      struct bpfx_result *res)
{
	struct bpfx_run_opts o = { 0 };
	struct bpfx_run run;
	int err, ferr;

	err = check_runnable(prog, res);
	if (err)
		return err;
	if (opts)
		memcpy(&o, opts, opts->sz && opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	run_init(&run, prog, res);
	err = bpfx_prog_run_support(prog, res->fault, sizeof(res->fault));
	if (err)
		return err;
	run.user_data = o.user_data;
	run.cpu = o.cpu;
	run.ctx_ops = bpfx_ctx_ops_for(prog->type);
	if (!run.ctx_ops)
		return -EOPNOTSUPP;
	err = run.ctx_ops->prepare(&run, &o, res->fault, sizeof(res->fault));
	if (err)
		return err;
	err = run_loop(&run, o.repeat ? o.repeat : 1,
		       o.insn_budget ? o.insn_budget : BPFX_DEFAULT_BUDGET, res);
	finish_result(&run, res);
	ferr = run.ctx_ops->finish(&run, &o, res);
	run.ctx_ops->release(&run);
	return err ? err : ferr;
}

int bpfx_program__run_mem(const struct bpfx_program *prog, void *mem, size_t len,
			  struct bpfx_result *res)
{
	struct bpfx_run run;
	int err;

	err = check_runnable(prog, res);
	if (err)
		return err;
	if (len > UINT32_MAX || (!mem && len))
		return -EINVAL;
	run_init(&run, prog, res);
	run.ctx = mem;
	run.ctx_size = (uint32_t)len;
	err = run_loop(&run, 1, BPFX_DEFAULT_BUDGET, res);
	finish_result(&run, res);
	return err;
}

const char *bpfx_strerror(int err)
{
	static const char *const msgs[] = {
		[BPFX_ERR_FORMAT - 4000] = "malformed object",
		[BPFX_ERR_FAULT - 4000] = "program stopped by checked mode",
		[BPFX_ERR_BUDGET - 4000] = "instruction budget exhausted",
		[BPFX_ERR_CALL - 4000] = "bad call",
		[BPFX_ERR_REJECTED - 4000] = "program rejected at load",
		[BPFX_ERR_NOTLOADED - 4000] = "object not loaded",
	};

	if (err < 0)
		err = -err;
	if (err > 4000 && err <= BPFX_ERR_NOTLOADED)
		return msgs[err - 4000];
	if (err == 524)   /* the kernel's ENOTSUPP, which libc does not name */
		return "Operation not supported (ENOTSUPP)";
	return strerror(err);
}
