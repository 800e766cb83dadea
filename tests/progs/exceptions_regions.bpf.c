// SPDX-License-Identifier: MIT
/* exceptions_regions: throws near locks and IRQ-disabled regions, one program per bug
 * found by comparing bpfx with the host kernel (6.18) on such programs.  Expected
 * values and messages are the host kernel's (checked there with `bpfx test --kernel`).
 *  - rbtree_less_throw_lock_msg: bpf_rbtree_add() verifies its less() callback with
 *    the tree's lock held, so the kernel's message for a throw in it is the lock
 *    message, not "cannot be called from callback subprog".
 *  - irq_save_restore_kfuncs: bpf_local_irq_save/restore were not bpfx kfuncs, so
 *    programs using them did not load.
 *  - throw_in_irq_region: a throw between them (the kernel refuses it at load; bpfx,
 *    without a verifier, stops the run with the same message). */

/* The rbtree types of the 6.2+ UAPI header, defined here whatever the header has. */
#define bpf_rb_node bpfx_uapi_rb_node
#define bpf_rb_root bpfx_uapi_rb_root
#include <linux/bpf.h>
#undef bpf_rb_node
#undef bpf_rb_root
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpfx/bpf_exceptions.h>
#include <bpfx/bpf_test.h>

struct bpf_rb_node {
	__u64 :64;
	__u64 :64;
	__u64 :64;
	__u32 :32;
	__u32 :32;
} __attribute__((aligned(8)));

struct bpf_rb_root {
	__u64 :64;
	__u64 :64;
} __attribute__((aligned(8)));

extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			       bool (less)(struct bpf_rb_node *a, const struct bpf_rb_node *b),
			       void *meta, __u64 off) __ksym;
extern void bpf_local_irq_save(unsigned long *flags) __ksym;
extern void bpf_local_irq_restore(unsigned long *flags) __ksym;

struct item {
	__u64 key;
	struct bpf_rb_node node;
};

/* A lock and the tree it guards, in one global data section. */
#define guarded SEC(".bss.tree") __hidden __attribute__((aligned(8)))
guarded struct bpf_spin_lock tree_lock;
guarded struct bpf_rb_root tree __attribute__((btf_decl_tag("contains:item:node")));

static bool less_throws(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	bpf_throw(3);
	return true;
}

SEC("?tc")
__failure __msg("function calls are not allowed while holding a lock")
int rbtree_less_throw_lock_msg(struct __sk_buff *ctx)
{
	struct item *it;

	it = bpf_obj_new_impl(bpf_core_type_id_local(struct item), NULL);
	if (!it)
		return 0;
	bpf_spin_lock(&tree_lock);
	bpf_rbtree_add_impl(&tree, &it->node, less_throws, NULL, 0);
	bpf_spin_unlock(&tree_lock);
	return 1;
}

SEC("tc")
__success __retval(3)
int irq_save_restore_kfuncs(struct __sk_buff *ctx)
{
	unsigned long flags;

	bpf_local_irq_save(&flags);
	bpf_local_irq_restore(&flags);
	return 3;
}

static __noinline int throw_always(__u64 v)
{
	bpf_throw(v);
	return 0;
}

SEC("?tc")
__failure __msg("bpf_throw cannot be used inside bpf_local_irq_save-ed region")
int throw_in_irq_region(struct __sk_buff *ctx)
{
	unsigned long flags;

	bpf_local_irq_save(&flags);
	throw_always(5);
	bpf_local_irq_restore(&flags);
	return 0;
}

char _license[] SEC("license") = "GPL";
