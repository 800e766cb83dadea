/* SPDX-License-Identifier: MIT */
/*
 * test_insn.c - the opcode table, bpfx_insn_check() messages, the disassembler's text
 * (print_bpf_insn()'s formats in kernel/bpf/disasm.c) and the assembler, including an
 * exhaustive round trip asm(disasm(insn)) == insn over generated instructions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "insn.h"

static int failures;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			failures++;                                        \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);    \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
		}                                                          \
	} while (0)

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static const struct bpf_insn exit_insn = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

static void dump(const char *what, const struct bpf_insn *insns, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		fprintf(stderr, "  %s[%zu] code=%02x dst=%u src=%u off=%d imm=%d\n", what, i,
			insns[i].code, insns[i].dst_reg, insns[i].src_reg, insns[i].off,
			insns[i].imm);
}

/* ---- the table ------------------------------------------------------------ */

static void test_table(void)
{
	size_t n = 0;

	for (int c = 0; c < 256; c++)
		n += bpfx_opcodes[c].name != NULL;
	/* ALU+ALU64: 2 x (12 ops x K/X + NEG) = 50; END 3; JMP+JMP32 conditional
	 * 2 x 11 x 2 = 44; JA, gotol, may_goto, CALL, EXIT 5; LD imm64 1; LD_ABS/IND 6;
	 * LDX/ST/STX x 4 sizes 12; MEMSX 3; ATOMIC W/DW 2. */
	CHECK(n == 126, "%zu valid opcodes, want 126", n);
	CHECK(bpfx_opcodes[0xe5].kind == BPFX_K_MAY_GOTO && bpfx_opcodes[0xed].name == NULL &&
	      bpfx_opcodes[0xe6].name == NULL, "may_goto: JMP | JCOND | K only");
	CHECK(!strcmp(bpfx_opcodes[0x07].name, "ALU64_ADD_K"), "0x07 %s", bpfx_opcodes[0x07].name);
	CHECK(!strcmp(bpfx_opcodes[0xbc].name, "ALU_MOV_X"), "0xbc");
	CHECK(bpfx_opcodes[0xd4].kind == BPFX_K_END, "0xd4 le");
	CHECK(bpfx_opcodes[0xdc].kind == BPFX_K_END, "0xdc be");
	CHECK(bpfx_opcodes[0xd7].kind == BPFX_K_END, "0xd7 bswap");
	CHECK(bpfx_opcodes[0xdf].name == NULL, "0xdf (ALU64 END TO_BE) invalid");
	CHECK(bpfx_opcodes[0x06].kind == BPFX_K_GOTOL, "0x06 gotol");
	CHECK(bpfx_opcodes[0x05].kind == BPFX_K_JA, "0x05 ja");
	CHECK(bpfx_opcodes[0x85].kind == BPFX_K_CALL, "0x85 call");
	CHECK(bpfx_opcodes[0x86].name == NULL && bpfx_opcodes[0x96].name == NULL,
	      "no JMP32 call/exit");
	CHECK(bpfx_opcodes[0x18].kind == BPFX_K_LD_IMM64, "0x18");
	CHECK(bpfx_opcodes[0x91].kind == BPFX_K_LDX_SX && bpfx_opcodes[0x99].name == NULL,
	      "memsx b, no memsx dw");
	CHECK(bpfx_opcodes[0xdb].kind == BPFX_K_ATOMIC && bpfx_opcodes[0xd3].name == NULL,
	      "atomic dw, no atomic b");
	CHECK(bpfx_opcodes[0x87].kind == BPFX_K_NEG && bpfx_opcodes[0x8f].name == NULL,
	      "neg k only");
	CHECK(bpfx_opcodes[0x00].name == NULL, "0x00 invalid");
}

/* ---- disassembly: expected strings follow print_bpf_insn()'s formats ---------- */

static const char *test_call_name(void *ctx, const struct bpf_insn *insn, size_t idx)
{
	return insn->src_reg == 0 && insn->imm == 1 ? "bpf_map_lookup_elem" : NULL;
}

static void expect_disasm(const struct bpf_insn *insns, size_t cnt, const char *want,
			  int want_slots, const struct bpfx_disasm_cbs *cbs, int line)
{
	char buf[160];
	int n = bpfx_disasm(insns, cnt, 0, cbs, buf, sizeof(buf));

	CHECK(n == want_slots, "line %d: %d slots, want %d", line, n, want_slots);
	CHECK(n < 0 || !strcmp(buf, want), "line %d: '%s', want '%s'", line, buf, want);
}

#define D1(want, ...)                                                          \
	do {                                                                   \
		struct bpf_insn one[] = { __VA_ARGS__, exit_insn };            \
		expect_disasm(one, 2, want, 1, NULL, __LINE__);                \
	} while (0)

static void test_disasm_alu(void)
{
	D1("r1 = 5", INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 5));
	D1("w1 += w2", INSN(BPF_ALU | BPF_ADD | BPF_X, 1, 2, 0, 0));
	D1("r1 += -5", INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, -5));
	D1("r1 s/= r2", INSN(BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 1, 0));
	D1("w1 s%= 3", INSN(BPF_ALU | BPF_MOD | BPF_K, 1, 0, 1, 3));
	D1("r3 %= r4", INSN(BPF_ALU64 | BPF_MOD | BPF_X, 3, 4, 0, 0));
	D1("r1 = (s8)r2", INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 8, 0));
	D1("w1 = (s16)w2", INSN(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 16, 0));
	D1("r1 = (s32)r2", INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 32, 0));
	D1("r1 = -r1", INSN(BPF_ALU64 | BPF_NEG | BPF_K, 1, 0, 0, 0));
	D1("w1 = -w1", INSN(BPF_ALU | BPF_NEG | BPF_K, 1, 0, 0, 0));
	D1("r0 = be16 r0", INSN(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 16));
	D1("r2 = le32 r2", INSN(BPF_ALU | BPF_END | BPF_TO_LE, 2, 0, 0, 32));
	D1("r0 = bswap64 r0", INSN(BPF_ALU64 | BPF_END | BPF_TO_LE, 0, 0, 0, 64));
	D1("r1 s>>= 3", INSN(BPF_ALU64 | BPF_ARSH | BPF_K, 1, 0, 0, 3));
	D1("w1 <<= w2", INSN(BPF_ALU | BPF_LSH | BPF_X, 1, 2, 0, 0));
	D1("w9 ^= -2147483648", INSN(BPF_ALU | BPF_XOR | BPF_K, 9, 0, 0, INT32_MIN));
	D1("r1 = addr_space_cast(r2, 0, 1)", INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 1, 1));
}

static void test_disasm_jmp(void)
{
	struct bpfx_disasm_cbs cbs = { .call_name = test_call_name };
	struct bpf_insn call[] = { INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 1), exit_insn };

	D1("if r1 > 0x5 goto pc+3", INSN(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 3, 5));
	D1("if w1 s< w2 goto pc-2", INSN(BPF_JMP32 | BPF_JSLT | BPF_X, 1, 2, -2, 0));
	D1("if r1 == 0xffffffff goto pc+0", INSN(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0, -1));
	D1("if w3 & 0x80 goto pc+1", INSN(BPF_JMP32 | BPF_JSET | BPF_K, 3, 0, 1, 0x80));
	D1("if r4 s>= r5 goto pc+7", INSN(BPF_JMP | BPF_JSGE | BPF_X, 4, 5, 7, 0));
	D1("goto pc-3", INSN(BPF_JMP | BPF_JA, 0, 0, -3, 0));
	D1("gotol pc+70000", INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 70000));
	D1("call pc+5", INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5));
	D1("call pc-7", INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -7));
	D1("call unknown#12", INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 12));
	D1("call kernel-function#3", INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 3));
	D1("exit", exit_insn);
	expect_disasm(call, 2, "call bpf_map_lookup_elem#1", 1, &cbs, __LINE__);
}

static void test_disasm_mem(void)
{
	D1("r0 = *(u32 *)(r1 +0)", INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 0));
	D1("r0 = *(s16 *)(r1 +2)", INSN(BPF_LDX | BPF_MEMSX | BPF_H, 0, 1, 2, 0));
	D1("r5 = *(s8 *)(r10 -1)", INSN(BPF_LDX | BPF_MEMSX | BPF_B, 5, 10, -1, 0));
	D1("*(u64 *)(r10 -8) = r1", INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8, 0));
	D1("*(u8 *)(r10 -1) = 7", INSN(BPF_ST | BPF_MEM | BPF_B, 10, 0, -1, 7));
	D1("*(u32 *)(r1 +4) = -1", INSN(BPF_ST | BPF_MEM | BPF_W, 1, 0, 4, -1));
	D1("lock *(u64 *)(r1 +0) += r2", INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD));
	D1("lock *(u32 *)(r1 +8) |= r3", INSN(BPF_STX | BPF_ATOMIC | BPF_W, 1, 3, 8, BPF_OR));
	D1("r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)",
	   INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD | BPF_FETCH));
	D1("r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)",
	   INSN(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_XOR | BPF_FETCH));
	D1("r2 = atomic64_xchg((u64 *)(r1 +0), r2)",
	   INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_XCHG));
	D1("r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)",
	   INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_CMPXCHG));
	D1("r0 = atomic_cmpxchg((u32 *)(r1 -4), r0, r2)",
	   INSN(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, -4, BPF_CMPXCHG));
	D1("r0 = *(u8 *)skb[5]", INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 5));
	D1("r0 = *(u16 *)skb[r1 + 2]", INSN(BPF_LD | BPF_IND | BPF_H, 0, 1, 0, 2));
	D1(".insn code=0xff dst=0 src=0 off=0 imm=0", INSN(0xff, 0, 0, 0, 0));
	D1(".insn code=0x07 dst=1 src=2 off=0 imm=5", INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 2, 0, 5));
	D1(".insn code=0x95 dst=0 src=0 off=3 imm=0", INSN(BPF_JMP | BPF_EXIT, 0, 0, 3, 0));
	D1(".insn code=0xbf dst=11 src=0 off=0 imm=0", INSN(BPF_ALU64 | BPF_MOV | BPF_X, 11, 0, 0, 0));
}

#define D2(want, c0, c1)                                                       \
	do {                                                                   \
		struct bpf_insn two[] = { c0, c1 };                            \
		expect_disasm(two, 2, want, 2, NULL, __LINE__);                \
	} while (0)

static void test_disasm_ld_imm64(void)
{
	struct bpf_insn trunc[] = { INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 1) };
	struct bpf_insn bad_hi[] = { INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 1),
				     INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0) };
	char buf[128];

	D2("r1 = 0x1234", INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 0x1234), INSN(0, 0, 0, 0, 0));
	D2("r9 = 0xffffffff00000001", INSN(BPF_LD | BPF_IMM | BPF_DW, 9, 0, 0, 1),
	   INSN(0, 0, 0, 0, -1));
	D2("r0 = 0x0", INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 0), INSN(0, 0, 0, 0, 0));
	D2("r1 = map[idx:0]", INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 0),
	   INSN(0, 0, 0, 0, 0));
	D2("r1 = map[idx:2][0]+16",
	   INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX_VALUE, 0, 2), INSN(0, 0, 0, 0, 16));
	D2("r2 = map[fd:7]", INSN(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_MAP_FD, 0, 7),
	   INSN(0, 0, 0, 0, 0));
	D2("r2 = map[fd:7][0]+4", INSN(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_MAP_VALUE, 0, 7),
	   INSN(0, 0, 0, 0, 4));
	D2("r1 = subprog[+3]", INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_FUNC, 0, 3),
	   INSN(0, 0, 0, 0, 0));
	D2("r3 = btf_id[42]", INSN(BPF_LD | BPF_IMM | BPF_DW, 3, BPF_PSEUDO_BTF_ID, 0, 42),
	   INSN(0, 0, 0, 0, 0));
	CHECK(bpfx_disasm(trunc, 1, 0, NULL, buf, sizeof(buf)) == -EINVAL, "truncated ld_imm64");
	CHECK(bpfx_disasm(trunc, 1, 1, NULL, buf, sizeof(buf)) == -EINVAL, "past the end");
	CHECK(bpfx_disasm(bad_hi, 2, 0, NULL, buf, sizeof(buf)) == 1 &&
	      !strcmp(buf, ".insn code=0x18 dst=1 src=0 off=0 imm=1"), "bad second slot: %s", buf);
}

/* ---- bpfx_insn_check: the kernel verifier's messages ----------------------- */

static void expect_check(const struct bpf_insn *insns, size_t cnt, size_t idx,
			 const char *want, int want_err, int line)
{
	char msg[160] = "";
	int err = bpfx_insn_check(insns, cnt, idx, msg, sizeof(msg));

	if (!want) {
		CHECK(err == 0, "line %d: rejected: %s", line, msg);
		return;
	}
	CHECK(err == want_err, "line %d: err %d, want %d (%s)", line, err, want_err, msg);
	CHECK(!strcmp(msg, want), "line %d: '%s', want '%s'", line, msg, want);
}

#define C1(want, ...)                                                          \
	do {                                                                   \
		struct bpf_insn one[] = { __VA_ARGS__, exit_insn };            \
		expect_check(one, 2, 0, want, -EINVAL, __LINE__);              \
	} while (0)
#define C1_FP(...)                                                             \
	do {                                                                   \
		struct bpf_insn one[] = { __VA_ARGS__, exit_insn };            \
		expect_check(one, 2, 0, "frame pointer is read only", -EACCES, __LINE__); \
	} while (0)

static void test_check_alu(void)
{
	C1(NULL, INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, 5));
	C1("BPF_ALU uses reserved fields", INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 1, 0, 5));
	C1("BPF_ALU uses reserved fields", INSN(BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 0, 1));
	C1("BPF_ALU uses reserved fields", INSN(BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 1, 0));
	C1("BPF_ALU uses reserved fields", INSN(BPF_ALU | BPF_DIV | BPF_X, 1, 2, 2, 0));
	C1(NULL, INSN(BPF_ALU | BPF_DIV | BPF_X, 1, 2, 1, 0));
	C1(NULL, INSN(BPF_ALU64 | BPF_MOD | BPF_K, 1, 0, 1, -1));
	C1("div by zero", INSN(BPF_ALU64 | BPF_DIV | BPF_K, 1, 0, 0, 0));
	C1("div by zero", INSN(BPF_ALU | BPF_MOD | BPF_K, 1, 0, 1, 0));
	C1(NULL, INSN(BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 0, 0));
	C1("invalid shift 64", INSN(BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 64));
	C1("invalid shift 32", INSN(BPF_ALU | BPF_RSH | BPF_K, 1, 0, 0, 32));
	C1("invalid shift -1", INSN(BPF_ALU64 | BPF_ARSH | BPF_K, 1, 0, 0, -1));
	C1(NULL, INSN(BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 63));
	C1(NULL, INSN(BPF_ALU | BPF_ARSH | BPF_K, 1, 0, 0, 31));
	C1("BPF_MOV uses reserved fields", INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 8, 5));
	C1("BPF_MOV uses reserved fields", INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 2, 0, 5));
	C1("BPF_MOV uses reserved fields", INSN(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 32, 0));
	C1("BPF_MOV uses reserved fields", INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 8, 1));
	C1("BPF_MOV uses reserved fields", INSN(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 1, 0));
	C1(NULL, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 32, 0));
	C1(NULL, INSN(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 16, 0));
	C1("addr_space_cast insn can only convert between address space 1 and 0",
	   INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 1, 2));
	C1("addr_space_cast insn can only be used in a program that has an associated arena",
	   INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 1, 1));
	C1("BPF_NEG uses reserved fields", INSN(BPF_ALU64 | BPF_NEG | BPF_K, 1, 0, 0, 1));
	C1("BPF_NEG uses reserved fields", INSN(BPF_ALU | BPF_NEG | BPF_K, 1, 3, 0, 0));
	C1("BPF_END uses reserved fields", INSN(BPF_ALU | BPF_END | BPF_TO_BE, 1, 0, 0, 8));
	C1("BPF_END uses reserved fields", INSN(BPF_ALU64 | BPF_END | BPF_TO_LE, 1, 0, 1, 16));
	C1(NULL, INSN(BPF_ALU64 | BPF_END | BPF_TO_LE, 1, 0, 0, 16));
	C1_FP(INSN(BPF_ALU64 | BPF_MOV | BPF_K, 10, 0, 0, 0));
	C1_FP(INSN(BPF_ALU | BPF_ADD | BPF_X, 10, 1, 0, 0));
	C1_FP(INSN(BPF_ALU64 | BPF_NEG | BPF_K, 10, 0, 0, 0));
	C1(NULL, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0));
	C1("R11 is invalid", INSN(BPF_ALU64 | BPF_MOV | BPF_X, 11, 1, 0, 0));
	C1("R12 is invalid", INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 12, 0, 0));
	/* registers are checked before reserved fields, as in check_and_resolve_insns */
	C1("R15 is invalid", INSN(BPF_ALU64 | BPF_ADD | BPF_K, 15, 3, 0, 0));
}

static void test_check_jmp_mem(void)
{
	C1("unknown opcode 86", INSN(BPF_JMP32 | BPF_CALL, 0, 0, 0, 1));
	C1("unknown opcode 00", INSN(0, 0, 0, 0, 0));
	C1("unknown opcode df", INSN(BPF_ALU64 | BPF_END | BPF_TO_BE, 0, 0, 0, 16));
	C1("unknown opcode 99", INSN(BPF_LDX | BPF_MEMSX | BPF_DW, 0, 1, 0, 0));
	C1("unknown opcode 38", INSN(BPF_LD | BPF_ABS | BPF_DW, 0, 0, 0, 0));
	C1("BPF_JA uses reserved fields", INSN(BPF_JMP | BPF_JA, 0, 0, 0, 1));
	C1("BPF_JA uses reserved fields", INSN(BPF_JMP | BPF_JA, 1, 0, 0, 0));
	C1("BPF_JA uses reserved fields", INSN(BPF_JMP32 | BPF_JA, 0, 0, 1, 0));
	C1(NULL, INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 0));
	C1("BPF_JMP/JMP32 uses reserved fields", INSN(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0, 0));
	C1("BPF_JMP/JMP32 uses reserved fields", INSN(BPF_JMP32 | BPF_JGT | BPF_X, 1, 2, 0, 3));
	C1(NULL, INSN(BPF_JMP32 | BPF_JGT | BPF_X, 10, 2, 0, 0));
	C1("BPF_CALL uses reserved fields", INSN(BPF_JMP | BPF_CALL, 1, 0, 0, 1));
	C1("BPF_CALL uses reserved fields", INSN(BPF_JMP | BPF_CALL, 0, 3, 0, 1));
	C1("BPF_CALL uses reserved fields", INSN(BPF_JMP | BPF_CALL, 0, 0, 1, 1));
	C1("BPF_CALL uses reserved fields", INSN(BPF_JMP | BPF_CALL, 0, 1, 1, 0));
	C1(NULL, INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 1, 7));
	C1(NULL, INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 12));
	C1("BPF_EXIT uses reserved fields", INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 1));
	C1("BPF_EXIT uses reserved fields", INSN(BPF_JMP | BPF_EXIT, 1, 0, 0, 0));
	C1(NULL, INSN(BPF_JMP | BPF_EXIT, 0, 0, 5, 0));
	C1("BPF_LD_[ABS|IND] uses reserved fields", INSN(BPF_LD | BPF_ABS | BPF_W, 1, 0, 0, 0));
	C1("BPF_LD_[ABS|IND] uses reserved fields", INSN(BPF_LD | BPF_ABS | BPF_W, 0, 1, 0, 0));
	C1("BPF_LD_[ABS|IND] uses reserved fields", INSN(BPF_LD | BPF_IND | BPF_B, 0, 1, 1, 0));
	C1(NULL, INSN(BPF_LD | BPF_IND | BPF_B, 0, 1, 0, 0));
	C1("BPF_LDX uses reserved fields", INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 1));
	C1("BPF_LDX uses reserved fields", INSN(BPF_LDX | BPF_MEMSX | BPF_B, 0, 1, 0, 1));
	C1_FP(INSN(BPF_LDX | BPF_MEM | BPF_DW, 10, 1, 0, 0));
	C1("BPF_ST uses reserved fields", INSN(BPF_ST | BPF_MEM | BPF_W, 10, 1, -4, 0));
	C1(NULL, INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0));
	C1("BPF_STX uses reserved fields", INSN(BPF_STX | BPF_MEM | BPF_W, 10, 1, -4, 1));
	C1("BPF_ATOMIC uses invalid atomic opcode 02",
	   INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 10, 1, -8, 2));
	C1("BPF_ATOMIC uses invalid atomic opcode 100",
	   INSN(BPF_STX | BPF_ATOMIC | BPF_W, 1, 0, 0, 0x100));
	C1(NULL, INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 10, 10, -8, BPF_ADD));
	C1_FP(INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 10, 0, BPF_ADD | BPF_FETCH));
	C1_FP(INSN(BPF_STX | BPF_ATOMIC | BPF_W, 1, 10, 0, BPF_XCHG));
	C1(NULL, INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 10, 0, BPF_CMPXCHG));
}

static void test_check_ld_imm64_and_targets(void)
{
	const struct bpf_insn ld = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 5);
	const struct bpf_insn zero = INSN(0, 0, 0, 0, 0);
	struct bpf_insn p[4];

	p[0] = ld;
	expect_check(p, 1, 0, "invalid bpf_ld_imm64 insn", -EINVAL, __LINE__);
	p[1] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	expect_check(p, 2, 0, "invalid bpf_ld_imm64 insn", -EINVAL, __LINE__);
	p[1] = INSN(0, 0, 0, 1, 0);
	expect_check(p, 2, 0, "invalid bpf_ld_imm64 insn", -EINVAL, __LINE__);
	p[1] = zero;
	expect_check(p, 2, 0, NULL, 0, __LINE__);
	p[0].off = 1;
	expect_check(p, 2, 0, "BPF_LD_IMM64 uses reserved fields", -EINVAL, __LINE__);
	p[0] = ld;
	p[0].src_reg = 7;
	expect_check(p, 2, 0, "unrecognized bpf_ld_imm64 insn", -EINVAL, __LINE__);
	p[0].src_reg = BPF_PSEUDO_MAP_IDX;
	p[1].imm = 1;
	expect_check(p, 2, 0, "unrecognized bpf_ld_imm64 insn", -EINVAL, __LINE__);
	p[0].src_reg = BPF_PSEUDO_MAP_IDX_VALUE;
	expect_check(p, 2, 0, NULL, 0, __LINE__);
	p[0].dst_reg = 10;
	expect_check(p, 2, 0, "frame pointer is read only", -EACCES, __LINE__);
	/* a callback reference must point into the program */
	p[0] = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_FUNC, 0, 2);
	p[1] = zero;
	p[2] = exit_insn;
	expect_check(p, 3, 0, "call to invalid destination", -EINVAL, __LINE__);
	p[0].imm = 1;
	expect_check(p, 3, 0, NULL, 0, __LINE__);

	/* jumps: goto +5 from insn 0 in a two-insn program; into the middle of ld_imm64 */
	p[0] = INSN(BPF_JMP | BPF_JA, 0, 0, 5, 0);
	p[1] = exit_insn;
	expect_check(p, 2, 0, "jump out of range from insn 0 to 6", -EINVAL, __LINE__);
	p[0].off = -2;
	expect_check(p, 2, 0, "jump out of range from insn 0 to -1", -EINVAL, __LINE__);
	p[0] = INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 70000);
	expect_check(p, 2, 0, "jump out of range from insn 0 to 70001", -EINVAL, __LINE__);
	p[0] = INSN(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1, 0);
	p[1] = ld;
	p[2] = zero;
	p[3] = exit_insn;
	expect_check(p, 4, 0, "jump into the middle of ldimm64 insn 1", -EINVAL, __LINE__);
	p[0].off = 2;
	expect_check(p, 4, 0, NULL, 0, __LINE__);
	p[0] = INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 3);
	expect_check(p, 4, 0, "call to invalid destination", -EINVAL, __LINE__);
	p[0].imm = -1;
	expect_check(p, 4, 0, NULL, 0, __LINE__);
	expect_check(p, 4, 4, "insn 4 out of range (4 insns)", -EINVAL, __LINE__);
}

/* ---- round trip ------------------------------------------------------------ */

/* Disassemble all of insns, assemble the text, compare.  Returns the text of the
 * first slot in first (for the caller's checks). */
static bool roundtrip(const struct bpf_insn *insns, size_t cnt, char *first, size_t size)
{
	char text[1024], line[160], err[160];
	struct bpf_insn *out;
	size_t len = 0, n;
	bool ok;
	int k;

	text[0] = '\0';
	for (size_t i = 0; i < cnt; i += k) {
		k = bpfx_disasm(insns, cnt, i, NULL, line, sizeof(line));
		if (k < 0) {
			CHECK(0, "disasm failed at %zu", i);
			return false;
		}
		if (i == 0 && first)
			snprintf(first, size, "%s", line);
		len += snprintf(text + len, sizeof(text) - len, "%s\n", line);
	}
	if (bpfx_asm(text, &out, &n, err, sizeof(err))) {
		CHECK(0, "asm of '%s' failed: %s", text, err);
		dump("in", insns, cnt);
		return false;
	}
	ok = n == cnt && !memcmp(out, insns, cnt * sizeof(*out));
	if (!ok) {
		CHECK(0, "round trip differs for '%s'", text);
		dump("in", insns, cnt);
		dump("out", out, n);
	}
	free(out);
	return ok;
}

/* Valid instructions print in the kernel's syntax, except where it drops a field
 * the kernel accepts: exit's off, a kfunc call's off (module BTF), a callback's hi. */
static bool may_be_raw(const struct bpf_insn *p)
{
	return p->code == (BPF_JMP | BPF_EXIT) ||
	       (p->code == (BPF_JMP | BPF_CALL) && p->src_reg == BPF_PSEUDO_KFUNC_CALL) ||
	       (bpfx_is_ld_imm64(p) && p->src_reg == BPF_PSEUDO_FUNC);
}

#define CTX_CNT (2 * 65536 + 16)
#define CTX_AT (65536 + 4)

static const int16_t offs[] = { 0, 1, -1, 3, 8, 16, 32, INT16_MIN, INT16_MAX };
static const int32_t imms[] = { 0, 1, -1, 5, 16, 32, 64, 0x41, 0x50, 0xa1, 0xe1, 0xf1,
				0x10000, 0x10001, INT32_MIN, INT32_MAX };
static const uint8_t regs[] = { 0, 1, 9, 10, 11 };

static void test_roundtrip_all(void)
{
	struct bpf_insn *ctx = calloc(CTX_CNT, sizeof(*ctx));
	size_t valid = 0, total = 0;
	char first[160], msg[160];
	bool seen[256] = { false };

	for (size_t i = 0; i < CTX_CNT; i++)
		ctx[i] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	for (int code = 0; code < 256; code++)
	for (size_t d = 0; d < sizeof(regs); d++)
	for (size_t s = 0; s < sizeof(regs); s++)
	for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++)
	for (size_t m = 0; m < sizeof(imms) / sizeof(imms[0]); m++) {
		struct bpf_insn *p = &ctx[CTX_AT];
		size_t n = 2;

		*p = INSN(code, regs[d], regs[s], offs[o], imms[m]);
		p[1] = bpfx_is_ld_imm64(p) ? INSN(0, 0, 0, 0, imms[m] ^ 7) : exit_insn;
		total++;
		if (failures > 20)
			goto out;
		if (!roundtrip(p, n, first, sizeof(first)))
			continue;
		if (bpfx_insn_check(ctx, CTX_CNT, CTX_AT, msg, sizeof(msg)))
			continue;
		valid++;
		seen[code] = true;
		CHECK(may_be_raw(p) || strncmp(first, ".insn", 5),
		      "valid insn printed raw: %s", first);
	}
out:
	/* a second slot that is not the ld_imm64 continuation: two raw-ish lines */
	ctx[CTX_AT] = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 1);
	ctx[CTX_AT + 1] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 3);
	roundtrip(&ctx[CTX_AT], 2, NULL, 0);
	printf("round trip: %zu instructions, %zu valid\n", total, valid);
	for (int code = 0; code < 256; code++)
		CHECK(seen[code] == (bpfx_opcodes[code].name != NULL),
		      "opcode %02x: valid forms %s", code, seen[code] ? "seen" : "missing");
	CHECK(valid > 10000, "only %zu valid forms generated", valid);
	free(ctx);
}

/* Random bytes: never crash, always round trip. */
static void test_roundtrip_random(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct bpf_insn p[2];
	char msg[160];

	for (int i = 0; i < 200000 && failures < 20; i++) {
		for (int k = 0; k < 2; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			memcpy(&p[k], &x, sizeof(p[k]));
		}
		if (i & 1)
			p[0].code = (uint8_t)(x >> 40) % 2 ? p[0].code : 0x18;
		if (i % 3 == 0)
			memset(&p[1], 0, 4), p[1].imm = (int32_t)x;
		if (bpfx_is_ld_imm64(&p[1])) /* a truncated ld_imm64 does not disassemble */
			p[1].code = BPF_JMP | BPF_EXIT;
		bpfx_insn_check(p, 2, 0, msg, sizeof(msg));
		bpfx_insn_check(p, 1, 0, msg, sizeof(msg));
		roundtrip(p, 2, NULL, 0);
	}
}

/* ---- the assembler's own forms ---------------------------------------------- */

static void expect_asm(const char *text, const struct bpf_insn *want, size_t want_cnt,
		       int line)
{
	struct bpf_insn *out;
	char err[160];
	size_t n;

	if (bpfx_asm(text, &out, &n, err, sizeof(err))) {
		CHECK(0, "line %d: asm failed: %s", line, err);
		return;
	}
	CHECK(n == want_cnt && !memcmp(out, want, n * sizeof(*out)), "line %d: asm of '%s'",
	      line, text);
	if (n != want_cnt || memcmp(out, want, n * sizeof(*out))) {
		dump("got", out, n);
		dump("want", want, want_cnt);
	}
	free(out);
}

#define A(text, ...)                                                           \
	do {                                                                   \
		const struct bpf_insn w[] = { __VA_ARGS__ };                   \
		expect_asm(text, w, sizeof(w) / sizeof(w[0]), __LINE__);       \
	} while (0)

static void expect_asm_error(const char *text, const char *want, int line)
{
	struct bpf_insn *out = (void *)1;
	char err[160];
	size_t n = 1;
	int ret = bpfx_asm(text, &out, &n, err, sizeof(err));

	CHECK(ret == -EINVAL && !out && !n, "line %d: '%s' assembled", line, text);
	CHECK(ret != -EINVAL || strstr(err, want), "line %d: error '%s', want '%s'", line, err,
	      want);
}

static void test_asm_forms(void)
{
	const struct bpf_insn mov1 = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);

	A("r0 = 1 ; comment\n# whole line\n\n  // another\nexit # end", mov1, exit_insn);
	A("12: (b7) r0 = 1\n13: (95) exit", mov1, exit_insn);
	A("r1 = 16", INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 16));
	A("r1 = -1", INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, -1));
	A("w1 = 0xffffffff", INSN(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, -1));
	A("r1 = 0x10", INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 16), INSN(0, 0, 0, 0, 0));
	A("r1 = 42 ll", INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 42), INSN(0, 0, 0, 0, 0));
	A("r1 = -1 ll", INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, -1), INSN(0, 0, 0, 0, -1));
	A("r2 = 0x123456789", INSN(BPF_LD | BPF_IMM | BPF_DW, 2, 0, 0, 0x23456789),
	  INSN(0, 0, 0, 0, 1));
	A("r1 &= 0xff", INSN(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, 255));
	A("call 12", INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 12));
	A("call bpf_foo#7", INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 7));
	A("call kernel-function#3", INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 3));
	A("goto +2", INSN(BPF_JMP | BPF_JA, 0, 0, 2, 0));
	A("if r1 != 5 goto -1", INSN(BPF_JMP | BPF_JNE | BPF_K, 1, 0, -1, 5));
	A("r0 = *(u64 *)(r1)", INSN(BPF_LDX | BPF_MEM | BPF_DW, 0, 1, 0, 0));
	A("*(u16 *)(r10 + -2) = r3", INSN(BPF_STX | BPF_MEM | BPF_H, 10, 3, -2, 0));
	A("r0 = *(u32 *)skb[r6 + -4]", INSN(BPF_LD | BPF_IND | BPF_W, 0, 6, 0, -4));
	/* labels: forward and backward jumps, calls, callback references */
	A("  goto out\nloop: r0 += 1\n  if r0 < 3 goto loop\nout:\n  exit",
	  INSN(BPF_JMP | BPF_JA, 0, 0, 2, 0), INSN(BPF_ALU64 | BPF_ADD | BPF_K, 0, 0, 0, 1),
	  INSN(BPF_JMP | BPF_JLT | BPF_K, 0, 0, -2, 3), exit_insn);
	A("call fn\nr1 = subprog[fn]\nexit\nfn: r0 = 1\nexit",
	  INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 3),
	  INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_FUNC, 0, 2), INSN(0, 0, 0, 0, 0),
	  exit_insn, mov1, exit_insn);
	A("gotol far\nfar: exit", INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 0), exit_insn);
	A(".rept 3 r0 += 1\n.rept 2 r1 = 0x5", INSN(BPF_ALU64 | BPF_ADD | BPF_K, 0, 0, 0, 1),
	  INSN(BPF_ALU64 | BPF_ADD | BPF_K, 0, 0, 0, 1), INSN(BPF_ALU64 | BPF_ADD | BPF_K, 0, 0, 0, 1),
	  INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 5), INSN(0, 0, 0, 0, 0),
	  INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 5), INSN(0, 0, 0, 0, 0));

	expect_asm_error("goto nowhere", "line 1: unknown label 'nowhere'", __LINE__);
	expect_asm_error("a: exit\na: exit", "line 2: label 'a' defined twice", __LINE__);
	expect_asm_error("exit\nr11 = 1", "line 2: cannot parse", __LINE__);
	expect_asm_error("r1 = -r2", "neg works in place", __LINE__);
	expect_asm_error("goto +40000", "out of range", __LINE__);
	expect_asm_error("r0 = *(u32 *)(r1 +40000)", "out of range", __LINE__);
	expect_asm_error("r1 = 4294967296", "out of range", __LINE__);
	expect_asm_error("w1 = 5 ll", "ll loads a 64-bit register", __LINE__);
	expect_asm_error("r1 = atomic_xchg((u64 *)(r2 +0), r1)", "atomic wants (u32 *)", __LINE__);
	expect_asm_error("r3 = atomic64_fetch_add((u64 *)(r2 +0), r1)", "the result goes to r1",
			 __LINE__);
	expect_asm_error("r1 = be16 r2", "works in place", __LINE__);
	expect_asm_error(".insn code=0x100 dst=0 src=0 off=0 imm=0", "out of range", __LINE__);
	expect_asm_error("r1 += ", "cannot parse", __LINE__);
	expect_asm_error("l: .rept 2 goto l", "cannot repeat a label reference", __LINE__);
	expect_asm_error(".rept 0 exit", ".rept wants a count", __LINE__);
	expect_asm_error(".rept 2 .rept 2 exit", "cannot be nested", __LINE__);
}

/* Damaged text never crashes the assembler: it assembles or says why. */
static void test_asm_garbage(void)
{
	static const char *const lines[] = {
		"r0 = *(u32 *)(r1 +4)", "lock *(u64 *)(r1 +0) += r2", "if w1 s< w2 goto pc-2",
		"r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", "r1 = map[idx:2][0]+16",
		"r0 = atomic_cmpxchg((u32 *)(r1 -4), r0, r2)", "r0 = *(u16 *)skb[r1 + 2]",
		".insn code=0x07 dst=1 src=2 off=0 imm=5", "call bpf_map_lookup_elem#1",
		"r1 = addr_space_cast(r2, 0, 1)", "r1 = btf_id[7][fd:4]", "l: .rept 3 r0 = be16 r0",
	};
	uint64_t x = 12345;
	char buf[128], err[160];

	for (int i = 0; i < 100000; i++) {
		struct bpf_insn *out;
		size_t n, len;
		int ret;

		snprintf(buf, sizeof(buf), "%s", lines[i % (sizeof(lines) / sizeof(lines[0]))]);
		len = strlen(buf);
		for (int k = 0; k < 1 + i % 3; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[x % len] = (char)(x >> 32) % 2 ? (char)(x >> 40) : " (*)+-#:;0x9r"[(x >> 40) % 13];
		}
		if (i % 7 == 0)
			buf[x % (len + 1)] = '\0';
		ret = bpfx_asm(buf, &out, &n, err, sizeof(err));
		CHECK(ret == 0 || (ret == -EINVAL && !strncmp(err, "line ", 5)), "'%s': %d %s", buf, ret, err);
		if (!ret)
			free(out);
		if (failures > 20)
			return;
	}
}

int main(void)
{
	test_table();
	test_disasm_alu();
	test_disasm_jmp();
	test_disasm_mem();
	test_disasm_ld_imm64();
	test_check_alu();
	test_check_jmp_mem();
	test_check_ld_imm64_and_targets();
	test_asm_forms();
	test_asm_garbage();
	test_roundtrip_all();
	test_roundtrip_random();
	if (failures) {
		fprintf(stderr, "test_insn: %d failures\n", failures);
		return 1;
	}
	printf("test_insn: ok\n");
	return 0;
}
