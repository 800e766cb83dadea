/* SPDX-License-Identifier: MIT */
/*
 * json.c - the streaming JSON writer behind --json.  Strings from BPF objects (names,
 * source lines, messages) may hold any bytes, so escaping validates UTF-8 and never
 * lets a byte through that would make the line invalid JSON.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void json_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* Length of the valid UTF-8 multi-byte sequence at s (2 to 4), or 0.
 * Example: e2 82 ac ("€") gives 3; c0 80 (overlong NUL) and ed a0 80 (a UTF-16
 * surrogate) give 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void write_control(FILE *f, unsigned char c)
{
	switch (c) {
	case '\b': fputs("\\b", f); break;
	case '\f': fputs("\\f", f); break;
	case '\n': fputs("\\n", f); break;
	case '\r': fputs("\\r", f); break;
	case '\t': fputs("\\t", f); break;
	default: fprintf(f, "\\u%04x", c); break;
	}
}

void json_write_escaped(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	fputc('"', f);
	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c < 0x20) {
			write_control(f, c);
			i++;
		} else if (c < 0x80) {
			fputc(c, f);
			i++;
		} else if ((n = utf8_seq_len(p + i, len - i))) {
			fwrite(p + i, 1, n, f);
			i += n;
		} else {
			fputs("\\ufffd", f);
			i++;
		}
	}
	fputc('"', f);
}

/* Comma and key before a value. */
static void member(struct json_writer *w, const char *key)
{
	int d = w->depth < JSON_MAX_DEPTH ? w->depth : JSON_MAX_DEPTH - 1;

	if (w->need_comma[d])
		fputc(',', w->f);
	w->need_comma[d] = true;
	if (key) {
		json_write_escaped(w->f, key, strlen(key));
		fputc(':', w->f);
	}
}

static void open_level(struct json_writer *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->f);
	w->depth++;
	if (w->depth < JSON_MAX_DEPTH)
		w->need_comma[w->depth] = false;
}

static void close_level(struct json_writer *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	fputc(c, w->f);
	if (w->depth == 0)
		w->need_comma[0] = false; /* the next top-level value starts a new line */
}

void json_begin_object(struct json_writer *w, const char *key)
{
	open_level(w, key, '{');
}

void json_end_object(struct json_writer *w)
{
	close_level(w, '}');
}

void json_begin_array(struct json_writer *w, const char *key)
{
	open_level(w, key, '[');
}

void json_end_array(struct json_writer *w)
{
	close_level(w, ']');
}

void json_string_len(struct json_writer *w, const char *key, const char *s, size_t len)
{
	member(w, key);
	if (s)
		json_write_escaped(w->f, s, len);
	else
		fputs("null", w->f);
}

void json_string(struct json_writer *w, const char *key, const char *s)
{
	json_string_len(w, key, s, s ? strlen(s) : 0);
}

void json_int(struct json_writer *w, const char *key, long long v)
{
	member(w, key);
	fprintf(w->f, "%lld", v);
}

void json_uint(struct json_writer *w, const char *key, unsigned long long v)
{
	member(w, key);
	fprintf(w->f, "%llu", v);
}

void json_u64_string(struct json_writer *w, const char *key, uint64_t v)
{
	member(w, key);
	fprintf(w->f, "\"%" PRIu64 "\"", v);
}

void json_bool(struct json_writer *w, const char *key, bool v)
{
	member(w, key);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_writer *w, const char *key)
{
	member(w, key);
	fputs("null", w->f);
}
