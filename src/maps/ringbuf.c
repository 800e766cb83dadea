/* SPDX-License-Identifier: MIT */
/*
 * ringbuf.c - BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c), producer and consumer.
 *
 * Records carry the kernel's 8-byte header (length with BUSY and DISCARD bits, page
 * offset) and are 8-byte aligned.  As in the kernel, the data pages are mapped twice
 * in a row (a memfd mapped twice), so a record that wraps past the end is still
 * contiguous.  Producers serialise on a mutex; the one consumer (the host) reads
 * positions and headers with acquire loads and never takes the producers' lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "maps/internal.h"

#define RB_PAGE 4096u                       /* unit of the header's pg_off */
#define RB_MAX_RECORD_SZ (UINT32_MAX / 4)   /* RINGBUF_MAX_RECORD_SZ */
#define LEN_BITS (BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)

struct rb_hdr {
	_Atomic uint32_t len;
	uint32_t pg_off;
};

struct ringbuf {
	pthread_mutex_t lock;            /* producers */
	pthread_mutex_t cons_lock;       /* the consumer */
	_Atomic uint64_t consumer_pos;
	_Atomic uint64_t producer_pos;
	uint64_t pending_pos;            /* oldest record maybe still busy */
	uint64_t mask;                   /* data size - 1 */
	uint8_t *data;                   /* the data, mapped twice in a row */
	char what[BPFX_MAP_WHAT_MAX];
};

static struct ringbuf *rbuf(const struct bpfx_map *map)
{
	return map->priv;
}

static bool is_ringbuf(const struct bpfx_map *map)
{
	return map && map->ops == &bpfx_ringbuf_ops && map->priv;
}

static struct rb_hdr *hdr_at(const struct ringbuf *rb, uint64_t pos)
{
	return (struct rb_hdr *)(rb->data + (pos & rb->mask));
}

/* Could sample be a record's data?  (It lies past a header, in either mapping, and
 * records are 8-byte aligned: the header in front of it is an aligned word.) */
static bool in_data(const struct ringbuf *rb, const void *sample)
{
	uintptr_t p = (uintptr_t)sample, d = (uintptr_t)rb->data;

	return p >= d + BPF_RINGBUF_HDR_SZ && p < d + 2 * (rb->mask + 1) && !((p - d) & 7);
}

/* Bytes a record of len (header bits ignored) takes: header, data, padding to 8. */
static uint64_t rec_size(uint32_t len)
{
	return ((uint64_t)(len & ~LEN_BITS) + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
}

/* ---------------------------------------------------------------------------------
 * The double mapping: size bytes of a memfd, mapped at data and again right after.
 */

static int map_ring(struct ringbuf *rb, size_t size)
{
	uint8_t *p = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
	int fd, err = 0;

	if (p == MAP_FAILED)
		return -ENOMEM;
	rb->data = p;
	fd = memfd_create("bpfx-ringbuf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) ||
	    mmap(p, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
	    mmap(p + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED)
		err = -ENOMEM;
	close(fd);
	return err;
}

/* ---------------------------------------------------------------------------------
 * Creating.
 */

static void rb_free(struct bpfx_map *map)
{
	struct ringbuf *rb = rbuf(map);

	if (!rb)
		return;
	if (rb->data)
		munmap(rb->data, 2 * (rb->mask + 1));
	pthread_mutex_destroy(&rb->lock);
	pthread_mutex_destroy(&rb->cons_lock);
	free(rb);
	map->priv = NULL;
}

/* ringbuf_map_alloc(): the size is a power of 2 and a multiple of the page size. */
static const char *bad_attr(const struct bpfx_map *map)
{
	uint32_t n = map->max_entries;
	long page = sysconf(_SC_PAGESIZE);

	if (map->map_flags & ~(uint32_t)BPF_F_NUMA_NODE)
		return "unsupported map_flags";
	if (map->key_size || map->value_size)
		return "key_size and value_size must be 0";
	if (!n || (n & (n - 1)) || n % RB_PAGE || (page > 0 && n % (uint32_t)page))
		return "max_entries must be a power of 2 and a multiple of the page size";
	return NULL;
}

static int rb_alloc(struct bpfx_map *map)
{
	const char *why = bad_attr(map);
	struct ringbuf *rb;
	int err;

	if (why) {
		bpfx_obj_log(map->obj, BPFX_WARN, "map '%s': %s (key_size %u, value_size %u, "
			     "max_entries %u, map_flags 0x%x)", map->name, why, map->key_size,
			     map->value_size, map->max_entries, map->map_flags);
		return -EINVAL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return -ENOMEM;
	map->priv = rb;
	pthread_mutex_init(&rb->lock, NULL);
	pthread_mutex_init(&rb->cons_lock, NULL);
	rb->mask = map->max_entries - 1;
	bpfx_map_what(rb->what, sizeof(rb->what), map, "data");
	err = map_ring(rb, map->max_entries);
	if (err) {
		bpfx_obj_log(map->obj, BPFX_WARN, "map '%s': cannot map %u bytes of ring "
			     "buffer (error %d)", map->name, map->max_entries, err);
		rb_free(map);
	}
	return err;
}

/* ---------------------------------------------------------------------------------
 * The producer side (bpf_ringbuf_reserve/submit/discard/output/query).
 */

/* Move pending_pos past records that are no longer busy (under the lock). */
static uint64_t advance_pending(struct ringbuf *rb, uint64_t prod_pos)
{
	uint64_t pend = rb->pending_pos;

	while (pend < prod_pos) {
		uint32_t len = atomic_load_explicit(&hdr_at(rb, pend)->len,
						    memory_order_relaxed);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		pend += rec_size(len);
	}
	rb->pending_pos = pend;
	return pend;
}

void *bpfx_ringbuf_reserve(struct bpfx_map *map, uint64_t size, uint64_t flags)
{
	struct ringbuf *rb;
	uint64_t len, cons, prod, pend;
	struct rb_hdr *hdr;

	if (!is_ringbuf(map) || flags || size > RB_MAX_RECORD_SZ)
		return NULL;
	rb = rbuf(map);
	len = rec_size((uint32_t)size);
	cons = atomic_load_explicit(&rb->consumer_pos, memory_order_acquire);
	pthread_mutex_lock(&rb->lock);
	prod = atomic_load_explicit(&rb->producer_pos, memory_order_relaxed);
	pend = advance_pending(rb, prod);
	/* the producer stays less than a whole ring ahead of the consumer and of
	 * the oldest record still busy */
	if (prod + len - cons > rb->mask || prod + len - pend > rb->mask) {
		pthread_mutex_unlock(&rb->lock);
		return NULL;
	}
	hdr = hdr_at(rb, prod);
	hdr->pg_off = (uint32_t)((prod & rb->mask) / RB_PAGE);
	atomic_store_explicit(&hdr->len, (uint32_t)size | BPF_RINGBUF_BUSY_BIT,
			      memory_order_relaxed);
	atomic_store_explicit(&rb->producer_pos, prod + len, memory_order_release);
	pthread_mutex_unlock(&rb->lock);
	return hdr + 1;
}

struct bpfx_map *bpfx_ringbuf_of(const struct bpfx_object *obj, const void *sample)
{
	uint32_t i;

	for (i = 0; obj && i < obj->map_cnt; i++) {
		struct bpfx_map *map = &obj->maps[i];

		if (!is_ringbuf(map))
			continue;
		if (in_data(rbuf(map), sample))
			return map;
	}
	return NULL;
}

void bpfx_ringbuf_commit(struct bpfx_map *map, void *sample, uint64_t flags, bool discard)
{
	struct rb_hdr *hdr = (struct rb_hdr *)sample - 1;
	uint32_t len;

	if (!is_ringbuf(map) || !in_data(rbuf(map), sample))
		return;
	len = atomic_load_explicit(&hdr->len, memory_order_relaxed) & ~BPF_RINGBUF_BUSY_BIT;
	if (discard)
		len |= BPF_RINGBUF_DISCARD_BIT;
	/* pairs with the consumer's acquire load of the header */
	atomic_exchange_explicit(&hdr->len, len, memory_order_acq_rel);
}

long bpfx_ringbuf_output(struct bpfx_map *map, const void *data, uint64_t size,
			 uint64_t flags)
{
	void *rec;

	if (flags & ~(uint64_t)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))
		return -EINVAL;
	rec = bpfx_ringbuf_reserve(map, size, 0);
	if (!rec)
		return -EAGAIN;
	if (size)
		memcpy(rec, data, size);
	bpfx_ringbuf_commit(map, rec, flags, false);
	return 0;
}

uint64_t bpfx_ringbuf_query(struct bpfx_map *map, uint64_t flags)
{
	struct ringbuf *rb;
	uint64_t cons, prod;

	if (!is_ringbuf(map))
		return 0;
	rb = rbuf(map);
	cons = atomic_load_explicit(&rb->consumer_pos, memory_order_acquire);
	prod = atomic_load_explicit(&rb->producer_pos, memory_order_acquire);
	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		return prod - cons;
	case BPF_RB_RING_SIZE:
		return rb->mask + 1;
	case BPF_RB_CONS_POS:
		return cons;
	case BPF_RB_PROD_POS:
		return prod;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------------------------
 * The consumer side, as libbpf's ringbuf_process_ring().
 */

/* One pass over the records committed when it starts.  A busy record ends it: the
 * records behind it wait, in order. */
static int consume(struct ringbuf *rb, bpfx_ringbuf_fn fn, void *ctx)
{
	uint64_t cons = atomic_load_explicit(&rb->consumer_pos, memory_order_relaxed);
	uint64_t prod = atomic_load_explicit(&rb->producer_pos, memory_order_acquire);
	int cnt = 0, ret;

	while (cons < prod) {
		struct rb_hdr *hdr = hdr_at(rb, cons);
		uint32_t len = atomic_load_explicit(&hdr->len, memory_order_acquire);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		if (rec_size(len) > prod - cons)
			return -EINVAL; /* a damaged header: stop rather than run off */
		cons += rec_size(len);
		ret = 0;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			ret = fn(ctx, hdr + 1, len & ~LEN_BITS);
			cnt++;
		}
		atomic_store_explicit(&rb->consumer_pos, cons, memory_order_release);
		if (ret)
			return ret < 0 ? ret : cnt;
	}
	return cnt;
}

int bpfx_map__ringbuf_consume(struct bpfx_map *map, bpfx_ringbuf_fn fn, void *ctx)
{
	struct ringbuf *rb;
	int ret;

	if (!map || !fn)
		return -EINVAL;
	if (!map->ops)
		return -BPFX_ERR_NOTLOADED;
	if (!is_ringbuf(map))
		return -EINVAL;
	rb = rbuf(map);
	if (pthread_mutex_trylock(&rb->cons_lock))
		return -EBUSY; /* another consumer, or fn consuming again */
	ret = consume(rb, fn, ctx);
	pthread_mutex_unlock(&rb->cons_lock);
	return ret;
}

/* ---------------------------------------------------------------------------------
 * Map operations: a ring buffer has no elements (the kernel says -ENOTSUPP).
 */

static void *rb_lookup(struct bpfx_map *map, const void *key, uint32_t cpu)
{
	return NULL;
}

static long rb_update(struct bpfx_map *map, const void *key, const void *value,
		      uint64_t flags, uint32_t cpu)
{
	return -ENOTSUPP;
}

static long rb_delete(struct bpfx_map *map, const void *key)
{
	return -ENOTSUPP;
}

static long rb_for_each(struct bpfx_map *map, bpfx_map_each_fn fn, void *ctx, uint32_t cpu)
{
	return -EINVAL;
}

static int rb_host_lookup(struct bpfx_map *map, const void *key, void *value)
{
	return -ENOTSUPP;
}

static int rb_host_update(struct bpfx_map *map, const void *key, const void *value,
			  uint64_t flags)
{
	return -ENOTSUPP;
}

static int rb_get_next_key(struct bpfx_map *map, const void *key, void *next_key)
{
	return -ENOTSUPP;
}

/* Records may wrap into the second mapping, so programs see both. */
static size_t rb_regions(const struct bpfx_map *map, struct bpfx_region *out, size_t max)
{
	const struct ringbuf *rb = rbuf(map);

	if (out && max) {
		out[0] = (struct bpfx_region){ (uintptr_t)rb->data,
					       (uintptr_t)rb->data + 2 * (rb->mask + 1), true,
					       rb->what };
		return 1;
	}
	return out ? 0 : 1;
}

const struct bpfx_map_ops bpfx_ringbuf_ops = {
	.alloc = rb_alloc,
	.free = rb_free,
	.lookup = rb_lookup,
	.update = rb_update,
	.delete = rb_delete,
	.for_each = rb_for_each,
	.host_lookup = rb_host_lookup,
	.host_update = rb_host_update,
	.get_next_key = rb_get_next_key,
	.regions = rb_regions,
};
