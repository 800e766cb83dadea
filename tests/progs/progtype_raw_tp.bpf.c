// SPDX-License-Identifier: MIT
/* progtype_raw_tp: raw_tp and raw_tracepoint programs did not load in bpfx.  The
 * kernel test-runs them with ctx_in only (the tracepoint's arguments, at most 12
 * u64s; no data, no ctx_out, no repeat), so a test run with no input gives R1 = NULL
 * and only programs that do not read their arguments can run.  Values from the host
 * kernel (6.18.44). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

SEC("raw_tp/sys_enter")
__success __retval(1234)
int raw_tp_const(void *ctx)
{
	return 1234;
}

SEC("raw_tracepoint/sys_exit")
__success __retval(5)
int raw_tracepoint_const(void *ctx)
{
	return 5;
}

/* No return range: any value comes back (32 bits of it). */
SEC("raw_tp")
__success __retval(-3)
int raw_tp_negative(void *ctx)
{
	return -3;
}

/* Reads two arguments: it loads, but a run needs ctx_in of 16 bytes or more (the
 * kernel refuses a smaller one with EINVAL; bpfx stops the run at the read). */
SEC("raw_tp/sys_enter")
__success
int raw_tp_args(__u64 *ctx)
{
	return ctx[0] + ctx[1];
}

char _license[] SEC("license") = "GPL";
