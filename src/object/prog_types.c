// SPDX-License-Identifier: MIT
/*
 * prog_types.c - program types: what a section name means (libbpf's section_defs, one
 * row per name libbpf knows, plus bpfx's own "mem"), and what each type's test run
 * takes.  The object loader and the kernel loader (src/kernel/load.c) both read these
 * tables, so a section means the same program to bpfx and to the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "object/object.h"

/* Kernel constants newer than the uapi headers of Debian 12 (Linux 6.1). */
#define K_PROG_TYPE_NETFILTER 32
#define K_ATTACH_NETFILTER 45
#define K_ATTACH_TCX_INGRESS 46
#define K_ATTACH_TCX_EGRESS 47
#define K_ATTACH_UPROBE_MULTI 48
#define K_ATTACH_UNIX_CONNECT 49
#define K_ATTACH_UNIX_SENDMSG 50
#define K_ATTACH_UNIX_RECVMSG 51
#define K_ATTACH_UNIX_GETPEERNAME 52
#define K_ATTACH_UNIX_GETSOCKNAME 53
#define K_ATTACH_NETKIT_PRIMARY 54
#define K_ATTACH_NETKIT_PEER 55
#define K_ATTACH_KPROBE_SESSION 56
#define K_ATTACH_UPROBE_SESSION 57

/* --- program types ----------------------------------------------------------- */

/* What BPF_PROG_TEST_RUN does with a type, as the host kernel (6.18) showed. */
enum run_kind {
	RUN_OK,        /* bpfx runs it as the kernel does */
	RUN_NEVER,     /* the kernel refuses: ENOTSUPP (no test_run), EFAULT (tp_btf, iter) */
	RUN_HOOKS,     /* the kernel "runs" it only through its own test hooks */
	RUN_NOT_YET,   /* the kernel can; bpfx cannot yet */
};

struct type_info {
	const char *name;          /* libbpf's name for the type */
	uint32_t kernel_type;      /* enum bpf_prog_type; 0: none */
	uint8_t input;             /* enum bpfx_run_input, in bpfx */
	uint8_t run;               /* enum run_kind */
	bool packet;               /* the kernel's test run takes data_in */
	bool generic_kfuncs;       /* may call the kernel's generic kfunc set (bpf_throw,
				    * bpf_obj_new, ...), as the host kernel (6.18) allows */
};

#define T(bpfx, nm, ktype, in, r, pkt, gen) \
	[BPFX_PROG_##bpfx] = { nm, ktype, BPFX_INPUT_##in, RUN_##r, pkt, gen }

static const struct type_info types[] = {
	T(UNSPEC, "unspec", 0, NONE, NEVER, false, false),
	T(SOCKET_FILTER, "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER, DATA, OK, true, false),
	T(SCHED_CLS, "sched_cls", BPF_PROG_TYPE_SCHED_CLS, DATA, OK, true, true),
	T(SCHED_ACT, "sched_act", BPF_PROG_TYPE_SCHED_ACT, DATA, OK, true, false),
	T(XDP, "xdp", BPF_PROG_TYPE_XDP, DATA, OK, true, true),
	T(SYSCALL, "syscall", BPF_PROG_TYPE_SYSCALL, CTX, OK, false, true),
	T(MEM, "mem", 0, DATA, OK, false, true),
	T(CGROUP_SKB, "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, DATA, OK, true, true),
	T(RAW_TRACEPOINT, "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, CTX, OK, false, false),
	T(LWT_IN, "lwt_in", BPF_PROG_TYPE_LWT_IN, DATA, OK, true, false),
	T(LWT_OUT, "lwt_out", BPF_PROG_TYPE_LWT_OUT, DATA, OK, true, false),
	T(LWT_XMIT, "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, DATA, OK, true, false),
	T(LWT_SEG6LOCAL, "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, NONE, NEVER, false, false),
	T(FLOW_DISSECTOR, "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, NONE, NOT_YET, true, false),
	T(SK_LOOKUP, "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, NONE, NOT_YET, false, false),
	T(NETFILTER, "netfilter", K_PROG_TYPE_NETFILTER, NONE, NOT_YET, true, false),
	T(KPROBE, "kprobe", BPF_PROG_TYPE_KPROBE, NONE, NEVER, false, false),
	T(TRACEPOINT, "tracepoint", BPF_PROG_TYPE_TRACEPOINT, NONE, NEVER, false, true),
	T(PERF_EVENT, "perf_event", BPF_PROG_TYPE_PERF_EVENT, NONE, NEVER, false, true),
	T(RAW_TRACEPOINT_WRITABLE, "raw_tracepoint_writable",
	  BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, NONE, NEVER, false, false),
	T(TRACING, "tracing", BPF_PROG_TYPE_TRACING, NONE, NEVER, false, true),
	T(LSM, "lsm", BPF_PROG_TYPE_LSM, NONE, NEVER, false, true),
	T(EXT, "ext", BPF_PROG_TYPE_EXT, NONE, NEVER, false, true),
	T(STRUCT_OPS, "struct_ops", BPF_PROG_TYPE_STRUCT_OPS, NONE, HOOKS, false, true),
	T(CGROUP_SOCK, "cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK, NONE, NEVER, false, true),
	T(CGROUP_SOCK_ADDR, "cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, NONE, NEVER,
	  false, true),
	T(CGROUP_SOCKOPT, "cgroup_sockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, NONE, NEVER, false, true),
	T(CGROUP_SYSCTL, "cgroup_sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, NONE, NEVER, false, true),
	T(CGROUP_DEVICE, "cgroup_device", BPF_PROG_TYPE_CGROUP_DEVICE, NONE, NEVER, false, true),
	T(SOCK_OPS, "sock_ops", BPF_PROG_TYPE_SOCK_OPS, NONE, NEVER, false, true),
	T(SK_SKB, "sk_skb", BPF_PROG_TYPE_SK_SKB, NONE, NEVER, false, false),
	T(SK_MSG, "sk_msg", BPF_PROG_TYPE_SK_MSG, NONE, NEVER, false, false),
	T(SK_REUSEPORT, "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, NONE, NEVER, false, false),
	T(LIRC_MODE2, "lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, NONE, NEVER, false, false),
};

#undef T

static const struct type_info *type_info(enum bpfx_prog_type type)
{
	if ((unsigned int)type >= sizeof(types) / sizeof(types[0]) || !types[type].name)
		return NULL;
	return &types[type];
}

const char *bpfx_prog_type_str(enum bpfx_prog_type type)
{
	const struct type_info *t = type_info(type);

	return t ? t->name : "unknown";
}

bool bpfx_prog_type_generic_kfuncs(enum bpfx_prog_type type)
{
	const struct type_info *t = type_info(type);

	return t && t->generic_kfuncs;
}

enum bpfx_run_input bpfx_prog_type_input(enum bpfx_prog_type type)
{
	const struct type_info *t = type_info(type);

	return t ? (enum bpfx_run_input)t->input : BPFX_INPUT_NONE;
}

uint32_t bpfx_prog_type_kernel(enum bpfx_prog_type type)
{
	const struct type_info *t = type_info(type);

	return t ? t->kernel_type : 0;
}

bool bpfx_prog_type_kernel_packet(enum bpfx_prog_type type)
{
	const struct type_info *t = type_info(type);

	return t && t->packet;
}

/* fentry, fexit and fmod_ret: the kernel's test run calls bpf_fentry_test1() and
 * friends, which run the program only when it is attached to them. */
static bool is_trampoline(const struct bpfx_sec_def *d)
{
	return d && (d->attach == BPF_TRACE_FENTRY || d->attach == BPF_TRACE_FEXIT ||
		     d->attach == BPF_MODIFY_RETURN);
}

/* "tracing (fentry.s)": tracing programs of different sections differ in kind. */
static void type_name(const struct bpfx_program *prog, char *buf, size_t size)
{
	const char *name = bpfx_prog_type_str(prog->type);
	const struct bpfx_sec_def *d = prog->sec_def;

	if (d && prog->type == BPFX_PROG_TRACING)
		snprintf(buf, size, "%s (%.*s)", name, (int)strcspn(d->sec, "+/"), d->sec);
	else
		snprintf(buf, size, "%s", name);
}

int bpfx_prog_run_support(const struct bpfx_program *prog, char *why, size_t size)
{
	const struct type_info *t = type_info(prog->type);
	int run = t ? t->run : RUN_NEVER;
	char name[64];

	if (prog->type == BPFX_PROG_TRACING && is_trampoline(prog->sec_def))
		run = RUN_HOOKS;
	if (prog->type == BPFX_PROG_XDP && prog->sec_def &&
	    (prog->sec_def->attach == BPF_XDP_DEVMAP || prog->sec_def->attach == BPF_XDP_CPUMAP)) {
		snprintf(why, size, "xdp programs for a %s (section '%s') cannot be test-run",
			 prog->sec_def->attach == BPF_XDP_DEVMAP ? "devmap" : "cpumap",
			 prog->sec_name);
		return -EINVAL;
	}
	if (run == RUN_OK)
		return 0;
	type_name(prog, name, sizeof(name));
	switch (run) {
	case RUN_HOOKS:
		snprintf(why, size, "program type %s cannot be test-run (the kernel's "
			 "BPF_PROG_TEST_RUN runs it only through its own test hooks)", name);
		break;
	case RUN_NOT_YET:
		snprintf(why, size, "program type %s cannot be test-run by bpfx yet (the "
			 "kernel's BPF_PROG_TEST_RUN can run it)", name);
		break;
	default:
		snprintf(why, size, "program type %s cannot be test-run (the kernel's "
			 "BPF_PROG_TEST_RUN does not support it)", name);
	}
	return -EOPNOTSUPP;
}

/* --- section names ------------------------------------------------------------- */

#define S BPF_F_SLEEPABLE
#define FRAGS BPF_F_XDP_HAS_FRAGS
#define D(sec, bpfx, attach, flags, btf) \
	{ sec, BPFX_PROG_##bpfx, attach, flags, BPFX_SEC_BTF_##btf }

/* libbpf's section_defs in its order (first match wins), with three kinds of name:
 * "x" matches exactly x, "x+" matches x and x/..., "x/" matches x/....  Where bpfx
 * accepted more before (tc/..., classifier/..., xdp/..., socket/..., tcx/...) it
 * still does. */
static const struct bpfx_sec_def sec_defs[] = {
	D("socket+", SOCKET_FILTER, 0, 0, NONE),
	D("sk_reuseport/migrate", SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, NONE),
	D("sk_reuseport", SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0, NONE),
	D("kprobe+", KPROBE, 0, 0, NONE),
	D("uprobe+", KPROBE, 0, 0, NONE),
	D("uprobe.s+", KPROBE, 0, S, NONE),
	D("kretprobe+", KPROBE, 0, 0, NONE),
	D("uretprobe+", KPROBE, 0, 0, NONE),
	D("uretprobe.s+", KPROBE, 0, S, NONE),
	D("kprobe.multi+", KPROBE, BPF_TRACE_KPROBE_MULTI, 0, NONE),
	D("kretprobe.multi+", KPROBE, BPF_TRACE_KPROBE_MULTI, 0, NONE),
	D("kprobe.session+", KPROBE, K_ATTACH_KPROBE_SESSION, 0, NONE),
	D("uprobe.multi+", KPROBE, K_ATTACH_UPROBE_MULTI, 0, NONE),
	D("uretprobe.multi+", KPROBE, K_ATTACH_UPROBE_MULTI, 0, NONE),
	D("uprobe.session+", KPROBE, K_ATTACH_UPROBE_SESSION, 0, NONE),
	D("uprobe.multi.s+", KPROBE, K_ATTACH_UPROBE_MULTI, S, NONE),
	D("uretprobe.multi.s+", KPROBE, K_ATTACH_UPROBE_MULTI, S, NONE),
	D("uprobe.session.s+", KPROBE, K_ATTACH_UPROBE_SESSION, S, NONE),
	D("ksyscall+", KPROBE, 0, 0, NONE),
	D("kretsyscall+", KPROBE, 0, 0, NONE),
	D("usdt+", KPROBE, 0, 0, NONE),
	D("usdt.s+", KPROBE, 0, S, NONE),
	D("tc/ingress", SCHED_CLS, K_ATTACH_TCX_INGRESS, 0, NONE),
	D("tc/egress", SCHED_CLS, K_ATTACH_TCX_EGRESS, 0, NONE),
	D("tcx/ingress", SCHED_CLS, K_ATTACH_TCX_INGRESS, 0, NONE),
	D("tcx/egress", SCHED_CLS, K_ATTACH_TCX_EGRESS, 0, NONE),
	D("tc+", SCHED_CLS, 0, 0, NONE),
	D("tcx/", SCHED_CLS, 0, 0, NONE),
	D("classifier+", SCHED_CLS, 0, 0, NONE),
	D("action", SCHED_ACT, 0, 0, NONE),
	D("netkit/primary", SCHED_CLS, K_ATTACH_NETKIT_PRIMARY, 0, NONE),
	D("netkit/peer", SCHED_CLS, K_ATTACH_NETKIT_PEER, 0, NONE),
	D("tracepoint+", TRACEPOINT, 0, 0, NONE),
	D("tp+", TRACEPOINT, 0, 0, NONE),
	D("raw_tracepoint+", RAW_TRACEPOINT, 0, 0, NONE),
	D("raw_tp+", RAW_TRACEPOINT, 0, 0, NONE),
	D("raw_tracepoint.w+", RAW_TRACEPOINT_WRITABLE, 0, 0, NONE),
	D("raw_tp.w+", RAW_TRACEPOINT_WRITABLE, 0, 0, NONE),
	D("tp_btf+", TRACING, BPF_TRACE_RAW_TP, 0, TP),
	D("fentry+", TRACING, BPF_TRACE_FENTRY, 0, FUNC),
	D("fmod_ret+", TRACING, BPF_MODIFY_RETURN, 0, FUNC),
	D("fexit+", TRACING, BPF_TRACE_FEXIT, 0, FUNC),
	D("fentry.s+", TRACING, BPF_TRACE_FENTRY, S, FUNC),
	D("fmod_ret.s+", TRACING, BPF_MODIFY_RETURN, S, FUNC),
	D("fexit.s+", TRACING, BPF_TRACE_FEXIT, S, FUNC),
	D("freplace+", EXT, 0, 0, PROG),
	D("lsm+", LSM, BPF_LSM_MAC, 0, LSM),
	D("lsm.s+", LSM, BPF_LSM_MAC, S, LSM),
	D("lsm_cgroup+", LSM, BPF_LSM_CGROUP, 0, LSM),
	D("iter+", TRACING, BPF_TRACE_ITER, 0, ITER),
	D("iter.s+", TRACING, BPF_TRACE_ITER, S, ITER),
	D("syscall", SYSCALL, 0, S, NONE),
	D("xdp.frags/devmap", XDP, BPF_XDP_DEVMAP, FRAGS, NONE),
	D("xdp/devmap", XDP, BPF_XDP_DEVMAP, 0, NONE),
	D("xdp.frags/cpumap", XDP, BPF_XDP_CPUMAP, FRAGS, NONE),
	D("xdp/cpumap", XDP, BPF_XDP_CPUMAP, 0, NONE),
	D("xdp.frags", XDP, BPF_XDP, FRAGS, NONE),
	D("xdp+", XDP, BPF_XDP, 0, NONE),
	D("perf_event", PERF_EVENT, 0, 0, NONE),
	D("lwt_in", LWT_IN, 0, 0, NONE),
	D("lwt_out", LWT_OUT, 0, 0, NONE),
	D("lwt_xmit", LWT_XMIT, 0, 0, NONE),
	D("lwt_seg6local", LWT_SEG6LOCAL, 0, 0, NONE),
	D("sockops", SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0, NONE),
	D("sk_skb/stream_parser", SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, NONE),
	D("sk_skb/stream_verdict", SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, NONE),
	D("sk_skb", SK_SKB, 0, 0, NONE),
	D("sk_msg", SK_MSG, BPF_SK_MSG_VERDICT, 0, NONE),
	D("lirc_mode2", LIRC_MODE2, BPF_LIRC_MODE2, 0, NONE),
	D("flow_dissector", FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0, NONE),
	D("cgroup_skb/ingress", CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, NONE),
	D("cgroup_skb/egress", CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, NONE),
	D("cgroup/skb", CGROUP_SKB, 0, 0, NONE),
	D("cgroup/sock_create", CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NONE),
	D("cgroup/sock_release", CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0, NONE),
	D("cgroup/sock", CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NONE),
	D("cgroup/post_bind4", CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0, NONE),
	D("cgroup/post_bind6", CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0, NONE),
	D("cgroup/bind4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0, NONE),
	D("cgroup/bind6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0, NONE),
	D("cgroup/connect4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, NONE),
	D("cgroup/connect6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0, NONE),
	D("cgroup/connect_unix", CGROUP_SOCK_ADDR, K_ATTACH_UNIX_CONNECT, 0, NONE),
	D("cgroup/sendmsg4", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0, NONE),
	D("cgroup/sendmsg6", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0, NONE),
	D("cgroup/sendmsg_unix", CGROUP_SOCK_ADDR, K_ATTACH_UNIX_SENDMSG, 0, NONE),
	D("cgroup/recvmsg4", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0, NONE),
	D("cgroup/recvmsg6", CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0, NONE),
	D("cgroup/recvmsg_unix", CGROUP_SOCK_ADDR, K_ATTACH_UNIX_RECVMSG, 0, NONE),
	D("cgroup/getpeername4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0, NONE),
	D("cgroup/getpeername6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0, NONE),
	D("cgroup/getpeername_unix", CGROUP_SOCK_ADDR, K_ATTACH_UNIX_GETPEERNAME, 0, NONE),
	D("cgroup/getsockname4", CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0, NONE),
	D("cgroup/getsockname6", CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0, NONE),
	D("cgroup/getsockname_unix", CGROUP_SOCK_ADDR, K_ATTACH_UNIX_GETSOCKNAME, 0, NONE),
	D("cgroup/sysctl", CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, NONE),
	D("cgroup/getsockopt", CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0, NONE),
	D("cgroup/setsockopt", CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0, NONE),
	D("cgroup/dev", CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, NONE),
	D("struct_ops+", STRUCT_OPS, 0, 0, STRUCT_OPS),
	D("struct_ops.s+", STRUCT_OPS, 0, S, STRUCT_OPS),
	D("sk_lookup", SK_LOOKUP, BPF_SK_LOOKUP, 0, NONE),
	D("netfilter", NETFILTER, K_ATTACH_NETFILTER, 0, NONE),
	D("mem+", MEM, 0, 0, NONE),
};

#undef D
#undef S
#undef FRAGS

/* libbpf's sec_def_matches(). */
static bool sec_matches(const char *pat, const char *sec)
{
	size_t n = strlen(pat);

	if (pat[n - 1] == '/')
		return strncmp(sec, pat, n) == 0;
	if (pat[n - 1] == '+') {
		n--;
		return strncmp(sec, pat, n) == 0 && (sec[n] == '\0' || sec[n] == '/');
	}
	return strcmp(sec, pat) == 0;
}

const struct bpfx_sec_def *bpfx_sec_def_find(const char *sec_name)
{
	if (!sec_name)
		return NULL;
	if (sec_name[0] == '?')     /* libbpf: not auto-loaded, same type */
		sec_name++;
	for (size_t i = 0; i < sizeof(sec_defs) / sizeof(sec_defs[0]); i++)
		if (sec_matches(sec_defs[i].sec, sec_name))
			return &sec_defs[i];
	return NULL;
}

/* "fentry.s/do_nanosleep" -> "do_nanosleep"; "" when the name has no '/' part. */
const char *bpfx_sec_def_target(const struct bpfx_sec_def *def, const char *sec_name)
{
	size_t n = strlen(def->sec);
	char last = def->sec[n - 1];

	if (sec_name[0] == '?')
		sec_name++;
	if (last == '+')
		n--;
	else if (last == '/')
		return sec_name + n;
	return sec_name[n] == '/' ? sec_name + n + 1 : "";
}

enum bpfx_prog_type bpfx_prog_type_from_sec(const char *sec_name)
{
	const struct bpfx_sec_def *def = bpfx_sec_def_find(sec_name);

	return def ? def->type : BPFX_PROG_UNSPEC;
}
