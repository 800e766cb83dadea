/* SPDX-License-Identifier: MIT */
/*
 * annotations.h - kernel selftest annotations (the BTF decl tags "comment:test_*" of
 * bpf_misc.h's __success, __failure, __msg, __retval, ...): parsing them into a test
 * spec, and judging what a load and run gave against it, with the rules of the
 * kernel's tools/testing/selftests/bpf/test_loader.c.  Pure: no library calls.
 */
#ifndef BPFX_CLI_ANNOTATIONS_H
#define BPFX_CLI_ANNOTATIONS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_DATA_LEN 64 /* bytes of zeroes a test run gets, as in test_loader.c */

enum test_mode {
	TEST_PRIV = 1,
	TEST_UNPRIV = 2,  /* *_unpriv annotations: not applicable to bpfx */
};

enum test_arch {
	TEST_ARCH_UNKNOWN = 0x1,
	TEST_ARCH_X86_64 = 0x2,
	TEST_ARCH_ARM64 = 0x4,
	TEST_ARCH_RISCV64 = 0x8,
	TEST_ARCH_S390X = 0x10,
	TEST_ARCH_LOONGARCH = 0x20,
};

enum test_load_mode {
	TEST_JITED = 1,
	TEST_NO_JITED = 2,
};

/* One expected (or, if negative, forbidden) message of the load log. */
struct test_msg {
	char *text;     /* the pattern as written */
	bool negative;  /* __not_msg */
	bool is_regex;  /* has {{regex}} parts (or is a whole __regex) */
	regex_t re;
};

struct test_spec {
	bool annotated;        /* the program has at least one "comment:" tag */
	unsigned mode;         /* TEST_PRIV | TEST_UNPRIV */
	bool expect_failure;   /* __failure */
	bool auxiliary;        /* __auxiliary: loaded with the tests, not a test */
	bool execute;          /* __retval given: run the program */
	bool retval_any;       /* __retval(POINTER_VALUE): any return value */
	uint32_t retval;
	int log_level;
	uint32_t prog_flags;
	uint32_t arch_mask;    /* 0: any architecture */
	uint32_t load_mask;    /* 0: any (TEST_JITED | TEST_NO_JITED) */
	char *description;
	char *skip;            /* __skip(reason): report SKIP with it, do not load */
	struct test_msg *msgs; /* in source order */
	size_t msg_cnt;
	char unsupported[192]; /* checks bpfx cannot make ("__xlated, __jited"), or "" */
	char error[320];       /* why the annotations are unusable, or "" */
};

/* What loading (and maybe running) a test program gave. */
struct test_outcome {
	int load_err;      /* 0, or the (negative) load error */
	char *log;         /* the load log, malloc'ed or NULL */
	bool verified;     /* a real verifier decided load_err */
	bool ran;          /* the program was run */
	int run_err;       /* 0, or why the run could not complete */
	char *run_msg;     /* the run's fault message, malloc'ed or NULL */
	uint32_t retval;
	const char *skip;  /* why this outcome cannot be judged here (static), or NULL */
};

enum test_verdict {
	TEST_PASS,
	TEST_FAIL,
	TEST_SKIP,
};

/* Parse a program's decl tags (in BTF order; tags not starting with "comment:" are not
 * annotations and are left alone).  0 when the spec is usable; -EINVAL with
 * spec->error set for a bad or unknown annotation; -ENOMEM.  Always call
 * test_spec_free() afterwards. */
int test_spec_parse(struct test_spec *spec, const char *const *tags, size_t cnt);
void test_spec_free(struct test_spec *spec);

/* __retval's value: decimal, 0x hex, negative, INT_MIN/_INT_MIN (or its expansion
 * "(-2147483647 -1)"), INT_MAX, TEST_DATA_LEN, POINTER_VALUE (any value).
 * Truncated to 32 bits as test_loader does.  0 or -EINVAL. */
int test_parse_retval(const char *s, uint32_t *val, bool *any);

/* Compile a __msg pattern: verbatim text with POSIX extended regular expressions
 * inside {{ }}.  0, or -EINVAL with the reason in err. */
int test_compile_pattern(const char *pattern, regex_t *re, char *err, size_t err_size);

/* Check the log against the spec's messages: positive ones in order, each searched
 * from the end of the previous match; a negative one must not occur between the
 * positive ones around it.  true if all hold; else why says which did not. */
bool test_msgs_check(const struct test_spec *spec, const char *log, char *why,
		     size_t why_size);

/* Whether test_loader would run the program after a successful load. */
bool test_should_run(const struct test_spec *spec);

/* Before loading: SKIP (with why) for __skip, or an architecture or load mode that
 * does not apply, else TEST_PASS meaning "go on".  runtime is TEST_JITED or TEST_NO_JITED. */
enum test_verdict test_precheck(const struct test_spec *spec, unsigned runtime,
				char *why, size_t why_size);

/* The verdict for an outcome, with the reason for FAIL and SKIP in why.  A load that
 * succeeded while __failure was expected is SKIP ("needs the verifier") unless
 * o->verified; so are unmatched messages of a successful load; so is any outcome with
 * o->skip set. */
enum test_verdict test_judge(const struct test_spec *spec, const struct test_outcome *o,
			     char *why, size_t why_size);

void test_outcome_free(struct test_outcome *o);

/* The running machine's architecture, as TEST_ARCH_*. */
uint32_t test_current_arch(void);

#endif /* BPFX_CLI_ANNOTATIONS_H */
