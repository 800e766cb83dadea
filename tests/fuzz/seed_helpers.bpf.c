// SPDX-License-Identifier: MIT
/* seed_helpers: a seed for tools/fuzz_run.c, not a test.  Between them its programs
 * call every helper and kfunc bpfx has, with their memory arguments in each kind of
 * memory (stack, context, packet, map values, ring buffer records, bpf_obj_new
 * objects), so that mutants reach every helper with wrong pointers and sizes. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpfx/bpf_exceptions.h>

struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern void bpf_preempt_disable(void) __ksym;
extern void bpf_preempt_enable(void) __ksym;
extern void bpf_local_irq_save(unsigned long *flags) __ksym;
extern void bpf_local_irq_restore(unsigned long *flags) __ksym;

struct bpf_iter_bits {
	__u64 __opaque[2];
} __attribute__((aligned(8)));

extern int bpf_iter_bits_new(struct bpf_iter_bits *it, const __u64 *unsafe_ptr__ign,
			     __u32 nr_words) __ksym;
extern int *bpf_iter_bits_next(struct bpf_iter_bits *it) __ksym;
extern void bpf_iter_bits_destroy(struct bpf_iter_bits *it) __ksym;

struct val {
	struct bpf_spin_lock lock;
	__u32 n;
	__u64 sum;
	char buf[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct val);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u64);
	__type(value, struct val);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

int tail_target(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [1] = (void *)&tail_target },
};

struct elem {
	__u64 a, b;
};

__u64 counter;
const volatile char greeting[16] = "hello";

static int loop_cb(__u32 i, void *ctx)
{
	__u64 *acc = ctx;

	*acc += i;
	return *acc > 100;
}

static long each_cb(void *map, __u64 *key, struct val *v, void *ctx)
{
	v->sum += *key;
	return 0;
}

SEC("tc")
int tail_target(struct __sk_buff *skb)
{
	return skb->len + 1;
}

SEC("tc")
int seed_skb(struct __sk_buff *skb)
{
	char buf[32] = {};
	__u32 key = 0;
	struct val *v;
	__s64 csum;

	bpf_skb_load_bytes(skb, 0, buf, sizeof(buf));
	bpf_skb_store_bytes(skb, 2, buf, 8, 0);
	bpf_skb_load_bytes_relative(skb, 0, buf, 4, BPF_HDR_START_NET);
	csum = bpf_csum_diff((__be32 *)buf, 8, (__be32 *)(buf + 8), 8, 0);
	bpf_l3_csum_replace(skb, 24, 0, csum, 0);
	bpf_l4_csum_replace(skb, 40, 1, 2, BPF_F_MARK_MANGLED_0 | 2);
	bpf_skb_pull_data(skb, 14);
	bpf_skb_change_tail(skb, skb->len + 8, 0);
	bpf_skb_change_head(skb, 16, 0);
	v = bpf_map_lookup_elem(&arr, &key);
	if (v)
		bpf_skb_load_bytes(skb, 0, v->buf, sizeof(v->buf));
	bpf_printk("len %u %s %pI4", skb->len, greeting, buf);
	if (skb->sk) {
		struct bpf_sock *sk = bpf_sk_fullsock(skb->sk);

		if (sk && bpf_tcp_sock(sk))
			csum += 1;
		if (sk && bpf_get_listener_sock(sk))
			csum += 2;
	}
	bpf_set_hash(skb, csum);
	bpf_csum_level(skb, BPF_CSUM_LEVEL_INC);
	bpf_skb_change_type(skb, 1);
	csum += bpf_get_socket_uid(skb) + bpf_get_cgroup_classid(skb) +
		bpf_get_route_realm(skb) + bpf_csum_update(skb, 7);
	bpf_set_hash_invalid(skb);
	csum += bpf_get_socket_cookie(skb) + bpf_get_netns_cookie(skb) +
		bpf_get_netns_cookie(NULL) + bpf_get_current_task();
	bpf_tail_call(skb, &jmp, skb->mark & 1);
	if (skb->data + 20 <= skb->data_end)
		return *(__u8 *)(long)(skb->data + 19) + bpf_redirect(1, 0);
	return TC_ACT_OK;
}

/* The header helpers: VLAN tags in and out of the packet (which makes it IPv4),
 * then room, protocol, ECN, timestamps, MTU and a clone. */
SEC("tc")
int seed_skb_hdrs(struct __sk_buff *skb)
{
	__be16 ip = bpf_htons(0x0800);
	__u32 mtu = 0;
	__u8 tos = 2;

	bpf_skb_vlan_push(skb, bpf_htons(0x8100), 1);
	bpf_skb_vlan_push(skb, bpf_htons(0x88a8), 2);
	bpf_skb_store_bytes(skb, 16, &ip, 2, 0);
	bpf_skb_vlan_pop(skb);
	bpf_skb_vlan_pop(skb);
	bpf_skb_store_bytes(skb, 15, &tos, 1, 0);
	bpf_skb_ecn_set_ce(skb);
	bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
			    BPF_F_ADJ_ROOM_ENCAP_L4_UDP);
	bpf_skb_adjust_room(skb, -8, BPF_ADJ_ROOM_NET, 0);
	bpf_skb_change_proto(skb, bpf_htons(0x86dd), 0);
	bpf_skb_change_proto(skb, bpf_htons(0x0800), 0);
	bpf_skb_set_tstamp(skb, 7, 1);
	bpf_check_mtu(skb, 0, &mtu, skb->mark, 0);
	bpf_skb_change_tail(skb, 40, 0);
	return mtu + bpf_clone_redirect(skb, 1, skb->mark & BPF_F_INGRESS);
}

SEC("xdp")
int seed_xdp(struct xdp_md *ctx)
{
	char buf[16] = {};
	__u32 mtu = 0;
	void *data, *end;

	bpf_xdp_adjust_meta(ctx, -8);
	bpf_xdp_adjust_head(ctx, -16);
	bpf_xdp_adjust_tail(ctx, 32);
	bpf_xdp_load_bytes(ctx, 0, buf, sizeof(buf));
	bpf_xdp_store_bytes(ctx, 4, buf, 8);
	data = (void *)(long)ctx->data_meta;
	end = (void *)(long)ctx->data;
	if (data + 4 <= end)
		*(__u32 *)data = bpf_xdp_get_buff_len(ctx);
	bpf_xdp_adjust_tail(ctx, -40);
	bpf_check_mtu(ctx, 0, &mtu, 0, 0);
	return mtu ? XDP_PASS : XDP_DROP;
}

SEC("syscall")
int seed_maps(void *ctx)
{
	__u64 k64 = 1, acc = 0, one = 1;
	struct val init = {}, *v;
	__u32 key = 0, cpu = 0;
	void *rec;

	bpf_map_update_elem(&hash, &k64, &init, BPF_ANY);
	v = bpf_map_lookup_elem(&hash, &k64);
	if (v) {
		bpf_spin_lock(&v->lock);
		v->n++;
		bpf_spin_unlock(&v->lock);
		bpf_map_update_elem(&arr, &key, v, BPF_EXIST);
		bpf_map_update_elem(&hash, &k64, &init, BPF_F_LOCK | BPF_EXIST);
	}
	bpf_map_update_elem(&pcpu_hash, &key, &one, BPF_NOEXIST);
	bpf_map_lookup_percpu_elem(&pcpu_hash, &key, cpu);
	bpf_map_lookup_elem(&pcpu_arr, &key);
	bpf_map_update_elem(&lru, &key, &key, BPF_ANY);
	bpf_map_delete_elem(&hash, &k64);
	bpf_for_each_map_elem(&hash, each_cb, &acc, 0);
	bpf_loop(10, loop_cb, &acc, 0);
	rec = bpf_ringbuf_reserve(&rb, 16, 0);
	if (rec) {
		__builtin_memcpy(rec, &acc, 8);
		if (acc & 1)
			bpf_ringbuf_discard(rec, 0);
		else
			bpf_ringbuf_submit(rec, 0);
	}
	bpf_ringbuf_output(&rb, &init, sizeof(init), 0);
	counter += bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	return acc;
}

SEC("syscall")
int seed_kfuncs(void *ctx)
{
	struct bpf_iter_num it;
	struct bpf_iter_bits bits;
	__u64 words[3] = { 5, 0, 1ull << 40 };
	unsigned long flags;
	struct elem *e;
	__u64 sum = 0;
	int *i;

	bpf_iter_num_new(&it, 0, 5);
	while ((i = bpf_iter_num_next(&it)))
		sum += *i;
	bpf_iter_num_destroy(&it);
	bpf_iter_bits_new(&bits, words, 3);
	while ((i = bpf_iter_bits_next(&bits)))
		sum += *i;
	bpf_iter_bits_destroy(&bits);
	e = bpf_obj_new_impl(bpf_core_type_id_local(struct elem), NULL);
	if (e) {
		e->a = sum;
		sum += e->b;
		bpf_obj_drop_impl(e, NULL);
	}
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	bpf_preempt_disable();
	bpf_preempt_enable();
	bpf_local_irq_save(&flags);
	bpf_local_irq_restore(&flags);
	return sum;
}

SEC("syscall")
int seed_misc(void *ctx)
{
	char comm[16], out[32];
	__u64 args[3] = { 1, (__u64)(long)comm, 3 };
	static const char fmt[] = "%d %s %llx";
	__u64 r = bpf_get_prandom_u32() & 7;

	long num = 0;
	char dst[8];

	bpf_get_current_comm(comm, sizeof(comm));
	bpf_strtol(comm, sizeof(comm), 0, &num);
	bpf_strtoul(comm, sizeof(comm), 16, (unsigned long *)&num);
	num += bpf_strncmp(comm, sizeof(comm), "bpfx");
	bpf_probe_read_kernel(dst, sizeof(dst), comm);
	bpf_probe_read_kernel_str(dst, sizeof(dst), comm);
	bpf_snprintf(out, sizeof(out), fmt, args, sizeof(args));
	bpf_trace_vprintk(fmt, sizeof(fmt), args, sizeof(args));
	bpf_assert_range(r, 0, 7);
	return bpf_ktime_get_ns() + bpf_ktime_get_boot_ns() + bpf_ktime_get_coarse_ns() +
	       bpf_jiffies64() + bpf_get_smp_processor_id() + bpf_get_numa_node_id() +
	       bpf_get_current_pid_tgid() + bpf_get_current_uid_gid() + num + dst[1];
}

SEC("mem")
int seed_mem(void *mem, __u64 len)
{
	__u32 key = 1;
	struct val *v = bpf_map_lookup_elem(&arr, &key);

	if (!v || len < 8)
		return 0;
	bpf_map_update_elem(&arr, &key, v, BPF_ANY);
	return bpf_csum_diff(mem, 8, (void *)v, 8, 0) + ((char *)mem)[len - 1];
}

char LICENSE[] SEC("license") = "GPL";
