/* SPDX-License-Identifier: MIT */
/*
 * test_helpers.c - the helper and kfunc table, and the builtins called the way the
 * engines call them, on runs built by hand.  Expected values come from the kernel:
 * its selftests (test_csum_diff.c), RFC 1071 checksums computed here, and results
 * observed on the 6.18 development host through BPF_PROG_TEST_RUN ("host:").
 * Callbacks (bpf_loop, bpf_for_each_map_elem) run small hand-written BPF functions in
 * the real interpreter.
 */
#include <arpa/inet.h>
#include <bpf/btf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "exec/run.h"
#include "helpers/func.h"
#include "maps/map.h"
#include "check.h"

/* ---------------------------------------------------------------------------------
 * A run built by hand: an object, a program, a run with a fault buffer.  Faults
 * longjmp to run->stop; EXPECT_FAULT catches one and checks its error.
 */

static struct bpfx_func_table *table;
static char trace_msg[2048];
static size_t trace_len;
static int trace_calls;

static void trace_cb(const char *msg, size_t len, void *ctx)
{
	snprintf(trace_msg, sizeof(trace_msg), "%.*s", (int)len, msg);
	trace_len = len;
	trace_calls++;
}

static struct bpfx_object obj = { .name = "test", .trace = trace_cb };
static struct bpfx_program prog = { .obj = &obj, .type = BPFX_PROG_SCHED_CLS };
static char fault_buf[256];

static void run_reset(struct bpfx_run *run, bool checked)
{
	memset(run, 0, sizeof(*run));
	run->prog = &prog;
	run->checked = checked;
	run->budget = 1000000;
	run->fault = fault_buf;
	run->fault_size = sizeof(fault_buf);
}

#define EXPECT_FAULT(run, expr, want)                                                \
	do {                                                                         \
		jmp_buf jb_;                                                         \
		(run)->stop = &jb_;                                                  \
		if (setjmp(jb_) == 0) {                                              \
			(void)(expr);                                                \
			fprintf(stderr, "%s:%d: %s did not fault\n", __FILE__, __LINE__, \
				#expr);                                              \
			failures++;                                                  \
		} else {                                                             \
			CHECK_EQ((run)->err, (want));                                \
		}                                                                    \
		(run)->stop = NULL;                                                  \
	} while (0)

static const struct bpfx_func *helper(uint32_t id)
{
	const struct bpfx_func *f = bpfx_func_helper(table, id);

	if (!f) {
		fprintf(stderr, "helper %u missing\n", id);
		exit(1);
	}
	return f;
}

static const struct bpfx_func *kfunc(const char *name)
{
	const struct bpfx_func *f = bpfx_func_kfunc(table, name);

	if (!f) {
		fprintf(stderr, "kfunc %s missing\n", name);
		exit(1);
	}
	return f;
}

static uint64_t call(struct bpfx_run *run, uint32_t id, uint64_t r1, uint64_t r2, uint64_t r3,
		     uint64_t r4, uint64_t r5)
{
	return helper(id)->fn(r1, r2, r3, r4, r5, run);
}

#define P(x) ((uint64_t)(uintptr_t)(x))

/* ---------------------------------------------------------------------------------
 * The table.
 */

static uint64_t host_fn(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			struct bpfx_run *run)
{
	return r1 + 1000;
}

static void test_table_builtins(void)
{
	const struct bpfx_func_list *lists[] = { &bpfx_core_helpers, &bpfx_map_helpers,
						 &bpfx_pkt_helpers, &bpfx_kfuncs };
	int seen[BPFX_MAX_HELPER_ID] = { 0 };

	CHECK_STR(helper(BPF_FUNC_map_lookup_elem)->name, "bpf_map_lookup_elem");
	CHECK_STR(helper(BPF_FUNC_trace_printk)->name, "bpf_trace_printk");
	CHECK_EQ(helper(BPF_FUNC_tail_call)->id, 12);
	CHECK(bpfx_func_kfunc(table, "bpf_throw") == &bpfx_kfunc_throw);
	CHECK_EQ(bpfx_kfunc_throw.sig.ret, BPFX_RET_NORETURN);
	CHECK_EQ(bpfx_kfunc_throw.sig.args[0], BPFX_ARG_ANY);
	CHECK_EQ(bpfx_kfunc_throw.sig.args[1], BPFX_ARG_NONE);
	CHECK(bpfx_func_kfunc(table, "bpf_obj_new_impl") != NULL);
	CHECK(bpfx_func_kfunc(table, "bpf_no_such_kfunc") == NULL);
	CHECK(bpfx_func_kfunc(table, NULL) == NULL);
	CHECK(bpfx_func_helper(table, 999) == NULL);
	CHECK(bpfx_func_helper(table, BPFX_MAX_HELPER_ID) == NULL);
	CHECK(bpfx_func_helper(table, UINT32_MAX) == NULL);
	CHECK(bpfx_func_helper(NULL, 1) == NULL);

	/* every builtin: a valid signature, a "bpf_" name, helper ids used once */
	CHECK(bpfx_func_sig_valid(&bpfx_kfunc_throw.sig));
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		for (uint32_t i = 0; i < lists[l]->cnt; i++) {
			const struct bpfx_func *f = &lists[l]->funcs[i];

			CHECK(bpfx_func_sig_valid(&f->sig));
			CHECK(strncmp(f->name, "bpf_", 4) == 0);
			CHECK(f->fn != NULL);
			CHECK((f->id == 0) == (l == 3));
			if (f->id && f->id < BPFX_MAX_HELPER_ID) {
				CHECK_EQ(seen[f->id]++, 0);
				CHECK(bpfx_func_helper(table, f->id) == f);
			}
			if (!f->id)
				CHECK(bpfx_func_kfunc(table, f->name) == f);
		}
	}
}

static void test_table_host(void)
{
	struct bpfx_func_table *t;
	struct bpfx_func_sig any = { BPFX_RET_INTEGER, { BPFX_ARG_ANY } };
	struct bpfx_func_sig bad = any;
	char name[200];
	struct bpfx_run run;

	CHECK_EQ(bpfx_func_table_init(&t), 0);
	run_reset(&run, false);

	/* a host helper replaces the builtin of its id, and keeps its own name */
	CHECK_EQ(bpfx_func_table_add(t, BPF_FUNC_ktime_get_ns, "my_clock", host_fn, &any), 0);
	CHECK_STR(bpfx_func_helper(t, BPF_FUNC_ktime_get_ns)->name, "my_clock");
	CHECK_EQ(bpfx_func_helper(t, BPF_FUNC_ktime_get_ns)->fn(5, 0, 0, 0, 0, &run), 1005);
	CHECK_EQ(bpfx_func_table_add(t, 1000, "host_only", host_fn, &any), 0);
	CHECK_EQ(bpfx_func_helper(t, 1000)->id, 1000);
	/* again: the latest registration wins */
	CHECK_EQ(bpfx_func_table_add(t, 1000, "host_only2", host_fn, &any), 0);
	CHECK_STR(bpfx_func_helper(t, 1000)->name, "host_only2");

	/* kfunc names are unique, builtins included; names are copied */
	snprintf(name, sizeof(name), "my_kfunc");
	CHECK_EQ(bpfx_func_table_add(t, 0, name, host_fn, &any), 0);
	name[0] = 'X';
	CHECK(bpfx_func_kfunc(t, "my_kfunc") != NULL);
	CHECK_EQ(bpfx_func_kfunc(t, "my_kfunc")->id, 0);
	CHECK_EQ(bpfx_func_table_add(t, 0, "my_kfunc", host_fn, &any), -EEXIST);
	CHECK_EQ(bpfx_func_table_add(t, 0, "bpf_throw", host_fn, &any), -EEXIST);
	CHECK_EQ(bpfx_func_table_add(t, 0, "bpf_obj_new_impl", host_fn, &any), -EEXIST);
	CHECK(bpfx_func_kfunc(t, "bpf_throw") == &bpfx_kfunc_throw);

	/* bad ids, names, functions and signatures */
	CHECK_EQ(bpfx_func_table_add(t, BPF_FUNC_tail_call, "tc", host_fn, &any), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(t, BPFX_MAX_HELPER_ID, "big", host_fn, &any), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", NULL, &any), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, NULL), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(NULL, 7, "f", host_fn, &any), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(t, 7, NULL, host_fn, &any), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(t, 0, "", host_fn, &any), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(t, 0, "1abc", host_fn, &any), -EINVAL);
	CHECK_EQ(bpfx_func_table_add(t, 0, "a b", host_fn, &any), -EINVAL);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_EQ(bpfx_func_table_add(t, 0, name, host_fn, &any), -EINVAL);
	bad = (struct bpfx_func_sig){ BPFX_RET_INTEGER, { BPFX_ARG_PTR_TO_MEM, BPFX_ARG_ANY } };
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, &bad), -EINVAL);
	bad = (struct bpfx_func_sig){ BPFX_RET_INTEGER, { BPFX_ARG_SIZE } };
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, &bad), -EINVAL);
	bad = (struct bpfx_func_sig){ BPFX_RET_INTEGER, { BPFX_ARG_ANY, BPFX_ARG_MAP_KEY } };
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, &bad), -EINVAL);
	bad = (struct bpfx_func_sig){ BPFX_RET_INTEGER, { BPFX_ARG_NONE, BPFX_ARG_ANY } };
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, &bad), -EINVAL);
	bad = (struct bpfx_func_sig){ BPFX_RET_INTEGER, { BPFX_ARG_PTR_TO_UNINIT } };
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, &bad), -EINVAL);
	bad = (struct bpfx_func_sig){ (enum bpfx_ret)99, { BPFX_ARG_NONE } };
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, &bad), -EINVAL);
	bad = (struct bpfx_func_sig){ BPFX_RET_INTEGER, { (enum bpfx_arg)99 } };
	CHECK_EQ(bpfx_func_table_add(t, 7, "f", host_fn, &bad), -EINVAL);
	bad = (struct bpfx_func_sig){ BPFX_RET_INTEGER,
				      { BPFX_ARG_MAP, BPFX_ARG_MAP_KEY, BPFX_ARG_PTR_TO_MEM,
					BPFX_ARG_SIZE_OR_ZERO, BPFX_ARG_ANY } };
	CHECK(bpfx_func_sig_valid(&bad));
	/* rejected registrations changed nothing */
	CHECK_STR(bpfx_func_helper(t, 7)->name, "bpf_get_prandom_u32");
	bpfx_func_table_free(t);
	bpfx_func_table_free(NULL);
}

/* ---------------------------------------------------------------------------------
 * The printf family.  Every expected string and length was printed by the host's
 * bpf_trace_printk (trace instance, BPF_PROG_TEST_RUN) for the same format and args.
 */

static long printk(struct bpfx_run *run, const char *fmt, uint64_t a, uint64_t b,
		   uint64_t c)
{
	trace_msg[0] = '\0';
	return (long)call(run, BPF_FUNC_trace_printk, P(fmt), strlen(fmt) + 1, a, b, c);
}

#define PRINTK(run, want, fmt, a, b, c)                                              \
	do {                                                                         \
		CHECK_EQ(printk(run, fmt, a, b, c), (long)strlen(want));             \
		CHECK_STR(trace_msg, want);                                          \
	} while (0)

#define PRINTK_ERR(run, err, fmt, a, b, c)                                           \
	do {                                                                         \
		int calls_ = trace_calls;                                            \
		CHECK_EQ(printk(run, fmt, a, b, c), err);                            \
		CHECK_EQ(trace_calls, calls_);                                       \
	} while (0)

static void test_printk_formats(void)
{
	struct bpfx_run run;
	static const uint8_t ip4[4] = { 32, 1, 13, 184 };
	static const uint8_t ip6[16] = { 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0,
					 0, 0, 0, 0, 0xa, 0, 0, 1 };
	const char *hello = "hello";

	run_reset(&run, false);
	PRINTK(&run, "d=-5 i=-5 u=4294967291", "d=%d i=%i u=%u", -5, -5, -5);
	PRINTK(&run, "x=deadbeef X=ABC", "x=%x X=%X", 0xdeadbeef, 0xabc, 0);
	PRINTK(&run, "ld=-5 lu=18446744073709551611 lx=fffffffffffffffb",
	       "ld=%ld lu=%lu lx=%lx", -5ll, -5ll, -5ll);
	PRINTK(&run, "lld=-5 llu=9223372036854775808 llx=123456789abc",
	       "lld=%lld llu=%llu llx=%llx", -5ll, 1ull << 63, 0x123456789abcull);
	PRINTK(&run, "[   42][42   ][-0042]", "[%5d][%-5d][%05d]", 42, 42, -42);
	PRINTK(&run, "[+7][ 7][7]", "[%+d][% d][%+u]", 7, 7, 7);
	PRINTK(&run, "[0000beef][beef    |]", "[%08x][%-8x|]", 0xbeef, 0xbeef, 0);
	PRINTK(&run, "[3    ][+3][ffffffff]", "[%0-5d][%+ d][%x]", 3, 3, -1);
	PRINTK(&run, "s=hello.", "s=%s.", P(hello), 0, 0);
	PRINTK(&run, "[     hello][hello     ]", "[%10s][%-10s]", P(hello), P(hello), 0);
	PRINTK(&run, "c=abc", "c=%c%c%c", 'a', 'b', 'c');
	PRINTK(&run, "[  z][z  ]", "[%3c][%-3c]", 'z', 'z', 0);
	PRINTK(&run, "[A]", "[%c]", 0x141, 0, 0);
	PRINTK(&run, "p=0000000000000000.", "p=%p.", 0, 0, 0);
	PRINTK(&run, "pK=0000000000000000 px=0000000000001234", "pK=%pK px=%px", 0, 0x1234, 0);
	PRINTK(&run, "[                1234]", "[%20px]", 0x1234, 0, 0);
	PRINTK(&run, "0000000000001234!", "%pxyz!", 0x1234, 0, 0);
	PRINTK(&run, "0x1234 0x1234", "%pS %pB", 0x1234, 0x1234, 0);
	PRINTK(&run, "32.1.13.184 hello", "%pI4 %pks", P(ip4), P(hello), 0);
	PRINTK(&run, "032.001.013.184|hello|", "%pi4|%s|", P(ip4), P(hello), 0);
	PRINTK(&run, "[32.1.13.184][hello]", "[%20pI4][%-8pks]", P(ip4), P(hello), 0);
	PRINTK(&run, "32.1.13.184 hello.", "%pI4abc %pks.", P(ip4), P(hello), 0);
	PRINTK(&run, "2001:0db8:0000:0000:0000:0000:0a00:0001", "%pI6", P(ip6), 0, 0);
	PRINTK(&run, "20010db800000000000000000a000001", "%pi6", P(ip6), 0, 0);
	PRINTK(&run, "100%", "100%%", 0, 0, 0);
	PRINTK(&run, "tab\there", "tab\there", 0, 0, 0);
	/* unreadable strings print as nothing */
	PRINTK(&run, "null !", "null %s!", 0, 0, 0);
	PRINTK(&run, "bad ", "bad %s", 8, 0, 0);
	/* widths: the kernel's int wraps, then is clamped to 8388607 */
	PRINTK(&run, "    1|", "%4294967301d|", 1, 0, 0);
	PRINTK(&run, "1|", "%2147483648d|", 1, 0, 0);

	PRINTK_ERR(&run, -EINVAL, "%d %d %d %d", 1, 2, 3);
	PRINTK_ERR(&run, -EINVAL, "%#x", 1, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%.2d", 1, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%hd", 1, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%lld%", 1, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%z", 1, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%5%", 0, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%", 0, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "s=%sx", P(hello), 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%pX", 0, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "%pI5", 0, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "\x01", 0, 0, 0);
	PRINTK_ERR(&run, -EINVAL, "caf\xc3\xa9", 0, 0, 0);
}

static void test_printk_limits(void)
{
	struct bpfx_run run;
	static char big[700], want[600];
	const char *fmt = "plain";
	int calls;

	run_reset(&run, false);
	/* the size must include the NUL; a NUL earlier is fine */
	calls = trace_calls;
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_printk, P(fmt), 5, 0, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_printk, P(fmt), 0, 0, 0, 0), -EINVAL);
	CHECK_EQ(trace_calls, calls);
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_printk, P("ab\0cd"), 6, 0, 0, 0), 2);
	CHECK_STR(trace_msg, "ab");

	/* host: a %s gets what is left of the 512-byte argument buffer... */
	memset(big, 'a', 600);
	memset(want, 'a', 511);
	strcat(want, "|");
	PRINTK(&run, want, "%s|", P(big), 0, 0);
	PRINTK(&run, "q5|", "%c%d|", 'q', 5, 0);
	/* ...and an argument that no longer fits is -ENOSPC */
	PRINTK_ERR(&run, -ENOSPC, "%s|%d", P(big), 7, 0);
	PRINTK_ERR(&run, -ENOSPC, "%s|%c", P(big), 'x', 0);
	PRINTK_ERR(&run, -ENOSPC, "%d%s|%d", 1, P(big), 0);

	/* host: the full length is returned, the message is cut at 1023 bytes */
	CHECK_EQ(printk(&run, "%1000d|%1000d", 1, 2, 0), 2001);
	CHECK_EQ(trace_len, 1023);
	CHECK_EQ(printk(&run, "%8388607d|", 1, 0, 0), 8388608);

	/* no trace callback: still formats and returns the length */
	obj.trace = NULL;
	CHECK_EQ(printk(&run, "x=%d", 42, 0, 0), 4);
	obj.trace = trace_cb;
}

static void test_vprintk_snprintf(void)
{
	struct bpfx_run run;
	uint64_t args[13] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	const char *fmt4 = "%d %d %d %d";
	char out[16];

	run_reset(&run, false);
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_vprintk, P(fmt4), strlen(fmt4) + 1, P(args), 32, 0),
		 7);
	CHECK_STR(trace_msg, "1 2 3 4");
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_vprintk, P(fmt4), strlen(fmt4) + 1, P(args), 24, 0),
		 -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_vprintk, P(fmt4), strlen(fmt4) + 1, P(args), 12, 0),
		 -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_vprintk, P(fmt4), strlen(fmt4) + 1, P(args), 104, 0),
		 -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_vprintk, P("hi"), 3, 0, 0, 0), 2);
	CHECK_EQ((long)call(&run, BPF_FUNC_trace_vprintk, P("hi"), 3, 0, 8, 0), -EINVAL);

	/* bpf_snprintf returns the size the whole output needs, NUL included */
	memset(out, 'x', sizeof(out));
	CHECK_EQ((long)call(&run, BPF_FUNC_snprintf, P(out), 4, P("ab%dcd"), P(args), 8), 6);
	CHECK_STR(out, "ab1");
	CHECK_EQ((long)call(&run, BPF_FUNC_snprintf, 0, 0, P("ab%dcd"), P(args), 8), 6);
	CHECK_EQ((long)call(&run, BPF_FUNC_snprintf, P(out), sizeof(out), P("%d-%d"), P(args), 16),
		 4);
	CHECK_STR(out, "1-2");
	/* a bad format leaves the buffer alone */
	memset(out, 'x', sizeof(out));
	CHECK_EQ((long)call(&run, BPF_FUNC_snprintf, P(out), sizeof(out), P("ab%dx%q"), P(args), 16),
		 -EINVAL);
	CHECK_EQ(out[0], 'x');
	CHECK_EQ((long)call(&run, BPF_FUNC_snprintf, P(out), sizeof(out), P("%d"), P(args), 0),
		 -EINVAL);
}

/* ---------------------------------------------------------------------------------
 * Checksums.
 */

static const uint64_t selftest_buf[64] = {
	0x327b23c66b8b4567, 0x66334873643c9869, 0x19495cff74b0dc51, 0x625558ec2ae8944a,
	0x46e87ccd238e1f29, 0x507ed7ab3d1b58ba, 0x41b71efb2eb141f2, 0x7545e14679e2a9e3,
	0x5bd062c2515f007c, 0x4db127f812200854, 0x1f16e9e80216231b, 0x66ef438d1190cde7,
	0x3352255a140e0f76, 0x0ded7263109cf92e, 0x1befd79f7fdcc233, 0x6b68079a41a7c4c9,
	0x25e45d324e6afb66, 0x431bd7b7519b500d, 0x7c83e4583f2dba31, 0x62bbd95a257130a3,
	0x628c895d436c6125, 0x721da317333ab105, 0x2d1d5ae92443a858, 0x75a2a8d46763845e,
	0x79838cb208edbdab, 0x0b03e0c64353d0cd, 0x54e49eb4189a769b, 0x2ca8861171f32454,
	0x02901d820836c40e, 0x081386413a95f874, 0x7c3dbd3d1e7ff521, 0x6ceaf087737b8ddc,
	0x4516dde922221a70, 0x614fd4a13006c83e, 0x5577f8e1419ac241, 0x05072367440badfc,
	0x77465f013804823e, 0x5c482a977724c67e, 0x5e884adc2463b9ea, 0x2d51779651ead36b,
	0x153ea438580bd78f, 0x70a64e2a3855585c, 0x2a487cb06a2342ec, 0x725a06fb1d4ed43b,
	0x57e4ccaf2cd89a32, 0x4b588f547a6d8d3c, 0x6de91b18542289ec, 0x7644a45c38437fdb,
	0x684a481a32fff902, 0x749abb43579478fe, 0x1ba026fa3dc240fb, 0x75c6c33a79a1deaa,
	0x70c6a52912e685fb, 0x374a3fe6520eedd1, 0x23f9c13c4f4ef005, 0x275ac794649bb77c,
	0x1cf10fd839386575, 0x235ba861180115be, 0x354fe9f947398c89, 0x741226bb15b5af5c,
	0x10233c990d34b6a8, 0x615740953f6ab60f, 0x77ae35eb7e0c57b1, 0x310c50b3579be4f1,
};

static uint64_t csum_diff(const void *from, uint32_t fl, const void *to, uint32_t tl,
			  uint32_t seed)
{
	struct bpfx_run run;

	run_reset(&run, false);
	return call(&run, BPF_FUNC_csum_diff, P(from), fl, P(to), tl, seed);
}

/* Cases and results of the kernel selftest prog_tests/test_csum_diff.c (little
 * endian), plus host observations. */
static void test_csum_diff(void)
{
	uint64_t dead[2] = { 0xdeadbeefdeadbeef, 0xbeefdeadbeefdead };
	uint64_t abab = 0xabababababababab, zero[64] = { 0 };

	/* push */
	CHECK_EQ(csum_diff(NULL, 0, dead, 8, 0), 0x3b3b);
	CHECK_EQ(csum_diff(NULL, 0, dead, 16, 0x1234), 0x88aa);
	CHECK_EQ(csum_diff(NULL, 0, dead, 15, 0x1234), 0xcaa9);
	CHECK_EQ(csum_diff(NULL, 0, selftest_buf, 512, 0xffff), 0xca45);
	/* pull */
	CHECK_EQ(csum_diff(dead, 8, NULL, 0, 0), 0xc4c4);
	CHECK_EQ(csum_diff(dead, 16, NULL, 0, 0x1234), 0x9bbd);
	CHECK_EQ(csum_diff(dead, 15, NULL, 0, 0x1234), 0x59be);
	CHECK_EQ(csum_diff(selftest_buf, 512, NULL, 0, 0xffff), 0x35ba);
	/* diff */
	CHECK_EQ(csum_diff(dead, 8, &abab, 8, 0), 0x7373);
	CHECK_EQ(csum_diff(dead, 7, &abab, 7, 0), 0xa673);
	CHECK_EQ(csum_diff(zero, 8, &abab, 8, 0), 0xaeae);
	CHECK_EQ(csum_diff(dead, 8, zero, 8, 0xffff), 0xc4c4);
	/* edge */
	CHECK_EQ(csum_diff(NULL, 0, NULL, 0, 0), 0);
	CHECK_EQ(csum_diff(NULL, 0, NULL, 0, 0x1234), 0x1234);
	CHECK_EQ(csum_diff(zero, 512, NULL, 0, 0xffff), 0xffff);
	/* host: a 32-bit seed alone is folded too */
	CHECK_EQ(csum_diff(NULL, 0, NULL, 0, 0x014f1a6d), 0x1bbc);
}

/* RFC 1071, from scratch: the reference for the csum_replace checks. */
static uint16_t rfc1071(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---------------------------------------------------------------------------------
 * Packets.  skb: BPFX_SKB_BUF_SIZE bytes, data BPFX_SKB_HEADROOM in; xdp: a page,
 * data 256 in.  The packet is bytes i * 7 + 3, as in the host runs.
 */

static _Alignas(4096) uint8_t pkt_buf[BPFX_SKB_BUF_SIZE];
static _Alignas(4096) uint8_t frag_buf[4 * BPFX_XDP_FRAME_SIZE];
static uint8_t pattern[16384];

static void pkt_setup(struct bpfx_run *run, bool xdp, uint32_t len)
{
	uint32_t lin = xdp && len > 3520 ? 3520 : len;

	run_reset(run, false);
	prog.type = xdp ? BPFX_PROG_XDP : BPFX_PROG_SCHED_CLS;
	memset(pkt_buf, 0, sizeof(pkt_buf));
	memset(frag_buf, 0, sizeof(frag_buf));
	run->pkt.buf = pkt_buf;
	run->pkt.buf_size = xdp ? BPFX_XDP_FRAME_SIZE : BPFX_SKB_BUF_SIZE;
	run->pkt.data = pkt_buf + (xdp ? BPFX_XDP_HEADROOM : BPFX_SKB_HEADROOM);
	run->pkt.meta = run->pkt.data;
	memcpy(run->pkt.data, pattern, lin);
	run->pkt.data_end = run->pkt.data + lin;
	if (len > lin) {
		run->pkt.frags = frag_buf;
		run->pkt.frags_len = len - lin;
		memcpy(frag_buf, pattern + lin, len - lin);
	}
}

static long plen(const struct bpfx_run *run)
{
	return run->pkt.data_end - run->pkt.data;
}

static void test_skb_load_store(void)
{
	struct bpfx_run run;
	uint8_t out[8], in[4] = { 0xa0, 0xa1, 0xa2, 0xa3 };

	pkt_setup(&run, false, 64);
	CHECK_EQ(call(&run, BPF_FUNC_skb_load_bytes, 0, 60, P(out), 4, 0), 0);
	CHECK(memcmp(out, pattern + 60, 4) == 0);
	memset(out, 0xff, sizeof(out));
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_load_bytes, 0, 61, P(out), 4, 0), -EFAULT);
	CHECK_EQ(out[0] | out[3], 0);     /* cleared on error */
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_load_bytes, 0, 0x80000000u, P(out), 4, 0), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_load_bytes, 0, 0xffffffffu, P(out), 4, 0), -EFAULT);

	CHECK_EQ(call(&run, BPF_FUNC_skb_store_bytes, 0, 60, P(in), 4, BPF_F_RECOMPUTE_CSUM |
		      BPF_F_INVALIDATE_HASH), 0);
	CHECK(memcmp(run.pkt.data + 60, in, 4) == 0);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_store_bytes, 0, 61, P(in), 4, 0), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_store_bytes, 0, 0, P(in), 4, 4), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_store_bytes, 0, 0x80000000u, P(in), 4, 0), -EFAULT);
	CHECK_EQ(plen(&run), 64);

	/* relative to the headers: tc's mac header is data, the network header 14 on */
	CHECK_EQ(call(&run, BPF_FUNC_skb_load_bytes_relative, 0, 10, P(out), 4, BPF_HDR_START_MAC), 0);
	CHECK(memcmp(out, pattern + 10, 4) == 0);
	CHECK_EQ(call(&run, BPF_FUNC_skb_load_bytes_relative, 0, 46, P(out), 4, BPF_HDR_START_NET), 0);
	CHECK(memcmp(out, in, 4) == 0);   /* data + 14 + 46: what was stored at 60 */
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_load_bytes_relative, 0, 47, P(out), 4,
			    BPF_HDR_START_NET), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_load_bytes_relative, 0, 0, P(out), 4, 2), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_load_bytes_relative, 0, 0x10000, P(out), 4,
			    BPF_HDR_START_MAC), -EFAULT);
}

static void test_skb_resize(void)
{
	struct bpfx_run run;
	uint8_t out[4];

	pkt_setup(&run, false, 64);
	CHECK_EQ(call(&run, BPF_FUNC_skb_pull_data, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_skb_pull_data, 0, 64, 0, 0, 0), 0);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_pull_data, 0, 65, 0, 0, 0), -ENOMEM);

	/* change_tail: not below the network header, not above SKB_MAX_ALLOC */
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_change_tail, 0, 13, 0, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_change_tail, 0, 64, 1, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_change_tail, 0, 16065, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_skb_change_tail, 0, 14, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 14);
	CHECK_EQ(call(&run, BPF_FUNC_skb_change_tail, 0, 16064, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 16064);
	CHECK_EQ(call(&run, BPF_FUNC_skb_change_tail, 0, 0x100000014ull, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 20);   /* host: the length is a u32 */

	/* change_head pushes zeroed bytes and makes them the mac header */
	pkt_setup(&run, false, 64);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_change_head, 0, 14, 1, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_change_head, 0, 0xffffffffu, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_skb_change_head, 0, 14, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 78);
	CHECK_EQ(run.pkt.data[0] | run.pkt.data[13], 0);
	CHECK(memcmp(run.pkt.data + 14, pattern, 64) == 0);
	CHECK_EQ(call(&run, BPF_FUNC_skb_load_bytes_relative, 0, 0, P(out), 4, BPF_HDR_START_MAC), 0);
	CHECK_EQ(out[0] | out[3], 0);
	CHECK_EQ(call(&run, BPF_FUNC_skb_load_bytes_relative, 0, 0, P(out), 4, BPF_HDR_START_NET), 0);
	CHECK(memcmp(out, pattern + 14, 4) == 0);   /* the network header stays */
	/* host: more than the headroom still works (the kernel reallocates) */
	CHECK_EQ(call(&run, BPF_FUNC_skb_change_head, 0, 15986, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 16064);
	CHECK(memcmp(run.pkt.data + 16000, pattern, 64) == 0);
	CHECK(run.pkt.data >= run.pkt.buf && run.pkt.data_end <= run.pkt.buf + run.pkt.buf_size);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_change_head, 0, 1, 0, 0, 0), -EINVAL);
}

/* The skb helpers on a context built as BPF_PROG_TEST_RUN builds it (exec/ctx.c), for
 * what annotated programs cannot reach: ctx_in's gso_size, other program types.
 * Expected values from the 6.18 host with the same data and ctx_in ("host:"). */
static const uint8_t ipv4_frame[64] = { [12] = 0x08, [14] = 0x45 };

static void skb_run(struct bpfx_run *run, enum bpfx_prog_type type,
		    const struct __sk_buff *in)
{
	struct bpfx_run_opts o = { .sz = sizeof(o), .data_in = ipv4_frame,
				   .data_size_in = sizeof(ipv4_frame), .ctx_in = in,
				   .ctx_size_in = in ? sizeof(*in) : 0 };
	char err[128];

	run_reset(run, false);
	prog.type = type;
	run->ctx_ops = bpfx_ctx_ops_for(type);
	CHECK_EQ(run->ctx_ops->prepare(run, &o, err, sizeof(err)), 0);
}

static void test_skb_gso(void)
{
	struct __sk_buff in = { .gso_size = 1400 };
	struct bpfx_run run;
	uint32_t mtu = 0;
	uint64_t ctx;

	skb_run(&run, BPFX_PROG_SCHED_CLS, &in);
	ctx = P(run.ctx);
	/* host: neither TCP nor UDP GSO, so no room changes; 70000 bytes more pass */
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_adjust_room, ctx, 8, BPF_ADJ_ROOM_MAC, 0, 0),
		 -524 /* ENOTSUPP */);
	CHECK_EQ(call(&run, BPF_FUNC_check_mtu, ctx, 0, P(&mtu), 70000, 0), 0);
	CHECK_EQ(mtu, 65536);
	/* host: bpf_skb_change_head may pass SKB_MAX_ALLOC (bpfx refused it: -EINVAL) */
	CHECK_EQ(call(&run, BPF_FUNC_skb_change_head, ctx, 16064 - 64 + 1, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 16065);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_change_head, ctx, 0xffffffffu, 0, 0, 0), -EINVAL);
	run.ctx_ops->release(&run);
}

/* The kernel offers the header helpers to tc programs only (it refuses a socket
 * filter that calls them); on a socket filter's skb, whose data starts at the network
 * header, bpfx's must stay inside the buffer.  The values are bpfx's own. */
static void test_skb_hdrs_other_types(void)
{
	struct bpfx_run run;
	uint64_t ctx;

	skb_run(&run, BPFX_PROG_SOCKET_FILTER, NULL);
	ctx = P(run.ctx);
	CHECK_EQ(call(&run, BPF_FUNC_skb_vlan_push, ctx, htons(0x8100), 1, 0, 0), 0);
	CHECK_EQ((long)call(&run, BPF_FUNC_skb_vlan_push, ctx, htons(0x8100), 2, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_skb_vlan_pop, ctx, 0, 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_skb_adjust_room, ctx, 8, BPF_ADJ_ROOM_NET, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_skb_change_proto, ctx, htons(0x86dd), 0, 0, 0), 0);
	CHECK(run.pkt.data >= run.pkt.buf && run.pkt.data_end <= run.pkt.buf + run.pkt.buf_size);
	run.ctx_ops->release(&run);
	prog.type = BPFX_PROG_SCHED_CLS;
}

/* An IPv4 header (20 bytes at offset 14) with a correct checksum; TTL and the
 * source address are then rewritten with the replace helpers. */
static void test_csum_replace(void)
{
	struct bpfx_run run;
	uint8_t *ip;
	uint16_t old16, new16;
	uint32_t old32, new32;

	pkt_setup(&run, false, 64);
	ip = run.pkt.data + 14;
	memcpy(ip, "\x45\x00\x00\x32\x12\x34\x40\x00\x40\x11\x00\x00\x0a\x00\x00\x01"
		   "\x0a\x00\x00\x02", 20);
	new16 = htons(rfc1071(ip, 20));
	memcpy(ip + 10, &new16, 2);
	CHECK_EQ(rfc1071(ip, 20), 0);

	/* TTL 64 -> 63, a 2-byte field (TTL and protocol) */
	memcpy(&old16, ip + 8, 2);
	ip[8] = 63;
	memcpy(&new16, ip + 8, 2);
	CHECK_EQ(call(&run, BPF_FUNC_l3_csum_replace, 0, 24, old16, new16, 2), 0);
	CHECK_EQ(rfc1071(ip, 20), 0);
	/* source 10.0.0.1 -> 192.168.1.7, 4 bytes */
	memcpy(&old32, ip + 12, 4);
	memcpy(ip + 12, "\xc0\xa8\x01\x07", 4);
	memcpy(&new32, ip + 12, 4);
	CHECK_EQ(call(&run, BPF_FUNC_l3_csum_replace, 0, 24, old32, new32, 4), 0);
	CHECK_EQ(rfc1071(ip, 20), 0);
	/* by a diff from bpf_csum_diff: destination 10.0.0.2 -> 10.9.8.7 */
	memcpy(&old32, ip + 16, 4);
	memcpy(ip + 16, "\x0a\x09\x08\x07", 4);
	memcpy(&new32, ip + 16, 4);
	CHECK_EQ(call(&run, BPF_FUNC_l3_csum_replace, 0, 24, 0,
		      csum_diff(&old32, 4, &new32, 4, 0), 0), 0);
	CHECK_EQ(rfc1071(ip, 20), 0);
	/* the same through l4_csum_replace (UDP-style pseudo-header flag) */
	memcpy(&old16, ip + 8, 2);
	ip[8] = 1;
	memcpy(&new16, ip + 8, 2);
	CHECK_EQ(call(&run, BPF_FUNC_l4_csum_replace, 0, 24, old16, new16, 2 | BPF_F_PSEUDO_HDR), 0);
	CHECK_EQ(rfc1071(ip, 20), 0);

	/* host errnos */
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 25, 0, 0, 2), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 63, 0, 0, 2), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 64, 0, 0, 2), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 0x10000, 0, 0, 2), -EFAULT);
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 24, 1, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 24, 0, 0, 3), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 24, 0, 0, 0x10), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_l3_csum_replace, 0, 25, 0, 0, 0x10), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_l4_csum_replace, 0, 24, 0, 0, 0x100), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_l4_csum_replace, 0, 24, 0, 0, BPF_F_IPV6), 0);
	CHECK_EQ(rfc1071(ip, 20), 0);

	/* BPF_F_MARK_MANGLED_0: a zero field (no checksum) stays zero unless enforced,
	 * and a result of zero is written as 0xffff */
	ip[10] = ip[11] = 0;
	CHECK_EQ(call(&run, BPF_FUNC_l4_csum_replace, 0, 24, 0x1234, 0x5678,
		      2 | BPF_F_MARK_MANGLED_0), 0);
	CHECK_EQ(ip[10] | ip[11], 0);
	CHECK_EQ(call(&run, BPF_FUNC_l4_csum_replace, 0, 24, 0x1234, 0x1234,
		      2 | BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE), 0);
	CHECK_EQ(ip[10] & ip[11], 0xff);
}

static void test_redirect(void)
{
	struct bpfx_run run;

	run_reset(&run, false);
	prog.type = BPFX_PROG_SCHED_CLS;
	CHECK_EQ(call(&run, BPF_FUNC_redirect, 5, 0, 0, 0, 0), TC_ACT_REDIRECT);
	CHECK_EQ(call(&run, BPF_FUNC_redirect, 5, BPF_F_INGRESS, 0, 0, 0), TC_ACT_REDIRECT);
	CHECK_EQ(call(&run, BPF_FUNC_redirect, 5, 2, 0, 0, 0), TC_ACT_SHOT);
	prog.type = BPFX_PROG_XDP;
	CHECK_EQ(call(&run, BPF_FUNC_redirect, 5, 0, 0, 0, 0), XDP_REDIRECT);
	CHECK_EQ(call(&run, BPF_FUNC_redirect, 5, 1, 0, 0, 0), XDP_ABORTED);
}

/* xdp: data 256 bytes into a page; data_meta and data stay 40 bytes (an xdp_frame)
 * above its start, data_end 320 (skb_shared_info) below its end. */
static void test_xdp_adjust(void)
{
	struct bpfx_run run;
	uint32_t meta_word = 0x11223344;

	pkt_setup(&run, true, 64);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_head, 0, -217, 0, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_head, 0, 51, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_head, 0, 50, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 14);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_head, 0, -266, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 280);
	CHECK(run.pkt.meta == run.pkt.data);

	pkt_setup(&run, true, 64);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_meta, 0, -3, 0, 0, 0), -EACCES);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_meta, 0, -217, 0, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_meta, 0, 4, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_meta, 0, -216, 0, 0, 0), 0);
	CHECK_EQ(run.pkt.data - run.pkt.meta, 216);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_meta, 0, 208, 0, 0, 0), 0);
	CHECK_EQ(run.pkt.data - run.pkt.meta, 8);
	/* host: with 8 bytes of metadata the head may move down 208, not 209; the
	 * metadata moves with it */
	memcpy(run.pkt.meta, &meta_word, 4);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_head, 0, -209, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_head, 0, -208, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 272);
	CHECK_EQ(run.pkt.data - run.pkt.meta, 8);
	CHECK(memcmp(run.pkt.meta, &meta_word, 4) == 0);
	CHECK(run.pkt.meta == run.pkt.buf + BPFX_XDP_FRAME_HDR);

	pkt_setup(&run, true, 64);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_tail, 0, -51, 0, 0, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_tail, 0, 3457, 0, 0, 0), -EINVAL);
	run.pkt.data_end[0] = 0x55;   /* stale bytes past the end are zeroed on growth */
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_tail, 0, 3456, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 3520);
	CHECK_EQ(run.pkt.data[64], 0);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_tail, 0, -3506, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 14);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_get_buff_len, 0, 0, 0, 0, 0), 14);
}

/* Multi-buffer xdp: 3520 linear bytes, then page frags (host: 8520 bytes = 3520 +
 * 4096 + 904). */
static void test_xdp_frags(void)
{
	struct bpfx_run run;
	uint8_t out[8], in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	pkt_setup(&run, true, 8520);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_get_buff_len, 0, 0, 0, 0, 0), 8520);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_load_bytes, 0, 3516, P(out), 8, 0), 0);
	CHECK(memcmp(out, pattern + 3516, 8) == 0);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_load_bytes, 0, 8512, P(out), 8, 0), 0);
	CHECK(memcmp(out, pattern + 8512, 8) == 0);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_load_bytes, 0, 8513, P(out), 8, 0), -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_load_bytes, 0, 0x10000, P(out), 8, 0), -EFAULT);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_store_bytes, 0, 3516, P(in), 8, 0), 0);
	CHECK(memcmp(run.pkt.data + 3516, in, 4) == 0);
	CHECK(memcmp(run.pkt.frags, in + 4, 4) == 0);

	/* the last frag (904 bytes) grows only into its own page */
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_tail, 0, 3193, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_tail, 0, 1, 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_get_buff_len, 0, 0, 0, 0, 0), 8521);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_tail, 0, -1, 0, 0, 0), 0);
	/* shrinking past the frags eats into the linear part; not below 14 bytes */
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_tail, 0, -8507, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_tail, 0, -6000, 0, 0, 0), 0);
	CHECK_EQ(plen(&run), 2520);
	CHECK_EQ(run.pkt.frags_len, 0);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_get_buff_len, 0, 0, 0, 0, 0), 2520);

	pkt_setup(&run, true, 8520);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_tail, 0, -4095, 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_get_buff_len, 0, 0, 0, 0, 0), 4425);
	/* host: frag 0 now holds 905 bytes and may fill its page again, no more */
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_tail, 0, 3192, 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_adjust_tail, 0, 3191, 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_xdp_get_buff_len, 0, 0, 0, 0, 0), 7616);
	CHECK_EQ((long)call(&run, BPF_FUNC_xdp_adjust_tail, 0, 1, 0, 0, 0), -EINVAL);
	CHECK_EQ(run.pkt.frags[4095], 0);   /* grown bytes are zeroed */
}

/* ---------------------------------------------------------------------------------
 * Callbacks in the real interpreter: a program whose insn 0 stands for the helper
 * call, followed by callback functions.
 */

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
						.off = (o), .imm = (i) })

/* bpf_loop callback(i, ctx): *(u64 *)ctx += i + 1; return i == 3. */
static struct bpf_insn cb_insns[] = {
	INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 0),                  /* 0: "the helper call" */
	INSN(BPF_LDX | BPF_MEM | BPF_DW, 3, 2, 0, 0),          /* 1: r3 = *(u64 *)r2 */
	INSN(BPF_ALU64 | BPF_ADD | BPF_X, 3, 1, 0, 0),         /*    r3 += r1 */
	INSN(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, 1),         /*    r3 += 1 */
	INSN(BPF_STX | BPF_MEM | BPF_DW, 2, 3, 0, 0),          /*    *(u64 *)r2 = r3 */
	INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),         /*    r0 = 0 */
	INSN(BPF_JMP | BPF_JNE | BPF_K, 1, 0, 1, 3),           /*    if r1 != 3 goto +1 */
	INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),         /*    r0 = 1 */
	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	/* 9: for_each callback(map, key, value, ctx): *(u64 *)ctx += *(u32 *)value;
	 *    return *(u32 *)key == 2 */
	INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 3, 0, 0),           /* r5 = *(u32 *)value */
	INSN(BPF_LDX | BPF_MEM | BPF_DW, 6, 4, 0, 0),          /* r6 = *(u64 *)ctx */
	INSN(BPF_ALU64 | BPF_ADD | BPF_X, 6, 5, 0, 0),
	INSN(BPF_STX | BPF_MEM | BPF_DW, 4, 6, 0, 0),
	INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 2, 0, 0),           /* r5 = *(u32 *)key */
	INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
	INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 1, 2),
	INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),
	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
};
static bool cb_entry[sizeof(cb_insns) / sizeof(cb_insns[0])] = { [1] = true, [9] = true };
static struct bpfx_exec cb_exec = {
	.prog = &prog,
	.insns = cb_insns,
	.insn_cnt = sizeof(cb_insns) / sizeof(cb_insns[0]),
	.exc_cb_insn = -1,
	.cb_entry = cb_entry,
};

static void cb_run(struct bpfx_run *run, bool checked)
{
	run_reset(run, checked);
	run->x = &cb_exec;
	run->pc = &cb_insns[0];
}

/* A counter on the run's own stack (memory checked mode lets programs touch). */
static uint64_t *stack_slot(struct bpfx_run *run)
{
	uint64_t *p = (uint64_t *)(bpfx_run_fp(run, 0) - 8);

	*p = 0;
	return p;
}

static void test_loop(void)
{
	struct bpfx_run run;
	uint64_t *sum;

	cb_run(&run, false);
	sum = stack_slot(&run);
	CHECK_EQ((long)call(&run, BPF_FUNC_loop, (1u << 23) + 1, P(&cb_insns[1]), P(sum), 0, 0),
		 -E2BIG);
	CHECK_EQ((long)call(&run, BPF_FUNC_loop, (1u << 23) + 1, P(&cb_insns[1]), P(sum), 1, 0),
		 -EINVAL);
	CHECK_EQ((long)call(&run, BPF_FUNC_loop, 2, P(&cb_insns[1]), P(sum), 1, 0), -EINVAL);
	CHECK_EQ(*sum, 0);
	CHECK_EQ(call(&run, BPF_FUNC_loop, 0, P(&cb_insns[1]), P(sum), 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_loop, 3, P(&cb_insns[1]), P(sum), 0, 0), 3);
	CHECK_EQ(*sum, 1 + 2 + 3);
	/* the callback returns 1 at i == 3: four iterations done */
	*sum = 0;
	CHECK_EQ(call(&run, BPF_FUNC_loop, 100, P(&cb_insns[1]), P(sum), 0, 0), 4);
	CHECK_EQ(*sum, 1 + 2 + 3 + 4);
	/* nr_loops is a u32 */
	*sum = 0;
	CHECK_EQ(call(&run, BPF_FUNC_loop, 0x100000002ull, P(&cb_insns[1]), P(sum), 0, 0), 2);

	/* checked: the same, and a bad callback stops the run */
	cb_run(&run, true);
	sum = stack_slot(&run);
	CHECK_EQ(call(&run, BPF_FUNC_loop, 2, P(&cb_insns[1]), P(sum), 0, 0), 2);
	CHECK_EQ(*sum, 3);
	EXPECT_FAULT(&run, call(&run, BPF_FUNC_loop, 2, P(&cb_insns[2]), P(sum), 0, 0),
		     -BPFX_ERR_CALL);
}

/* ---------------------------------------------------------------------------------
 * Maps: an array, a hash and a ring buffer, created by maps/.
 */

static void maps_setup(void)
{
	obj.nr_cpus = 2;
	obj.map_cnt = 3;
	obj.maps = calloc(3, sizeof(*obj.maps));
	obj.maps[0] = (struct bpfx_map){ .obj = &obj, .name = "arr", .type = BPF_MAP_TYPE_ARRAY,
					 .key_size = 4, .value_size = 8, .max_entries = 4 };
	obj.maps[1] = (struct bpfx_map){ .obj = &obj, .idx = 1, .name = "hash",
					 .type = BPF_MAP_TYPE_HASH, .key_size = 4,
					 .value_size = 8, .max_entries = 8 };
	obj.maps[2] = (struct bpfx_map){ .obj = &obj, .idx = 2, .name = "rb",
					 .type = BPF_MAP_TYPE_RINGBUF, .max_entries = 4096 };
	if (bpfx_maps_create(&obj) || bpfx_regions_build(&obj)) {
		fprintf(stderr, "cannot create the test maps\n");
		exit(1);
	}
}

static void test_map_helpers(void)
{
	struct bpfx_map *arr = &obj.maps[0], *hash = &obj.maps[1], *rb = &obj.maps[2];
	struct bpfx_run run;
	uint32_t key = 1, key9 = 9;
	uint64_t val = 77, *p;

	run_reset(&run, true);
	run.cpu = 1;
	p = (uint64_t *)(uintptr_t)call(&run, BPF_FUNC_map_lookup_elem, P(arr), P(&key), 0, 0, 0);
	CHECK(p != NULL);
	CHECK_EQ(call(&run, BPF_FUNC_map_lookup_elem, P(arr), P(&key9), 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_map_update_elem, P(arr), P(&key), P(&val), BPF_ANY, 0), 0);
	CHECK_EQ(*p, 77);
	CHECK_EQ((long)call(&run, BPF_FUNC_map_update_elem, P(arr), P(&key9), P(&val), 0, 0), -E2BIG);
	CHECK_EQ((long)call(&run, BPF_FUNC_map_delete_elem, P(arr), P(&key), 0, 0, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_map_lookup_percpu_elem, P(arr), P(&key), 2, 0, 0), 0);

	CHECK_EQ(call(&run, BPF_FUNC_map_update_elem, P(hash), P(&key9), P(&val), BPF_NOEXIST, 0), 0);
	CHECK_EQ((long)call(&run, BPF_FUNC_map_update_elem, P(hash), P(&key9), P(&val),
			    BPF_NOEXIST, 0), -EEXIST);
	p = (uint64_t *)(uintptr_t)call(&run, BPF_FUNC_map_lookup_elem, P(hash), P(&key9), 0, 0, 0);
	CHECK(p && *p == 77);
	CHECK_EQ(call(&run, BPF_FUNC_map_delete_elem, P(hash), P(&key9), 0, 0, 0), 0);
	CHECK_EQ((long)call(&run, BPF_FUNC_map_delete_elem, P(hash), P(&key9), 0, 0, 0), -ENOENT);

	/* ring buffer: reserve/submit, discard, output; flags as the kernel checks them */
	p = (uint64_t *)(uintptr_t)call(&run, BPF_FUNC_ringbuf_reserve, P(rb), 8, 0, 0, 0);
	CHECK(p != NULL);
	CHECK_EQ(call(&run, BPF_FUNC_ringbuf_reserve, P(rb), 8, 1, 0, 0), 0);
	if (p) {
		*p = 0x1234;
		CHECK_EQ(call(&run, BPF_FUNC_ringbuf_submit, P(p), 0, 0, 0, 0), 0);
	}
	p = (uint64_t *)(uintptr_t)call(&run, BPF_FUNC_ringbuf_reserve, P(rb), 8, 0, 0, 0);
	if (p)
		CHECK_EQ(call(&run, BPF_FUNC_ringbuf_discard, P(p), 0, 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_ringbuf_output, P(rb), P(&val), 8, 0, 0), 0);
	CHECK_EQ((long)call(&run, BPF_FUNC_ringbuf_output, P(rb), P(&val), 8, 4, 0), -EINVAL);
	CHECK_EQ(call(&run, BPF_FUNC_ringbuf_query, P(rb), BPF_RB_RING_SIZE, 0, 0, 0), 4096);
	CHECK_EQ(call(&run, BPF_FUNC_ringbuf_query, P(rb), BPF_RB_AVAIL_DATA, 0, 0, 0), 3 * 16);
	/* checked mode: submitting what is no record stops the run */
	EXPECT_FAULT(&run, call(&run, BPF_FUNC_ringbuf_submit, P(&val), 0, 0, 0, 0),
		     -BPFX_ERR_CALL);
}

static void test_for_each(void)
{
	struct bpfx_map *arr = &obj.maps[0];
	struct bpfx_run run;
	uint64_t *sum;

	for (uint32_t k = 0; k < 4; k++) {
		uint64_t v = 10 * (k + 1);

		bpfx_map__update_elem(arr, &k, &v, BPF_ANY);
	}
	cb_run(&run, true);
	sum = stack_slot(&run);
	CHECK_EQ((long)call(&run, BPF_FUNC_for_each_map_elem, P(arr), P(&cb_insns[9]), P(sum), 1, 0),
		 -EINVAL);
	/* keys 0, 1, 2 visited; the callback stops at key 2 */
	CHECK_EQ(call(&run, BPF_FUNC_for_each_map_elem, P(arr), P(&cb_insns[9]), P(sum), 0, 0), 3);
	CHECK_EQ(*sum, 10 + 20 + 30);
}

/* bpf_spin_lock: two threads, each adding under the lock in its own runs. */
struct locked {
	uint32_t lock;
	uint32_t pad;
	uint64_t count;
};

#define LOCK_ROUNDS 200000

static void *lock_worker(void *p)
{
	struct locked *l = p;
	struct bpfx_run *run = malloc(sizeof(*run));

	run_reset(run, false);
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		call(run, BPF_FUNC_spin_lock, P(&l->lock), 0, 0, 0, 0);
		l->count = l->count + 1;
		call(run, BPF_FUNC_spin_unlock, P(&l->lock), 0, 0, 0, 0);
	}
	free(run);
	return NULL;
}

static void test_spin_lock(void)
{
	struct bpfx_map *arr = &obj.maps[0];
	struct locked l = { 0 };
	pthread_t t[2];
	struct bpfx_run run;
	uint32_t key = 0;
	uint64_t zero = 0;
	uint32_t *lock;

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, lock_worker, &l);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(l.count, 2 * LOCK_ROUNDS);
	CHECK_EQ(l.lock, 0);

	/* checked: a lock in a map value; taking a second one, or releasing one not
	 * held, stops the run instead of spinning forever */
	run_reset(&run, true);
	bpfx_map__update_elem(arr, &key, &zero, BPF_ANY);
	lock = (uint32_t *)(uintptr_t)call(&run, BPF_FUNC_map_lookup_elem, P(arr), P(&key), 0, 0, 0);
	CHECK_EQ(call(&run, BPF_FUNC_spin_lock, P(lock), 0, 0, 0, 0), 0);
	CHECK(run.spin_lock == lock);
	CHECK_EQ(*lock, 1);
	EXPECT_FAULT(&run, call(&run, BPF_FUNC_spin_lock, P(lock), 0, 0, 0, 0), -BPFX_ERR_CALL);
	CHECK_EQ(call(&run, BPF_FUNC_spin_unlock, P(lock), 0, 0, 0, 0), 0);
	CHECK_EQ(*lock, 0);
	CHECK(run.spin_lock == NULL);
	EXPECT_FAULT(&run, call(&run, BPF_FUNC_spin_unlock, P(lock), 0, 0, 0, 0), -BPFX_ERR_CALL);
	EXPECT_FAULT(&run, call(&run, BPF_FUNC_spin_lock, P(&l.lock), 0, 0, 0, 0), -BPFX_ERR_FAULT);
	EXPECT_FAULT(&run, call(&run, BPF_FUNC_spin_lock, P(lock) + 2, 0, 0, 0, 0), -BPFX_ERR_FAULT);
}

/* ---------------------------------------------------------------------------------
 * kfuncs.
 */

static void test_obj_new(void)
{
	struct btf *btf = btf__new_empty();
	int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int small = btf__add_struct(btf, "small", 24);
	int huge;
	struct bpfx_run run;
	const struct bpfx_func *nw = kfunc("bpf_obj_new_impl"), *drop = kfunc("bpf_obj_drop_impl");
	uint8_t *p;

	btf__add_field(btf, "a", int_id, 0, 0);
	huge = btf__add_struct(btf, "huge", 4090);
	btf__add_field(btf, "a", int_id, 0, 0);
	obj.btf = btf;

	run_reset(&run, true);
	p = (uint8_t *)(uintptr_t)nw->fn((uint64_t)small, 0, 0, 0, 0, &run);
	CHECK(p != NULL);
	for (int i = 0; p && i < 24; i++)
		CHECK_EQ(p[i], 0);
	bpfx_mem_check(&run, P(p), 24, true);          /* no fault: checked mode knows it */
	EXPECT_FAULT(&run, bpfx_mem_check(&run, P(p), 25, true), -BPFX_ERR_FAULT);
	CHECK_EQ(drop->fn(P(p), 0, 0, 0, 0, &run), 0);
	EXPECT_FAULT(&run, bpfx_mem_check(&run, P(p), 1, false), -BPFX_ERR_FAULT);
	/* too big for bpf_mem_alloc (with its 8-byte header), unknown ids, no BTF */
	CHECK_EQ(nw->fn((uint64_t)huge, 0, 0, 0, 0, &run), 0);
	CHECK_EQ(nw->fn(0, 0, 0, 0, 0, &run), 0);
	CHECK_EQ(nw->fn(1000, 0, 0, 0, 0, &run), 0);
	CHECK_EQ(nw->fn(1ull << 32 | (uint64_t)small, 0, 0, 0, 0, &run), 0);
	obj.btf = NULL;
	CHECK_EQ(nw->fn((uint64_t)small, 0, 0, 0, 0, &run), 0);
	CHECK_EQ(drop->fn(0, 0, 0, 0, 0, &run), 0);
	btf__free(btf);
}

static void test_iter_num(void)
{
	const struct bpfx_func *nw = kfunc("bpf_iter_num_new"), *next = kfunc("bpf_iter_num_next"),
			       *destroy = kfunc("bpf_iter_num_destroy");
	struct bpfx_run run;
	int32_t *it, *v;
	int got[4], n = 0;

	run_reset(&run, true);
	it = (int32_t *)(bpfx_run_fp(&run, 0) - 8);
	CHECK_EQ(nw->fn(P(it), 5, 8, 0, 0, &run), 0);
	while ((v = (int32_t *)(uintptr_t)next->fn(P(it), 0, 0, 0, 0, &run)) && n < 4)
		got[n++] = *v;
	CHECK_EQ(n, 3);
	CHECK_EQ(got[0], 5);
	CHECK_EQ(got[2], 7);
	CHECK_EQ(next->fn(P(it), 0, 0, 0, 0, &run), 0);
	CHECK_EQ((long)nw->fn(P(it), 8, 5, 0, 0, &run), -EINVAL);
	CHECK_EQ(next->fn(P(it), 0, 0, 0, 0, &run), 0);
	CHECK_EQ((long)nw->fn(P(it), 0, (1 << 23) + 1, 0, 0, &run), -E2BIG);
	CHECK_EQ(nw->fn(P(it), (uint64_t)INT32_MIN, (uint64_t)(INT32_MIN + 2), 0, 0, &run), 0);
	v = (int32_t *)(uintptr_t)next->fn(P(it), 0, 0, 0, 0, &run);
	CHECK(v && *v == INT32_MIN);
	CHECK_EQ(destroy->fn(P(it), 0, 0, 0, 0, &run), 0);
	CHECK_EQ(next->fn(P(it), 0, 0, 0, 0, &run), 0);
	EXPECT_FAULT(&run, nw->fn(P(&n), 0, 1, 0, 0, &run), -BPFX_ERR_FAULT);
}

static void test_kfunc_misc(void)
{
	struct bpfx_run run;

	run_reset(&run, true);
	CHECK_EQ(kfunc("bpf_rcu_read_lock")->fn(0, 0, 0, 0, 0, &run), 0);
	CHECK_EQ(kfunc("bpf_rcu_read_unlock")->fn(0, 0, 0, 0, 0, &run), 0);
	CHECK_EQ(kfunc("bpf_preempt_disable")->fn(0, 0, 0, 0, 0, &run), 0);
	CHECK_EQ(kfunc("bpf_preempt_enable")->fn(0, 0, 0, 0, 0, &run), 0);
	/* bpf_throw outside any exception boundary, and tail_call called directly,
	 * stop the run */
	EXPECT_FAULT(&run, bpfx_kfunc_throw.fn(7, 0, 0, 0, 0, &run), -BPFX_ERR_CALL);
	EXPECT_FAULT(&run, call(&run, BPF_FUNC_tail_call, 0, 0, 0, 0, 0), -BPFX_ERR_CALL);
}

/* ---------------------------------------------------------------------------------
 * The rest of core.c.
 */

static uint64_t now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *rand_worker(void *p)
{
	struct bpfx_run run;
	uint32_t *out = p;

	run_reset(&run, false);
	for (int i = 0; i < 64; i++)
		out[i] = (uint32_t)call(&run, BPF_FUNC_get_prandom_u32, 0, 0, 0, 0, 0);
	return NULL;
}

static void test_core_misc(void)
{
	struct bpfx_run run;
	uint64_t t0, t1, t2;
	uint32_t a[64], b[64], or_all = 0, and_all = ~0u;
	pthread_t th[2];
	char comm[16];

	run_reset(&run, false);
	t0 = now(CLOCK_MONOTONIC);
	t1 = call(&run, BPF_FUNC_ktime_get_ns, 0, 0, 0, 0, 0);
	t2 = now(CLOCK_MONOTONIC);
	CHECK(t0 <= t1 && t1 <= t2);
	t1 = call(&run, BPF_FUNC_ktime_get_boot_ns, 0, 0, 0, 0, 0);
	CHECK(t1 >= t0);
	CHECK(call(&run, BPF_FUNC_ktime_get_coarse_ns, 0, 0, 0, 0, 0) <= now(CLOCK_MONOTONIC));
	CHECK(call(&run, BPF_FUNC_jiffies64, 0, 0, 0, 0, 0) >= 0xfffedb08ull);

	run.cpu = 3;
	CHECK_EQ(call(&run, BPF_FUNC_get_smp_processor_id, 0, 0, 0, 0, 0), 3);
	CHECK_EQ(call(&run, BPF_FUNC_get_numa_node_id, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(call(&run, BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0) >> 32, getpid());
	CHECK_EQ((uint32_t)call(&run, BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0),
		 syscall(SYS_gettid));
	CHECK_EQ(call(&run, BPF_FUNC_get_current_uid_gid, 0, 0, 0, 0, 0),
		 (uint64_t)getgid() << 32 | getuid());
	prctl(PR_SET_NAME, "helper-test", 0, 0, 0);
	memset(comm, 'x', sizeof(comm));
	CHECK_EQ(call(&run, BPF_FUNC_get_current_comm, P(comm), sizeof(comm), 0, 0, 0), 0);
	CHECK_STR(comm, "helper-test");
	CHECK_EQ(comm[15], 0);
	CHECK_EQ(call(&run, BPF_FUNC_get_current_comm, P(comm), 4, 0, 0, 0), 0);
	CHECK_STR(comm, "hel");

	/* random: every bit takes both values; two threads do not share a sequence */
	pthread_create(&th[0], NULL, rand_worker, a);
	pthread_create(&th[1], NULL, rand_worker, b);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	for (int i = 0; i < 64; i++) {
		or_all |= a[i];
		and_all &= a[i];
	}
	CHECK_EQ(or_all, 0xffffffffu);
	CHECK_EQ(and_all, 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	if (bpfx_func_table_init(&table)) {
		fprintf(stderr, "cannot build the function table\n");
		return 1;
	}
	test_table_builtins();
	test_table_host();
	test_printk_formats();
	test_printk_limits();
	test_vprintk_snprintf();
	test_csum_diff();
	test_csum_replace();
	test_skb_load_store();
	test_skb_resize();
	test_skb_gso();
	test_skb_hdrs_other_types();
	test_redirect();
	test_xdp_adjust();
	test_xdp_frags();
	test_loop();
	maps_setup();
	test_map_helpers();
	test_for_each();
	test_spin_lock();
	test_obj_new();
	test_iter_num();
	test_kfunc_misc();
	test_core_misc();
	bpfx_regions_free(&obj);
	bpfx_maps_destroy(&obj);
	free(obj.maps);
	bpfx_func_table_free(table);
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("test_helpers: all checks passed\n");
	return 0;
}
