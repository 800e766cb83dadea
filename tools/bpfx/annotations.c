/* SPDX-License-Identifier: MIT */
/*
 * annotations.c - kernel selftest annotations: parse the "comment:test_*" decl tags of
 * a program into a test spec and judge a load/run outcome against it, following the
 * kernel's test_loader.c.  All three tag formats bpf_misc.h has used are read:
 * "comment:test_x", "comment:test_expect_msg=<N>=text" and "comment:<N>:test_x".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotations.h"
#include "cli.h"

#define COMMENT_PFX "comment:"

/* Values of __retval(POINTER_VALUE) in the kernel's bpf_misc.h over the years: the
 * test loader accepts any return value then. */
#define POINTER_VALUE_OLD 0xcafe4a11u
#define POINTER_VALUE_NEW 0xbadcafeu

struct parse_state {
	const char *tag;       /* the whole tag, for messages */
	bool counted;          /* "comment:<N>:" format */
	bool arch_seen;        /* an __arch_* came before */
	bool collect_jit;      /* the last __arch_* is this machine's */
};

typedef int (*tag_fn)(struct test_spec *spec, const char *val, struct parse_state *ps);

static int bad(struct test_spec *spec, const struct parse_state *ps, const char *why)
{
	snprintf(spec->error, sizeof(spec->error), "bad annotation '%s': %s", ps->tag, why);
	return -EINVAL;
}

static void add_unsupported(struct test_spec *spec, const char *what)
{
	size_t len = strlen(spec->unsupported);

	if (strstr(spec->unsupported, what))
		return;
	snprintf(spec->unsupported + len, sizeof(spec->unsupported) - len, "%s%s",
		 len ? ", " : "", what);
}

/* ---- numbers --------------------------------------------------------------- */

/* test_loader's parse_int(): "0x" hex or decimal, the whole string, as a long. */
static int parse_long(const char *s, long long *out)
{
	const char *p = s;
	int base = 10;
	char *end;

	if (strncmp(s, "0x", 2) == 0) {
		p = s + 2;
		base = 16;
	}
	if (!*p)
		return -EINVAL;
	errno = 0;
	*out = strtoll(p, &end, base);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int test_parse_retval(const char *s, uint32_t *val, bool *any)
{
	static const struct {
		const char *name;
		int32_t val;
		bool any;
	} named[] = {
		{ "INT_MIN", INT32_MIN, false },       { "_INT_MIN", INT32_MIN, false },
		{ "INT_MAX", INT32_MAX, false },       { "TEST_DATA_LEN", TEST_DATA_LEN, false },
		{ "POINTER_VALUE", 0, true },
		/* XSTR(INT_MIN) with clang's <limits.h> */
		{ "(-2147483647 -1)", INT32_MIN, false }, { "(-2147483647-1)", INT32_MIN, false },
	};
	long long v;
	size_t i;

	*any = false;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strcmp(s, named[i].name) == 0) {
			*val = (uint32_t)named[i].val;
			*any = named[i].any;
			return 0;
		}
	}
	if (parse_long(s, &v))
		return -EINVAL;
	*val = (uint32_t)v; /* test_loader keeps an int */
	*any = *val == POINTER_VALUE_OLD || *val == POINTER_VALUE_NEW;
	return 0;
}

/* ---- message patterns ------------------------------------------------------ */

static bool has_pfx(const char *s, const char *pfx)
{
	return strncmp(s, pfx, strlen(pfx)) == 0;
}

int test_compile_pattern(const char *pattern, regex_t *re, char *err, size_t err_size)
{
	size_t len = strlen(pattern);
	char *buf = malloc(2 * len + 1), *p = buf;
	bool in_regex = false;
	int rc;

	if (!buf) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	while (*pattern) {
		if (has_pfx(pattern, in_regex ? "}}" : "{{")) {
			in_regex = !in_regex;
			pattern += 2;
			continue;
		}
		if (!in_regex && strchr(".[]\\()*+?{}|^$", *pattern))
			*p++ = '\\';
		*p++ = *pattern++;
	}
	*p = '\0';
	if (in_regex) {
		snprintf(err, err_size, "'{{' without a closing '}}'");
		free(buf);
		return -EINVAL;
	}
	rc = regcomp(re, buf, REG_EXTENDED | REG_NEWLINE);
	free(buf);
	if (rc) {
		regerror(rc, re, err, err_size);
		return -EINVAL;
	}
	return 0;
}

static int push_msg(struct test_spec *spec, const struct parse_state *ps,
		    const char *text, bool negative, bool whole_regex)
{
	struct test_msg *m, *tmp;
	char err[160];
	int rc = 0;

	tmp = realloc(spec->msgs, (spec->msg_cnt + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	spec->msgs = tmp;
	m = &spec->msgs[spec->msg_cnt];
	memset(m, 0, sizeof(*m));
	m->text = strdup(text);
	if (!m->text)
		return -ENOMEM;
	m->negative = negative;
	if (whole_regex) {
		rc = regcomp(&m->re, text, REG_EXTENDED | REG_NEWLINE);
		if (rc)
			regerror(rc, &m->re, err, sizeof(err));
	} else if (strstr(text, "{{")) {
		rc = test_compile_pattern(text, &m->re, err, sizeof(err));
	} else {
		spec->msg_cnt++;
		return 0;
	}
	if (rc) {
		free(m->text);
		return bad(spec, ps, err);
	}
	m->is_regex = true;
	spec->msg_cnt++;
	return 0;
}

/* ---- one handler per annotation ------------------------------------------- */

static int tag_description(struct test_spec *spec, const char *val,
			   struct parse_state *ps)
{
	free(spec->description);
	spec->description = strdup(val);
	return spec->description ? 0 : -ENOMEM;
}

static int tag_skip(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	free(spec->skip);
	spec->skip = strdup(val);
	return spec->skip ? 0 : -ENOMEM;
}

static int tag_failure(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	spec->expect_failure = true;
	spec->mode |= TEST_PRIV;
	return 0;
}

static int tag_success(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	spec->expect_failure = false;
	spec->mode |= TEST_PRIV;
	return 0;
}

static int tag_unpriv(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	spec->mode |= TEST_UNPRIV;
	return 0;
}

static int tag_auxiliary(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	spec->auxiliary = true;
	spec->mode |= TEST_PRIV;
	return 0;
}

static int tag_auxiliary_unpriv(struct test_spec *spec, const char *val,
				struct parse_state *ps)
{
	spec->auxiliary = true;
	spec->mode |= TEST_UNPRIV;
	return 0;
}

static int tag_msg(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	spec->mode |= TEST_PRIV;
	return push_msg(spec, ps, val, false, false);
}

static int tag_not_msg(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	spec->mode |= TEST_PRIV;
	return push_msg(spec, ps, val, true, false);
}

static int tag_regex(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	spec->mode |= TEST_PRIV;
	return push_msg(spec, ps, val, false, true);
}

static int tag_retval(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	if (test_parse_retval(val, &spec->retval, &spec->retval_any))
		return bad(spec, ps, "not a number");
	spec->execute = true;
	spec->mode |= TEST_PRIV;
	return 0;
}

static int tag_retval_unpriv(struct test_spec *spec, const char *val,
			     struct parse_state *ps)
{
	uint32_t v;
	bool any;

	if (test_parse_retval(val, &v, &any))
		return bad(spec, ps, "not a number");
	spec->mode |= TEST_UNPRIV;
	return 0;
}

static int tag_log_level(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	long long v;

	if (parse_long(val, &v) || v < 0 || v > INT_MAX)
		return bad(spec, ps, "not a log level");
	spec->log_level = (int)v;
	return 0;
}

static int tag_prog_flags(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	static const struct {
		const char *name;
		uint32_t flag;
	} flags[] = {
		{ "BPF_F_STRICT_ALIGNMENT", 1u << 0 }, { "BPF_F_ANY_ALIGNMENT", 1u << 1 },
		{ "BPF_F_TEST_RND_HI32", 1u << 2 },    { "BPF_F_TEST_STATE_FREQ", 1u << 3 },
		{ "BPF_F_SLEEPABLE", 1u << 4 },        { "BPF_F_XDP_HAS_FRAGS", 1u << 5 },
		{ "BPF_F_TEST_REG_INVARIANTS", 1u << 7 },
	};
	bool clear = val[0] == '!';
	uint32_t flag = 0;
	long long v;
	size_t i;

	val += clear;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(val, flags[i].name) == 0)
			flag = flags[i].flag;
	if (!flag) {
		if (parse_long(val, &v))
			return bad(spec, ps, "unknown program flag");
		flag = (uint32_t)v;
	}
	if (clear)
		spec->prog_flags &= ~flag;
	else
		spec->prog_flags |= flag;
	return 0;
}

static int tag_arch(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	static const struct {
		const char *name;
		uint32_t arch;
	} archs[] = {
		{ "X86_64", TEST_ARCH_X86_64 }, { "ARM64", TEST_ARCH_ARM64 },
		{ "RISCV64", TEST_ARCH_RISCV64 }, { "s390x", TEST_ARCH_S390X },
		{ "LOONGARCH", TEST_ARCH_LOONGARCH },
	};
	size_t i;

	for (i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
		if (strcmp(val, archs[i].name) == 0) {
			spec->arch_mask |= archs[i].arch;
			ps->arch_seen = true;
			ps->collect_jit = archs[i].arch == test_current_arch();
			return 0;
		}
	}
	return bad(spec, ps, "unknown architecture");
}

static int tag_jited(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	if (!ps->arch_seen)
		return bad(spec, ps, "__jited used before __arch_*");
	if (ps->collect_jit) {
		add_unsupported(spec, "__jited");
		spec->mode |= TEST_PRIV;
	}
	return 0;
}

static int tag_jited_unpriv(struct test_spec *spec, const char *val,
			    struct parse_state *ps)
{
	if (!ps->arch_seen)
		return bad(spec, ps, "__unpriv_jited used before __arch_*");
	if (ps->collect_jit)
		spec->mode |= TEST_UNPRIV;
	return 0;
}

static int tag_xlated(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	add_unsupported(spec, "__xlated");
	spec->mode |= TEST_PRIV;
	return 0;
}

static int tag_load_mode(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	if (strcmp(val, "jited") == 0)
		spec->load_mask = TEST_JITED;
	else if (strcmp(val, "no_jited") == 0)
		spec->load_mask = TEST_NO_JITED;
	else
		return bad(spec, ps, "expected jited or no_jited");
	return 0;
}

static int tag_none(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	return 0;
}

static int tag_btf_path(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	add_unsupported(spec, "__btf_path");
	return 0;
}

static int tag_stderr(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	add_unsupported(spec, "__stderr");
	return 0;
}

static int tag_stdout(struct test_spec *spec, const char *val, struct parse_state *ps)
{
	add_unsupported(spec, "__stdout");
	return 0;
}

static int tag_linear_size(struct test_spec *spec, const char *val,
			   struct parse_state *ps)
{
	long long v;

	if (parse_long(val, &v))
		return bad(spec, ps, "not a number");
	add_unsupported(spec, "__linear_size");
	return 0;
}

/* Every annotation test_loader.c knows (and a few of its older forms). */
static const struct tag_rule {
	const char *key;
	bool value;    /* "key=value" (else the bare key) */
	bool counter;  /* the value may start with "<N>=" (bpf_misc.h of ~6.10) */
	tag_fn fn;
} rules[] = {
	{ "test_description", true, false, tag_description },
	{ "test_expect_failure", false, false, tag_failure },
	{ "test_expect_success", false, false, tag_success },
	{ "test_expect_failure_unpriv", false, false, tag_unpriv },
	{ "test_expect_success_unpriv", false, false, tag_unpriv },
	{ "test_auxiliary", false, false, tag_auxiliary },
	{ "test_auxiliary_unpriv", false, false, tag_auxiliary_unpriv },
	{ "test_expect_msg", true, true, tag_msg },
	{ "test_expect_not_msg", true, true, tag_not_msg },
	{ "test_expect_regex", true, false, tag_regex },
	{ "test_expect_msg_unpriv", true, true, tag_unpriv },
	{ "test_expect_not_msg_unpriv", true, true, tag_unpriv },
	{ "test_expect_regex_unpriv", true, false, tag_unpriv },
	{ "test_retval", true, false, tag_retval },
	{ "test_retval_unpriv", true, false, tag_retval_unpriv },
	{ "test_log_level", true, false, tag_log_level },
	{ "test_prog_flags", true, false, tag_prog_flags },
	{ "test_arch", true, false, tag_arch },
	{ "test_jited", true, true, tag_jited },
	{ "test_jited_unpriv", true, true, tag_jited_unpriv },
	{ "test_expect_xlated", true, true, tag_xlated },
	{ "test_expect_xlated_unpriv", true, true, tag_unpriv },
	{ "test_caps_unpriv", true, false, tag_unpriv },
	{ "load_mode", true, false, tag_load_mode },
	{ "test_btf_path", true, false, tag_btf_path },
	{ "test_btf_func_path", true, false, tag_btf_path },
	{ "test_expect_stderr", true, false, tag_stderr },
	{ "test_expect_stdout", true, false, tag_stdout },
	{ "test_expect_stderr_unpriv", true, false, tag_none },
	{ "test_expect_stdout_unpriv", true, false, tag_none },
	{ "test_linear_size", true, false, tag_linear_size },
	{ "test_state_freq", false, false, tag_none },
	{ "test_log_always", false, false, tag_none },   /* print the log: no effect here */
	{ "test_skip", true, false, tag_skip },
};

/* ---- parsing ----------------------------------------------------------------- */

/* "comment:<N>:rest" gives rest with *counted; "comment:rest" gives rest. */
static const char *strip_comment(const char *tag, bool *counted)
{
	const char *p = tag + strlen(COMMENT_PFX);
	const char *q = p;

	while (*q >= '0' && *q <= '9')
		q++;
	*counted = q > p && *q == ':';
	return *counted ? q + 1 : p;
}

/* The "<N>=" counter some bpf_misc.h versions put in front of repeatable values. */
static const char *skip_counter(const char *val)
{
	const char *q = val;

	while (*q >= '0' && *q <= '9')
		q++;
	return q > val && *q == '=' ? q + 1 : val;
}

static int apply_tag(struct test_spec *spec, struct parse_state *ps)
{
	const char *rest = strip_comment(ps->tag, &ps->counted);
	const char *eq = strchr(rest, '=');
	size_t key_len = eq ? (size_t)(eq - rest) : strlen(rest);
	const char *val;
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct tag_rule *r = &rules[i];

		if (strlen(r->key) != key_len || strncmp(rest, r->key, key_len) != 0)
			continue;
		if (r->value != !!eq)
			break;
		val = eq ? eq + 1 : "";
		if (r->counter && !ps->counted)
			val = skip_counter(val);
		return r->fn(spec, val, ps);
	}
	snprintf(spec->error, sizeof(spec->error), "unknown annotation '%s'", ps->tag);
	return -EINVAL;
}

static int cmp_tags(const void *a, const void *b)
{
	return strverscmp(*(const char *const *)a, *(const char *const *)b);
}

/* The "comment:" tags, sorted as test_loader sorts "comment:<N>:" ones (by counter,
 * which is source order); otherwise in BTF order. */
static const char **comment_tags(const char *const *tags, size_t cnt, size_t *out_cnt)
{
	const char **list = calloc(cnt ? cnt : 1, sizeof(*list));
	bool counted, any_counted = false;
	size_t i, n = 0;

	if (!list)
		return NULL;
	for (i = 0; i < cnt; i++) {
		if (!tags[i] || !has_pfx(tags[i], COMMENT_PFX))
			continue;
		strip_comment(tags[i], &counted);
		any_counted |= counted;
		list[n++] = tags[i];
	}
	if (any_counted)
		qsort(list, n, sizeof(*list), cmp_tags);
	*out_cnt = n;
	return list;
}

int test_spec_parse(struct test_spec *spec, const char *const *tags, size_t cnt)
{
	struct parse_state ps = { 0 };
	const char **list;
	size_t i, n;
	int err = 0;

	memset(spec, 0, sizeof(*spec));
	list = comment_tags(tags, cnt, &n);
	if (!list)
		return -ENOMEM;
	spec->annotated = n > 0;
	for (i = 0; i < n && !err; i++) {
		ps.tag = list[i];
		err = apply_tag(spec, &ps);
	}
	free(list);
	if (err == -ENOMEM && !spec->error[0])
		snprintf(spec->error, sizeof(spec->error), "out of memory");
	if (!spec->mode)
		spec->mode = TEST_PRIV;
	return err;
}

void test_spec_free(struct test_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->msg_cnt; i++) {
		if (spec->msgs[i].is_regex)
			regfree(&spec->msgs[i].re);
		free(spec->msgs[i].text);
	}
	free(spec->msgs);
	free(spec->description);
	free(spec->skip);
	spec->msgs = NULL;
	spec->msg_cnt = 0;
	spec->description = NULL;
	spec->skip = NULL;
}

/* ---- checking ------------------------------------------------------------------ */

/* Find m in from: the match's start, with *end just past it; NULL if absent. */
static const char *find_msg(const struct test_msg *m, const char *from, const char **end)
{
	regmatch_t rm;
	const char *p;

	if (!m->is_regex) {
		p = strstr(from, m->text);
		if (p)
			*end = p + strlen(m->text);
		return p;
	}
	if (regexec(&m->re, from, 1, &rm, 0) != 0)
		return NULL;
	*end = from + rm.rm_eo;
	return from + rm.rm_so;
}

struct span {
	const char *start, *end;
};

static bool report(char *why, size_t size, const char *what, const struct test_msg *m)
{
	snprintf(why, size, "%s%s: '%s'", what, m->is_regex ? " (regex)" : "", m->text);
	return false;
}

bool test_msgs_check(const struct test_spec *spec, const char *log, char *why,
		     size_t why_size)
{
	struct span *found = calloc(spec->msg_cnt ? spec->msg_cnt : 1, sizeof(*found));
	const char *cur, *lo, *hi, *end;
	bool ok = true;
	size_t i, j;

	if (!found) {
		snprintf(why, why_size, "out of memory");
		return false;
	}
	log = log ? log : "";
	for (i = 0, cur = log; i < spec->msg_cnt; i++) {
		if (spec->msgs[i].negative)
			continue;
		found[i].start = find_msg(&spec->msgs[i], cur, &found[i].end);
		if (found[i].start)
			cur = found[i].end;
	}
	for (i = 0, lo = log; i < spec->msg_cnt && ok; i++) {
		const struct test_msg *m = &spec->msgs[i];

		if (!m->negative) {
			if (!found[i].start)
				ok = report(why, why_size, "expected message not found", m);
			else
				lo = found[i].end;
			continue;
		}
		hi = log + strlen(log);
		for (j = i + 1; j < spec->msg_cnt; j++) {
			if (!spec->msgs[j].negative) {
				hi = found[j].start ? found[j].start : hi;
				break;
			}
		}
		if (find_msg(m, lo, &end) && end <= hi)
			ok = report(why, why_size, "unexpected message found", m);
	}
	free(found);
	return ok;
}

bool test_should_run(const struct test_spec *spec)
{
	return spec->execute && !spec->expect_failure;
}

uint32_t test_current_arch(void)
{
#if defined(__x86_64__)
	return TEST_ARCH_X86_64;
#elif defined(__aarch64__)
	return TEST_ARCH_ARM64;
#elif defined(__riscv) && __riscv_xlen == 64
	return TEST_ARCH_RISCV64;
#elif defined(__s390x__)
	return TEST_ARCH_S390X;
#elif defined(__loongarch__)
	return TEST_ARCH_LOONGARCH;
#else
	return TEST_ARCH_UNKNOWN;
#endif
}

enum test_verdict test_precheck(const struct test_spec *spec, unsigned runtime, char *why,
				size_t why_size)
{
	if (spec->skip) {
		snprintf(why, why_size, "__skip: %s", spec->skip);
		return TEST_SKIP;
	}
	if (spec->arch_mask && !(spec->arch_mask & test_current_arch())) {
		snprintf(why, why_size, "__arch: not for this architecture");
		return TEST_SKIP;
	}
	if (spec->load_mask && !(spec->load_mask & runtime)) {
		snprintf(why, why_size, "load_mode=%s does not apply",
			 spec->load_mask == TEST_JITED ? "jited" : "no_jited");
		return TEST_SKIP;
	}
	return TEST_PASS;
}

/* All checks that could be made passed. */
static enum test_verdict passed(const struct test_spec *spec, char *why, size_t size)
{
	if (!spec->unsupported[0])
		return TEST_PASS;
	snprintf(why, size, "cannot check %s", spec->unsupported);
	return TEST_SKIP;
}

/* After "expected message not found: ...", what the load said instead. */
static void append_rejection(const struct test_outcome *o, char *why, size_t size)
{
	size_t n = strlen(why);
	char line[200];

	cli_key_line(o->log, line, sizeof(line));
	if (n + 1 < size)
		snprintf(why + n, size - n, " (rejected: %s%s%s)", cli_errno_name(o->load_err),
			 line[0] ? ": " : "", line);
}

static enum test_verdict judge_failure(const struct test_spec *spec,
				       const struct test_outcome *o, char *why, size_t size)
{
	if (!o->load_err) {
		if (!o->verified) {
			snprintf(why, size, "needs the verifier");
			return TEST_SKIP;
		}
		snprintf(why, size, "loaded, but __failure expects a rejection");
		return TEST_FAIL;
	}
	if (!test_msgs_check(spec, o->log, why, size)) {
		append_rejection(o, why, size);
		return TEST_FAIL;
	}
	return passed(spec, why, size);
}

static enum test_verdict judge_run(const struct test_spec *spec,
				   const struct test_outcome *o, char *why, size_t size)
{
	if (o->run_err) {
		snprintf(why, size, "test run failed: %s%s%s", cli_errno_name(o->run_err),
			 o->run_msg && o->run_msg[0] ? ": " : "", o->run_msg ? o->run_msg : "");
		return TEST_FAIL;
	}
	if (!spec->retval_any && o->retval != spec->retval) {
		snprintf(why, size, "retval %d (%#x), expected %d (%#x)", (int32_t)o->retval,
			 o->retval, (int32_t)spec->retval, spec->retval);
		return TEST_FAIL;
	}
	return TEST_PASS;
}

enum test_verdict test_judge(const struct test_spec *spec, const struct test_outcome *o,
			     char *why, size_t why_size)
{
	char line[200], msg[256];

	why[0] = '\0';
	if (o->skip) {
		snprintf(why, why_size, "%s", o->skip);
		return TEST_SKIP;
	}
	if (spec->expect_failure)
		return judge_failure(spec, o, why, why_size);
	if (o->load_err) {
		cli_key_line(o->log, line, sizeof(line));
		snprintf(why, why_size, "load failed: %s%s%s", cli_errno_name(o->load_err),
			 line[0] ? ": " : "", line);
		return TEST_FAIL;
	}
	if (o->ran && judge_run(spec, o, why, why_size) == TEST_FAIL)
		return TEST_FAIL;
	if (!test_msgs_check(spec, o->log, msg, sizeof(msg))) {
		snprintf(why, why_size, "%s%s", o->verified ? "" : "needs the verifier: ", msg);
		return o->verified ? TEST_FAIL : TEST_SKIP;
	}
	return passed(spec, why, why_size);
}

void test_outcome_free(struct test_outcome *o)
{
	free(o->log);
	free(o->run_msg);
	o->log = NULL;
	o->run_msg = NULL;
}
