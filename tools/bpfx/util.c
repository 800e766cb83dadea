/* SPDX-License-Identifier: MIT */
/*
 * util.c - small pieces every command uses: error lines, errno names, and the
 * callbacks that print the library's messages and bpf_trace_printk output.
 * Calls nothing in the library (the unit tests link it without it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bpfx: ");
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_opt_error(const char *cmd, char **argv, int c)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (c == ':')
		cli_err(cmd, "option '%s' needs a value", arg);
	else if (strncmp(arg, "--", 2) != 0 && optopt > 0 && optopt < 128)
		cli_err(cmd, "unknown option '-%c' (see 'bpfx %s --help')", optopt, cmd);
	else if (optopt)
		cli_err(cmd, "option '%s' takes no value", arg);
	else
		cli_err(cmd, "unknown option '%s' (see 'bpfx %s --help')", arg, cmd);
	return CLI_USAGE;
}

const char *cli_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ BPFX_ERR_FORMAT, "BPFX_ERR_FORMAT" },   { BPFX_ERR_FAULT, "BPFX_ERR_FAULT" },
		{ BPFX_ERR_BUDGET, "BPFX_ERR_BUDGET" },   { BPFX_ERR_CALL, "BPFX_ERR_CALL" },
		{ BPFX_ERR_REJECTED, "BPFX_ERR_REJECTED" },
		{ BPFX_ERR_NOTLOADED, "BPFX_ERR_NOTLOADED" },
		{ 524, "ENOTSUPP" }, /* the kernel's internal ENOTSUPP, seen by bpf() users */
		{ EPERM, "EPERM" },     { ENOENT, "ENOENT" },   { E2BIG, "E2BIG" },
		{ EINVAL, "EINVAL" },   { EACCES, "EACCES" },   { EFAULT, "EFAULT" },
		{ ENOMEM, "ENOMEM" },   { ENOSPC, "ENOSPC" },   { EEXIST, "EEXIST" },
		{ ERANGE, "ERANGE" },   { EBUSY, "EBUSY" },     { ENOEXEC, "ENOEXEC" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ELOOP, "ELOOP" }, { ENOSYS, "ENOSYS" },
		{ EAGAIN, "EAGAIN" },   { EIO, "EIO" },         { EBADF, "EBADF" },
		{ ENODEV, "ENODEV" },   { EISDIR, "EISDIR" },   { EFBIG, "EFBIG" },
		{ ENXIO, "ENXIO" },     { EOVERFLOW, "EOVERFLOW" }, { EDOM, "EDOM" },
		{ ESRCH, "ESRCH" },     /* an extern not found, as libbpf reports it */
	};
	static _Thread_local char buf[24];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "error %d", err);
	return buf;
}

void cli_first_line(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return;
	while (s && (*s == '\n' || *s == '\r'))
		s++;
	while (s && s[n] && s[n] != '\n' && n + 1 < size)
		n++;
	if (n)
		memcpy(buf, s, n);
	while (n && (buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
}

/* Statistics the kernel's verifier appends after its verdict. */
static bool is_stats_line(const char *line, size_t len)
{
	static const char *const pfx[] = { "processed ", "verification time ", "stack depth " };
	size_t i, n;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		n = strlen(pfx[i]);
		if (len >= n && strncmp(line, pfx[i], n) == 0)
			return true;
	}
	return false;
}

/* The line without a statistics line glued to its end (the kernel prints a few
 * messages without a newline, e.g. "insn %d cannot call exception cb directly"). */
static size_t unglue_stats(const char *line, size_t len)
{
	static const char glued[] = "processed ";
	size_t k = sizeof(glued) - 1;

	for (size_t i = 1; i + k < len; i++)
		if (strncmp(line + i, glued, k) == 0 && line[i + k] >= '0' && line[i + k] <= '9')
			return i;
	return len;
}

void cli_key_line(const char *log, char *buf, size_t size)
{
	const char *line = log, *key = NULL, *nl;
	size_t len, key_len = 0;

	while (line && *line) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\r'))
			len--;
		if (len && !is_stats_line(line, len)) {
			key = line;
			key_len = unglue_stats(line, len);
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!key) {
		cli_first_line(log, buf, size);
		return;
	}
	if (key_len >= size)
		key_len = size ? size - 1 : 0;
	if (size) {
		memcpy(buf, key, key_len);
		buf[key_len] = '\0';
	}
}

const char *cli_basename(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (!path)
		return "";
	return slash && slash[1] ? slash + 1 : path;
}

/* Write len bytes of msg to f as lines, each starting with pfx. */
static void print_lines(FILE *f, const char *pfx, const char *msg, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = 0;
		while (i + n < len && msg[i + n] != '\n' && msg[i + n] != '\0')
			n++;
		fputs(pfx, f);
		fwrite(msg + i, 1, n, f);
		fputc('\n', f);
		i += n + 1;
	}
}

void cli_print(enum bpfx_print_level level, const char *msg, void *ctx)
{
	struct cli_log *log = ctx;

	if (!msg)
		return;
	if (log && level == BPFX_WARN)
		cli_first_line(msg, log->last_warn, sizeof(log->last_warn));
	if (log && (int)level > log->max_level)
		return;
	fflush(stdout);
	print_lines(stderr, "bpfx: ", msg, strlen(msg));
}

void cli_trace(const char *msg, size_t len, void *ctx)
{
	FILE *f = ctx ? ctx : stdout;

	if (!msg)
		return;
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\0'))
		len--;
	print_lines(f, "trace: ", msg, len);
	if (!len)
		fputs("trace: \n", f);
}
