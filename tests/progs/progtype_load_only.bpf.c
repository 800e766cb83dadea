// SPDX-License-Identifier: MIT
/* progtype_load_only: programs of types the kernel loads but cannot test-run did not
 * load in bpfx ("not a program type bpfx runs").  Now their sections are recognised
 * (libbpf's names), they load with bpfx's structural checks, and a run fails with
 * -EOPNOTSUPP as the kernel's does (ENOTSUPP; EFAULT for tp_btf and iter).  Each
 * loads in the host kernel (6.18.44).  __success without __retval: load only. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

#define LOAD_ONLY(sec, name)					\
	SEC(sec) __success int name(void *ctx) { return 0; }

LOAD_ONLY("kprobe/do_nanosleep", kprobe_prog)
LOAD_ONLY("kretprobe/do_nanosleep", kretprobe_prog)
LOAD_ONLY("uprobe", uprobe_prog)
LOAD_ONLY("ksyscall/getpid", ksyscall_prog)
LOAD_ONLY("tp/syscalls/sys_enter_getpid", tp_prog)
LOAD_ONLY("tracepoint/syscalls/sys_enter_getpid", tracepoint_prog)
LOAD_ONLY("perf_event", perf_event_prog)
LOAD_ONLY("raw_tp.w/sys_enter", raw_tp_writable_prog)
LOAD_ONLY("tp_btf/sys_enter", tp_btf_prog)
LOAD_ONLY("iter/task", iter_prog)
LOAD_ONLY("lwt_seg6local", lwt_seg6local_prog)
LOAD_ONLY("cgroup/sock_create", cgroup_sock_prog)
LOAD_ONLY("cgroup/connect4", cgroup_sock_addr_prog)
LOAD_ONLY("cgroup/getsockopt", cgroup_sockopt_prog)
LOAD_ONLY("cgroup/sysctl", cgroup_sysctl_prog)
LOAD_ONLY("cgroup/dev", cgroup_dev_prog)
LOAD_ONLY("sockops", sockops_prog)
LOAD_ONLY("sk_skb/stream_verdict", sk_skb_prog)
LOAD_ONLY("sk_msg", sk_msg_prog)
LOAD_ONLY("sk_reuseport", sk_reuseport_prog)

char _license[] SEC("license") = "GPL";
