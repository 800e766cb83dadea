// SPDX-License-Identifier: MIT
/* helpers_cookies: the helpers that name kernel objects by an opaque number:
 * bpf_get_socket_cookie (the test run's socket), bpf_get_netns_cookie (its network
 * namespace, or with NULL the initial one) and bpf_get_current_task.  Their values
 * differ from one host, boot or run to the next, so only their properties are
 * tested: non-zero, the same within a run, a task in the kernel half of the address
 * space.  bpfx used to refuse them as unknown functions.  Checked against the host
 * kernel (6.18) with `bpfx test --kernel`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>

/* The test run's socket has a cookie, the same each time it is asked for. */
SEC("tc") __success __retval(1)
int socket_cookie_tc(struct __sk_buff *skb)
{
	__u64 c = bpf_get_socket_cookie(skb);

	return c != 0 && c == bpf_get_socket_cookie(skb);
}

SEC("socket") __success __retval(1)
int socket_cookie_socket_filter(struct __sk_buff *skb)
{
	__u64 c = bpf_get_socket_cookie(skb);

	return c != 0 && c == bpf_get_socket_cookie(skb);
}

SEC("cgroup_skb/ingress") __success __retval(1)
int socket_cookie_cgroup_skb(struct __sk_buff *skb)
{
	return bpf_get_socket_cookie(skb) != 0;
}

/* The socket's namespace, and with NULL the initial namespace, have cookies. */
SEC("tc") __success __retval(1)
int netns_cookie_tc(struct __sk_buff *skb)
{
	__u64 c = bpf_get_netns_cookie(skb);

	return c != 0 && c == bpf_get_netns_cookie(skb) && bpf_get_netns_cookie(NULL) != 0;
}

static __noinline __u64 task_in_subprog(void)
{
	return bpf_get_current_task();
}

/* The same task all through a run, at an address in the kernel's half. */
SEC("tc") __success __retval(1)
int current_task_stable(struct __sk_buff *skb)
{
	__u64 t = bpf_get_current_task();

	return t == bpf_get_current_task() && t == task_in_subprog() && t >> 63;
}

SEC("syscall") __success __retval(1)
int current_task_syscall(void *ctx)
{
	return bpf_get_current_task() >> 63;
}

char _license[] SEC("license") = "Dual MIT/GPL";
