/* SPDX-License-Identifier: MIT */
/*
 * input.c - numbers and files from the command line, and opening objects with the
 * CLI's callbacks.  Every failure is one clear line naming what could not be used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"

bool input_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	}
	if (!((*s >= '0' && *s <= '9') || (base == 16 && *s && strchr("abcdefABCDEF", *s))))
		return false; /* also refuses signs and spaces, which strtoull takes */
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

int input_check_file(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return 0;
}

static int read_all(int fd, size_t max, char **buf, size_t *size)
{
	size_t cap = 4096, len = 0;
	char *p = malloc(cap + 1), *tmp;
	ssize_t n;

	while (p) {
		if (len == cap) {
			if (cap > max) {
				free(p);
				return -EFBIG;
			}
			cap *= 2;
			tmp = realloc(p, cap + 1);
			if (!tmp)
				break;
			p = tmp;
		}
		n = read(fd, p + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			free(p);
			return err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!p)
		return -ENOMEM;
	if (len > max) {
		free(p);
		return -EFBIG;
	}
	p[len] = '\0';
	*buf = p;
	*size = len;
	return 0;
}

int input_read_file(const char *path, size_t max, void **buf, size_t *size)
{
	char *p = NULL;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = read_all(fd, max, &p, size);
	close(fd);
	if (!err)
		*buf = p;
	return err;
}

struct bpfx_object *cli_open(const char *cmd, const char *path, struct cli_log *log,
			     FILE *trace_out)
{
	struct bpfx_open_opts opts = {
		.sz = sizeof(opts),
		.print = cli_print,
		.print_ctx = log,
		.trace = trace_out ? cli_trace : NULL,
		.trace_ctx = trace_out,
	};
	struct bpfx_object *obj;
	int err = input_check_file(path);

	if (err == -EINVAL) {
		cli_err(cmd, "cannot open '%s': not a regular file", path);
		return NULL;
	}
	if (err) {
		cli_err(cmd, "cannot open '%s': %s", path, strerror(-err));
		return NULL;
	}
	errno = 0;
	obj = bpfx_object__open_file(path, &opts);
	if (!obj) {
		err = errno ? errno : EINVAL;
		cli_err(cmd, "cannot open '%s': %s", path, bpfx_strerror(err));
	}
	return obj;
}
