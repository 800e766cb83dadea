/* SPDX-License-Identifier: MIT */
/*
 * asm.c - assembler for the kernel verifier log's syntax (see asm.h).  One pass over
 * the lines with a small cursor-based matcher per instruction form; references to
 * labels are patched at the end.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "insn.h"

#define MAX_LINE 1024
#define MAX_NAME 64

enum { NOMATCH = 0, OK = 1, FAIL = -1 };

struct label {
	char name[MAX_NAME];
	size_t at;
};

/* A label reference: insns[insn].off or .imm = label - (insn + 1). */
struct fixup {
	char name[MAX_NAME];
	size_t insn;
	unsigned int line;
	bool imm;
};

struct asm_state {
	struct bpf_insn *insns;
	size_t cnt, cap;
	struct label *labels;
	size_t label_cnt, label_cap;
	struct fixup *fixups;
	size_t fixup_cnt, fixup_cap;
	unsigned int line;
	char *err;
	size_t err_size;
	bool failed;
};

struct cur {
	const char *p;
};

struct num {
	uint64_t mag;
	bool neg;
	bool hex;
};

/* A jump or call target: relative, or a label. */
struct target {
	int64_t rel;
	char label[MAX_NAME];
};

static int fail(struct asm_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct asm_state *st, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (!st->failed && st->err && st->err_size) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		snprintf(st->err, st->err_size, "line %u: %s", st->line, why);
	}
	st->failed = true;
	return FAIL;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static int emit(struct asm_state *st, uint8_t code, int dst, int src, int16_t off,
		int32_t imm)
{
	struct bpf_insn *insn;

	if (grow((void **)&st->insns, &st->cap, st->cnt + 1, sizeof(*insn)))
		return -ENOMEM;
	insn = &st->insns[st->cnt++];
	memset(insn, 0, sizeof(*insn));
	insn->code = code;
	insn->dst_reg = dst;
	insn->src_reg = src;
	insn->off = off;
	insn->imm = imm;
	return OK;
}

static int add_fixup(struct asm_state *st, const char *name, size_t insn, bool imm)
{
	struct fixup *f;

	if (grow((void **)&st->fixups, &st->fixup_cap, st->fixup_cnt + 1, sizeof(*f)))
		return -ENOMEM;
	f = &st->fixups[st->fixup_cnt++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->insn = insn;
	f->line = st->line;
	f->imm = imm;
	return OK;
}

static const struct label *find_label(const struct asm_state *st, const char *name)
{
	for (size_t i = 0; i < st->label_cnt; i++)
		if (!strcmp(st->labels[i].name, name))
			return &st->labels[i];
	return NULL;
}

static int add_label(struct asm_state *st, const char *name)
{
	struct label *l;

	if (find_label(st, name))
		return fail(st, "label '%s' defined twice", name);
	if (grow((void **)&st->labels, &st->label_cap, st->label_cnt + 1, sizeof(*l)))
		return -ENOMEM;
	l = &st->labels[st->label_cnt++];
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->at = st->cnt;
	return OK;
}

/* ------------------------------------------------------------------------------
 * Tokens.  Every matcher skips blanks first and leaves the cursor alone on failure.
 */

static void blanks(struct cur *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

static bool is_word(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.';
}

static bool lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	blanks(c);
	if (strncmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

/* A keyword: the literal, not followed by a word character. */
static bool kw(struct cur *c, const char *s)
{
	struct cur save = *c;

	if (lit(c, s) && !is_word(*c->p))
		return true;
	*c = save;
	return false;
}

static bool ident(struct cur *c, char *buf, size_t size, bool dash)
{
	const char *s;
	size_t n = 0;

	blanks(c);
	s = c->p;
	if (!isalpha((unsigned char)*s) && *s != '_' && *s != '.')
		return false;
	while (is_word(s[n]) || (dash && s[n] == '-'))
		n++;
	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	c->p += n;
	return true;
}

/* rN or wN, N <= 10.  kind gets 'r' or 'w'. */
static bool reg(struct cur *c, char *kind, int *n)
{
	const char *s;
	int v = 0, len = 0;

	blanks(c);
	s = c->p;
	if (*s != 'r' && *s != 'w')
		return false;
	while (isdigit((unsigned char)s[1 + len]) && len < 3)
		v = v * 10 + (s[1 + len++] - '0');
	if (!len || v > 10 || is_word(s[1 + len]))
		return false;
	*kind = *s;
	*n = v;
	c->p += 1 + len;
	return true;
}

static bool reg_of(struct cur *c, char want, int *n)
{
	struct cur save = *c;
	char kind;

	if (reg(c, &kind, n) && kind == want)
		return true;
	*c = save;
	return false;
}

static bool digits(struct cur *c, struct num *n)
{
	const char *s = c->p;
	unsigned int base = 10, d;
	uint64_t v = 0;
	size_t i = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; isxdigit((unsigned char)s[i]); i++) {
		d = isdigit((unsigned char)s[i]) ? (unsigned int)(s[i] - '0') :
						  (unsigned int)(tolower((unsigned char)s[i]) - 'a' + 10);
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (!i || is_word(s[i]))
		return false;
	n->mag = v;
	n->hex = base == 16;
	c->p = s + i;
	return true;
}

/* [+|-] [blanks] [+|-] digits, e.g. "5", "-8", "+0", "+ 0x10", "+ -4". */
static bool number(struct cur *c, struct num *n)
{
	struct cur save = *c;
	bool neg = false;

	blanks(c);
	for (int i = 0; i < 2 && (*c->p == '+' || *c->p == '-'); i++) {
		neg ^= *c->p == '-';
		c->p++;
		blanks(c);
	}
	if (!digits(c, n)) {
		*c = save;
		return false;
	}
	n->neg = neg && n->mag;
	return true;
}

/* Range conversions; false when the value does not fit. */
static bool to_imm32(const struct num *n, int32_t *v)
{
	if (n->neg ? n->mag > 0x80000000ull : n->mag > 0xffffffffull)
		return false;
	*v = n->neg ? (int32_t)(0 - (uint32_t)n->mag) : (int32_t)(uint32_t)n->mag;
	return true;
}

static bool to_s32(const struct num *n, int32_t *v)
{
	if (n->neg ? n->mag > 0x80000000ull : n->mag > 0x7fffffffull)
		return false;
	*v = n->neg ? (int32_t)(0 - (uint32_t)n->mag) : (int32_t)n->mag;
	return true;
}

static bool to_s16(const struct num *n, int16_t *v)
{
	int32_t w;

	if (!to_s32(n, &w) || w < INT16_MIN || w > INT16_MAX)
		return false;
	*v = (int16_t)w;
	return true;
}

static bool to_u64(const struct num *n, uint64_t *v)
{
	if (n->neg && n->mag > 0x8000000000000000ull)
		return false;
	*v = n->neg ? 0 - n->mag : n->mag;
	return true;
}

static bool at_end(struct cur *c)
{
	blanks(c);
	return *c->p == '\0';
}

/* "pc+N", "+N", "-N" or a label. */
static bool target(struct cur *c, struct target *t)
{
	struct cur save = *c;
	struct num n;

	t->label[0] = '\0';
	blanks(c);
	if (!strncmp(c->p, "pc", 2) && (c->p[2] == '+' || c->p[2] == '-'))
		c->p += 2;
	if ((*c->p == '+' || *c->p == '-') && number(c, &n)) {
		t->rel = n.neg ? -(int64_t)(n.mag > INT64_MAX ? INT64_MAX : n.mag) :
				 (int64_t)(n.mag > INT64_MAX ? INT64_MAX : n.mag);
		return true;
	}
	*c = save;
	return ident(c, t->label, sizeof(t->label), false);
}

/* Emit an instruction whose off (imm) is a target. */
static int emit_target(struct asm_state *st, const struct target *t, bool imm, uint8_t code,
		       int dst, int src, int16_t off, int32_t imm_val)
{
	int err;

	if (!t->label[0]) {
		if (imm ? t->rel < INT32_MIN || t->rel > INT32_MAX :
			  t->rel < INT16_MIN || t->rel > INT16_MAX)
			return fail(st, "jump offset %lld out of range", (long long)t->rel);
		if (imm)
			imm_val = (int32_t)t->rel;
		else
			off = (int16_t)t->rel;
	}
	err = emit(st, code, dst, src, off, imm_val);
	if (err != OK || !t->label[0])
		return err;
	return add_fixup(st, t->label, st->cnt - 1, imm);
}

/* ------------------------------------------------------------------------------
 * Operands shared by several forms.
 */

/* "(u32 *)": size code; sx says s8/s16/s32. */
static bool size_cast(struct cur *c, uint8_t *size, bool *sx)
{
	static const struct { const char *name; uint8_t size; bool sx; } names[] = {
		{ "u8", BPF_B, false },  { "u16", BPF_H, false }, { "u32", BPF_W, false },
		{ "u64", BPF_DW, false }, { "s8", BPF_B, true },   { "s16", BPF_H, true },
		{ "s32", BPF_W, true },
	};
	struct cur save = *c;
	char name[8];

	if (lit(c, "(") && ident(c, name, sizeof(name), false) && lit(c, "*") && lit(c, ")")) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (!strcmp(name, names[i].name)) {
				*size = names[i].size;
				*sx = names[i].sx;
				return true;
			}
		}
	}
	*c = save;
	return false;
}

/* "(r1 +8)", "(r1)": base register and offset. */
static int address(struct asm_state *st, struct cur *c, int *base, int16_t *off)
{
	struct num n = { 0 };

	if (!lit(c, "(") || !reg_of(c, 'r', base))
		return NOMATCH;
	*off = 0;
	if (number(c, &n) && !to_s16(&n, off))
		return fail(st, "memory offset out of range");
	if (!lit(c, ")"))
		return NOMATCH;
	return OK;
}

/* ------------------------------------------------------------------------------
 * Instruction forms.  Each returns NOMATCH, OK or FAIL (message set).
 */

static int parse_raw(struct asm_state *st, struct cur *c)
{
	static const char *const keys[] = { "code", "dst", "src", "off", "imm" };
	int32_t v[5] = { 0 };
	struct num n;

	for (size_t i = 0; i < 5; i++) {
		if (!lit(c, keys[i]) || !lit(c, "=") || !number(c, &n))
			return fail(st, ".insn wants code= dst= src= off= imm=");
		if (!to_imm32(&n, &v[i]) ||
		    (i < 3 && (v[i] < 0 || v[i] > (i ? 15 : 255))) ||
		    (i == 3 && (v[i] < INT16_MIN || v[i] > INT16_MAX)))
			return fail(st, ".insn %s out of range", keys[i]);
	}
	if (!at_end(c))
		return NOMATCH;
	return emit(st, (uint8_t)v[0], v[1], v[2], (int16_t)v[3], v[4]);
}

static int parse_goto(struct asm_state *st, struct cur *c, bool gotol)
{
	struct target t;

	if (!target(c, &t) || !at_end(c))
		return NOMATCH;
	if (gotol)
		return emit_target(st, &t, true, BPF_JMP32 | BPF_JA, 0, 0, 0, 0);
	return emit_target(st, &t, false, BPF_JMP | BPF_JA, 0, 0, 0, 0);
}

/* may_goto pc+N | may_goto label */
static int parse_may_goto(struct asm_state *st, struct cur *c)
{
	struct target t;

	if (!target(c, &t) || !at_end(c))
		return NOMATCH;
	return emit_target(st, &t, false, BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, 0);
}

/* call 12 | call name#12 | call kernel-function#3 | call pc+5 | call label */
static int parse_call(struct asm_state *st, struct cur *c)
{
	struct cur save = *c;
	char name[MAX_NAME];
	struct target t;
	struct num n;
	int32_t imm;

	if (ident(c, name, sizeof(name), true) && lit(c, "#") && number(c, &n) && at_end(c)) {
		if (!to_s32(&n, &imm))
			return fail(st, "call number out of range");
		return emit(st, BPF_JMP | BPF_CALL, 0,
			    strcmp(name, "kernel-function") ? 0 : BPF_PSEUDO_KFUNC_CALL, 0, imm);
	}
	*c = save;
	blanks(c);
	if (isdigit((unsigned char)*c->p) && number(c, &n) && at_end(c)) {
		if (!to_s32(&n, &imm))
			return fail(st, "call number out of range");
		return emit(st, BPF_JMP | BPF_CALL, 0, 0, 0, imm);
	}
	*c = save;
	if (!target(c, &t) || !at_end(c))
		return NOMATCH;
	return emit_target(st, &t, true, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0);
}

static bool jmp_op(struct cur *c, uint8_t *op)
{
	static const struct { const char *s; uint8_t op; } ops[] = {
		{ "s>=", BPF_JSGE }, { "s<=", BPF_JSLE }, { "s>", BPF_JSGT }, { "s<", BPF_JSLT },
		{ "==", BPF_JEQ },   { "!=", BPF_JNE },   { ">=", BPF_JGE },  { "<=", BPF_JLE },
		{ ">", BPF_JGT },    { "<", BPF_JLT },    { "&", BPF_JSET },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (lit(c, ops[i].s)) {
			*op = ops[i].op;
			return true;
		}
	}
	return false;
}

/* if r1 > 0x5 goto pc+3 | if w1 s< w2 goto label */
static int parse_if(struct asm_state *st, struct cur *c)
{
	uint8_t op, cls;
	struct target t;
	int dst, src = 0;
	int32_t imm = 0;
	struct num n;
	char kind;

	if (!reg(c, &kind, &dst) || !jmp_op(c, &op))
		return NOMATCH;
	cls = kind == 'w' ? BPF_JMP32 : BPF_JMP;
	if (reg_of(c, kind, &src)) {
		op |= BPF_X;
	} else if (number(c, &n)) {
		if (!to_imm32(&n, &imm))
			return fail(st, "immediate out of range");
	} else {
		return NOMATCH;
	}
	if (!kw(c, "goto") || !target(c, &t) || !at_end(c))
		return NOMATCH;
	return emit_target(st, &t, false, cls | op, dst, src, 0, imm);
}

/* lock *(u64 *)(r1 +0) += r2 */
static int parse_lock(struct asm_state *st, struct cur *c)
{
	static const struct { const char *s; int op; } ops[] = {
		{ "+=", BPF_ADD }, { "&=", BPF_AND }, { "|=", BPF_OR }, { "^=", BPF_XOR },
	};
	int base, src, op = -1, err;
	uint8_t size;
	int16_t off;
	bool sx;

	if (!lit(c, "*") || !size_cast(c, &size, &sx) || sx)
		return NOMATCH;
	if ((err = address(st, c, &base, &off)) != OK)
		return err;
	for (size_t i = 0; i < 4 && op < 0; i++)
		if (lit(c, ops[i].s))
			op = ops[i].op;
	if (op < 0 || !reg_of(c, 'r', &src) || !at_end(c))
		return NOMATCH;
	return emit(st, BPF_STX | BPF_ATOMIC | size, base, src, off, op);
}

/* *(u32 *)(r1 +0) = r2 | *(u32 *)(r1 +0) = 5 */
static int parse_store(struct asm_state *st, struct cur *c)
{
	int base, src, err;
	int32_t imm;
	uint8_t size;
	int16_t off;
	struct num n;
	bool sx;

	if (!size_cast(c, &size, &sx) || sx)
		return NOMATCH;
	if ((err = address(st, c, &base, &off)) != OK)
		return err;
	if (!lit(c, "="))
		return NOMATCH;
	if (reg_of(c, 'r', &src) && at_end(c))
		return emit(st, BPF_STX | BPF_MEM | size, base, src, off, 0);
	if (!number(c, &n) || !at_end(c))
		return NOMATCH;
	if (!to_imm32(&n, &imm))
		return fail(st, "immediate out of range");
	return emit(st, BPF_ST | BPF_MEM | size, base, 0, off, imm);
}

/* The right side "*(u32 *)(r1 +0)", "*(s8 *)(...)", "*(u8 *)skb[...]" of rD = ... */
static int parse_load(struct asm_state *st, struct cur *c, int dst)
{
	int base = 0, err;
	int32_t imm;
	uint8_t size;
	int16_t off;
	struct num n;
	bool sx, ind;

	if (!lit(c, "*") || !size_cast(c, &size, &sx))
		return NOMATCH;
	if (!lit(c, "skb")) {
		if ((err = address(st, c, &base, &off)) != OK || !at_end(c))
			return err == OK ? NOMATCH : err;
		return emit(st, BPF_LDX | (sx ? BPF_MEMSX : BPF_MEM) | size, dst, base, off, 0);
	}
	if (dst != 0 || sx || !lit(c, "["))
		return NOMATCH;
	ind = reg_of(c, 'r', &base);
	if ((ind && !lit(c, "+")) || !number(c, &n) || !lit(c, "]") || !at_end(c))
		return NOMATCH;
	if (!to_imm32(&n, &imm))
		return fail(st, "immediate out of range");
	return emit(st, BPF_LD | (ind ? BPF_IND : BPF_ABS) | size, 0, base, 0, imm);
}

/* rS = atomic[64]_fetch_add((u64 *)(rD +0), rS) | _xchg | r0 = ..._cmpxchg(..., r0, rS) */
static int parse_atomic(struct asm_state *st, struct cur *c, int lhs)
{
	static const struct { const char *s; int imm; } ops[] = {
		{ "_fetch_add", BPF_ADD | BPF_FETCH }, { "_fetch_and", BPF_AND | BPF_FETCH },
		{ "_fetch_or", BPF_OR | BPF_FETCH },   { "_fetch_xor", BPF_XOR | BPF_FETCH },
		{ "_xchg", BPF_XCHG },                 { "_cmpxchg", BPF_CMPXCHG },
	};
	int base, src, r0, imm = -1, err;
	bool wide, sx;
	uint8_t size;
	int16_t off;

	if (!lit(c, "atomic"))
		return NOMATCH;
	wide = lit(c, "64");
	for (size_t i = 0; i < 6 && imm < 0; i++)
		if (kw(c, ops[i].s))
			imm = ops[i].imm;
	if (imm < 0 || !lit(c, "(") || !size_cast(c, &size, &sx) || sx)
		return NOMATCH;
	if ((err = address(st, c, &base, &off)) != OK)
		return err;
	if (size != (wide ? BPF_DW : BPF_W))
		return fail(st, "atomic%s wants (%s *)", wide ? "64" : "", wide ? "u64" : "u32");
	if (!lit(c, ","))
		return NOMATCH;
	if (imm == BPF_CMPXCHG && (!reg_of(c, 'r', &r0) || r0 != 0 || !lit(c, ",")))
		return fail(st, "cmpxchg compares with r0");
	if (!reg_of(c, 'r', &src) || !lit(c, ")") || !at_end(c))
		return NOMATCH;
	if (lhs != (imm == BPF_CMPXCHG ? 0 : src))
		return fail(st, "the result goes to r%d", imm == BPF_CMPXCHG ? 0 : src);
	return emit(st, BPF_STX | BPF_ATOMIC | size, base, src, off, imm);
}

/* rD = be16 rD | le32 | bswap64 */
static int parse_end(struct asm_state *st, struct cur *c, int dst)
{
	static const struct { const char *s; uint8_t code; } ops[] = {
		{ "bswap", BPF_ALU64 | BPF_END | BPF_TO_LE },
		{ "be", BPF_ALU | BPF_END | BPF_TO_BE },
		{ "le", BPF_ALU | BPF_END | BPF_TO_LE },
	};
	struct num n = { 0 };
	int32_t imm;
	int r;

	for (size_t i = 0; i < 3; i++) {
		struct cur save = *c;

		if (!lit(c, ops[i].s) || !isdigit((unsigned char)*c->p) || !digits(c, &n)) {
			*c = save;
			continue;
		}
		if (!reg_of(c, 'r', &r) || !at_end(c))
			return NOMATCH;
		if (r != dst)
			return fail(st, "%s works in place: r%d = %s%llu r%d", ops[i].s, dst,
				    ops[i].s, (unsigned long long)n.mag, dst);
		if (!to_imm32(&n, &imm))
			return fail(st, "width out of range");
		return emit(st, ops[i].code, dst, 0, 0, imm);
	}
	return NOMATCH;
}

/* rD = addr_space_cast(rS, A, B) */
static int parse_cast(struct asm_state *st, struct cur *c, int dst)
{
	struct num a, b;
	int src;

	if (!kw(c, "addr_space_cast") || !lit(c, "(") || !reg_of(c, 'r', &src) ||
	    !lit(c, ",") || !number(c, &a) || !lit(c, ",") || !number(c, &b) ||
	    !lit(c, ")") || !at_end(c))
		return NOMATCH;
	if (a.neg || b.neg || a.mag > 0xffff || b.mag > 0xffff)
		return fail(st, "address spaces are 16-bit");
	return emit(st, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 1,
		    (int32_t)(uint32_t)(a.mag << 16 | b.mag));
}

static int emit_ld_imm64(struct asm_state *st, int dst, int src, uint64_t v)
{
	int err = emit(st, BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, (int32_t)(uint32_t)v);

	if (err != OK)
		return err;
	return emit(st, 0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
}

/* map[fd:N] map[idx:N] map[..][0]+OFF btf_id[N] btf_id[N][fd:M] subprog[+N|label] */
static int parse_pseudo(struct asm_state *st, struct cur *c, int dst)
{
	struct num a, b = { 0 };
	struct target t;
	int32_t lo = 0, hi = 0;
	int src, err;
	bool idx;

	if (kw(c, "subprog")) {
		if (!lit(c, "[") || !target(c, &t) || !lit(c, "]") || !at_end(c))
			return NOMATCH;
		err = emit_target(st, &t, true, BPF_LD | BPF_IMM | BPF_DW, dst, BPF_PSEUDO_FUNC,
				  0, 0);
		return err == OK ? emit(st, 0, 0, 0, 0, 0) : err;
	}
	if (kw(c, "btf_id")) {
		if (!lit(c, "[") || !number(c, &a) || !lit(c, "]"))
			return NOMATCH;
		if (lit(c, "[") && (!lit(c, "fd") || !lit(c, ":") || !number(c, &b) || !lit(c, "]")))
			return NOMATCH;
		if (!at_end(c) || !to_imm32(&a, &lo) || !to_imm32(&b, &hi))
			return NOMATCH;
		return emit_ld_imm64(st, dst, BPF_PSEUDO_BTF_ID,
				     (uint32_t)lo | (uint64_t)(uint32_t)hi << 32);
	}
	if (!kw(c, "map") || !lit(c, "["))
		return NOMATCH;
	if (!(idx = kw(c, "idx")) && !kw(c, "fd"))
		return NOMATCH;
	if (!lit(c, ":") || !number(c, &a) || !lit(c, "]") || !to_imm32(&a, &lo))
		return NOMATCH;
	src = idx ? BPF_PSEUDO_MAP_IDX : BPF_PSEUDO_MAP_FD;
	if (lit(c, "[")) {
		if (!lit(c, "0") || !lit(c, "]") || !lit(c, "+") || !number(c, &b) ||
		    !to_imm32(&b, &hi))
			return NOMATCH;
		src = idx ? BPF_PSEUDO_MAP_IDX_VALUE : BPF_PSEUDO_MAP_VALUE;
	}
	if (!at_end(c))
		return NOMATCH;
	return emit_ld_imm64(st, dst, src, (uint32_t)lo | (uint64_t)(uint32_t)hi << 32);
}

/* rD = N (mov), wD = N (mov32), rD = 0xN or rD = N ll (ld_imm64) */
static int parse_mov_imm(struct asm_state *st, struct cur *c, char kind, int dst)
{
	struct num n;
	uint64_t v;
	int32_t imm;
	bool ll;

	if (!number(c, &n))
		return NOMATCH;
	ll = kw(c, "ll");
	if (!at_end(c))
		return NOMATCH;
	if (kind == 'r' && (ll || n.hex)) {
		if (!to_u64(&n, &v))
			return fail(st, "immediate out of range");
		return emit_ld_imm64(st, dst, 0, v);
	}
	if (ll)
		return fail(st, "ll loads a 64-bit register");
	if (kind == 'r' ? !to_s32(&n, &imm) : !to_imm32(&n, &imm))
		return fail(st, "immediate out of range (a 64-bit value needs ll or hex)");
	return emit(st, (kind == 'w' ? BPF_ALU : BPF_ALU64) | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

/* Right side of "rD = ..." / "wD = ...". */
static int parse_assign(struct asm_state *st, struct cur *c, char kind, int dst)
{
	static int (*const forms[])(struct asm_state *, struct cur *, int) = {
		parse_load, parse_atomic, parse_end, parse_cast, parse_pseudo,
	};
	uint8_t cls = kind == 'w' ? BPF_ALU : BPF_ALU64;
	struct cur save = *c;
	int src, off = 0, err;
	char k2;

	if (lit(c, "-") && reg(c, &k2, &src)) {
		if (k2 != kind || src != dst || !at_end(c))
			return fail(st, "neg works in place: %c%d = -%c%d", kind, dst, kind, dst);
		return emit(st, cls | BPF_NEG | BPF_K, dst, 0, 0, 0);
	}
	*c = save;
	if (lit(c, "(s8)"))
		off = 8;
	else if (lit(c, "(s16)"))
		off = 16;
	else if (lit(c, "(s32)"))
		off = 32;
	if (reg_of(c, kind, &src) && at_end(c))
		return emit(st, cls | BPF_MOV | BPF_X, dst, src, off, 0);
	if (off)
		return NOMATCH;
	for (size_t i = 0; kind == 'r' && i < sizeof(forms) / sizeof(forms[0]); i++) {
		*c = save;
		if ((err = forms[i](st, c, dst)) != NOMATCH)
			return err;
	}
	*c = save;
	return parse_mov_imm(st, c, kind, dst);
}

static bool alu_op(struct cur *c, uint8_t *op, int16_t *off)
{
	static const struct { const char *s; uint8_t op; int16_t off; } ops[] = {
		{ "s>>=", BPF_ARSH, 0 }, { "s/=", BPF_DIV, 1 }, { "s%=", BPF_MOD, 1 },
		{ "<<=", BPF_LSH, 0 },   { ">>=", BPF_RSH, 0 }, { "+=", BPF_ADD, 0 },
		{ "-=", BPF_SUB, 0 },    { "*=", BPF_MUL, 0 },  { "/=", BPF_DIV, 0 },
		{ "|=", BPF_OR, 0 },     { "&=", BPF_AND, 0 },  { "%=", BPF_MOD, 0 },
		{ "^=", BPF_XOR, 0 },    { "=", BPF_MOV, 0 },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (lit(c, ops[i].s)) {
			*op = ops[i].op;
			*off = ops[i].off;
			return true;
		}
	}
	return false;
}

/* Forms starting with a register: ALU, mov, loads, ld_imm64, atomics with fetch. */
static int parse_reg_first(struct asm_state *st, struct cur *c)
{
	uint8_t op, cls;
	int dst, src;
	int16_t off;
	int32_t imm;
	struct num n;
	char kind;

	if (!reg(c, &kind, &dst) || !alu_op(c, &op, &off))
		return NOMATCH;
	if (op == BPF_MOV)
		return parse_assign(st, c, kind, dst);
	cls = kind == 'w' ? BPF_ALU : BPF_ALU64;
	if (reg_of(c, kind, &src) && at_end(c))
		return emit(st, cls | op | BPF_X, dst, src, off, 0);
	if (!number(c, &n) || !at_end(c))
		return NOMATCH;
	if (!to_imm32(&n, &imm))
		return fail(st, "immediate out of range");
	return emit(st, cls | op | BPF_K, dst, 0, off, imm);
}

static int parse_insn(struct asm_state *st, struct cur *c);

/* .rept N <instruction>: the instruction N times (no label references). */
static int parse_rept(struct asm_state *st, struct cur *c)
{
	size_t start = st->cnt, fixups = st->fixup_cnt, len;
	struct cur save;
	struct num n;
	int err;

	if (!number(c, &n) || n.neg || !n.mag || n.mag > 1000000)
		return fail(st, ".rept wants a count from 1 to 1000000");
	save = *c;
	if (kw(c, ".rept"))
		return fail(st, ".rept cannot be nested");
	*c = save;
	if ((err = parse_insn(st, c)) != OK)
		return err;
	if (st->fixup_cnt != fixups)
		return fail(st, ".rept cannot repeat a label reference");
	len = st->cnt - start;
	if (grow((void **)&st->insns, &st->cap, st->cnt + len * (n.mag - 1), sizeof(*st->insns)))
		return -ENOMEM;
	for (uint64_t i = 1; i < n.mag; i++, st->cnt += len)
		memcpy(st->insns + st->cnt, st->insns + start, len * sizeof(*st->insns));
	return OK;
}

static int parse_insn(struct asm_state *st, struct cur *c)
{
	if (kw(c, ".rept"))
		return parse_rept(st, c);
	if (kw(c, ".insn"))
		return parse_raw(st, c);
	if (kw(c, "exit"))
		return at_end(c) ? emit(st, BPF_JMP | BPF_EXIT, 0, 0, 0, 0) : NOMATCH;
	if (kw(c, "goto"))
		return parse_goto(st, c, false);
	if (kw(c, "gotol"))
		return parse_goto(st, c, true);
	if (kw(c, "may_goto"))
		return parse_may_goto(st, c);
	if (kw(c, "call"))
		return parse_call(st, c);
	if (kw(c, "if"))
		return parse_if(st, c);
	if (kw(c, "lock"))
		return parse_lock(st, c);
	if (lit(c, "*"))
		return parse_store(st, c);
	return parse_reg_first(st, c);
}

/* ------------------------------------------------------------------------------
 * Lines.
 */

/* Cut comments: ";" and "//" anywhere, "#" at the start or after a blank. */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == ';' || (p[0] == '/' && p[1] == '/') ||
		    (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t'))) {
			*p = '\0';
			return;
		}
	}
}

/* Skip "12:" and "(bf)" from the verifier log; define "label:" names. */
static int line_prefixes(struct asm_state *st, struct cur *c)
{
	char name[MAX_NAME];
	struct cur save;
	int err;

	blanks(c);
	if (isdigit((unsigned char)*c->p)) {
		save = *c;
		while (isdigit((unsigned char)*c->p))
			c->p++;
		if (*c->p != ':')
			*c = save;
		else
			c->p++;
	}
	blanks(c);
	if (c->p[0] == '(' && isxdigit((unsigned char)c->p[1]) &&
	    isxdigit((unsigned char)c->p[2]) && c->p[3] == ')')
		c->p += 4;
	for (;;) {
		save = *c;
		if (!ident(c, name, sizeof(name), false) || !lit(c, ":")) {
			*c = save;
			return OK;
		}
		if ((err = add_label(st, name)) != OK)
			return err;
	}
}

static int parse_line(struct asm_state *st, const char *text, size_t len)
{
	char line[MAX_LINE];
	struct cur c;
	int err;

	if (len >= sizeof(line))
		return fail(st, "line too long");
	memcpy(line, text, len);
	line[len] = '\0';
	strip_comment(line);
	c.p = line;
	if ((err = line_prefixes(st, &c)) != OK)
		return err;
	if (at_end(&c))
		return OK;
	err = parse_insn(st, &c);
	if (err == NOMATCH)
		return fail(st, "cannot parse '%s'", c.p);
	return err;
}

static int resolve_fixups(struct asm_state *st)
{
	for (size_t i = 0; i < st->fixup_cnt; i++) {
		const struct fixup *f = &st->fixups[i];
		const struct label *l = find_label(st, f->name);
		struct bpf_insn *insn = &st->insns[f->insn];
		int64_t rel;

		st->line = f->line;
		if (!l)
			return fail(st, "unknown label '%s'", f->name);
		rel = (int64_t)l->at - (int64_t)f->insn - 1;
		if (!f->imm && (rel < INT16_MIN || rel > INT16_MAX))
			return fail(st, "label '%s' too far for a 16-bit offset", f->name);
		if (f->imm)
			insn->imm = (int32_t)rel;
		else
			insn->off = (int16_t)rel;
	}
	return OK;
}

static int assemble(struct asm_state *st, const char *text)
{
	const char *p = text, *nl;
	int err;

	for (st->line = 1; *p; st->line++) {
		nl = strchr(p, '\n');
		err = parse_line(st, p, nl ? (size_t)(nl - p) : strlen(p));
		if (err != OK)
			return err;
		if (!nl)
			break;
		p = nl + 1;
	}
	return resolve_fixups(st);
}

int bpfx_asm(const char *text, struct bpf_insn **out, size_t *cnt, char *err,
	     size_t err_size)
{
	struct asm_state st = { .err = err, .err_size = err_size };
	int ret;

	*out = NULL;
	*cnt = 0;
	if (err && err_size)
		err[0] = '\0';
	if (!text)
		return -EINVAL;
	ret = assemble(&st, text);
	free(st.labels);
	free(st.fixups);
	if (ret != OK) {
		free(st.insns);
		if (ret == -ENOMEM && err && err_size)
			snprintf(err, err_size, "out of memory");
		return ret == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	*out = st.insns;
	*cnt = st.cnt;
	return 0;
}
