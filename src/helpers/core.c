/* SPDX-License-Identifier: MIT */
/*
 * core.c - the generic helpers: time, randomness, ids, bpf_loop, the printf
 * family (bpf_trace_printk, bpf_trace_vprintk, bpf_snprintf) with the kernel's
 * format rules (kernel/bpf/helpers.c bpf_bprintf_prepare, lib/vsprintf.c), reads
 * of memory the program names, and the string helpers (strncmp, strtol, strtoul).
 */
#include <ctype.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "exec/run.h"
#include "helpers/func.h"

#define MAX_BPRINTF_BUF 1024          /* output of one trace_printk */
#define MAX_BPRINTF_BIN_ARGS 512      /* the kernel's per-call argument buffer */
#define MAX_BPRINTF_VARARGS 12
#define MAX_TRACE_PRINTK_VARARGS 3
#define MAX_SNPRINTF_FMT 4096         /* we read a const-string fmt this far */
#define FIELD_WIDTH_MAX ((1 << 23) - 1)
#define BPF_MAX_LOOPS (8 * 1024 * 1024)
#define JIFFY_HZ 250                  /* Debian's CONFIG_HZ; the kernel's varies */
#define INITIAL_JIFFIES ((uint64_t)(uint32_t)(-300 * JIFFY_HZ))

/* --- time and ids ------------------------------------------------------------ */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

BPFX_FN(ktime_get_ns)
{
	return clock_ns(CLOCK_MONOTONIC);
}

BPFX_FN(ktime_get_boot_ns)
{
	return clock_ns(CLOCK_BOOTTIME);
}

BPFX_FN(ktime_get_coarse_ns)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

BPFX_FN(ktime_get_tai_ns)
{
	return clock_ns(CLOCK_TAI);
}

/* jiffies_64 starts 5 minutes before wrapping 32 bits, as the kernel's does. */
BPFX_FN(jiffies64)
{
	return INITIAL_JIFFIES + clock_ns(CLOCK_MONOTONIC) / (1000000000ull / JIFFY_HZ);
}

/* Per-thread xorshift64* state, seeded from getrandom() on first use. */
static _Thread_local uint64_t rnd_state;

static void rnd_seed(void)
{
	uint64_t s = 0;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != sizeof(s))
		s = clock_ns(CLOCK_MONOTONIC) ^ ((uint64_t)syscall(SYS_gettid) << 32) ^
		    (uint64_t)(uintptr_t)&s;
	s ^= s >> 31;   /* splitmix-style scramble so a zero seed cannot stick */
	s *= 0x9e3779b97f4a7c15ull;
	rnd_state = s ? s : 0x9e3779b97f4a7c15ull;
}

BPFX_FN(get_prandom_u32)
{
	uint64_t x;

	if (!rnd_state)
		rnd_seed();
	x = rnd_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rnd_state = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

BPFX_FN(get_smp_processor_id)
{
	return run->cpu;
}

BPFX_FN(get_numa_node_id)
{
	return 0;
}

BPFX_FN(get_current_pid_tgid)
{
	return (uint64_t)(uint32_t)getpid() << 32 | (uint32_t)syscall(SYS_gettid);
}

BPFX_FN(get_current_uid_gid)
{
	return (uint64_t)getgid() << 32 | getuid();
}

/* The kernel returns the current task_struct's address, which a program may only
 * pass on (to bpf_probe_read_kernel and the like).  bpfx has no task_struct: it
 * returns a stable opaque value per thread, an address in the kernel half of the
 * address space (the direct map, where task_structs live) that is never memory a
 * program may touch, so that any read of it fails as a bad kernel address does. */
#define TASK_BASE 0xffff888000000000ull

BPFX_FN(get_current_task)
{
	return TASK_BASE | (uint64_t)(uint32_t)syscall(SYS_gettid) << 14;
}

/* strscpy_pad of the thread's name into buf[size]. */
BPFX_FN(get_current_comm)
{
	char comm[17] = "";
	char *buf = (char *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r2;

	if (!buf || !size)
		return (uint64_t)-EINVAL;
	prctl(PR_GET_NAME, comm, 0, 0, 0);
	memset(buf, 0, size);
	memcpy(buf, comm, strnlen(comm, size - 1));
	return 0;
}

/* --- bpf_loop, bpf_tail_call -------------------------------------------------- */

BPFX_FN(loop)
{
	uint32_t nr_loops = (uint32_t)r1;
	uint32_t i;

	if (r4)
		return (uint64_t)-EINVAL;
	if (nr_loops > BPF_MAX_LOOPS)
		return (uint64_t)-E2BIG;
	for (i = 0; i < nr_loops; i++)
		if (bpfx_run_callback(run, r2, i, r3, 0, 0, 0))
			return i + 1;
	return i;
}

/* The engines carry out tail calls themselves (BPFX_CALL_TAIL); this entry gives
 * the table the name and signature, and its body is never meant to run. */
BPFX_FN(tail_call)
{
	bpfx_run_fault(run, -BPFX_ERR_CALL, "bpf_tail_call called as a function");
}

/* --- memory read without trusting the address --------------------------------- */

/* Copy n bytes from an address a program handed us, without faulting on a bad
 * one (the kernel's copy_from_kernel_nofault).  process_vm_readv on ourselves
 * fails cleanly with EFAULT; where it is not allowed we fall back to a plain copy. */
static bool read_nofault(struct bpfx_run *run, void *dst, uint64_t src, size_t n)
{
	struct iovec local = { dst, n };
	struct iovec remote = { (void *)(uintptr_t)src, n };
	ssize_t r;

	if (n == 0)
		return true;
	if (run->checked) {
		/* only memory the program may touch: never the host's */
		if (!bpfx_mem_ok(run, src, n, false))
			return false;
		memcpy(dst, (const void *)(uintptr_t)src, n);
		return true;
	}
	if (src < 4096)
		return false;
	r = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (r == (ssize_t)n)
		return true;
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		memcpy(dst, (const void *)(uintptr_t)src, n);
		return true;
	}
	return false;
}

/* The kernel's strncpy_from_kernel_nofault: copies at most cap bytes with the
 * NUL (truncating), returns the bytes stored with the NUL, or -EFAULT. */
static long copy_str_nofault(struct bpfx_run *run, char *dst, uint64_t src, size_t cap)
{
	size_t done = 0;

	while (done < cap) {
		/* checked mode asks byte by byte: a string may end at a region's edge */
		size_t chunk = run->checked ? 1 : 4096 - ((src + done) & 4095);
		char *nul;

		if (chunk > cap - done)
			chunk = cap - done;
		if (!read_nofault(run, dst + done, src + done, chunk))
			return -EFAULT;
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst + 1;
		done += chunk;
	}
	dst[cap - 1] = '\0';
	return (long)cap;
}

/* --- the printf family ----------------------------------------------------------
 *
 * One pass over the format validates it as bpf_bprintf_prepare() does and formats
 * as bstr_printf() does.  The kernel first packs the arguments into a 512-byte
 * buffer (strings copied in, ints 4-byte aligned) and fails with -ENOSPC when it
 * is full; `bin` tracks that budget so the same formats fail here.
 */

/* Output with vsnprintf semantics: len counts everything, buf keeps what fits. */
struct sink {
	char *buf;
	size_t size;
	size_t len;
};

static size_t room(const struct sink *s, size_t n)
{
	size_t left = s->len + 1 < s->size ? s->size - 1 - s->len : 0;

	return n < left ? n : left;
}

static void put(struct sink *s, const char *p, size_t n)
{
	size_t k = room(s, n);

	if (k)
		memcpy(s->buf + s->len, p, k);
	s->len += n;
}

static void pad(struct sink *s, char c, size_t n)
{
	size_t k = room(s, n);

	if (k)
		memset(s->buf + s->len, c, k);
	s->len += n;
}

static void sink_end(struct sink *s)
{
	if (s->size)
		s->buf[s->len < s->size ? s->len : s->size - 1] = '\0';
}

struct spec {
	bool left, zero, plus, space;
	int width;                   /* -1: none */
};

struct bprintf {
	struct bpfx_run *run;
	const uint64_t *args;
	uint32_t nargs;
	uint32_t nspec;
	long bin;                    /* bytes of the kernel's argument buffer used */
	struct sink out;
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static bool is_print(char c) { return c >= 0x20 && c < 0x7f; }
static bool is_punct(char c) { return is_print(c) && c != ' ' && !is_alnum(c); }

/* A string argument must end a word: "%s," and "%s\n" are fine, "%sx" is not. */
static bool ends_word(char c) { return c == 0 || is_space(c) || is_punct(c); }

static long bin_left(const struct bprintf *b)
{
	return MAX_BPRINTF_BIN_ARGS - b->bin;
}

static int bin_take(struct bprintf *b, long size, bool align)
{
	if (align)
		b->bin = (b->bin + 3) & ~3l;
	if (bin_left(b) < size)
		return -ENOSPC;
	b->bin += size;
	return 0;
}

static void put_padded(struct sink *s, const struct spec *sp, const char *p, size_t n)
{
	size_t fill = sp->width > 0 && (size_t)sp->width > n ? (size_t)sp->width - n : 0;

	if (!sp->left)
		pad(s, ' ', fill);
	put(s, p, n);
	if (sp->left)
		pad(s, ' ', fill);
}

/* lib/vsprintf.c number(): the sign, then zeros (or spaces before it) to the
 * width; '-' wins over '0', '+' over ' '.  Examples: "%05d" -42 -> "-0042",
 * "%-4x" 10 -> "a   ", "%+d" 7 -> "+7". */
static void put_number(struct sink *s, struct spec sp, uint64_t v, bool is_signed,
		       unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], sign = 0;
	size_t n = 0, len, fill;

	if (is_signed && (int64_t)v < 0) {
		sign = '-';
		v = -v;
	} else if (is_signed && (sp.plus || sp.space)) {
		sign = sp.plus ? '+' : ' ';
	}
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (sign != 0);
	fill = sp.width > 0 && (size_t)sp.width > len ? (size_t)sp.width - len : 0;
	if (!sp.left && !sp.zero)
		pad(s, ' ', fill);
	if (sign)
		put(s, &sign, 1);
	if (!sp.left && sp.zero)
		pad(s, '0', fill);
	while (n)
		put(s, &tmp[--n], 1);
	if (sp.left)
		pad(s, ' ', fill);
}

/* %d %i %u %x %X, with l or ll; returns the format characters used. */
static int conv_int(struct bprintf *b, const char *f, const struct spec *sp, uint64_t v)
{
	int size = 4, used = 0, err;
	char c;

	while (used < 2 && f[used] == 'l') {
		size = 8;
		used++;
	}
	c = f[used];
	if (c != 'i' && c != 'd' && c != 'u' && c != 'x' && c != 'X')
		return -EINVAL;
	err = bin_take(b, size, true);
	if (err)
		return err;
	if (size == 4)
		v = (c == 'd' || c == 'i') ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
	put_number(&b->out, *sp, v, c == 'd' || c == 'i', (c == 'x' || c == 'X') ? 16 : 10,
		   c == 'X');
	return used + 1;
}

/* %s, %pks, %pus: the string is copied into what the argument buffer has left
 * (so it may be cut short); an unreadable one prints as "".  f is at the 's'. */
static int conv_str(struct bprintf *b, const char *f, const struct spec *sp, uint64_t p,
		    bool raw)
{
	char str[MAX_BPRINTF_BIN_ARGS];
	long n;

	if (!ends_word(f[1]))
		return -EINVAL;
	if (bin_left(b) <= 0)
		return -ENOSPC;
	n = copy_str_nofault(b->run, str, p, (size_t)bin_left(b));
	if (n < 0) {
		str[0] = '\0';
		n = 1;
	}
	b->bin += n;
	if (raw)
		put(&b->out, str, strlen(str));
	else
		put_padded(&b->out, sp, str, strlen(str));
	return 1;
}

static int conv_char(struct bprintf *b, const struct spec *sp, uint64_t v)
{
	char c = (char)v;

	if (bin_left(b) <= 0)
		return -ENOSPC;
	b->bin++;
	put_padded(&b->out, sp, &c, 1);
	return 1;
}

/* %pI4 1.2.3.4, %pi4 001.002.003.004, %pI6 0001:0db8:...:0008, %pi6 32 hex
 * digits.  The kernel formats these while packing, so widths do not apply. */
static int conv_ip(struct bprintf *b, char kind, char ver, uint64_t p)
{
	uint8_t ip[16] = { 0 };
	size_t n = ver == '4' ? 4 : 16, len = 0;
	char text[48];

	if (bin_left(b) < (long)n)
		return -ENOSPC;
	if (!read_nofault(b->run, ip, p, n))
		memset(ip, 0, n);
	for (size_t i = 0; i < n; i++) {
		if (ver == '4')
			len += (size_t)snprintf(text + len, sizeof(text) - len,
					        kind == 'I' ? "%s%u" : "%s%03u",
					        i ? "." : "", ip[i]);
		else
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%02x",
					        kind == 'I' && i && !(i & 1) ? ":" : "", ip[i]);
	}
	b->bin += (long)len + 1;
	put(&b->out, text, len);
	return 0;
}

/* %ps %pS %pB: symbols; an address outside the kernel prints as 0x<hex>. */
static int conv_sym(struct bprintf *b, char kind, const struct spec *sp, uint64_t v)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "0x%llx", (unsigned long long)v);

	if (kind == 'B') {          /* formatted while packing: no width */
		b->bin += n + 1;
		put(&b->out, text, (size_t)n);
		return 0;
	}
	if (bin_take(b, 8, true))
		return -ENOSPC;
	put_padded(&b->out, sp, text, (size_t)n);
	return 0;
}

/* %p and its forms; f is at the 'p'. */
static int conv_ptr(struct bprintf *b, const char *f, struct spec sp, uint64_t v)
{
	char next = f[1];

	if ((next == 'k' || next == 'u') && f[2] == 's') {
		int err = conv_str(b, f + 2, &sp, v, true);

		return err < 0 ? err : 0;
	}
	if ((next == 'i' || next == 'I') && (f[2] == '4' || f[2] == '6'))
		return conv_ip(b, next, f[2], v);
	if (next == 'B' || next == 's' || next == 'S')
		return conv_sym(b, next, &sp, v);
	if (!ends_word(next) && next != 'K' && next != 'x')
		return -EINVAL;
	if (bin_take(b, 8, true))
		return -ENOSPC;
	/* %p %pK %px: the raw value (the kernel hashes %p), 16 digits unless a
	 * width is given */
	if (sp.width < 0) {
		sp.width = 16;
		sp.zero = true;
	}
	put_number(&b->out, sp, v, false, 16, false);
	return 0;
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ .width = -1 };
	for (;; f++) {
		if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == '-')
			sp->left = true;
		else if (*f == ' ')
			sp->space = true;
		else
			break;
	}
	if (*f >= '1' && *f <= '9') {
		uint32_t w = 0;

		while (is_digit(*f))
			w = w * 10 + (uint32_t)(*f++ - '0');
		/* the kernel's int wraps, then is clamped: "%4294967301d" pads to 5,
		 * "%2147483648d" (negative) not at all */
		sp->width = (int32_t)w < 0 ? 0 : (int32_t)w > FIELD_WIDTH_MAX ? FIELD_WIDTH_MAX
									  : (int)w;
	}
	return f;
}

/* One conversion; f is just past the '%'.  Returns where the format continues,
 * or NULL with *err set. */
static const char *conv(struct bprintf *b, const char *f, int *err)
{
	uint64_t v = b->args[b->nspec];
	struct spec sp;
	int n;

	f = parse_spec(f, &sp);
	if (*f == 'p')
		n = conv_ptr(b, f, sp, v);
	else if (*f == 's')
		n = conv_str(b, f, &sp, v, false);
	else if (*f == 'c')
		n = conv_char(b, &sp, v);
	else
		n = conv_int(b, f, &sp, v);
	if (n < 0) {
		*err = n;
		return NULL;
	}
	b->nspec++;
	if (*f != 'p')
		return f + n;
	/* after a pointer the kernel skips the rest of an alphanumeric word */
	for (f++; is_alnum(*f); f++)
		;
	return f;
}

/* Validate and format fmt (NUL-terminated) with nargs arguments into out.
 * Returns the full length (vsnprintf-style) or -EINVAL/-ENOSPC. */
static int bprintf(struct bpfx_run *run, const char *fmt, const uint64_t *args,
		   uint32_t nargs, char *out, size_t size)
{
	struct bprintf b = { .run = run, .args = args, .nargs = nargs,
			     .out = { .buf = out, .size = size } };
	const char *f = fmt;
	int err = 0;

	while (*f) {
		if (!is_print(*f) && !is_space(*f))
			return -EINVAL;
		if (*f != '%') {
			put(&b.out, f++, 1);
			continue;
		}
		if (f[1] == '%') {
			put(&b.out, "%", 1);
			f += 2;
			continue;
		}
		if (b.nspec >= b.nargs)
			return -EINVAL;
		f = conv(&b, f + 1, &err);
		if (!f)
			return err;
	}
	sink_end(&b.out);
	return b.out.len > INT32_MAX ? INT32_MAX : (int)b.out.len;
}

/* The format must hold its NUL within fmt_size, as bpf_bprintf_prepare checks. */
static bool fmt_terminated(const char *fmt, uint32_t fmt_size)
{
	return fmt && fmt_size && memchr(fmt, 0, fmt_size);
}

static void trace_out(struct bpfx_run *run, const char *msg)
{
	const struct bpfx_object *obj = run->prog ? run->prog->obj : NULL;

	if (obj && obj->trace)
		obj->trace(msg, strlen(msg), obj->trace_ctx);
}

static uint64_t trace_fmt(struct bpfx_run *run, const char *fmt, uint32_t fmt_size,
			  const uint64_t *args, uint32_t nargs)
{
	char buf[MAX_BPRINTF_BUF];
	int n;

	if (!fmt_terminated(fmt, fmt_size))
		return (uint64_t)-EINVAL;
	n = bprintf(run, fmt, args, nargs, buf, sizeof(buf));
	if (n < 0)
		return (uint64_t)(int64_t)n;
	trace_out(run, buf);
	return (uint64_t)n;
}

BPFX_FN(trace_printk)
{
	uint64_t args[MAX_TRACE_PRINTK_VARARGS] = { r3, r4, r5 };

	return trace_fmt(run, (const char *)(uintptr_t)r1, (uint32_t)r2, args,
			 MAX_TRACE_PRINTK_VARARGS);
}

/* data_len bytes of u64 arguments: a multiple of 8, at most 12 of them. */
static bool varargs_ok(uint64_t data, uint32_t data_len)
{
	return !(data_len % 8) && data_len <= MAX_BPRINTF_VARARGS * 8 && (data || !data_len);
}

BPFX_FN(trace_vprintk)
{
	uint64_t args[MAX_BPRINTF_VARARGS];
	uint32_t data_len = (uint32_t)r4;

	if (!varargs_ok(r3, data_len))
		return (uint64_t)-EINVAL;
	if (data_len)
		memcpy(args, (const void *)(uintptr_t)r3, data_len);
	return trace_fmt(run, (const char *)(uintptr_t)r1, (uint32_t)r2, args, data_len / 8);
}

/* bpf_snprintf(str, str_size, fmt, data, data_len): fmt is a constant string;
 * returns the length the full output needs, NUL included. */
BPFX_FN(snprintf)
{
	char fmt[MAX_SNPRINTF_FMT];
	uint64_t args[MAX_BPRINTF_VARARGS];
	uint32_t data_len = (uint32_t)r5;
	long fmt_len;
	int n;

	if (!varargs_ok(r4, data_len))
		return (uint64_t)-EINVAL;
	fmt_len = copy_str_nofault(run, fmt, r3, sizeof(fmt));
	if (fmt_len < 0 || fmt_len == sizeof(fmt))   /* unreadable, or cut short */
		return (uint64_t)-EINVAL;
	if (run->checked)
		bpfx_mem_check(run, r3, (uint64_t)fmt_len, false);
	if (data_len)
		memcpy(args, (const void *)(uintptr_t)r4, data_len);
	/* validate first: on a bad format the kernel leaves str untouched */
	n = bprintf(run, fmt, args, data_len / 8, NULL, 0);
	if (n < 0)
		return (uint64_t)(int64_t)n;
	if (r1 && (uint32_t)r2)
		bprintf(run, fmt, args, data_len / 8, (char *)(uintptr_t)r1, (uint32_t)r2);
	return (uint64_t)n + 1;
}

/* --- reading memory the program names ----------------------------------------- */

/* The error of a kernel read that failed: x86-64's copy_from_kernel_nofault_allowed()
 * refuses user and non-canonical addresses with -ERANGE before trying; an unmapped
 * kernel address faults, -EFAULT.  (What a program may touch in bpfx reads.) */
static uint64_t probe_err(uint64_t addr)
{
	return addr >= 0xffff800000000000ull ? (uint64_t)-EFAULT : (uint64_t)-ERANGE;
}

int bpfx_probe_read_kernel(struct bpfx_run *run, void *dst, uint64_t src, uint32_t size)
{
	if (read_nofault(run, dst, src, size))
		return 0;
	memset(dst, 0, size);
	return (int)(int64_t)probe_err(src);
}

/* bpf_probe_read_kernel(dst, size, ptr): on a bad address dst is zeroed.  In
 * checked mode only memory the program may touch reads. */
BPFX_FN(probe_read_kernel)
{
	return (uint64_t)(int64_t)bpfx_probe_read_kernel(run, (void *)(uintptr_t)r1,
							 r3, (uint32_t)r2);
}

/* bpf_probe_read_kernel_str(dst, size, ptr): the bytes stored with the NUL (size
 * when cut short, the last byte then NUL), 0 for size 0; on a bad address dst is
 * zeroed. */
BPFX_FN(probe_read_kernel_str)
{
	char *dst = (char *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r2;
	long n;

	if (!size)
		return 0;
	n = copy_str_nofault(run, dst, r3, size);
	if (n >= 0)
		return (uint64_t)n;
	memset(dst, 0, size);
	return probe_err(r3);
}

/* --- strings (kernel/bpf/helpers.c, lib/kstrtox.c) ------------------------------ */

/* bpf_strncmp(s1, s1_sz, s2): the kernel's strncmp, which answers -1, 0 or 1. */
BPFX_FN(strncmp)
{
	const unsigned char *a = (const unsigned char *)(uintptr_t)r1;
	const unsigned char *b = (const unsigned char *)(uintptr_t)r3;

	for (uint32_t i = 0; i < (uint32_t)r2; i++) {
		if (run->checked)
			bpfx_mem_check(run, r3 + i, 1, false);
		if (a[i] != b[i])
			return a[i] < b[i] ? (uint64_t)-1 : 1;
		if (!a[i])
			break;
	}
	return 0;
}

#define BPF_STRTOX_BASE_MASK 0x1f
#define KSTRTOX_OVERFLOW (1u << 31)

/* isspace() of the kernel's _ctype: the C spaces and Latin-1's no-break space. */
static bool k_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* _parse_integer_fixup_radix(): base 0 picks 16 for "0x<hex digit>", 8 for a
 * leading 0, else 10; base 16 skips a "0x". */
static const char *fixup_radix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0') {
			if ((s[1] | 0x20) == 'x' && isxdigit((unsigned char)s[2]))
				*base = 16;
			else
				*base = 8;
		} else {
			*base = 10;
		}
	}
	if (*base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	return s;
}

/* _parse_integer(): the digits read, KSTRTOX_OVERFLOW set when the value overflowed
 * 64 bits. */
static unsigned int parse_integer(const char *s, unsigned int base, uint64_t *res)
{
	unsigned int n = 0;
	uint64_t v = 0;

	for (;; s++, n++) {
		unsigned int c = (unsigned char)*s, lc = c | 0x20, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (lc >= 'a' && lc <= 'f')
			d = lc - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if ((v & (~0ull << 60)) && v > (UINT64_MAX - d) / base)
			n |= KSTRTOX_OVERFLOW;
		v = v * base + d;
	}
	*res = v;
	return n;
}

/* __bpf_strtoull(): leading spaces, a '-', then at most 63 bytes of digits; the
 * bytes consumed, or -EINVAL (bad base or flags, no digits) or -ERANGE. */
static long strtoull_common(const char *buf, uint32_t len, uint64_t flags, uint64_t *res,
			    bool *neg)
{
	unsigned int base = (unsigned int)(flags & BPF_STRTOX_BASE_MASK), n;
	uint32_t i = 0, rest;
	char str[64];
	const char *s;

	if (!len || (base != 0 && base != 8 && base != 10 && base != 16) ||
	    (flags & ~(uint64_t)BPF_STRTOX_BASE_MASK))
		return -EINVAL;
	while (i < len && k_isspace((unsigned char)buf[i]))
		i++;
	*neg = i < len && buf[i] == '-';
	i += *neg;
	rest = len - i;
	if (!rest)
		return -EINVAL;
	if (rest > sizeof(str) - 1)
		rest = sizeof(str) - 1;
	memcpy(str, buf + i, rest);
	str[rest] = '\0';
	s = fixup_radix(str, &base);
	n = parse_integer(s, base, res);
	if (n & KSTRTOX_OVERFLOW)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	return (long)(i + (uint32_t)(s - str) + n);
}

/* *res of strtol/strtoul: 8 bytes the program may write, at any alignment. */
static void store_res(struct bpfx_run *run, uint64_t res, uint64_t v)
{
	if (run->checked)
		bpfx_mem_check(run, res, sizeof(v), true);
	memcpy((void *)(uintptr_t)res, &v, sizeof(v));
}

/* bpf_strtol(buf, buf_len, flags, res): *res is 0 unless a number was read. */
BPFX_FN(strtol)
{
	uint64_t v;
	bool neg;
	long n;

	store_res(run, r4, 0);
	n = strtoull_common((const char *)(uintptr_t)r1, (uint32_t)r2, r3, &v, &neg);
	if (n < 0)
		return (uint64_t)n;
	if (neg ? (int64_t)-v > 0 : (int64_t)v < 0)
		return (uint64_t)-ERANGE;
	store_res(run, r4, neg ? -v : v);
	return (uint64_t)n;
}

/* bpf_strtoul(buf, buf_len, flags, res): a '-' is -EINVAL; *res as for strtol. */
BPFX_FN(strtoul)
{
	uint64_t v;
	bool neg;
	long n;

	store_res(run, r4, 0);
	n = strtoull_common((const char *)(uintptr_t)r1, (uint32_t)r2, r3, &v, &neg);
	if (n < 0)
		return (uint64_t)n;
	if (neg)
		return (uint64_t)-EINVAL;
	store_res(run, r4, v);
	return (uint64_t)n;
}

static const struct bpfx_func funcs[] = {
	BPFX_FUNC_ENTRY(ktime_get_ns, BPF_FUNC_ktime_get_ns, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(ktime_get_boot_ns, BPF_FUNC_ktime_get_boot_ns, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(ktime_get_coarse_ns, BPF_FUNC_ktime_get_coarse_ns, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(ktime_get_tai_ns, BPF_FUNC_ktime_get_tai_ns, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(jiffies64, BPF_FUNC_jiffies64, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(get_prandom_u32, BPF_FUNC_get_prandom_u32, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(get_smp_processor_id, BPF_FUNC_get_smp_processor_id, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(get_numa_node_id, BPF_FUNC_get_numa_node_id, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(get_current_pid_tgid, BPF_FUNC_get_current_pid_tgid, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(get_current_uid_gid, BPF_FUNC_get_current_uid_gid, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(get_current_task, BPF_FUNC_get_current_task, BPFX_RET_INTEGER),
	BPFX_FUNC_ENTRY(get_current_comm, BPF_FUNC_get_current_comm, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE),
	BPFX_FUNC_ENTRY(loop, BPF_FUNC_loop, BPFX_RET_INTEGER,
			BPFX_ARG_ANY, BPFX_ARG_FUNC, BPFX_ARG_PTR, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(tail_call, BPF_FUNC_tail_call, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_CTX, BPFX_ARG_MAP, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(trace_printk, BPF_FUNC_trace_printk, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE, BPFX_ARG_ANY, BPFX_ARG_ANY,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(trace_vprintk, BPF_FUNC_trace_vprintk, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE, BPFX_ARG_PTR_TO_MEM,
			BPFX_ARG_SIZE_OR_ZERO),
	BPFX_FUNC_ENTRY(snprintf, BPF_FUNC_snprintf, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE_OR_ZERO, BPFX_ARG_PTR,
			BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE_OR_ZERO),
	BPFX_FUNC_ENTRY(probe_read_kernel, BPF_FUNC_probe_read_kernel, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE_OR_ZERO, BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(probe_read_kernel_str, BPF_FUNC_probe_read_kernel_str,
			BPFX_RET_INTEGER, BPFX_ARG_PTR_TO_UNINIT, BPFX_ARG_SIZE_OR_ZERO,
			BPFX_ARG_ANY),
	BPFX_FUNC_ENTRY(strncmp, BPF_FUNC_strncmp, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(strtol, BPF_FUNC_strtol, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE, BPFX_ARG_ANY, BPFX_ARG_PTR),
	BPFX_FUNC_ENTRY(strtoul, BPF_FUNC_strtoul, BPFX_RET_INTEGER,
			BPFX_ARG_PTR_TO_MEM, BPFX_ARG_SIZE, BPFX_ARG_ANY, BPFX_ARG_PTR),
};

const struct bpfx_func_list bpfx_core_helpers = {
	.funcs = funcs,
	.cnt = sizeof(funcs) / sizeof(funcs[0]),
};
