/* SPDX-License-Identifier: MIT */
/*
 * test_prog_types.c - section names to program types (object/prog_types.c, libbpf's
 * section_defs), what the kernel loader gets from them, and what a run of each type
 * does: the types the kernel test-runs run, the others load and give -EOPNOTSUPP
 * with the reason.  Loads tests/cli/cli_prog_types.bpf.o (needs BPFX_BUILD).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object/object.h"
#include "check.h"

/* --- section names --------------------------------------------------------------- */

struct sec_case {
	const char *sec;
	enum bpfx_prog_type type;
};

static void test_sec_types(void)
{
	static const struct sec_case cases[] = {
		{ "socket", BPFX_PROG_SOCKET_FILTER }, { "tc", BPFX_PROG_SCHED_CLS },
		{ "tc/ingress", BPFX_PROG_SCHED_CLS }, { "tcx/egress", BPFX_PROG_SCHED_CLS },
		{ "tcx/anything", BPFX_PROG_SCHED_CLS }, { "classifier", BPFX_PROG_SCHED_CLS },
		{ "netkit/peer", BPFX_PROG_SCHED_CLS }, { "action", BPFX_PROG_SCHED_ACT },
		{ "xdp", BPFX_PROG_XDP }, { "xdp.frags", BPFX_PROG_XDP },
		{ "xdp/devmap", BPFX_PROG_XDP }, { "syscall", BPFX_PROG_SYSCALL },
		{ "mem", BPFX_PROG_MEM }, { "?tc", BPFX_PROG_SCHED_CLS },
		{ "cgroup_skb/ingress", BPFX_PROG_CGROUP_SKB },
		{ "cgroup_skb/egress", BPFX_PROG_CGROUP_SKB },
		{ "cgroup/skb", BPFX_PROG_CGROUP_SKB },
		{ "?cgroup_skb/ingress", BPFX_PROG_CGROUP_SKB },
		{ "raw_tp", BPFX_PROG_RAW_TRACEPOINT },
		{ "raw_tp/sys_enter", BPFX_PROG_RAW_TRACEPOINT },
		{ "raw_tracepoint/sys_enter", BPFX_PROG_RAW_TRACEPOINT },
		{ "raw_tp.w/x", BPFX_PROG_RAW_TRACEPOINT_WRITABLE },
		{ "lwt_in", BPFX_PROG_LWT_IN }, { "lwt_out", BPFX_PROG_LWT_OUT },
		{ "lwt_xmit", BPFX_PROG_LWT_XMIT }, { "lwt_seg6local", BPFX_PROG_LWT_SEG6LOCAL },
		{ "kprobe/do_nanosleep", BPFX_PROG_KPROBE }, { "kprobe", BPFX_PROG_KPROBE },
		{ "kretprobe/x", BPFX_PROG_KPROBE }, { "uprobe", BPFX_PROG_KPROBE },
		{ "uretprobe.s/bin:f", BPFX_PROG_KPROBE }, { "ksyscall/getpid", BPFX_PROG_KPROBE },
		{ "kretsyscall/getpid", BPFX_PROG_KPROBE }, { "usdt/a:b:c", BPFX_PROG_KPROBE },
		{ "kprobe.multi/do_*", BPFX_PROG_KPROBE }, { "uprobe.multi.s/b:f", BPFX_PROG_KPROBE },
		{ "kprobe.session/x", BPFX_PROG_KPROBE },
		{ "tp/syscalls/sys_enter_getpid", BPFX_PROG_TRACEPOINT },
		{ "tracepoint/a/b", BPFX_PROG_TRACEPOINT }, { "perf_event", BPFX_PROG_PERF_EVENT },
		{ "tp_btf/sys_enter", BPFX_PROG_TRACING }, { "fentry/f", BPFX_PROG_TRACING },
		{ "fexit.s/f", BPFX_PROG_TRACING }, { "fmod_ret/f", BPFX_PROG_TRACING },
		{ "iter/task", BPFX_PROG_TRACING }, { "freplace/f", BPFX_PROG_EXT },
		{ "lsm/file_open", BPFX_PROG_LSM }, { "lsm.s/file_open", BPFX_PROG_LSM },
		{ "lsm_cgroup/x", BPFX_PROG_LSM }, { "struct_ops/x", BPFX_PROG_STRUCT_OPS },
		{ "struct_ops.s/x", BPFX_PROG_STRUCT_OPS },
		{ "cgroup/sock_create", BPFX_PROG_CGROUP_SOCK },
		{ "cgroup/post_bind6", BPFX_PROG_CGROUP_SOCK },
		{ "cgroup/connect4", BPFX_PROG_CGROUP_SOCK_ADDR },
		{ "cgroup/getsockname_unix", BPFX_PROG_CGROUP_SOCK_ADDR },
		{ "cgroup/setsockopt", BPFX_PROG_CGROUP_SOCKOPT },
		{ "cgroup/sysctl", BPFX_PROG_CGROUP_SYSCTL }, { "cgroup/dev", BPFX_PROG_CGROUP_DEVICE },
		{ "sockops", BPFX_PROG_SOCK_OPS }, { "sk_skb", BPFX_PROG_SK_SKB },
		{ "sk_skb/stream_parser", BPFX_PROG_SK_SKB }, { "sk_msg", BPFX_PROG_SK_MSG },
		{ "sk_reuseport/migrate", BPFX_PROG_SK_REUSEPORT },
		{ "sk_lookup", BPFX_PROG_SK_LOOKUP }, { "netfilter", BPFX_PROG_NETFILTER },
		{ "flow_dissector", BPFX_PROG_FLOW_DISSECTOR },
		{ "lirc_mode2", BPFX_PROG_LIRC_MODE2 },
		/* not libbpf's names: a prefix must end at '/' or the name */
		{ "tcfoo", BPFX_PROG_UNSPEC }, { "kprobe_x", BPFX_PROG_UNSPEC },
		{ "tp_btfx/y", BPFX_PROG_UNSPEC }, { "xdp.fragsx", BPFX_PROG_UNSPEC },
		{ "cgroup_skb", BPFX_PROG_UNSPEC }, { "cgroup_skb/other", BPFX_PROG_UNSPEC },
		{ "cgroup/skbx", BPFX_PROG_UNSPEC }, { "syscall/x", BPFX_PROG_UNSPEC },
		{ "sk_lookup/x", BPFX_PROG_UNSPEC }, { ".text", BPFX_PROG_UNSPEC },
		{ "", BPFX_PROG_UNSPEC }, { "?", BPFX_PROG_UNSPEC },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum bpfx_prog_type t = bpfx_prog_type_from_sec(cases[i].sec);

		if (t != cases[i].type) {
			fprintf(stderr, "section '%s': type %s, expected %s\n", cases[i].sec,
				bpfx_prog_type_str(t), bpfx_prog_type_str(cases[i].type));
			failures++;
		}
	}
	CHECK(bpfx_sec_def_find(NULL) == NULL);
}

/* What the kernel loader gets: expected attach type, flags, target. */
static void test_sec_attach(void)
{
	const struct bpfx_sec_def *d;

	d = bpfx_sec_def_find("cgroup_skb/egress");
	CHECK(d && d->attach == BPF_CGROUP_INET_EGRESS && !d->flags);
	d = bpfx_sec_def_find("cgroup/skb");
	CHECK(d && d->attach == 0);
	d = bpfx_sec_def_find("fexit.s/do_nanosleep");
	CHECK(d && d->attach == BPF_TRACE_FEXIT && d->flags == BPF_F_SLEEPABLE &&
	      d->btf == BPFX_SEC_BTF_FUNC);
	if (d)
		CHECK(!strcmp(bpfx_sec_def_target(d, "fexit.s/do_nanosleep"), "do_nanosleep"));
	d = bpfx_sec_def_find("?tp_btf/sys_enter");
	CHECK(d && d->attach == BPF_TRACE_RAW_TP && d->btf == BPFX_SEC_BTF_TP);
	if (d)
		CHECK(!strcmp(bpfx_sec_def_target(d, "?tp_btf/sys_enter"), "sys_enter"));
	d = bpfx_sec_def_find("lsm/file_open");
	CHECK(d && d->btf == BPFX_SEC_BTF_LSM && d->attach == BPF_LSM_MAC);
	d = bpfx_sec_def_find("iter/task");
	CHECK(d && d->btf == BPFX_SEC_BTF_ITER);
	d = bpfx_sec_def_find("fentry");
	CHECK(d && !strcmp(bpfx_sec_def_target(d, "fentry"), ""));
	d = bpfx_sec_def_find("xdp.frags");
	CHECK(d && d->attach == BPF_XDP && d->flags == BPF_F_XDP_HAS_FRAGS);
	d = bpfx_sec_def_find("xdp/cpumap");
	CHECK(d && d->attach == BPF_XDP_CPUMAP);
	d = bpfx_sec_def_find("syscall");
	CHECK(d && d->flags == BPF_F_SLEEPABLE);
	d = bpfx_sec_def_find("tcx/whatever");
	CHECK(d && d->type == BPFX_PROG_SCHED_CLS);
	if (d)
		CHECK(!strcmp(bpfx_sec_def_target(d, "tcx/whatever"), "whatever"));
}

/* Every type has a name, a kernel type (but mem) and an input kind. */
static void test_type_table(void)
{
	for (int t = BPFX_PROG_SOCKET_FILTER; t <= BPFX_PROG_LIRC_MODE2; t++) {
		CHECK(strcmp(bpfx_prog_type_str(t), "unknown") != 0);
		if (t != BPFX_PROG_MEM)
			CHECK(bpfx_prog_type_kernel(t) != 0);
	}
	CHECK(!strcmp(bpfx_prog_type_str(BPFX_PROG_LIRC_MODE2 + 1), "unknown"));
	CHECK(!strcmp(bpfx_prog_type_str(BPFX_PROG_CGROUP_SKB), "cgroup_skb"));
	CHECK(!strcmp(bpfx_prog_type_str(BPFX_PROG_RAW_TRACEPOINT), "raw_tracepoint"));
	CHECK_EQ(bpfx_prog_type_kernel(BPFX_PROG_MEM), 0);
	CHECK_EQ(bpfx_prog_type_kernel(BPFX_PROG_CGROUP_SKB), BPF_PROG_TYPE_CGROUP_SKB);
	CHECK_EQ(bpfx_prog_type_input(BPFX_PROG_CGROUP_SKB), BPFX_INPUT_DATA);
	CHECK_EQ(bpfx_prog_type_input(BPFX_PROG_LWT_XMIT), BPFX_INPUT_DATA);
	CHECK_EQ(bpfx_prog_type_input(BPFX_PROG_RAW_TRACEPOINT), BPFX_INPUT_CTX);
	CHECK_EQ(bpfx_prog_type_input(BPFX_PROG_SYSCALL), BPFX_INPUT_CTX);
	CHECK_EQ(bpfx_prog_type_input(BPFX_PROG_KPROBE), BPFX_INPUT_NONE);
	CHECK_EQ(bpfx_prog_type_input(BPFX_PROG_UNSPEC), BPFX_INPUT_NONE);
	CHECK_EQ(bpfx_prog_type_input(-1), BPFX_INPUT_NONE);
	CHECK(bpfx_prog_type_kernel_packet(BPFX_PROG_FLOW_DISSECTOR));
	CHECK(!bpfx_prog_type_kernel_packet(BPFX_PROG_RAW_TRACEPOINT));
}

/* --- loading and running --------------------------------------------------------- */

static void *read_fixture(size_t *size)
{
	const char *dir = getenv("BPFX_BUILD");
	char path[4096];
	FILE *f;
	void *buf;
	long n;

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/tests/cli/cli_prog_types.bpf.o", dir);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = n > 0 ? malloc((size_t)n) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int run(struct bpfx_object *obj, const char *name, struct bpfx_result *res)
{
	struct bpfx_program *p = bpfx_object__find_program(obj, name);
	struct bpfx_run_opts o = { .sz = sizeof(o) };

	CHECK(p != NULL);
	if (!p)
		return -ENOENT;
	CHECK_EQ(bpfx_program__load_error(p), 0);
	return bpfx_program__run(p, &o, res);
}

/* name: must give -EOPNOTSUPP and a reason containing text. */
static void check_not_run(struct bpfx_object *obj, const char *name, const char *text)
{
	struct bpfx_result res;
	int err = run(obj, name, &res);

	CHECK_EQ(err, -EOPNOTSUPP);
	if (!strstr(res.fault, text)) {
		fprintf(stderr, "%s: fault '%s' does not say '%s'\n", name, res.fault, text);
		failures++;
	}
}

static void test_runs(struct bpfx_object *obj)
{
	static const char never[] =
		"cannot be test-run (the kernel's BPF_PROG_TEST_RUN does not support it)";
	static const char hooks[] = "runs it only through its own test hooks";
	static const char not_yet[] = "cannot be test-run by bpfx yet";
	uint64_t args[2] = { 40, 2 };
	struct bpfx_run_opts o = { .sz = sizeof(o), .ctx_in = args, .ctx_size_in = 16 };
	struct bpfx_result res;

	check_not_run(obj, "kprobe_prog", never);
	check_not_run(obj, "kprobe_prog", "program type kprobe ");
	check_not_run(obj, "uprobe_multi_prog", never);
	check_not_run(obj, "usdt_prog", never);
	check_not_run(obj, "kprobe_session_prog", never);
	check_not_run(obj, "tp_btf_prog", "program type tracing (tp_btf) cannot");
	check_not_run(obj, "fentry_prog", hooks);
	check_not_run(obj, "fexit_sleepable_prog", "tracing (fexit.s)");
	check_not_run(obj, "fmod_ret_prog", hooks);
	check_not_run(obj, "iter_sleepable_prog", never);
	check_not_run(obj, "lsm_prog", never);
	check_not_run(obj, "lsm_cgroup_prog", never);
	check_not_run(obj, "freplace_prog", "program type ext ");
	check_not_run(obj, "struct_ops_prog", hooks);
	check_not_run(obj, "flow_dissector_prog", not_yet);
	check_not_run(obj, "sk_lookup_prog", not_yet);
	check_not_run(obj, "netfilter_prog", not_yet);
	check_not_run(obj, "lirc_prog", never);
	check_not_run(obj, "cgroup_sendmsg_unix_prog", "program type cgroup_sock_addr ");
	CHECK_EQ(run(obj, "xdp_devmap_prog", &res), -EINVAL);
	CHECK(strstr(res.fault, "devmap") != NULL);
	CHECK_EQ(run(obj, "cgroup_skb_len", &res), 0);
	CHECK_EQ(res.retval, 50);
	/* raw_tp: the arguments from ctx_in; without them the read stops the run */
	CHECK_EQ(bpfx_program__run(bpfx_object__find_program(obj, "raw_tp_sum"), &o, &res), 0);
	CHECK_EQ(res.retval, 42);
	CHECK_EQ(run(obj, "raw_tp_sum", &res), -BPFX_ERR_FAULT);
}

static void test_fixture(void)
{
	size_t size = 0;
	void *buf = read_fixture(&size);
	struct bpfx_object *obj;

	CHECK(buf != NULL);
	if (!buf)
		return;
	obj = bpfx_object__open_mem(buf, size, NULL);
	CHECK(obj != NULL);
	if (obj) {
		CHECK_EQ(bpfx_object__load(obj), 0);
		test_runs(obj);
		bpfx_object__close(obj);
	}
	free(buf);
}

int main(void)
{
	test_sec_types();
	test_sec_attach();
	test_type_table();
	test_fixture();
	if (failures) {
		fprintf(stderr, "test_prog_types: %d failures\n", failures);
		return 1;
	}
	printf("test_prog_types: ok\n");
	return 0;
}
