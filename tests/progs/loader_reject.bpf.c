// SPDX-License-Identifier: MIT
/* loader_reject: programs the object loader itself refuses, one by one, with
 * libbpf's messages where libbpf has one (libbpf refuses the whole object instead).
 * The other programs of the object still load: loader_ok runs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpfx/bpf_test.h>
#include <bpfx/bpf_exceptions.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int bpfx_weak_kfunc(void) __ksym __weak;

static __noinline int static_cb(__u64 cookie)
{
	return cookie + 1;
}

__attribute__((visibility("hidden"))) __noinline int hidden_cb(__u64 cookie)
{
	return cookie + 2;
}

__noinline int cb_one(__u64 cookie)
{
	return 1;
}

__noinline int cb_two(__u64 cookie)
{
	return 2;
}

SEC("tc") __success __retval(5)
int loader_ok(struct __sk_buff *ctx)
{
	return 5;
}

SEC("tc") __exception_cb(no_such_cb)
__failure __msg("exception callback 'no_such_cb' could not be found in BTF")
int missing_cb(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

SEC("tc") __exception_cb(static_cb)
__failure __msg("exception callback 'static_cb' must have global linkage")
int static_cb_prog(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return static_cb(ctx->len);
}

SEC("tc") __exception_cb(hidden_cb)
__failure __msg("exception callback 'hidden_cb' must have global linkage")
int hidden_cb_prog(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return hidden_cb(ctx->len);
}

/* Two callbacks: the loader appends neither; the verifier refuses the program. */
SEC("tc") __exception_cb(cb_one) __exception_cb(cb_two)
__failure __msg("multiple exception callback tags for main subprog")
int two_cbs(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

SEC("tc") __failure __msg("extern variable 'LINUX_KERNEL_VERSION' is not supported yet")
int kconfig_var(struct __sk_buff *ctx)
{
	return LINUX_KERNEL_VERSION != 0 ? 1 : bpfx_weak_kfunc();
}

SEC("tc") __failure __msg("address of extern function 'bpfx_weak_kfunc' is not supported yet")
int ksym_exists(struct __sk_buff *ctx)
{
	return bpfx_weak_kfunc ? 1 : 0;   /* libbpf's bpf_ksym_exists() */
}

char _license[] SEC("license") = "Dual MIT/GPL";
