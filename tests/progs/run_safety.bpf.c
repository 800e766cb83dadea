// SPDX-License-Identifier: MIT
/* run_safety: one program per bug of the run side, found by fuzzing it
 * (tools/fuzz_run.c) or by auditing the helpers.  The kernel's verifier rejects most
 * of them (the messages and return values below are the host kernel's, 6.18); bpfx,
 * which has no verifier yet, runs them in checked mode and must stop each one cleanly
 * or finish it: tests/fuzz/tests.cmake checks what `bpfx run` reports, and
 * tests/unit/test_run_safety.c runs the obj_* programs from threads.  Before the
 * fixes they crashed, hung or tripped ASan/UBSan. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpfx/bpf_test.h>

struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;
extern void bpf_local_irq_save(unsigned long *flags) __ksym;
extern void bpf_local_irq_restore(unsigned long *flags) __ksym;
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;

struct bpf_iter_bits {
	__u64 __opaque[2];
} __attribute__((aligned(8)));

extern int bpf_iter_bits_new(struct bpf_iter_bits *it, const __u64 *unsafe_ptr__ign,
			     __u32 nr_words) __ksym;
extern int *bpf_iter_bits_next(struct bpf_iter_bits *it) __ksym;
extern void bpf_iter_bits_destroy(struct bpf_iter_bits *it) __ksym;

struct locked {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} locks SEC(".maps");

/* Locks that spin_lock_word_stored leaves "taken" for good. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} stuck_locks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* A size-0 memory argument where the helper needs bytes (ARG_CONST_SIZE): the helper
 * went on to memset(NULL, 0, 0) for an offset past the packet. */
SEC("tc") __failure __msg("R3 type=scalar expected=")
int zero_size_mem_arg(struct __sk_buff *skb)
{
	return bpf_skb_load_bytes(skb, 100000, (void *)0, 0);
}

/* The program sets the lock word itself, then waits for a lock that nobody holds:
 * bpf_spin_lock spun forever, whatever the instruction budget. */
SEC("tc") __failure __msg("bpf_spin_lock cannot be accessed directly by load/store")
int spin_lock_word_stored(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct locked *l = bpf_map_lookup_elem(&stuck_locks, &key);

	if (!l)
		return 0;
	*(volatile __u32 *)&l->lock = 1;
	bpf_spin_lock(&l->lock);
	bpf_spin_unlock(&l->lock);
	return 1;
}

/* BPF_F_LOCK waits for the element's lock, which the program has set itself, so
 * nobody holds it: the update must not spin forever. */
SEC("tc") __failure __msg("bpf_spin_lock cannot be accessed directly by load/store")
int lock_flag_word_stored(struct __sk_buff *skb)
{
	struct locked v = { .count = 1 };
	__u32 key = 0;
	struct locked *l = bpf_map_lookup_elem(&stuck_locks, &key);

	if (!l)
		return 0;
	*(volatile __u32 *)&l->lock = 1;
	return bpf_map_update_elem(&stuck_locks, &key, &v, BPF_F_LOCK);
}

/* A value copied into a map never carries its lock word along (copy_map_value()
 * skips it): here the copy's word says "taken", and the lock must still be free.
 * bpfx copied it, so bpf_spin_lock then waited for a lock nobody held. */
SEC("tc") __success __retval(7)
int update_value_with_lock_word_set(struct __sk_buff *skb)
{
	struct locked v = { .count = 7 };
	__u32 key = 0;
	struct locked *l;
	__u64 count;

	*(volatile __u32 *)&v.lock = 1;
	bpf_map_update_elem(&locks, &key, &v, BPF_ANY);
	l = bpf_map_lookup_elem(&locks, &key);
	if (!l)
		return 0;
	bpf_spin_lock(&l->lock);
	count = l->count;
	bpf_spin_unlock(&l->lock);
	return count;
}

/* bpf_obj_drop() of the object whose lock is held frees the lock: releasing it when
 * the run stopped wrote to freed memory. */
SEC("tc") __failure __msg("function calls are not allowed while holding a lock")
int obj_drop_while_locked(struct __sk_buff *skb)
{
	struct locked *o = bpf_obj_new_impl(bpf_core_type_id_local(struct locked), NULL);

	if (!o)
		return 0;
	bpf_spin_lock(&o->lock);
	bpf_obj_drop_impl(o, NULL);
	return 1;
}

/* A sample pointer that is not a record's start, and not 8-byte aligned: committing
 * it made a misaligned atomic access to the "header" in front of it. */
SEC("tc") __failure __msg("R1 must have zero offset when passed to release func")
int ringbuf_submit_misaligned(struct __sk_buff *skb)
{
	char *rec = bpf_ringbuf_reserve(&events, 16, 0);

	if (!rec)
		return 0;
	bpf_ringbuf_submit(rec + 3, 0);
	return 1;
}

/* An iterator at an odd address: its int fields were read and written misaligned. */
SEC("tc") __failure __msg("cannot pass in iter at an offset=")
int iter_num_misaligned(struct __sk_buff *skb)
{
	__u64 slots[3] = {};
	struct bpf_iter_num *it = (void *)((char *)slots + 3);

	bpf_iter_num_new(it, 0, 2);
	bpf_iter_num_destroy(it);
	return slots[0];
}

/* The bits iterator keeps the address of its copy of the words (more than one) in
 * the program's stack slot, where the program may write: next() must not read where
 * the program points it (here 4096), nor destroy() free it. */
SEC("tc") __failure __msg("expected an initialized iter_bits as arg #0")
int iter_bits_forged_copy(struct __sk_buff *skb)
{
	__u64 w[2] = { 1, 2 };
	struct bpf_iter_bits it;
	int *bit;

	bpf_iter_bits_new(&it, w, 2);
	*(volatile __u64 *)&it.__opaque[0] = 4096;
	bit = bpf_iter_bits_next(&it);
	bpf_iter_bits_destroy(&it);
	return bit ? *bit : 0;
}

SEC("tc") __failure __msg("expected an initialized iter_bits as arg #0")
int iter_bits_forged_destroy(struct __sk_buff *skb)
{
	__u64 w[2] = { 1, 2 };
	struct bpf_iter_bits it;

	bpf_iter_bits_new(&it, w, 2);
	*(volatile __u64 *)&it.__opaque[0] = (__u64)(long)w;
	bpf_iter_bits_destroy(&it);
	return 1;
}

/* IRQ flags at an odd address: bpf_local_irq_save stored them with a misaligned
 * 8-byte store (UBSan).  Nothing else is wrong with that memory, so the run ends
 * normally. */
SEC("tc") __failure __msg("expected uninitialized irq flag as arg#0")
int irq_flags_misaligned(struct __sk_buff *skb)
{
	__u64 slots[3] = {};
	unsigned long *flags = (void *)((char *)slots + 3);

	bpf_local_irq_save(flags);
	bpf_local_irq_restore(flags);
	return 5;
}

/* bpf_strtol's result at an odd address: stored with a misaligned 8-byte store
 * (UBSan).  The run ends normally with the number read. */
SEC("tc") __failure __msg("misaligned stack access")
int strtol_res_misaligned(struct __sk_buff *skb)
{
	char digits[4] = "42";
	__u64 slots[3] = {};
	long *res = (void *)((char *)slots + 3);

	bpf_strtol(digits, sizeof(digits), 10, res);
	return *(volatile long *)res;
}

/* The socket helpers took any pointer equal to skb->sk as the run's socket, but the
 * program may write that field: bpf_tcp_sock() then read ->protocol at an address of
 * the program's choosing (here 4096: a crash). */
SEC("tc") __failure __msg("invalid bpf_context access")
int sock_arg_from_ctx_field(struct __sk_buff *skb)
{
	struct bpf_tcp_sock *tp;

	*(volatile __u64 *)&skb->sk = 4096;
	tp = bpf_tcp_sock(skb->sk);
	return tp ? 1 : 2;
}

/* A helper's own work counts against the instruction budget: 1000 checksums of a
 * MiB each are 16M instructions' worth (one per 64 bytes), not the 10000 or so
 * instructions the loop interprets.  Uncharged, a loop over such calls could outlast
 * any budget. */
char big[1 << 20];

SEC("tc") __success __retval(1)
int helper_work_charged(struct __sk_buff *skb)
{
	__u64 acc = 0;

	for (int i = 0; i < 1000; i++)
		acc += bpf_csum_diff((__be32 *)big, sizeof(big), 0, 0, i);
	return acc != 12345;
}

/* obj_drop_races_access (tests/unit/test_run_safety.c runs these from threads): one
 * program publishes a bpf_obj_new object's address in a map, one writes to it in a
 * loop, one drops it.  A write checked just before another thread's drop went to
 * freed host memory. */
struct shared_obj {
	__u64 words[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} shared SEC(".maps");

SEC("syscall") __failure __msg("BPF_EXIT instruction in main prog would lead to reference leak")
int obj_share(void *ctx)
{
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&shared, &key);
	struct shared_obj *o;

	if (!slot || *slot)
		return 0;
	o = bpf_obj_new_impl(bpf_core_type_id_local(struct shared_obj), NULL);
	if (!o)
		return 0;
	*slot = (__u64)(long)o;
	return 1;
}

SEC("syscall") __failure __msg("invalid mem access 'scalar'")
int obj_use_shared(void *ctx)
{
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&shared, &key);
	volatile __u64 *words;

	if (!slot || !*slot)
		return 0;
	words = (volatile __u64 *)(long)*slot;
	for (int i = 0; i < 1000; i++)
		words[i & 7] += 1;
	return 1;
}

SEC("syscall") __failure __msg("R1 must be referenced or trusted")
int obj_drop_shared(void *ctx)
{
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&shared, &key);
	__u64 p;

	if (!slot)
		return 0;
	p = __sync_lock_test_and_set(slot, 0);
	if (!p)
		return 0;
	bpf_obj_drop_impl((void *)(long)p, NULL);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
