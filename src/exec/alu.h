/* SPDX-License-Identifier: MIT */
/*
 * alu.h - the arithmetic of the ISA, as small pure functions shared by the engines.
 *
 * Kernel semantics (RFC 9669 and kernel/bpf/core.c with the verifier's fixups):
 *   x / 0 = 0 and x % 0 = x (32-bit forms zero-extend); for signed division
 *   x s/ -1 = -x and x s% -1 = 0, so INT_MIN s/ -1 = INT_MIN with no trap;
 *   shift amounts are masked to 6 bits (64-bit) or 5 bits (32-bit);
 *   every 32-bit result is zero-extended into the 64-bit register.
 * off selects the variant: 1 = signed division/modulo; 8/16/32 = movsx width.
 */
#ifndef BPFX_ALU_H
#define BPFX_ALU_H

#include <stdint.h>
#include <string.h>

#include "insn.h"

static inline uint64_t bpfx_div64(uint64_t a, uint64_t b, int16_t off)
{
	if (!b)
		return 0;
	if (!off)
		return a / b;
	if ((int64_t)b == -1)
		return 0 - a;               /* INT64_MIN s/ -1 = INT64_MIN */
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t bpfx_div32(uint32_t a, uint32_t b, int16_t off)
{
	if (!b)
		return 0;
	if (!off)
		return a / b;
	if ((int32_t)b == -1)
		return (uint32_t)(0u - a);
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint64_t bpfx_mod64(uint64_t a, uint64_t b, int16_t off)
{
	if (!b)
		return a;
	if (!off)
		return a % b;
	if ((int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);  /* sign follows the dividend */
}

static inline uint64_t bpfx_mod32(uint32_t a, uint32_t b, int16_t off)
{
	if (!b)
		return a;
	if (!off)
		return a % b;
	if ((int32_t)b == -1)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

static inline uint64_t bpfx_lsh64(uint64_t a, uint64_t b, int16_t off)
{
	return a << (b & 63);
}

static inline uint64_t bpfx_lsh32(uint32_t a, uint32_t b, int16_t off)
{
	return (uint32_t)(a << (b & 31));
}

static inline uint64_t bpfx_rsh64(uint64_t a, uint64_t b, int16_t off)
{
	return a >> (b & 63);
}

static inline uint64_t bpfx_rsh32(uint32_t a, uint32_t b, int16_t off)
{
	return a >> (b & 31);
}

/* Arithmetic shift: -8 s>> 1 = -4.  Written without shifting a negative value. */
static inline uint64_t bpfx_arsh64(uint64_t a, uint64_t b, int16_t off)
{
	unsigned int n = b & 63;
	uint64_t sign = a >> 63 ? ~(~0ull >> n) : 0;

	return (a >> n) | sign;
}

static inline uint64_t bpfx_arsh32(uint32_t a, uint32_t b, int16_t off)
{
	unsigned int n = b & 31;
	uint32_t sign = a >> 31 ? ~(~0u >> n) : 0;

	return (a >> n) | sign;
}

/* mov, and movsx for off = 8, 16, 32: r1 = (s8)r2 takes 0xff to 0xffffffffffffffff. */
static inline uint64_t bpfx_mov64(uint64_t a, uint64_t b, int16_t off)
{
	switch (off) {
	case 8:
		return (uint64_t)(int64_t)(int8_t)b;
	case 16:
		return (uint64_t)(int64_t)(int16_t)b;
	case 32:
		return (uint64_t)(int64_t)(int32_t)b;
	default:
		return b;
	}
}

static inline uint64_t bpfx_mov32(uint32_t a, uint32_t b, int16_t off)
{
	switch (off) {
	case 8:
		return (uint32_t)(int32_t)(int8_t)b;
	case 16:
		return (uint32_t)(int32_t)(int16_t)b;
	default:
		return b;
	}
}

/* le16/32/64 on a little-endian host only truncates. */
static inline uint64_t bpfx_to_le(uint64_t a, int32_t bits)
{
	return bits == 16 ? (uint16_t)a : bits == 32 ? (uint32_t)a : a;
}

/* be16/32/64 and bswap16/32/64: be16 of 0x1234 is 0x3412. */
static inline uint64_t bpfx_bswap(uint64_t a, int32_t bits)
{
	if (bits == 16)
		return __builtin_bswap16((uint16_t)a);
	if (bits == 32)
		return __builtin_bswap32((uint32_t)a);
	return __builtin_bswap64(a);
}

/* Memory: programs may access any alignment; memcpy keeps that defined. */
#define BPFX_LOAD_STORE(T)                                                  \
	static inline uint64_t bpfx_load_##T(uint64_t addr)                  \
	{                                                                    \
		T v;                                                         \
		memcpy(&v, (const void *)(uintptr_t)addr, sizeof(v));       \
		return v;                                                    \
	}                                                                    \
	static inline void bpfx_store_##T(uint64_t addr, T v)                \
	{                                                                    \
		memcpy((void *)(uintptr_t)addr, &v, sizeof(v));              \
	}
BPFX_LOAD_STORE(uint8_t)
BPFX_LOAD_STORE(uint16_t)
BPFX_LOAD_STORE(uint32_t)
BPFX_LOAD_STORE(uint64_t)

/* Network-order load of 1, 2 or 4 bytes (LD_ABS / LD_IND). */
static inline uint64_t bpfx_load_be(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < size; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Atomics.  With BPF_FETCH the old value goes to src (zero-extended for 32 bits);
 * cmpxchg compares with R0 and leaves the old value in R0. */
#define BPFX_ATOMIC(bits, T)                                                            \
	static inline void bpfx_atomic##bits(int32_t op, T *p, uint64_t *src, uint64_t *r0)\
	{                                                                               \
		T v = (T)*src, old;                                                     \
		switch (op & ~BPF_FETCH) {                                              \
		case BPF_ADD: old = __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); break;  \
		case BPF_AND: old = __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); break;  \
		case BPF_OR:  old = __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); break;   \
		case BPF_XOR: old = __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); break;  \
		case BPF_XCHG & ~BPF_FETCH:                                             \
			*src = __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);             \
			return;                                                         \
		case BPF_CMPXCHG & ~BPF_FETCH:                                          \
			old = (T)*r0;                                                   \
			__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST,\
						    __ATOMIC_SEQ_CST);                  \
			*r0 = old;                                                      \
			return;                                                         \
		default:                                                                \
			return;                                                         \
		}                                                                       \
		if (op & BPF_FETCH)                                                     \
			*src = old;                                                     \
	}
BPFX_ATOMIC(32, uint32_t)
BPFX_ATOMIC(64, uint64_t)

#endif /* BPFX_ALU_H */
