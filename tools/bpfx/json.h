/* SPDX-License-Identifier: MIT */
/*
 * json.h - a small streaming JSON writer for the CLI's --json output: one object per
 * line, commas placed automatically, strings escaped so that any bytes (control
 * characters, invalid UTF-8) still give valid JSON.
 */
#ifndef BPFX_CLI_JSON_H
#define BPFX_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json_writer *w, FILE *f);

/* key is the member name inside an object, NULL inside an array or at the top. */
void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);

void json_string(struct json_writer *w, const char *key, const char *s); /* NULL: null */
void json_string_len(struct json_writer *w, const char *key, const char *s, size_t len);
void json_int(struct json_writer *w, const char *key, long long v);
void json_uint(struct json_writer *w, const char *key, unsigned long long v);
void json_u64_string(struct json_writer *w, const char *key, uint64_t v); /* "123" */
void json_bool(struct json_writer *w, const char *key, bool v);
void json_null(struct json_writer *w, const char *key);

/* Write s (len bytes) as a quoted JSON string: '"' and '\\' escaped, control
 * characters as \n, \t, ... or \u00XX, bytes that are not valid UTF-8 as \ufffd. */
void json_write_escaped(FILE *f, const char *s, size_t len);

#endif /* BPFX_CLI_JSON_H */
