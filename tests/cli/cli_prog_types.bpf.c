// SPDX-License-Identifier: MIT
/* cli_prog_types: one program per kind of section that bpfx loads but does not run,
 * and a raw_tp program reading its arguments.  Not a kernel comparison (some of these
 * cannot load on every host: fentry and lsm need trampolines, freplace a target
 * program, struct_ops its map): test_prog_types checks what bpfx makes of them and
 * check_cli.sh how `bpfx run` reports them. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROG(sec, name)						\
	SEC(sec) int name(void *ctx) { return 0; }

PROG("kprobe/do_nanosleep", kprobe_prog)
PROG("uprobe.multi/bin:func", uprobe_multi_prog)
PROG("usdt", usdt_prog)
PROG("kprobe.session/do_nanosleep", kprobe_session_prog)
PROG("tp_btf/sys_enter", tp_btf_prog)
PROG("fentry/do_nanosleep", fentry_prog)
PROG("fexit.s/do_nanosleep", fexit_sleepable_prog)
PROG("fmod_ret/do_nanosleep", fmod_ret_prog)
PROG("iter.s/task", iter_sleepable_prog)
PROG("lsm/file_open", lsm_prog)
PROG("lsm_cgroup/file_open", lsm_cgroup_prog)
PROG("freplace/some_global", freplace_prog)
PROG("struct_ops/some_op", struct_ops_prog)
PROG("flow_dissector", flow_dissector_prog)
PROG("sk_lookup", sk_lookup_prog)
PROG("netfilter", netfilter_prog)
PROG("lirc_mode2", lirc_prog)
PROG("cgroup/sendmsg_unix", cgroup_sendmsg_unix_prog)
PROG("xdp/devmap", xdp_devmap_prog)

SEC("raw_tp/sys_enter")
int raw_tp_sum(__u64 *ctx)
{
	return ctx[0] + ctx[1];
}

SEC("cgroup_skb/egress")
int cgroup_skb_len(struct __sk_buff *skb)
{
	return skb->len;
}

char _license[] SEC("license") = "GPL";
