/* SPDX-License-Identifier: MIT */
/*
 * dump.c - `bpfx dump`: each program's linked instructions in the kernel verifier
 * log's syntax ("12: (bf) r0 = r1"), with a header at each function's start and the
 * source line ("; text @ file:line") wherever the source line changes.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"

struct dump_args {
	const char *obj_path;
	const char *prog_name;
	bool verbose;
};

static void dump_usage(FILE *f)
{
	fprintf(f,
		"usage: bpfx dump OBJ [-p PROG]\n"
		"Disassemble each program of OBJ (or only PROG), with its source lines.\n"
		"  -p, --prog PROG   dump only this program\n"
		"  -v, --verbose     also print the library's debug messages\n"
		"  -h, --help        show this help\n");
}

/* 0 when the arguments are usable, -1 after --help, else the exit status. */
static int parse_args(struct dump_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "prog", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":p:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': a->prog_name = optarg; break;
		case 'v': a->verbose = true; break;
		case 'h': dump_usage(stdout); return -1;
		default: return cli_opt_error("dump", argv, c);
		}
	}
	if (optind == argc) {
		cli_err("dump", "no object given (see 'bpfx dump --help')");
		return CLI_USAGE;
	}
	if (optind + 1 != argc) {
		cli_err("dump", "one object at a time (got '%s' too)", argv[optind + 1]);
		return CLI_USAGE;
	}
	a->obj_path = argv[optind];
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* What was printed last, to print headers and source lines only when they change. */
struct dump_state {
	const char *func;
	bool have_line;
	struct bpfx_line line;
};

static void print_func(const struct bpfx_program *prog, size_t idx, struct dump_state *st)
{
	const char *func = bpfx_program__func_name(prog, idx);

	if (idx && same_str(func, st->func))
		return;
	printf("%s%s:\n", idx ? "\n" : "", func ? func : "?");
	st->func = func;
	st->have_line = false;
}

static void print_line(const struct bpfx_program *prog, size_t idx, struct dump_state *st)
{
	struct bpfx_line l;
	const char *src;
	char text[512];

	if (bpfx_program__line(prog, idx, &l) != 0)
		return;
	if (st->have_line && same_str(l.file, st->line.file) && l.line == st->line.line)
		return;
	st->line = l;
	st->have_line = true;
	for (src = l.src ? l.src : ""; *src == ' ' || *src == '\t'; src++)
		;
	cli_first_line(src, text, sizeof(text));
	printf(";%s%s @ %s:%u\n", text[0] ? " " : "", text, cli_basename(l.file), l.line);
}

static int dump_prog(const struct bpfx_program *prog)
{
	const uint8_t *insns = bpfx_program__insns(prog);
	size_t cnt = bpfx_program__insn_cnt(prog), idx = 0, at;
	struct dump_state st = { 0 };
	int err = bpfx_program__load_error(prog), n;
	char buf[256];
	const char *sec = bpfx_program__section_name(prog);
	const char *type = bpfx_prog_type_str(bpfx_program__type(prog));

	printf("program %s: section %s, type %s, %zu insns", bpfx_program__name(prog),
	       sec ? sec : "?", type ? type : "?", cnt);
	if (err)
		printf(" (not loaded: %s)", cli_errno_name(err));
	printf("\n\n");
	while (idx < cnt && insns) {
		at = idx;
		print_func(prog, at, &st);
		print_line(prog, at, &st);
		n = bpfx_program__disasm(prog, &idx, buf, sizeof(buf));
		if (n < 0 || idx <= at) {
			cli_err("dump", "%s: insn %zu: cannot disassemble: %s",
				bpfx_program__name(prog), at, bpfx_strerror(n < 0 ? n : -EINVAL));
			return CLI_FAIL;
		}
		printf("%zu: (%02x) %s\n", at, insns[at * 8], buf);
	}
	return CLI_OK;
}

static int dump_object(const struct dump_args *a, struct bpfx_object *obj)
{
	struct bpfx_program *prog;
	int status = CLI_OK, err;
	bool first = true;

	if (a->prog_name && !bpfx_object__find_program(obj, a->prog_name)) {
		cli_err("dump", "no program '%s' in '%s'", a->prog_name, a->obj_path);
		return CLI_FAIL;
	}
	err = bpfx_object__load(obj);
	if (err)
		cli_err("dump", "'%s' did not load (%s); dumping it as linked", a->obj_path,
			bpfx_strerror(err));
	bpfx_object__for_each_program(prog, obj) {
		if (a->prog_name && strcmp(bpfx_program__name(prog), a->prog_name))
			continue;
		if (!first)
			printf("\n");
		first = false;
		if (dump_prog(prog) != CLI_OK)
			status = CLI_FAIL;
	}
	if (first)
		cli_err("dump", "no programs in '%s'", a->obj_path);
	return first ? CLI_FAIL : status;
}

int cmd_dump(int argc, char **argv)
{
	struct dump_args a = { 0 };
	struct cli_log log = { .max_level = BPFX_WARN };
	struct bpfx_object *obj;
	int status;

	status = parse_args(&a, argc, argv);
	if (status)
		return status < 0 ? CLI_OK : status;
	if (a.verbose)
		log.max_level = BPFX_DEBUG;
	obj = cli_open("dump", a.obj_path, &log, stdout);
	if (!obj)
		return CLI_FAIL;
	status = dump_object(&a, obj);
	bpfx_object__close(obj);
	return status;
}
