/* SPDX-License-Identifier: MIT */
/*
 * run.c - `bpfx run`: load an object and run its programs as BPF_PROG_TEST_RUN would,
 * printing each return value and, when a program threw, its exception record, as
 * text or as one JSON object per line.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "prog_input.h"
#include "json.h"

struct run_args {
	const char *obj_path;
	const char *prog_name;
	struct prog_input_opts in;
	uint64_t budget;
	bool json;
	bool checked;
	bool verbose;
};

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: bpfx run OBJ [options]\n"
		"Load OBJ and run each program (or only -p PROG) once, as BPF_PROG_TEST_RUN.\n"
		"  -p, --prog PROG       run only this program\n"
		"      --data FILE       packet bytes (default: %d zero bytes)\n"
		"      --data-size N     N zero bytes of packet\n"
		"      --ctx FILE        context bytes (__sk_buff, xdp_md, syscall argument)\n"
		"      --repeat N        run N times; prints the time per run\n"
		"      --json            one JSON object per line per program\n"
		"      --checked         bounds-check every memory access\n"
		"      --insn-budget N   stop a run after N instructions\n"
		"  -v, --verbose         also print the library's debug messages\n"
		"  -h, --help            show this help\n",
		TEST_DATA_LEN);
}

enum { OPT_JSON = 256, OPT_CHECKED, OPT_BUDGET };

static int parse_option(struct run_args *a, int c)
{
	switch (c) {
	case 'p': a->prog_name = optarg; return 0;
	case OPT_JSON: a->json = true; return 0;
	case OPT_CHECKED: a->checked = true; return 0;
	case 'v': a->verbose = true; return 0;
	case OPT_BUDGET:
		return prog_input_number("run", "--insn-budget", optarg, 1, UINT64_MAX, &a->budget);
	}
	return prog_input_option("run", &a->in, c, optarg) == 0 ? 0 : CLI_USAGE;
}

/* 0 when the arguments are usable, -1 after --help, else the exit status. */
static int parse_args(struct run_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "prog", required_argument, NULL, 'p' },
		PROG_INPUT_LONGOPTS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "checked", no_argument, NULL, OPT_CHECKED },
		{ "insn-budget", required_argument, NULL, OPT_BUDGET },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":p:vh", longopts, NULL)) != -1) {
		if (c == 'h') {
			run_usage(stdout);
			return -1;
		}
		if (c == '?' || c == ':')
			return cli_opt_error("run", argv, c);
		err = parse_option(a, c);
		if (err)
			return err;
	}
	if (optind == argc) {
		cli_err("run", "no object given (see 'bpfx run --help')");
		return CLI_USAGE;
	}
	if (optind + 1 != argc) {
		cli_err("run", "one object at a time (got '%s' too)", argv[optind + 1]);
		return CLI_USAGE;
	}
	a->obj_path = argv[optind];
	return prog_input_check("run", &a->in);
}

/* ---- text output ----------------------------------------------------------- */

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void print_src(const char *src)
{
	char line[512];

	cli_first_line(skip_blanks(src), line, sizeof(line));
	if (line[0])
		printf("    %s\n", line);
}

static void print_exception(const struct bpfx_program *prog,
			    const struct bpfx_exception *e)
{
	uint32_t i, n = e->frame_cnt < BPFX_MAX_FRAMES ? e->frame_cnt : BPFX_MAX_FRAMES;

	printf("%s: exception: cookie 0x%" PRIx64 " at ", bpfx_program__name(prog), e->cookie);
	if (e->line.file)
		printf("%s:%u (insn %u)", cli_basename(e->line.file), e->line.line, e->insn);
	else
		printf("insn %u", e->insn);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? " <- " : " in ", e->frames[i].func ? e->frames[i].func : "?");
	if (e->prog && e->prog != prog)
		printf(" [program %s]", bpfx_program__name(e->prog));
	printf("\n");
	if (e->line.src)
		print_src(e->line.src);
}

static bool is_stop(int err)
{
	return err == -BPFX_ERR_FAULT || err == -BPFX_ERR_BUDGET || err == -BPFX_ERR_CALL;
}

static void print_text(const struct run_args *a, const struct bpfx_program *prog, int err,
		       const struct bpfx_result *res)
{
	const char *name = bpfx_program__name(prog);

	if (is_stop(err)) {
		printf("%s: stopped: %s\n", name, res->fault[0] ? res->fault : bpfx_strerror(err));
		return;
	}
	if (err == -EOPNOTSUPP && res->fault[0]) {
		printf("%s: not run: %s\n", name, res->fault);
		return;
	}
	if (err) {
		printf("%s: run failed: %s%s%s\n", name, bpfx_strerror(err),
		       res->fault[0] ? ": " : "", res->fault);
		return;
	}
	printf("%s: retval %u (r0 0x%" PRIx64 ")", name, res->retval, res->r0);
	if (a->in.have_repeat)
		printf(", %" PRIu64 " ns/run", res->duration_ns);
	printf("\n");
	if (res->threw)
		print_exception(prog, &res->exception);
}

static void print_not_loaded(const struct bpfx_program *prog, int err)
{
	char line[512];

	cli_first_line(bpfx_program__load_log(prog), line, sizeof(line));
	printf("%s: not loaded: %s: %s\n", bpfx_program__name(prog), cli_errno_name(err),
	       line[0] ? line : bpfx_strerror(err));
}

/* ---- JSON output ------------------------------------------------------------- */

static void json_line(struct json_writer *w, const struct bpfx_line *l)
{
	char buf[512];

	if (!l->file) {
		json_null(w, "line");
		json_null(w, "src");
		return;
	}
	snprintf(buf, sizeof(buf), "%s:%u", cli_basename(l->file), l->line);
	json_string(w, "line", buf);
	json_string(w, "src", l->src ? skip_blanks(l->src) : NULL);
}

static void json_exception(struct json_writer *w, const struct bpfx_exception *e)
{
	uint32_t i, n = e->frame_cnt < BPFX_MAX_FRAMES ? e->frame_cnt : BPFX_MAX_FRAMES;

	json_begin_object(w, "exception");
	json_u64_string(w, "cookie", e->cookie);
	json_uint(w, "insn", e->insn);
	json_line(w, &e->line);
	json_string(w, "prog", e->prog ? bpfx_program__name(e->prog) : NULL);
	json_begin_array(w, "frames");
	for (i = 0; i < n; i++)
		json_string(w, NULL, e->frames[i].func);
	json_end_array(w);
	json_end_object(w);
}

static void json_error(struct json_writer *w, int err, const char *msg)
{
	json_int(w, "errno", err < 0 ? -(long long)err : err);
	json_string(w, "errno_name", cli_errno_name(err));
	json_string(w, "error", msg);
}

static void json_result(struct json_writer *w, const struct run_args *a, int err,
			const struct bpfx_result *res)
{
	if (err) {
		json_null(w, "retval");
		json_null(w, "r0");
		json_null(w, "exception");
		json_string(w, "fault", is_stop(err) && res->fault[0] ? res->fault : NULL);
		json_error(w, err, res->fault[0] ? res->fault : bpfx_strerror(err));
		return;
	}
	json_uint(w, "retval", res->retval);
	json_u64_string(w, "r0", res->r0);
	if (res->threw)
		json_exception(w, &res->exception);
	else
		json_null(w, "exception");
	json_null(w, "fault");
	json_uint(w, "insn_cnt", res->insn_cnt);
	if (a->in.have_repeat)
		json_uint(w, "ns_per_run", res->duration_ns);
}

static void print_json(const struct run_args *a, const struct bpfx_program *prog,
		       int load_err, int err, const struct bpfx_result *res)
{
	struct json_writer w;
	char line[512];

	json_init(&w, stdout);
	json_begin_object(&w, NULL);
	json_string(&w, "prog", bpfx_program__name(prog));
	json_string(&w, "section", bpfx_program__section_name(prog));
	json_string(&w, "type", bpfx_prog_type_str(bpfx_program__type(prog)));
	json_bool(&w, "loaded", !load_err);
	if (load_err) {
		cli_first_line(bpfx_program__load_log(prog), line, sizeof(line));
		json_error(&w, load_err, line[0] ? line : bpfx_strerror(load_err));
		json_string(&w, "log", bpfx_program__load_log(prog));
	} else {
		json_result(&w, a, err, res);
	}
	json_end_object(&w);
	fputc('\n', stdout);
	fflush(stdout);
}

/* ---- running ------------------------------------------------------------------- */

static int run_prog(const struct run_args *a, const struct bpfx_program *prog,
		    const struct prog_input *in)
{
	struct bpfx_run_opts ro = { .sz = sizeof(ro) };
	int load_err = bpfx_program__load_error(prog);
	struct bpfx_result res;
	int err = 0;

	memset(&res, 0, sizeof(res));
	if (!load_err) {
		prog_input_run_opts("run", &a->in, in, prog, &ro);
		ro.insn_budget = a->budget;
		ro.checked = a->checked;
		err = bpfx_program__run(prog, &ro, &res);
		res.fault[sizeof(res.fault) - 1] = '\0';
	}
	if (a->json)
		print_json(a, prog, load_err, err, &res);
	else if (load_err)
		print_not_loaded(prog, load_err);
	else
		print_text(a, prog, err, &res);
	fflush(stdout);
	return load_err || err ? CLI_FAIL : CLI_OK;
}

static int run_object(const struct run_args *a, struct bpfx_object *obj,
		      const struct prog_input *in)
{
	struct bpfx_program *prog;
	int status = CLI_OK, err;

	if (a->prog_name && !bpfx_object__find_program(obj, a->prog_name)) {
		cli_err("run", "no program '%s' in '%s'", a->prog_name, a->obj_path);
		return CLI_FAIL;
	}
	err = bpfx_object__load(obj);
	if (err) {
		cli_err("run", "cannot load '%s': %s", a->obj_path, bpfx_strerror(err));
		return CLI_FAIL;
	}
	if (!bpfx_object__next_program(obj, NULL)) {
		cli_err("run", "no programs in '%s'", a->obj_path);
		return CLI_FAIL;
	}
	bpfx_object__for_each_program(prog, obj) {
		if (a->prog_name && strcmp(bpfx_program__name(prog), a->prog_name))
			continue;
		if (run_prog(a, prog, in) != CLI_OK)
			status = CLI_FAIL;
	}
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct cli_log log = { .max_level = BPFX_INFO };
	struct bpfx_object *obj;
	struct prog_input in = { 0 };
	int status;

	status = parse_args(&a, argc, argv);
	if (status)
		return status < 0 ? CLI_OK : status;
	if (a.verbose)
		log.max_level = BPFX_DEBUG;
	status = prog_input_load("run", &a.in, &in);
	if (status)
		goto out;
	obj = cli_open("run", a.obj_path, &log, a.json ? stderr : stdout);
	if (!obj) {
		status = CLI_FAIL;
		goto out;
	}
	status = run_object(&a, obj, &in);
	bpfx_object__close(obj);
out:
	prog_input_free(&in);
	return status;
}
