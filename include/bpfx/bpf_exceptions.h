/* SPDX-License-Identifier: MIT */
/* bpf_exceptions.h: bpf_throw() and the assertion macros, for BPF programs.
 * The same source builds for the Linux kernel (6.7+) and for bpfx.  Include it after
 * <linux/bpf.h> (or vmlinux.h).  The macros behave as those of the kernel selftests'
 * bpf_experimental.h (and give way to them if that header came first), except that a
 * bpf_cmp_*() on an integer narrower than 64 bits widens it with its own signedness. */
#ifndef BPFX_BPF_EXCEPTIONS_H
#define BPFX_BPF_EXCEPTIONS_H

#include <bpf/bpf_helpers.h>

#ifndef barrier_var	/* libbpf < 1.0 */
#define barrier_var(var) asm volatile("" : "=r"(var) : "0"(var))
#endif

/* End the program at once.  All BPF frames up to the program's main function are
 * discarded and its exception callback runs with @cookie; the callback's return value
 * is the program's.  Without a callback the program returns @cookie.  Never returns,
 * but is not declared noreturn: the verifier needs the compiler's dead exit after the
 * call.  Not allowed while holding a lock, a reference or an RCU/preempt/IRQ section,
 * nor inside a callback (bpf_loop, for_each_map_elem, the exception callback...). */
extern void bpf_throw(__u64 cookie) __ksym;

/* Mark the exception callback of a program: put it on the main function, e.g.
 *	__noinline int my_cb(__u64 cookie) { return cookie + 1; }
 *	SEC("tc") __exception_cb(my_cb) int prog(struct __sk_buff *ctx) { ... }
 * The callback must be a global function of the same object taking one integer and
 * returning an integer; nothing may call it directly. */
#ifndef __exception_cb
#define __exception_cb(name) __attribute__((btf_decl_tag("exception_callback:" #name)))
#endif

/* Throw 0 (bpf_assert) or @value (bpf_assert_with) when @cond is false.  Plain C: the
 * compiler chooses how to branch.  Use the macros below when the verifier must learn
 * the bounds of a particular variable. */
#ifndef bpf_assert
#define bpf_assert(cond) bpf_assert_with(cond, 0)
#endif
#ifndef bpf_assert_with
#define bpf_assert_with(cond, value)		\
	do {					\
		if (!(cond))			\
			bpf_throw(value);	\
	} while (0)
#endif

/* 1 when the 8-byte integer @x has a signed type; any other type fails to compile. */
#define __bpfx_is_signed64(x) _Generic((x),		\
	long: 1, long long: 1,				\
	unsigned long: 0, unsigned long long: 0)

#define __bpfx_assert_check(lhs, rhs)						\
	_Static_assert(sizeof(&(lhs)), "1st argument must be an lvalue expression"); \
	_Static_assert(sizeof(lhs) == 8, "Only 8-byte integers are supported");	\
	_Static_assert(__builtin_constant_p(__bpfx_is_signed64(lhs)),		\
		       "1st argument must be a 64-bit integer");		\
	_Static_assert(__builtin_constant_p(rhs), "2nd argument must be a constant expression")

/* "if lhs OP rhs goto ok" as one instruction on the register that holds @lhs, so the
 * verifier narrows that register on the fall-through path; otherwise throw @value.
 * The throw is a C call so that clang emits BTF for bpf_throw (it does not for a call
 * written only in asm). */
#define __bpfx_assert_asm(lhs, op, cons, rhs, value)				\
	({									\
		__label__ __bpfx_ok;						\
		asm volatile goto("if %[l] " op " %[r] goto %l[__bpfx_ok]"	\
				  : : [l] "r"(lhs), [r] cons(rhs) : : __bpfx_ok); \
		bpf_throw(value);						\
	__bpfx_ok:;								\
	})

/* Signed jump when @lhs is signed; an 8-byte @rhs goes in a register because an
 * immediate is only 32 bits (sign-extended to 64 by the ISA). */
#define __bpfx_assert_op(lhs, op, rhs, value)					\
	({									\
		__bpfx_assert_check(lhs, rhs);					\
		if (sizeof(rhs) == 8) {						\
			const __typeof__(rhs) __bpfx_rhs = (rhs);		\
			if (__bpfx_is_signed64(lhs))				\
				__bpfx_assert_asm(lhs, "s" #op, "r", __bpfx_rhs, value); \
			else							\
				__bpfx_assert_asm(lhs, #op, "r", __bpfx_rhs, value); \
		} else {							\
			if (__bpfx_is_signed64(lhs))				\
				__bpfx_assert_asm(lhs, "s" #op, "i", rhs, value); \
			else							\
				__bpfx_assert_asm(lhs, #op, "i", rhs, value);	\
		}								\
	})

/* Throw 0 (or @value) unless beg <= x <= end.  @x must be a 64-bit integer lvalue,
 * @beg and @end constants.  A bound whose C type is narrower than 8 bytes becomes a
 * sign-extended imm32: bpf_assert_range(u64_x, -100, 100) tests the unsigned
 * x >= 0xffffffffffffff9c, which fails for small x (as in the kernel). */
#ifndef bpf_assert_range
#define bpf_assert_range(x, beg, end) bpf_assert_range_with(x, beg, end, 0)
#endif
#ifndef bpf_assert_range_with
#define bpf_assert_range_with(x, beg, end, value)			\
	({								\
		_Static_assert((beg) <= (end), "BEG must be <= END");	\
		barrier_var(x);						\
		__bpfx_assert_op(x, >=, beg, value);			\
		__bpfx_assert_op(x, <=, end, value);			\
	})
#endif

/* bpf_cmp_unlikely(x, OP, y) / bpf_cmp_likely(x, OP, y): the boolean x OP y computed
 * by one conditional jump on the register holding x (OP: == != < <= > >= &; likely
 * takes no &), used as in bpf_assert(bpf_cmp_unlikely(len, <, 64)).  The compare is
 * signed when x has a signed type (never for == != &): only x decides.  x must be an
 * lvalue; one narrower than 64 bits is widened first, with its own signedness, so the
 * verifier learns the bounds of the widened copy.  y is an imm32 (sign-extended) when
 * it is a narrow constant, else a register.  unlikely jumps when the condition holds,
 * likely when it does not: pick the one whose fall-through is the common path. */
#define __bpfx_is_signed_type(t) (((t)-1) < (t)1)
#define __bpfx_cmp_unsigned_only(op)					\
	(__builtin_strcmp(#op, "==") == 0 || __builtin_strcmp(#op, "!=") == 0 || \
	 __builtin_strcmp(#op, "&") == 0)

#define __bpfx_cmp_asm(lhs, op, cons, rhs, jump_val)				\
	({									\
		__label__ __bpfx_jumped;					\
		_Bool __bpfx_ret = (jump_val);					\
		asm volatile goto("if %[l] " op " %[r] goto %l[__bpfx_jumped]"	\
				  : : [l] "r"(lhs), [r] cons(rhs) : : __bpfx_jumped); \
		__bpfx_ret = !(jump_val);					\
	__bpfx_jumped:								\
		__bpfx_ret;							\
	})

#define __bpfx_cmp_rhs(lhs, op, rhs, jump_val)					\
	({									\
		_Bool __bpfx_r;							\
		if (sizeof(rhs) == 8) {						\
			const unsigned long long __bpfx_rv = (rhs);		\
			__bpfx_r = __bpfx_cmp_asm(lhs, op, "r", __bpfx_rv, jump_val); \
		} else if (__builtin_constant_p(rhs)) {				\
			__bpfx_r = __bpfx_cmp_asm(lhs, op, "i", rhs, jump_val);	\
		} else {							\
			const unsigned long long __bpfx_rv = (rhs);		\
			__bpfx_r = __bpfx_cmp_asm(lhs, op, "r", __bpfx_rv, jump_val); \
		}								\
		__bpfx_r;							\
	})

#define __bpfx_cmp(lhs, op, rhs, jump_val)					\
	({									\
		_Static_assert(sizeof(&(lhs)), "1st argument must be an lvalue expression"); \
		const unsigned long long __bpfx_lv = (lhs);			\
		_Bool __bpfx_c;							\
		(void)((lhs) op (rhs));						\
		if (__bpfx_cmp_unsigned_only(op) ||				\
		    !__bpfx_is_signed_type(__typeof__(lhs)))			\
			__bpfx_c = __bpfx_cmp_rhs(__bpfx_lv, #op, rhs, jump_val); \
		else								\
			__bpfx_c = __bpfx_cmp_rhs(__bpfx_lv, "s" #op, rhs, jump_val); \
		__bpfx_c;							\
	})

#ifndef bpf_cmp_unlikely
#define bpf_cmp_unlikely(x, op, y) __bpfx_cmp(x, op, y, 1)
#endif
#ifndef bpf_cmp_likely
#define bpf_cmp_likely(x, op, y)						\
	({									\
		_Bool __bpfx_l = 0;						\
		if (__builtin_strcmp(#op, "==") == 0)				\
			__bpfx_l = __bpfx_cmp(x, !=, y, 0);			\
		else if (__builtin_strcmp(#op, "!=") == 0)			\
			__bpfx_l = __bpfx_cmp(x, ==, y, 0);			\
		else if (__builtin_strcmp(#op, "<") == 0)			\
			__bpfx_l = __bpfx_cmp(x, >=, y, 0);			\
		else if (__builtin_strcmp(#op, "<=") == 0)			\
			__bpfx_l = __bpfx_cmp(x, >, y, 0);			\
		else if (__builtin_strcmp(#op, ">") == 0)			\
			__bpfx_l = __bpfx_cmp(x, <=, y, 0);			\
		else if (__builtin_strcmp(#op, ">=") == 0)			\
			__bpfx_l = __bpfx_cmp(x, <, y, 0);			\
		else								\
			asm volatile("r0 " #op " invalid compare");		\
		__bpfx_l;							\
	})
#endif

#endif /* BPFX_BPF_EXCEPTIONS_H */
