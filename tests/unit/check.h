/* SPDX-License-Identifier: MIT */
/*
 * check.h - the assertions of the unit tests.  A failed check prints where and what,
 * counts in `failures`, and the test goes on; main returns failures != 0.
 */
#ifndef BPFX_TEST_CHECK_H
#define BPFX_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
				#cond);                                              \
			failures++;                                                  \
		}                                                                    \
	} while (0)

/* Integers, shown in decimal and hex. */
#define CHECK_EQ(a, b)                                                               \
	do {                                                                         \
		long long a_ = (long long)(a), b_ = (long long)(b);                  \
		if (a_ != b_) {                                                      \
			fprintf(stderr, "%s:%d: %s == %lld (%#llx), expected %s == %lld (%#llx)\n", \
				__FILE__, __LINE__, #a, a_, (unsigned long long)a_, #b, \
				b_, (unsigned long long)b_);                         \
			failures++;                                                  \
		}                                                                    \
	} while (0)

/* Strings; a NULL a fails. */
#define CHECK_STR(a, b)                                                              \
	do {                                                                         \
		const char *a_ = (a), *b_ = (b);                                     \
		if (!a_ || strcmp(a_, b_)) {                                         \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",     \
				__FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_);     \
			failures++;                                                  \
		}                                                                    \
	} while (0)

#endif /* BPFX_TEST_CHECK_H */
