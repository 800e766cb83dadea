/* SPDX-License-Identifier: MIT */
/* bpf_test.h: expected-result annotations for BPF test programs, spelled exactly as
 * the kernel selftests' bpf_misc.h spells them, so that one annotated .bpf.c runs
 * under `bpfx test` and under the kernel's test_loader.  Each macro is a BTF decl tag
 * on the program's main function; bpfx reads them with bpfx_program__tag(). */
#ifndef BPFX_BPF_TEST_H
#define BPFX_BPF_TEST_H

#define __BPFX_XSTR(s) __BPFX_STR(s)
#define __BPFX_STR(s) #s
#define __bpfx_tag(t) __attribute__((btf_decl_tag(t)))

/* The program must load (__success) or be rejected (__failure). */
#define __success		__bpfx_tag("comment:test_expect_success")
#define __failure		__bpfx_tag("comment:test_expect_failure")

/* A substring that must (__msg) or must not (__not_msg) appear in the verifier log;
 * "{{...}}" inside it is an extended regular expression.  Several __msg must match in
 * order.  clang keeps only one copy of identical decl tags, so each value carries a
 * unique counter first:
 *	comment:test_expect_msg=<N>=<message>
 * A reader takes the message after the second '='. */
#define __msg(msg)							\
	__bpfx_tag("comment:test_expect_msg=" __BPFX_XSTR(__COUNTER__) "=" msg)
#define __not_msg(msg)							\
	__bpfx_tag("comment:test_expect_not_msg=" __BPFX_XSTR(__COUNTER__) "=" msg)

/* Run the program once (BPF_PROG_TEST_RUN style: 64 zero bytes of packet for packet
 * programs) and expect this return value: the low 32 bits of R0, written as a decimal
 * or 0x hex number, or a macro expanding to one (the tag holds the expansion). */
#define __retval(val)		__bpfx_tag("comment:test_retval=" __BPFX_XSTR(val))

/* Name to show instead of the function name. */
#define __description(desc)	__bpfx_tag("comment:test_description=" desc)
/* Verifier log level for this program (a number). */
#define __log_level(lvl)	__bpfx_tag("comment:test_log_level=" #lvl)
/* Not a test itself, but loaded for others (e.g. a tail-call target). */
#define __auxiliary		__bpfx_tag("comment:test_auxiliary")

/* Input size the kernel selftests use by default, for __retval(TEST_DATA_LEN). */
#ifndef TEST_DATA_LEN
#define TEST_DATA_LEN 64
#endif

#endif /* BPFX_BPF_TEST_H */
