/* SPDX-License-Identifier: MIT */
/*
 * insn_run.c - runs the instruction tests (tests/insn, uBPF-style .data files) on
 * every engine, and on the host kernel when asked (--engine=kernel or all).
 *
 * A .data file has sections, each opened by a line "-- name":
 *   -- asm           the program, in the disassembler's syntax (src/asm.h)
 *   -- mem           optional hex bytes: R1 points to a copy, R2 = its length
 *   -- result        the expected R0 (all 64 bits), hex
 *   -- error         instead of result: the program must not complete; the text is
 *                    a substring of the message, or one of the classes "rejected",
 *                    "fault", "budget", "call"
 *   -- kernel-error  what the host kernel's verifier log must contain (defaults to
 *                    the error text; a class word accepts any rejection)
 *   -- kernel-skip   a reason not to run the test on the host kernel
 * Lines before the first section, and "#" comments, are for people.
 *
 * The kernel runs the test as a sleepable syscall program, with R1 a direct pointer
 * into an array map holding mem; R0 is stored into a second array map at the exit,
 * since BPF_PROG_TEST_RUN reports only 32 bits of it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "asm.h"
#include "bpfx.h"
#include "exec/raw.h"
#include "insn.h"

#define MAX_MEM 65536
#define SKIP 77

struct test {
	char name[256];
	char *asm_text;
	uint8_t *mem;
	size_t mem_len;
	bool has_mem, has_result;
	uint64_t result;
	char error[256];
	char kernel_error[256];
	char kernel_skip[256];
};

struct outcome {
	int ret;               /* 0: ran to exit */
	const char *cls;       /* "ok", "rejected", "fault", "budget", "call", "error" */
	uint64_t r0;
	char msg[4096];
};

struct engine {
	const char *name;
	/* 0 with o filled; SKIP when the engine cannot run this test (o->msg says why). */
	int (*run)(const struct test *t, const struct bpf_insn *insns, size_t cnt,
		   struct outcome *o);
};

static bool verbose;

/* ---- reading .data files ----------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && size < (1 << 26) &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(size + 1))) {
		if (fread(buf, 1, size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		} else {
			buf[size] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* Remove a "#" comment and surrounding blanks, in place. */
static char *clean(char *s)
{
	char *e = strchr(s, '#');

	if (e)
		*e = '\0';
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int parse_mem(struct test *t, char *body, char *err, size_t err_size)
{
	char *save = NULL;

	t->mem = malloc(MAX_MEM);
	if (!t->mem)
		return -ENOMEM;
	t->has_mem = true;
	for (char *line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = clean(line), *end;

		while (*p) {
			unsigned long v = strtoul(p, &end, 16);

			if (end == p || v > 0xff || t->mem_len >= MAX_MEM) {
				snprintf(err, err_size, "bad mem byte near '%.16s'", p);
				return -EINVAL;
			}
			t->mem[t->mem_len++] = (uint8_t)v;
			p = end + strspn(end, " \t\r");
		}
	}
	return 0;
}

static int parse_result(struct test *t, char *body, char *err, size_t err_size)
{
	char *save = NULL, *end;

	for (char *line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = clean(line);

		if (!*p)
			continue;
		errno = 0;
		t->result = strtoull(p, &end, 16);
		if (errno || end == p || *clean(end)) {
			snprintf(err, err_size, "bad result '%s'", p);
			return -EINVAL;
		}
		t->has_result = true;
		return 0;
	}
	snprintf(err, err_size, "empty result section");
	return -EINVAL;
}

/* The first non-comment line of a section, into out. */
static void parse_text(char *body, char *out, size_t size)
{
	char *save = NULL;

	for (char *line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = clean(line);

		if (*p) {
			snprintf(out, size, "%s", p);
			return;
		}
	}
}

static int parse_section(struct test *t, const char *name, char *body, char *err,
			 size_t err_size)
{
	if (!strcmp(name, "asm")) {
		t->asm_text = strdup(body);
		return t->asm_text ? 0 : -ENOMEM;
	}
	if (!strcmp(name, "mem"))
		return parse_mem(t, body, err, err_size);
	if (!strcmp(name, "result"))
		return parse_result(t, body, err, err_size);
	if (!strcmp(name, "error"))
		parse_text(body, t->error, sizeof(t->error));
	else if (!strcmp(name, "kernel-error"))
		parse_text(body, t->kernel_error, sizeof(t->kernel_error));
	else if (!strcmp(name, "kernel-skip"))
		parse_text(body, t->kernel_skip, sizeof(t->kernel_skip));
	else {
		snprintf(err, err_size, "unknown section '-- %s'", name);
		return -EINVAL;
	}
	return 0;
}

/* Split text at lines "-- name" and hand each body to parse_section. */
static int parse_test(struct test *t, char *text, char *err, size_t err_size)
{
	char *p = text, *name = NULL, *body = NULL;
	int ret;

	for (;;) {
		char *nl = strchr(p, '\n');
		bool header = !strncmp(p, "-- ", 3);

		if (header && name) {
			*p = '\0'; /* ends the previous body; the name is at p + 3 */
			if ((ret = parse_section(t, name, body, err, err_size)))
				return ret;
		}
		if (header) {
			if (nl)
				*nl = '\0';
			name = clean(p + 3);
			body = nl ? nl + 1 : name + strlen(name);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (name && (ret = parse_section(t, name, body, err, err_size)))
		return ret;
	if (!t->asm_text || t->has_result == !!t->error[0]) {
		snprintf(err, err_size, "needs '-- asm' and one of '-- result', '-- error'");
		return -EINVAL;
	}
	return 0;
}

static void free_test(struct test *t)
{
	free(t->asm_text);
	free(t->mem);
}

/* ---- engines ------------------------------------------------------------------ */

static const char *class_of(int ret)
{
	switch (ret) {
	case 0:
		return "ok";
	case -BPFX_ERR_REJECTED:
	case -EINVAL:
	case -EACCES:
		return "rejected";
	case -BPFX_ERR_FAULT:
		return "fault";
	case -BPFX_ERR_BUDGET:
		return "budget";
	case -BPFX_ERR_CALL:
		return "call";
	default:
		return "error";
	}
}

static int run_bpfx(const struct test *t, const struct bpf_insn *insns, size_t cnt,
		    struct outcome *o)
{
	struct bpfx_result res;
	uint8_t *mem = NULL;

	if (t->mem_len && !(mem = malloc(t->mem_len)))
		return -ENOMEM;
	if (mem)
		memcpy(mem, t->mem, t->mem_len);
	memset(&res, 0, sizeof(res));
	o->ret = bpfx_run_raw(insns, cnt, mem, t->mem_len, &res);
	o->cls = class_of(o->ret);
	o->r0 = res.r0;
	snprintf(o->msg, sizeof(o->msg), "%s", res.fault[0] || !o->ret ? res.fault :
		 bpfx_strerror(o->ret));
	free(mem);
	return 0;
}

/*
 * The kernel: the test runs as the main function itself (same stack and call depth),
 * between a prologue that sets R1/R2 and an epilogue, placed after the main function,
 * that stores R0 into the result map.  Main's exits become jumps to the epilogue and
 * every pc-relative offset is moved to the new layout.
 */
#define PRO_LEN 3
#define EPI_LEN 4

static void ld_map_value(struct bpf_insn *out, int reg, int fd)
{
	out[0] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = reg,
				    .src_reg = fd >= 0 ? BPF_PSEUDO_MAP_VALUE : 0,
				    .imm = fd >= 0 ? fd : 0 };
	out[1] = (struct bpf_insn){ 0 };
}

static bool is_func_ref(const struct bpf_insn *insn)
{
	return bpfx_is_pseudo_call(insn) ||
	       (bpfx_is_ld_imm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC);
}

/* The main function ends where the first subprogram starts. */
static size_t main_end(const struct bpf_insn *insns, size_t cnt)
{
	size_t end = cnt;

	for (size_t i = 0; i < cnt; i++) {
		int64_t t = (int64_t)i + 1 + insns[i].imm;

		if (is_func_ref(&insns[i]) && t > 0 && t < (int64_t)end)
			end = (size_t)t;
	}
	return end;
}

/* Where the test's main function ends, and how long the epilogue after it is. */
struct layout {
	size_t main_end, epi_len, cnt;
};

static bool is_plain_exit(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_EXIT) && !insn->imm && !insn->dst_reg &&
	       !insn->src_reg;
}

static int64_t moved(int64_t i, const struct layout *l)
{
	if (i < 0 || i > (int64_t)l->cnt)
		return i; /* out of range anyway: leave it for the verifier */
	return i + PRO_LEN + (i >= (int64_t)l->main_end ? l->epi_len : 0);
}

/* Move the target of insns[i], now at p[ni], to the new layout. */
static void relocate(const struct bpf_insn *insns, size_t i, const struct layout *l,
		     struct bpf_insn *p, int64_t ni)
{
	const struct bpf_insn *in = &insns[i];
	enum bpfx_insn_kind kind = bpfx_opcodes[in->code].kind;
	bool by_imm = is_func_ref(in) || kind == BPFX_K_GOTOL;
	int64_t t, nt;

	if (!by_imm && (!bpfx_opcodes[in->code].name ||
			(kind != BPFX_K_JA && kind != BPFX_K_JCOND && kind != BPFX_K_MAY_GOTO)))
		return;
	t = (int64_t)i + 1 + (by_imm ? in->imm : in->off);
	nt = moved(t, l) - ni - 1;
	if (t < 0 || t > (int64_t)l->cnt)
		return;
	if (by_imm)
		p[ni].imm = (int32_t)nt;
	else if (nt >= INT16_MIN && nt <= INT16_MAX)
		p[ni].off = (int16_t)nt;
}

static struct bpf_insn *kernel_wrap(const struct bpf_insn *insns, size_t cnt, int mem_fd,
				    size_t mem_len, int res_fd, size_t *len)
{
	struct layout l = { .main_end = main_end(insns, cnt), .cnt = cnt };
	size_t epi = l.main_end + PRO_LEN;
	struct bpf_insn *p;

	/* No plain exit in main (a test of a bad exit): no epilogue, which would be
	 * unreachable code. */
	for (size_t i = 0; i < l.main_end; i++)
		if (is_plain_exit(&insns[i]))
			l.epi_len = EPI_LEN;
	p = calloc(cnt + PRO_LEN + EPI_LEN, sizeof(*p));
	if (!p)
		return NULL;
	ld_map_value(p, BPF_REG_1, mem_fd);
	p[2] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2,
				  .imm = (int32_t)mem_len };
	for (size_t i = 0; i < cnt; i++) {
		int64_t ni = moved((int64_t)i, &l);

		p[ni] = insns[i];
		if (i < l.main_end && is_plain_exit(&insns[i]))
			p[ni] = (struct bpf_insn){ .code = BPF_JMP32 | BPF_JA,
						   .imm = (int32_t)(epi - ni - 1) };
		else
			relocate(insns, i, &l, p, ni);
	}
	*len = cnt + PRO_LEN + l.epi_len;
	if (!l.epi_len)
		return p;
	ld_map_value(p + epi, BPF_REG_1, res_fd);
	p[epi + 2] = (struct bpf_insn){ .code = BPF_STX | BPF_MEM | BPF_DW,
					.dst_reg = BPF_REG_1, .src_reg = BPF_REG_0 };
	p[epi + 3] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	return p;
}

static int array_map(size_t value_size, const void *init)
{
	uint32_t key = 0;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "insn_run", 4, value_size, 1, NULL);

	if (fd >= 0 && init && bpf_map_update_elem(fd, &key, init, BPF_ANY)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int kernel_load(const struct bpf_insn *prog, size_t cnt, struct outcome *o)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_SLEEPABLE);
	int fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "insn_run", "GPL", prog, cnt, &opts);

	if (fd >= 0)
		return fd;
	/* again with the log, to say why */
	opts.log_buf = o->msg;
	opts.log_size = sizeof(o->msg);
	opts.log_level = 1;
	o->msg[0] = '\0';
	fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "insn_run", "GPL", prog, cnt, &opts);
	if (fd >= 0) {
		close(fd);
		snprintf(o->msg, sizeof(o->msg), "kernel load failed only without the log");
		return -EAGAIN;
	}
	return fd;
}

static bool uses_maps(const struct bpf_insn *insns, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		if (bpfx_is_ld_imm64(&insns[i]) && insns[i].src_reg &&
		    insns[i].src_reg <= BPF_PSEUDO_MAP_IDX_VALUE &&
		    insns[i].src_reg != BPF_PSEUDO_FUNC)
			return true;
	return false;
}

static int run_kernel(const struct test *t, const struct bpf_insn *insns, size_t cnt,
		      struct outcome *o)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int mem_fd = -1, res_fd, prog_fd = -1, err;
	struct bpf_insn *prog = NULL;
	size_t prog_len = 0;
	uint32_t key = 0;

	if (t->kernel_skip[0] || uses_maps(insns, cnt)) {
		snprintf(o->msg, sizeof(o->msg), "%s", t->kernel_skip[0] ? t->kernel_skip :
			 "the program refers to maps");
		return SKIP;
	}
	res_fd = array_map(8, NULL);
	if (t->mem_len)
		mem_fd = array_map(t->mem_len, t->mem);
	if (res_fd < 0 || (t->mem_len && mem_fd < 0)) {
		err = res_fd < 0 ? res_fd : mem_fd;
		goto out;
	}
	err = -ENOMEM;
	prog = kernel_wrap(insns, cnt, mem_fd, t->mem_len, res_fd, &prog_len);
	if (!prog)
		goto out;
	o->ret = prog_fd = kernel_load(prog, prog_len, o);
	err = 0;
	if (prog_fd < 0) {
		o->cls = "rejected";
		goto out;
	}
	o->ret = bpf_prog_test_run_opts(prog_fd, &topts);
	if (!o->ret)
		o->ret = bpf_map_lookup_elem(res_fd, &key, &o->r0);
	o->cls = o->ret ? "error" : "ok";
	if (o->ret)
		snprintf(o->msg, sizeof(o->msg), "test run failed: %s", strerror(errno));
out:
	free(prog);
	if (prog_fd >= 0)
		close(prog_fd);
	if (mem_fd >= 0)
		close(mem_fd);
	if (res_fd >= 0)
		close(res_fd);
	return err;
}

static bool kernel_available(char *why, size_t size)
{
	int fd = array_map(8, NULL);

	if (fd < 0) {
		snprintf(why, size, "bpf() unavailable: %s", strerror(-fd));
		return false;
	}
	close(fd);
	return true;
}

static const struct engine engines[] = {
	{ "interp", run_bpfx },
	{ "kernel", run_kernel },
};

/* ---- judging -------------------------------------------------------------------- */

static bool is_class_word(const char *s)
{
	return !strcmp(s, "rejected") || !strcmp(s, "fault") || !strcmp(s, "budget") ||
	       !strcmp(s, "call");
}

static bool error_matches(const struct test *t, const struct outcome *o, bool kernel)
{
	const char *want = kernel && t->kernel_error[0] ? t->kernel_error : t->error;

	if (!o->ret)
		return false;
	if (is_class_word(want) && (kernel || !strcmp(want, o->cls)))
		return true;
	return strstr(o->msg, want) != NULL;
}

/* The last line of a (kernel) log that says why: not blank, not the statistics. */
static const char *last_line(const char *msg, char *buf, size_t size)
{
	const char *end = msg + strlen(msg), *start;

	for (;;) {
		while (end > msg && (end[-1] == '\n' || end[-1] == ' '))
			end--;
		start = end;
		while (start > msg && start[-1] != '\n')
			start--;
		if (start == msg || strncmp(start, "processed ", 10))
			break;
		end = start;
	}
	snprintf(buf, size, "%.*s", (int)(end - start), start);
	return buf;
}

static bool judge(const struct test *t, const struct outcome *o, bool kernel, char *why,
		  size_t size)
{
	char line[512];

	if (t->has_result) {
		if (!o->ret && o->r0 == t->result)
			return true;
		if (o->ret)
			snprintf(why, size, "want r0 0x%llx, got %s: %s",
				 (unsigned long long)t->result, o->cls,
				 last_line(o->msg, line, sizeof(line)));
		else
			snprintf(why, size, "want r0 0x%llx, got 0x%llx",
				 (unsigned long long)t->result, (unsigned long long)o->r0);
		return false;
	}
	if (error_matches(t, o, kernel))
		return true;
	if (!o->ret)
		snprintf(why, size, "want error '%s', but it ran: r0 0x%llx", t->error,
			 (unsigned long long)o->r0);
	else
		snprintf(why, size, "want error '%s', got %s: %s",
			 kernel && t->kernel_error[0] ? t->kernel_error : t->error, o->cls,
			 last_line(o->msg, line, sizeof(line)));
	return false;
}

/* ---- driver --------------------------------------------------------------------- */

struct tally {
	unsigned int passed, failed, skipped;
};

static void run_file(const char *path, const bool *use, struct tally *tally)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct test t = { 0 };
	struct bpf_insn *insns = NULL;
	char err[512], why[1024];
	char *text = read_file(path);
	size_t cnt;

	snprintf(t.name, sizeof(t.name), "%s", base);
	if (!text || parse_test(&t, text, err, sizeof(err)) ||
	    bpfx_asm(t.asm_text, &insns, &cnt, err, sizeof(err))) {
		printf("FAIL  %s: %s\n", t.name, text ? err : strerror(errno));
		tally->failed++;
		goto out;
	}
	for (size_t e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		struct outcome *o = calloc(1, sizeof(*o));
		int ret;

		if (!use[e] || !o) {
			free(o);
			continue;
		}
		ret = engines[e].run(&t, insns, cnt, o);
		if (ret == SKIP) {
			if (verbose)
				printf("SKIP  %s [%s]: %s\n", t.name, engines[e].name, o->msg);
			tally->skipped++;
		} else if (ret) {
			printf("FAIL  %s [%s]: %s\n", t.name, engines[e].name, strerror(-ret));
			tally->failed++;
		} else if (judge(&t, o, e == 1, why, sizeof(why))) {
			printf("PASS  %s [%s]\n", t.name, engines[e].name);
			tally->passed++;
		} else {
			printf("FAIL  %s [%s]: %s\n", t.name, engines[e].name, why);
			if (verbose && o->msg[0])
				printf("%s\n", o->msg);
			tally->failed++;
		}
		free(o);
	}
out:
	free(insns);
	free(text);
	free_test(&t);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .data file of a directory, in name order. */
static void run_dir(const char *dir, const bool *use, struct tally *tally)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		printf("FAIL  %s: %s\n", dir, strerror(errno));
		tally->failed++;
		return;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".data"))
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!p)
				break;
			names = p;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (names[i]) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			run_file(path, use, tally);
		}
		free(names[i]);
	}
	free(names);
}

static void usage(void)
{
	fprintf(stderr, "usage: insn_run [--engine=interp|kernel|all] [-v] [FILE.data|DIR]...\n"
			"  DIR defaults to $BPFX_SRC/tests/insn\n");
}

int main(int argc, char **argv)
{
	bool use[2] = { true, false };
	struct tally tally = { 0 };
	const char *src = getenv("BPFX_SRC");
	char dflt[4096], why[256];
	int first = argc;
	struct stat st;

	for (int i = 1; i < argc && first == argc; i++) {
		if (!strcmp(argv[i], "--engine=interp"))
			use[0] = true, use[1] = false;
		else if (!strcmp(argv[i], "--engine=kernel"))
			use[0] = false, use[1] = true;
		else if (!strcmp(argv[i], "--engine=all"))
			use[0] = use[1] = true;
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (argv[i][0] == '-')
			return usage(), 2;
		else
			first = i;
	}
	if (use[1] && !kernel_available(why, sizeof(why))) {
		printf("SKIP  kernel engine: %s\n", why);
		if (!use[0])
			return SKIP;
		use[1] = false;
	}
	if (first == argc) {
		snprintf(dflt, sizeof(dflt), "%s/tests/insn", src ? src : ".");
		run_dir(dflt, use, &tally);
	}
	for (int i = first; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode))
			run_dir(argv[i], use, &tally);
		else
			run_file(argv[i], use, &tally);
	}
	printf("%u passed, %u failed", tally.passed, tally.failed);
	if (tally.skipped)
		printf(", %u skipped", tally.skipped);
	printf("\n");
	if (tally.failed)
		return 1;
	return tally.passed ? 0 : SKIP;
}
