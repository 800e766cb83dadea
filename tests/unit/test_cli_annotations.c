/* SPDX-License-Identifier: MIT */
/*
 * test_cli_annotations.c - the pure parts of the bpfx CLI: kernel selftest annotation
 * parsing (__retval forms, {{regex}} messages, unknown annotations, tag formats),
 * judging outcomes, and JSON string escaping.  Expected values come from the kernel's
 * test_loader.c rules and RFC 8259 / RFC 3629, not from running this code.
 * Built with tools/bpfx/{annotations,json,util}.c by tests/cli/tests.cmake.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotations.h"
#include "json.h"
#include "check.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- __retval ------------------------------------------------------------ */

static void test_retval_forms(void)
{
	static const struct {
		const char *s;
		int rc;
		uint32_t val;
		bool any;
	} cases[] = {
		{ "0", 0, 0, false },
		{ "42", 0, 42, false },
		{ "-1", 0, 0xffffffffu, false },
		{ "-22", 0, (uint32_t)-22, false },
		{ "0x10", 0, 16, false },
		{ "0xffffffff", 0, 0xffffffffu, false },
		{ "INT_MIN", 0, 0x80000000u, false },
		{ "_INT_MIN", 0, 0x80000000u, false },
		{ "INT_MAX", 0, 0x7fffffffu, false },
		{ "(-2147483647 -1)", 0, 0x80000000u, false },
		{ "TEST_DATA_LEN", 0, 64, false },
		{ "POINTER_VALUE", 0, 0, true },
		{ "0xbadcafe", 0, 0xbadcafe, true },  /* XSTR(POINTER_VALUE), newest */
		{ "0xcafe4a11", 0, 0xcafe4a11, true },
		{ "4294967296", 0, 0, false },        /* test_loader keeps an int */
		{ "abc", -EINVAL, 0, false },
		{ "", -EINVAL, 0, false },
		{ "12x", -EINVAL, 0, false },
		{ "0x", -EINVAL, 0, false },
		{ "99999999999999999999", -EINVAL, 0, false },
		{ "int_min", -EINVAL, 0, false },
	};
	uint32_t val;
	bool any;
	size_t i;

	for (i = 0; i < N(cases); i++) {
		val = 0xdeadbeef;
		any = false;
		int rc = test_parse_retval(cases[i].s, &val, &any);

		if (rc != cases[i].rc)
			fprintf(stderr, "retval '%s': rc %d\n", cases[i].s, rc);
		CHECK(rc == cases[i].rc);
		if (rc == 0 && cases[i].rc == 0) {
			if (!cases[i].any)
				CHECK(val == cases[i].val);
			CHECK(any == cases[i].any);
		}
	}
}

/* ---- message patterns ------------------------------------------------------ */

static bool pattern_matches(const char *pattern, const char *text)
{
	char err[128];
	regex_t re;
	bool m;

	if (test_compile_pattern(pattern, &re, err, sizeof(err)))
		return false;
	m = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static void test_patterns(void)
{
	char err[128];
	regex_t re;

	CHECK(pattern_matches("foo{{[0-9]+}}", "x foo007 y"));
	CHECK(!pattern_matches("foo{{[0-9]+}}", "foo bar"));
	/* Verbatim parts are literal: '.', '(', '*', '[' ... match only themselves. */
	CHECK(pattern_matches("a.b({{[0-9]}})*", "a.b(5)*"));
	CHECK(!pattern_matches("a.b({{[0-9]}})*", "axb(5)*"));
	CHECK(!pattern_matches("a.b({{[0-9]}})*", "a.b(5)"));
	CHECK(pattern_matches("R0={{-?[0-9]+}} [x]", "R0=-5 [x]"));
	/* Several regex parts, and '}' '{' as literal text outside them. */
	CHECK(pattern_matches("{x}{{a+}}-{{b+}}", "{x}aa-bbb"));
	/* REG_NEWLINE: '.' stops at the end of a line. */
	CHECK(!pattern_matches("start{{.*}}end", "start\nend"));
	CHECK(pattern_matches("start{{.*}}end", "start middle end"));

	CHECK(test_compile_pattern("open {{[0-9]", &re, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "}}") != NULL);
	CHECK(test_compile_pattern("bad {{[}}", &re, err, sizeof(err)) == -EINVAL);
}

/* ---- parsing a program's tags ---------------------------------------------- */

static int parse(struct test_spec *spec, const char *const *tags, size_t cnt)
{
	return test_spec_parse(spec, tags, cnt);
}

static void test_parse_basic(void)
{
	const char *tags[] = {
		"exception_callback:my_cb",
		"comment:test_expect_failure",
		"comment:test_expect_msg=R1 invalid mem access",
		"comment:test_description=a description = with equals",
		"comment:test_log_level=2",
	};
	struct test_spec s;

	CHECK(parse(&s, tags, N(tags)) == 0);
	CHECK(s.annotated);
	CHECK(s.expect_failure);
	CHECK(s.mode == TEST_PRIV);
	CHECK(!s.execute);
	CHECK(s.log_level == 2);
	CHECK(s.msg_cnt == 1);
	CHECK_STR(s.msgs[0].text, "R1 invalid mem access");
	CHECK(!s.msgs[0].is_regex);
	CHECK_STR(s.description, "a description = with equals");
	CHECK(s.error[0] == '\0');
	test_spec_free(&s);
}

static void test_parse_unknown(void)
{
	const char *unknown[] = { "comment:test_expect_success", "comment:test_bogus=1" };
	const char *bad_form[] = { "comment:test_expect_failure=yes" };
	const char *bad_form2[] = { "comment:test_retval" };
	const char *none[] = { "exception_callback:cb", "some_other_tag" };
	struct test_spec s;

	CHECK(parse(&s, unknown, N(unknown)) == -EINVAL);
	CHECK_STR(s.error, "unknown annotation 'comment:test_bogus=1'");
	test_spec_free(&s);

	CHECK(parse(&s, bad_form, N(bad_form)) == -EINVAL);
	CHECK(strstr(s.error, "unknown annotation") != NULL);
	test_spec_free(&s);

	CHECK(parse(&s, bad_form2, N(bad_form2)) == -EINVAL);
	test_spec_free(&s);

	CHECK(parse(&s, none, N(none)) == 0);
	CHECK(!s.annotated);
	test_spec_free(&s);

	CHECK(parse(&s, NULL, 0) == 0);
	CHECK(!s.annotated);
	test_spec_free(&s);
}

static void test_parse_retval_tags(void)
{
	const char *ok[] = { "comment:test_expect_success", "comment:test_retval=-1" };
	const char *badval[] = { "comment:test_retval=seven" };
	const char *any[] = { "comment:test_retval=POINTER_VALUE" };
	struct test_spec s;

	CHECK(parse(&s, ok, N(ok)) == 0);
	CHECK(s.execute && s.retval == 0xffffffffu && !s.retval_any);
	CHECK(test_should_run(&s));
	test_spec_free(&s);

	CHECK(parse(&s, badval, N(badval)) == -EINVAL);
	CHECK(strstr(s.error, "comment:test_retval=seven") != NULL);
	test_spec_free(&s);

	CHECK(parse(&s, any, N(any)) == 0);
	CHECK(s.execute && s.retval_any);
	test_spec_free(&s);
}

/* The three tag formats of bpf_misc.h's history. */
static void test_parse_formats(void)
{
	/* Newest: "comment:<N>:" on every tag, sorted by N (not by string order). */
	const char *counted[] = {
		"comment:10:test_expect_msg=second",
		"comment:9:test_expect_msg=first",
		"comment:11:test_expect_not_msg=third",
		"comment:2:test_expect_failure",
	};
	/* ~6.10: repeatable values carry "<N>=" after the key. */
	const char *dynamic[] = {
		"comment:test_expect_msg=0=foo",
		"comment:test_expect_msg=1=foo",
		"comment:test_expect_msg=R1=ctx",
	};
	struct test_spec s;

	CHECK(parse(&s, counted, N(counted)) == 0);
	CHECK(s.expect_failure);
	CHECK(s.msg_cnt == 3);
	if (s.msg_cnt == 3) {
		CHECK_STR(s.msgs[0].text, "first");
		CHECK_STR(s.msgs[1].text, "second");
		CHECK_STR(s.msgs[2].text, "third");
		CHECK(s.msgs[2].negative && !s.msgs[0].negative);
	}
	test_spec_free(&s);

	CHECK(parse(&s, dynamic, N(dynamic)) == 0);
	CHECK(s.msg_cnt == 3);
	if (s.msg_cnt == 3) {
		CHECK_STR(s.msgs[0].text, "foo");
		CHECK_STR(s.msgs[1].text, "foo");
		CHECK_STR(s.msgs[2].text, "R1=ctx");
	}
	test_spec_free(&s);
}

static void test_parse_modes(void)
{
	const char *unpriv[] = { "comment:test_expect_failure_unpriv",
				 "comment:test_expect_msg_unpriv=x" };
	const char *both[] = { "comment:test_expect_success",
			       "comment:test_expect_success_unpriv" };
	const char *desc_only[] = { "comment:test_description=just a name" };
	const char *aux[] = { "comment:test_auxiliary" };
	const char *xlated[] = { "comment:test_expect_success",
				 "comment:test_expect_xlated=r0 = 1" };
	const char *jit_early[] = { "comment:test_jited=mov" };
	const char *bad_regex[] = { "comment:test_expect_msg=a {{(}}" };
	struct test_spec s;

	CHECK(parse(&s, unpriv, N(unpriv)) == 0);
	CHECK(s.mode == TEST_UNPRIV);
	CHECK(s.msg_cnt == 0);
	test_spec_free(&s);

	CHECK(parse(&s, both, N(both)) == 0);
	CHECK(s.mode == (TEST_PRIV | TEST_UNPRIV));
	test_spec_free(&s);

	CHECK(parse(&s, desc_only, N(desc_only)) == 0);
	CHECK(s.annotated && s.mode == TEST_PRIV && !s.expect_failure);
	CHECK(!test_should_run(&s)); /* __success without __retval: load only */
	test_spec_free(&s);

	CHECK(parse(&s, aux, N(aux)) == 0);
	CHECK(s.auxiliary);
	test_spec_free(&s);

	CHECK(parse(&s, xlated, N(xlated)) == 0);
	CHECK_STR(s.unsupported, "__xlated");
	test_spec_free(&s);

	CHECK(parse(&s, jit_early, N(jit_early)) == -EINVAL);
	CHECK(strstr(s.error, "__arch") != NULL);
	test_spec_free(&s);

	CHECK(parse(&s, bad_regex, N(bad_regex)) == -EINVAL);
	test_spec_free(&s);
}

/* ---- message order and negatives ------------------------------------------ */

static bool check_log(const char *const *tags, size_t cnt, const char *log)
{
	struct test_spec s;
	char why[256];
	bool ok;

	if (parse(&s, tags, cnt) != 0) {
		test_spec_free(&s);
		return false;
	}
	ok = test_msgs_check(&s, log, why, sizeof(why));
	test_spec_free(&s);
	return ok;
}

static void test_msgs(void)
{
	const char *ordered[] = { "comment:test_expect_msg=first",
				  "comment:test_expect_msg=second" };
	const char *neg[] = { "comment:test_expect_msg=P1", "comment:test_expect_not_msg=bad",
			      "comment:test_expect_msg=P2" };
	const char *neg_only[] = { "comment:test_expect_not_msg=bad" };
	const char *regex[] = { "comment:test_expect_msg=alloc_insn={{[0-9]+}}" };
	const char *same[] = { "comment:1:test_expect_msg=x", "comment:2:test_expect_msg=x" };
	struct test_spec s;
	char why[256];

	CHECK(check_log(ordered, 2, "first line\nsecond line\n"));
	CHECK(!check_log(ordered, 2, "second line\nfirst line\n"));
	CHECK(!check_log(ordered, 2, NULL));

	CHECK(!check_log(neg, 3, "P1 bad P2"));
	CHECK(check_log(neg, 3, "bad P1 P2"));
	CHECK(check_log(neg, 3, "P1 P2 bad"));
	CHECK(check_log(neg_only, 1, "all good"));
	CHECK(!check_log(neg_only, 1, "this is bad"));

	CHECK(check_log(regex, 1, "Unreleased reference id=4 alloc_insn=17\n"));
	CHECK(!check_log(regex, 1, "Unreleased reference id=4 alloc_insn=x\n"));

	/* Each positive message is searched after the previous match. */
	CHECK(check_log(same, 2, "x ... x"));
	CHECK(!check_log(same, 2, "only one x"));

	/* The reason names the pattern. */
	CHECK(parse(&s, ordered, 2) == 0);
	CHECK(!test_msgs_check(&s, "first only", why, sizeof(why)));
	CHECK_STR(why, "expected message not found: 'second'");
	test_spec_free(&s);
}

/* ---- judging ------------------------------------------------------------- */

static enum test_verdict judge(const char *const *tags, size_t cnt,
			       const struct test_outcome *o, char *why, size_t size)
{
	struct test_spec s;
	enum test_verdict v;

	if (parse(&s, tags, cnt) != 0) {
		test_spec_free(&s);
		return TEST_FAIL;
	}
	v = test_judge(&s, o, why, size);
	test_spec_free(&s);
	return v;
}

static void test_judging(void)
{
	const char *failure[] = { "comment:test_expect_failure",
				  "comment:test_expect_msg=R1 invalid" };
	const char *success[] = { "comment:test_expect_success", "comment:test_retval=2" };
	const char *success_msg[] = { "comment:test_expect_success",
				      "comment:test_expect_msg=R0=1" };
	const char *xlated[] = { "comment:test_expect_success",
				 "comment:test_expect_xlated=r0 = 1" };
	char log[] = "0: (b7) r0 = 0\nR1 invalid mem access 'scalar'\n";
	char why[512];
	struct test_outcome o;

	/* __failure that loads: no verifier yet -> SKIP; with one -> FAIL. */
	memset(&o, 0, sizeof(o));
	CHECK(judge(failure, 2, &o, why, sizeof(why)) == TEST_SKIP);
	CHECK_STR(why, "needs the verifier");
	o.verified = true;
	CHECK(judge(failure, 2, &o, why, sizeof(why)) == TEST_FAIL);

	/* __failure rejected: the messages decide. */
	memset(&o, 0, sizeof(o));
	o.load_err = -EACCES;
	o.log = log;
	CHECK(judge(failure, 2, &o, why, sizeof(why)) == TEST_PASS);
	o.log = "0: (b7) r0 = 0\nsomething else\n";
	CHECK(judge(failure, 2, &o, why, sizeof(why)) == TEST_FAIL);
	CHECK_STR(why, "expected message not found: 'R1 invalid' "
		       "(rejected: EACCES: something else)");

	/* __success rejected: FAIL with the errno name and the log's key line, the
	 * last one before the kernel verifier's statistics. */
	o.log = "Validating f() func#1...\nR1 invalid mem access 'scalar'\n"
		"processed 5 insns (limit 1000000) max_states_per_insn 0\n\n";
	CHECK(judge(success, 2, &o, why, sizeof(why)) == TEST_FAIL);
	CHECK_STR(why, "load failed: EACCES: R1 invalid mem access 'scalar'");
	o.log = "only line";
	CHECK(judge(success, 2, &o, why, sizeof(why)) == TEST_FAIL);
	CHECK_STR(why, "load failed: EACCES: only line");
	o.log = NULL;
	CHECK(judge(success, 2, &o, why, sizeof(why)) == TEST_FAIL);
	CHECK_STR(why, "load failed: EACCES");
	/* kernel_msg_no_newline: the kernel prints "insn %d cannot call exception cb
	 * directly" with no newline, so its statistics follow on the same line. */
	o.log = "insn 3 cannot call exception cb directlyprocessed 7 insns (limit 1000000) "
		"max_states_per_insn 0\n";
	CHECK(judge(success, 2, &o, why, sizeof(why)) == TEST_FAIL);
	CHECK_STR(why, "load failed: EACCES: insn 3 cannot call exception cb directly");

	/* An outcome that cannot be judged here (the kernel refused a program type it
	 * cannot load before verifying it) is SKIP with its reason, whatever the spec. */
	memset(&o, 0, sizeof(o));
	o.load_err = -EPERM;
	o.skip = "kernel: EPERM before verification";
	CHECK(judge(failure, 2, &o, why, sizeof(why)) == TEST_SKIP);
	CHECK_STR(why, "kernel: EPERM before verification");

	/* __retval compared as 32 bits. */
	memset(&o, 0, sizeof(o));
	o.ran = true;
	o.retval = 2;
	CHECK(judge(success, 2, &o, why, sizeof(why)) == TEST_PASS);
	o.retval = 3;
	CHECK(judge(success, 2, &o, why, sizeof(why)) == TEST_FAIL);
	CHECK_STR(why, "retval 3 (0x3), expected 2 (0x2)");
	o.retval = 2;
	o.run_err = -4002; /* -BPFX_ERR_FAULT */
	CHECK(judge(success, 2, &o, why, sizeof(why)) == TEST_FAIL);
	CHECK(strstr(why, "test run failed: BPFX_ERR_FAULT") != NULL);

	/* Unmatched messages of a successful load need the verifier's log. */
	memset(&o, 0, sizeof(o));
	CHECK(judge(success_msg, 2, &o, why, sizeof(why)) == TEST_SKIP);
	o.verified = true;
	CHECK(judge(success_msg, 2, &o, why, sizeof(why)) == TEST_FAIL);
	o.log = "R0=1";
	CHECK(judge(success_msg, 2, &o, why, sizeof(why)) == TEST_PASS);

	/* A check bpfx cannot make turns a pass into a skip, never a fail into one. */
	memset(&o, 0, sizeof(o));
	CHECK(judge(xlated, 2, &o, why, sizeof(why)) == TEST_SKIP);
	CHECK_STR(why, "cannot check __xlated");
	o.load_err = -EINVAL;
	CHECK(judge(xlated, 2, &o, why, sizeof(why)) == TEST_FAIL);
}

static void test_prechecks(void)
{
	const char *other_arch[] = { test_current_arch() == TEST_ARCH_ARM64
					     ? "comment:test_arch=X86_64"
					     : "comment:test_arch=ARM64" };
	const char *no_jit[] = { "comment:load_mode=no_jited" };
	const char *jit[] = { "comment:load_mode=jited" };
	struct test_spec s;
	char why[128];

	CHECK(parse(&s, other_arch, 1) == 0);
	CHECK(test_precheck(&s, TEST_JITED, why, sizeof(why)) == TEST_SKIP);
	test_spec_free(&s);
	CHECK(parse(&s, no_jit, 1) == 0);
	CHECK(test_precheck(&s, TEST_JITED, why, sizeof(why)) == TEST_SKIP);
	test_spec_free(&s);
	CHECK(parse(&s, jit, 1) == 0);
	CHECK(test_precheck(&s, TEST_JITED, why, sizeof(why)) == TEST_PASS);
	test_spec_free(&s);
}

/* annotations_skip_log_always: bpf_misc.h's __skip(reason) and __log_always, in its
 * counted tag format, are known annotations: __skip makes the test SKIP with the
 * reason before loading; __log_always changes nothing bpfx checks. */
static void test_skip_and_log_always(void)
{
	const char *skip[] = { "comment:3:test_expect_success",
			       "comment:4:test_skip=needs stack arguments" };
	const char *always[] = { "comment:5:test_expect_success", "comment:6:test_log_always" };
	struct test_spec s;
	char why[128];

	CHECK(parse(&s, skip, 2) == 0);
	CHECK(test_precheck(&s, TEST_JITED, why, sizeof(why)) == TEST_SKIP);
	CHECK_STR(why, "__skip: needs stack arguments");
	test_spec_free(&s);
	CHECK(parse(&s, always, 2) == 0);
	CHECK(s.error[0] == '\0');
	CHECK(test_precheck(&s, TEST_JITED, why, sizeof(why)) == TEST_PASS);
	test_spec_free(&s);
}

/* ---- JSON ------------------------------------------------------------------- */

static char *escaped(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	json_write_escaped(f, s, len);
	fclose(f);
	return buf;
}

static void check_escape(const char *in, size_t len, const char *want)
{
	char *got = escaped(in, len);

	CHECK_STR(got, want);
	free(got);
}

static void test_json_escape(void)
{
	check_escape("plain", 5, "\"plain\"");
	check_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_escape("\n\t\r\b\f", 5, "\"\\n\\t\\r\\b\\f\"");
	check_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"");
	check_escape("a\0b", 3, "\"a\\u0000b\"");
	check_escape("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");             /* é kept */
	check_escape("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");           /* € kept */
	check_escape("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");   /* U+1F600 kept */
	check_escape("\xff", 1, "\"\\ufffd\"");
	check_escape("\xc0\x80", 2, "\"\\ufffd\\ufffd\"");             /* overlong */
	check_escape("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");             /* truncated */
	check_escape("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");  /* surrogate */
	check_escape("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	check_escape("/", 1, "\"/\"");
}

static void test_json_writer(void)
{
	struct json_writer w;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f) {
		CHECK(f != NULL);
		return;
	}
	json_init(&w, f);
	json_begin_object(&w, NULL);
	json_string(&w, "prog", "x\"y");
	json_bool(&w, "loaded", true);
	json_uint(&w, "retval", 4294967295u);
	json_u64_string(&w, "r0", UINT64_MAX);
	json_int(&w, "errno", -13);
	json_null(&w, "fault");
	json_string(&w, "src", NULL);
	json_begin_object(&w, "exception");
	json_begin_array(&w, "frames");
	json_string(&w, NULL, "a");
	json_string(&w, NULL, NULL);
	json_end_array(&w);
	json_begin_array(&w, "empty");
	json_end_array(&w);
	json_end_object(&w);
	json_end_object(&w);
	json_begin_object(&w, NULL); /* a second line starts without a comma */
	json_end_object(&w);
	fclose(f);
	CHECK_STR(buf, "{\"prog\":\"x\\\"y\",\"loaded\":true,\"retval\":4294967295,"
		       "\"r0\":\"18446744073709551615\",\"errno\":-13,\"fault\":null,"
		       "\"src\":null,\"exception\":{\"frames\":[\"a\",null],\"empty\":[]}}{}");
	free(buf);
}

int main(void)
{
	test_retval_forms();
	test_patterns();
	test_parse_basic();
	test_parse_unknown();
	test_parse_retval_tags();
	test_parse_formats();
	test_parse_modes();
	test_msgs();
	test_judging();
	test_prechecks();
	test_skip_and_log_always();
	test_json_escape();
	test_json_writer();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("test_cli_annotations: all checks passed\n");
	return 0;
}
