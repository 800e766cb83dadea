/* SPDX-License-Identifier: MIT */
/*
 * kernel.c - the commands that use the running kernel as the oracle:
 *   bpfx kernel run OBJ ...   each program loaded into the kernel and test-run there
 *   bpfx kernel probe         whether the kernel can be used here
 *   bpfx diff OBJ ...         each program in bpfx and in the kernel, side by side
 *   bpfx test --kernel        (kernel_test_prog) annotations checked on the kernel
 * When bpf() cannot be used, every command says so in one line and exits 3.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "known.h"
#include "prog_input.h"

#define CLI_NOKERNEL 3   /* the kernel's bpf() is not available here */
#define TAIL_LINES 10    /* log lines shown without --log */

struct kargs {
	const char *cmd;         /* "kernel run" or "diff" */
	const char *obj_path;
	const char *prog_name;
	struct prog_input_opts in;
	bool json;
	bool full_log;
	const char *known_path;  /* diff: deliberate differences (--known) */
	struct known_list known;
};

static void kernel_usage(FILE *f)
{
	fprintf(f,
		"usage: bpfx kernel run OBJ [options]\n"
		"       bpfx kernel probe\n"
		"Load each program of OBJ (or only -p PROG) into the running kernel and run it\n"
		"with BPF_PROG_TEST_RUN, on the input 'bpfx run' would give it.\n"
		"  -p, --prog PROG       only this program\n"
		"      --data FILE       packet bytes (default: %d zero bytes)\n"
		"      --data-size N     N zero bytes of packet\n"
		"      --ctx FILE        context bytes (__sk_buff, xdp_md, syscall argument)\n"
		"      --repeat N        run N times; prints the kernel's time per run\n"
		"      --json            one JSON object per line per program\n"
		"      --log             print the whole verifier log (else its last lines)\n"
		"  -h, --help            show this help\n"
		"Exit status: 0 all ran, 1 a program was rejected or failed, 2 usage,\n"
		"3 the kernel cannot be used here (no bpf(), not permitted, no BTF).\n",
		TEST_DATA_LEN);
}

static void diff_usage(FILE *f)
{
	fprintf(f,
		"usage: bpfx diff OBJ [options]\n"
		"Run each program of OBJ (or only -p PROG) in bpfx and in the running kernel\n"
		"on the same input; print SAME or DIFFER with both outcomes (verdict, key\n"
		"message, retval), or SKIP when the kernel loader cannot express the program.\n"
		"  -p, --prog PROG       only this program\n"
		"      --data FILE       packet bytes (default: %d zero bytes)\n"
		"      --data-size N     N zero bytes of packet\n"
		"      --ctx FILE        context bytes\n"
		"      --repeat N        run N times on both sides\n"
		"      --json            one JSON object per line per program\n"
		"      --log             print both logs of programs that differ\n"
		"      --known FILE      deliberate differences, one 'OBJECT PROGRAM REASON'\n"
		"                        a line: such a program prints KNOWN, not DIFFER; one\n"
		"                        that no longer differs prints STALE and fails\n"
		"  -h, --help            show this help\n"
		"Exit status: 0 no difference, 1 a difference (or an error), 2 usage, 3 the\n"
		"kernel cannot be used here.\n",
		TEST_DATA_LEN);
}

/* ---- arguments ------------------------------------------------------------- */

enum { OPT_JSON = 256, OPT_LOG, OPT_KNOWN };

static int parse_option(struct kargs *a, int c)
{
	switch (c) {
	case 'p': a->prog_name = optarg; return 0;
	case OPT_JSON: a->json = true; return 0;
	case OPT_LOG: a->full_log = true; return 0;
	case OPT_KNOWN: a->known_path = optarg; return 0;
	}
	return prog_input_option(a->cmd, &a->in, c, optarg) == 0 ? 0 : CLI_USAGE;
}

static int check_operands(struct kargs *a, int argc, char **argv)
{
	if (optind == argc) {
		cli_err(a->cmd, "no object given (see 'bpfx %s --help')", a->cmd);
		return CLI_USAGE;
	}
	if (optind + 1 != argc) {
		cli_err(a->cmd, "one object at a time (got '%s' too)", argv[optind + 1]);
		return CLI_USAGE;
	}
	a->obj_path = argv[optind];
	return prog_input_check(a->cmd, &a->in);
}

/* 0 when usable, -1 after --help, else the exit status. */
static int parse_args(struct kargs *a, int argc, char **argv, void (*usage)(FILE *))
{
	static const struct option longopts[] = {
		{ "prog", required_argument, NULL, 'p' },
		PROG_INPUT_LONGOPTS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "log", no_argument, NULL, OPT_LOG },
		{ "known", required_argument, NULL, OPT_KNOWN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":p:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == '?' || c == ':')
			return cli_opt_error(a->cmd, argv, c);
		err = parse_option(a, c);
		if (err)
			return err;
	}
	return check_operands(a, argc, argv);
}

/* What bpfx_program__kernel_run() returns when the kernel cannot be used. */
static bool unavailable(int err)
{
	return err == -EPERM || err == -ENOSYS || err == -ENOENT;
}

/* Say once, in one line, that the kernel cannot be used. */
static bool kernel_usable(const char *cmd)
{
	char msg[200];

	if (!bpfx_kernel_probe(msg, sizeof(msg)))
		return true;
	cli_err(cmd, "kernel unavailable: %s", msg);
	return false;
}

/* bpf_trace_printk output of bpfx's runs is dropped: the kernel's goes to its trace
 * pipe, and the two sides' outcomes are what is printed. */
static struct bpfx_object *open_quiet(const struct kargs *a, struct cli_log *log)
{
	memset(log, 0, sizeof(*log));
	log->max_level = BPFX_WARN;
	return cli_open(a->cmd, a->obj_path, log, NULL);
}

static bool wanted(const struct kargs *a, const struct bpfx_program *prog)
{
	return !a->prog_name || !strcmp(bpfx_program__name(prog), a->prog_name);
}

static int check_prog_name(const struct kargs *a, const struct bpfx_object *obj)
{
	if (!a->prog_name || bpfx_object__find_program(obj, a->prog_name))
		return 0;
	cli_err(a->cmd, "no program '%s' in '%s'", a->prog_name, a->obj_path);
	return CLI_FAIL;
}

/* ---- the kernel's outcome, as text ---------------------------------------------- */

static const char *status_str(enum bpfx_kernel_status s)
{
	switch (s) {
	case BPFX_KERNEL_RAN: return "ran";
	case BPFX_KERNEL_LOADED: return "loaded";
	case BPFX_KERNEL_REJECTED: return "rejected";
	case BPFX_KERNEL_RUN_FAILED: return "run_failed";
	case BPFX_KERNEL_UNSUPPORTED: return "unsupported";
	}
	return "?";
}

/* The last n lines of log. */
static const char *log_tail(const char *log, int n)
{
	const char *p;

	if (!log)
		return "";
	p = log + strlen(log);
	while (p > log && (p[-1] == '\n'))
		p--;
	while (p > log) {
		if (p[-1] == '\n' && --n == 0)
			break;
		p--;
	}
	return p;
}

static void print_log(const char *log, bool full)
{
	const char *p = full ? log : log_tail(log, TAIL_LINES), *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		printf("  | %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

/* One line that says what the kernel did: "retval 3", "rejected: EACCES: ...". */
static void kernel_outcome(const struct bpfx_kernel_result *r, bool ns, char *buf,
			   size_t size)
{
	char key[256];

	switch (r->status) {
	case BPFX_KERNEL_RAN:
		if (ns)
			snprintf(buf, size, "retval %u, %" PRIu64 " ns/run", r->retval,
				 r->duration_ns);
		else
			snprintf(buf, size, "retval %u", r->retval);
		return;
	case BPFX_KERNEL_LOADED:
		snprintf(buf, size, "loaded");
		return;
	case BPFX_KERNEL_REJECTED:
		bpfx_kernel_log_key(r->log, key, sizeof(key));
		snprintf(buf, size, "rejected: %s: %s", cli_errno_name(r->err),
			 key[0] ? key : strerror(r->err));
		return;
	case BPFX_KERNEL_RUN_FAILED:
		snprintf(buf, size, "run failed: %s", r->reason);
		return;
	case BPFX_KERNEL_UNSUPPORTED:
		snprintf(buf, size, "cannot be expressed: %s", r->reason);
		return;
	}
}

static void json_kernel(struct json_writer *w, const char *key,
			const struct bpfx_kernel_result *r, bool ns, bool full_log)
{
	char msg[256];

	if (key)
		json_begin_object(w, key);
	json_bool(w, "loaded", r->loaded);
	json_string(w, "status", status_str(r->status));
	json_int(w, "errno", r->err);
	json_string(w, "errno_name", r->err ? cli_errno_name(r->err) : NULL);
	if (r->status == BPFX_KERNEL_RAN)
		json_uint(w, "retval", r->retval);
	else
		json_null(w, "retval");
	if (r->status == BPFX_KERNEL_RAN && ns)
		json_uint(w, "ns_per_run", r->duration_ns);
	else
		json_null(w, "ns_per_run");
	json_string(w, "msg", r->status == BPFX_KERNEL_REJECTED ?
			      bpfx_kernel_log_key(r->log, msg, sizeof(msg)) : NULL);
	json_string(w, "log_tail", r->log ? log_tail(r->log, TAIL_LINES) : NULL);
	if (full_log)
		json_string(w, "log", r->log);
	json_string(w, "reason", r->reason[0] ? r->reason : NULL);
	if (key)
		json_end_object(w);
}

/* ---- bpfx kernel run ------------------------------------------------------------ */

static int kernel_run_prog(const struct kargs *a, const struct bpfx_program *prog,
			   const struct prog_input *in)
{
	struct bpfx_kernel_opts ko = { .sz = sizeof(ko), .full_log = a->full_log };
	struct bpfx_kernel_result r;
	struct bpfx_run_opts ro;
	struct json_writer w;
	char line[700];
	int err;

	prog_input_run_opts(a->cmd, &a->in, in, prog, &ro);
	err = bpfx_program__kernel_run(prog, &ro, &ko, &r);
	if (err) {
		cli_err(a->cmd, "%s: %s", bpfx_program__name(prog), strerror(-err));
		return unavailable(err) ? CLI_NOKERNEL : CLI_FAIL;
	}
	if (a->json) {
		json_init(&w, stdout);
		json_begin_object(&w, NULL);
		json_string(&w, "prog", bpfx_program__name(prog));
		json_string(&w, "section", bpfx_program__section_name(prog));
		json_kernel(&w, NULL, &r, a->in.have_repeat, a->full_log);
		json_end_object(&w);
		fputc('\n', stdout);
	} else {
		kernel_outcome(&r, a->in.have_repeat, line, sizeof(line));
		printf("%s: %s\n", bpfx_program__name(prog), line);
		if (r.status == BPFX_KERNEL_REJECTED || (a->full_log && r.log))
			print_log(r.log, a->full_log);
	}
	fflush(stdout);
	err = r.status == BPFX_KERNEL_RAN ? CLI_OK : CLI_FAIL;
	bpfx_kernel_result__free(&r);
	return err;
}

static int kernel_run_object(const struct kargs *a, struct bpfx_object *obj,
			     const struct prog_input *in)
{
	struct bpfx_program *prog;
	int status = check_prog_name(a, obj), s;

	if (status)
		return status;
	if (!bpfx_object__next_program(obj, NULL)) {
		cli_err(a->cmd, "no programs in '%s'", a->obj_path);
		return CLI_FAIL;
	}
	bpfx_object__for_each_program(prog, obj) {
		if (!wanted(a, prog))
			continue;
		s = kernel_run_prog(a, prog, in);
		if (s == CLI_NOKERNEL)
			return s;
		if (s)
			status = s;
	}
	return status;
}

static int kernel_run(int argc, char **argv)
{
	struct kargs a = { .cmd = "kernel run" };
	struct bpfx_object *obj;
	struct cli_log log;
	struct prog_input in = { 0 };
	int status;

	status = parse_args(&a, argc, argv, kernel_usage);
	if (status)
		return status < 0 ? CLI_OK : status;
	if (!kernel_usable(a.cmd))
		return CLI_NOKERNEL;
	if (a.known_path) {
		cli_err(a.cmd, "--known is an option of 'bpfx diff'");
		return CLI_USAGE;
	}
	if (prog_input_load(a.cmd, &a.in, &in))
		return CLI_FAIL;
	obj = open_quiet(&a, &log);
	status = obj ? kernel_run_object(&a, obj, &in) : CLI_FAIL;
	bpfx_object__close(obj);
	prog_input_free(&in);
	return status;
}

int cmd_kernel(int argc, char **argv)
{
	char msg[200];

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		kernel_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (!strcmp(argv[1], "run"))
		return kernel_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "probe")) {
		int err = bpfx_kernel_probe(msg, sizeof(msg));

		printf("kernel: %s\n", err ? msg : "available");
		return err ? CLI_NOKERNEL : CLI_OK;
	}
	cli_err("kernel", "unknown subcommand '%s' (see 'bpfx kernel --help')", argv[1]);
	return CLI_USAGE;
}

/* ---- bpfx diff ------------------------------------------------------------------- */

/* What bpfx did with a program. */
struct bpfx_side {
	int load_err;
	const char *log;
	int run_err;
	struct bpfx_result res;
};

/* KNOWN: differs, and listed as a deliberate difference; STALE: listed, but the
 * same (the list must be kept true, so STALE fails like DIFFER). */
enum verdict { SAME, DIFFER, SKIP, KNOWN, STALE };

static const char *const verdict_str[] = { "SAME", "DIFFER", "SKIP", "KNOWN", "STALE" };

static void bpfx_side_run(const struct kargs *a, const struct bpfx_program *prog,
			  const struct prog_input *in, struct bpfx_side *b)
{
	struct bpfx_run_opts ro;

	memset(b, 0, sizeof(*b));
	b->load_err = bpfx_program__load_error(prog);
	b->log = bpfx_program__load_log(prog);
	if (b->load_err)
		return;
	prog_input_run_opts(a->cmd, &a->in, in, prog, &ro);
	b->run_err = bpfx_program__run(prog, &ro, &b->res);
	b->res.fault[sizeof(b->res.fault) - 1] = '\0';
}

static void bpfx_outcome(const struct bpfx_side *b, bool ns, char *buf, size_t size)
{
	char key[256];

	if (b->load_err)
		snprintf(buf, size, "rejected: %s: %s", cli_errno_name(b->load_err),
			 bpfx_kernel_log_key(b->log, key, sizeof(key)));
	else if (b->run_err)
		snprintf(buf, size, "run failed: %s", b->res.fault[0] ? b->res.fault :
			 bpfx_strerror(b->run_err));
	else if (ns)
		snprintf(buf, size, "retval %u, %" PRIu64 " ns/run", b->res.retval,
			 b->res.duration_ns);
	else
		snprintf(buf, size, "retval %u", b->res.retval);
}

/* Both rejected: the same key message?  bpfx's last message must occur in the
 * kernel's log (the kernel may say more around it). */
static bool same_message(const struct bpfx_side *b, const struct bpfx_kernel_result *k)
{
	char key[256];

	bpfx_kernel_log_key(b->log, key, sizeof(key));
	return key[0] && k->log && strstr(k->log, key);
}

static enum verdict compare(const struct bpfx_side *b, const struct bpfx_kernel_result *k,
			    char *why, size_t size)
{
	bool b_ok = !b->load_err, k_ok = k->loaded;

	why[0] = '\0';
	if (k->status == BPFX_KERNEL_UNSUPPORTED) {
		snprintf(why, size, "the kernel loader cannot express it");
		return SKIP;
	}
	if (b_ok != k_ok) {
		snprintf(why, size, "verdict");
		return DIFFER;
	}
	if (!b_ok) {
		if (!same_message(b, k)) {
			snprintf(why, size, "message");
			return DIFFER;
		}
		if (b->load_err != -k->err) {	/* what bpf(BPF_PROG_LOAD) users see */
			snprintf(why, size, "errno");
			return DIFFER;
		}
		return SAME;
	}
	if (!b->run_err && k->status == BPFX_KERNEL_RAN) {
		if (b->res.retval == k->retval)
			return SAME;
		snprintf(why, size, "retval");
		return DIFFER;
	}
	if (b->run_err && k->status == BPFX_KERNEL_RUN_FAILED)
		return SAME;
	snprintf(why, size, "run");
	return DIFFER;
}

static void json_bpfx(struct json_writer *w, const struct bpfx_side *b, bool ns,
		      bool full_log)
{
	char msg[256];

	json_begin_object(w, "bpfx");
	json_bool(w, "loaded", !b->load_err);
	json_int(w, "errno", b->load_err < 0 ? -(long long)b->load_err : b->load_err);
	json_string(w, "errno_name", b->load_err ? cli_errno_name(b->load_err) : NULL);
	if (!b->load_err && !b->run_err)
		json_uint(w, "retval", b->res.retval);
	else
		json_null(w, "retval");
	if (!b->load_err && !b->run_err && ns)
		json_uint(w, "ns_per_run", b->res.duration_ns);
	else
		json_null(w, "ns_per_run");
	json_string(w, "msg", b->load_err ? bpfx_kernel_log_key(b->log, msg, sizeof(msg))
					  : NULL);
	json_string(w, "fault", b->run_err && b->res.fault[0] ? b->res.fault : NULL);
	if (full_log)
		json_string(w, "log", b->log);
	json_end_object(w);
}

static void print_diff(const struct kargs *a, const struct bpfx_program *prog,
		       const struct bpfx_side *b, const struct bpfx_kernel_result *k,
		       enum verdict v, const char *why)
{
	struct json_writer w;
	char bo[700], ko[700];

	if (a->json) {
		json_init(&w, stdout);
		json_begin_object(&w, NULL);
		json_string(&w, "prog", bpfx_program__name(prog));
		json_string(&w, "verdict", verdict_str[v]);
		json_bool(&w, "same", v != DIFFER);
		json_string(&w, "differs_in", why[0] && (v == DIFFER || v == KNOWN) ? why : NULL);
		json_string(&w, "known_reason", known_reason(&a->known, a->obj_path,
							     bpfx_program__name(prog)));
		json_bpfx(&w, b, a->in.have_repeat, a->full_log);
		json_kernel(&w, "kernel", k, a->in.have_repeat, a->full_log);
		json_end_object(&w);
		fputc('\n', stdout);
		return;
	}
	bpfx_outcome(b, a->in.have_repeat, bo, sizeof(bo));
	kernel_outcome(k, a->in.have_repeat, ko, sizeof(ko));
	printf("%s: %s%s%s%s | bpfx: %s | kernel: %s\n", bpfx_program__name(prog),
	       verdict_str[v], why[0] ? " (" : "", why, why[0] ? ")" : "", bo, ko);
	if (v == KNOWN || v == STALE)
		printf("  %s: %s\n", v == KNOWN ? "known difference" : "listed as a difference but the same",
		       known_reason(&a->known, a->obj_path, bpfx_program__name(prog)));
	if (v == DIFFER && a->full_log) {
		printf("  bpfx log:\n");
		print_log(b->log, true);
		printf("  kernel log:\n");
		print_log(k->log, true);
	}
}

struct diff_state {
	struct bpfx_kernel_result *k;    /* per program, in object order */
	uint32_t cnt;
};

/* The kernel first, on the object as opened; then bpfx loads it. */
static int diff_kernel_side(const struct kargs *a, struct bpfx_object *obj,
			    const struct prog_input *in, struct diff_state *d)
{
	struct bpfx_kernel_opts ko = { .sz = sizeof(ko), .full_log = a->full_log };
	struct bpfx_program *prog;
	struct bpfx_run_opts ro;
	uint32_t i = 0;
	int err;

	bpfx_object__for_each_program(prog, obj)
		d->cnt++;
	d->k = calloc(d->cnt ? d->cnt : 1, sizeof(*d->k));
	if (!d->k)
		return CLI_FAIL;
	bpfx_object__for_each_program(prog, obj) {
		if (wanted(a, prog)) {
			prog_input_run_opts(a->cmd, &a->in, in, prog, &ro);
			err = bpfx_program__kernel_run(prog, &ro, &ko, &d->k[i]);
			if (err) {
				cli_err(a->cmd, "%s: kernel: %s", bpfx_program__name(prog),
					strerror(-err));
				return unavailable(err) ? CLI_NOKERNEL : CLI_FAIL;
			}
		}
		i++;
	}
	return 0;
}

static enum verdict apply_known(const struct kargs *a, const struct bpfx_program *prog,
				enum verdict v)
{
	if (!known_reason(&a->known, a->obj_path, bpfx_program__name(prog)))
		return v;
	return v == DIFFER ? KNOWN : v == SAME ? STALE : v;
}

/* bpfx's side of one program, in an object loaded for it alone (fresh maps and
 * global data), as the kernel side loads each program alone: programs run earlier
 * must not leave map state behind.  The object's messages were printed once already. */
static int diff_program(const struct kargs *a, const char *name, const struct prog_input *in,
			const struct bpfx_kernel_result *k)
{
	struct cli_log log = { .max_level = -1 };
	struct bpfx_object *obj = cli_open(a->cmd, a->obj_path, &log, NULL);
	struct bpfx_program *prog;
	struct bpfx_side b;
	enum verdict v;
	char why[64];
	int err;

	if (!obj)
		return CLI_FAIL;
	err = bpfx_object__load(obj);
	prog = err ? NULL : bpfx_object__find_program(obj, name);
	if (!prog) {
		cli_err(a->cmd, "cannot load '%s' in bpfx: %s", a->obj_path,
			bpfx_strerror(err ? err : -ENOENT));
		bpfx_object__close(obj);
		return CLI_FAIL;
	}
	bpfx_side_run(a, prog, in, &b);
	v = apply_known(a, prog, compare(&b, k, why, sizeof(why)));
	print_diff(a, prog, &b, k, v, why);
	bpfx_object__close(obj);
	return v == DIFFER || v == STALE ? CLI_FAIL : 0;
}

static int diff_object(const struct kargs *a, struct bpfx_object *obj,
		       const struct prog_input *in, struct diff_state *d)
{
	struct bpfx_program *prog;
	uint32_t i = 0;
	int status, ret;

	status = diff_kernel_side(a, obj, in, d);
	if (status)
		return status;
	bpfx_object__for_each_program(prog, obj) {
		if (wanted(a, prog)) {
			ret = diff_program(a, bpfx_program__name(prog), in, &d->k[i]);
			if (ret)
				status = ret;
		}
		i++;
	}
	fflush(stdout);
	return status;
}

int cmd_diff(int argc, char **argv)
{
	struct kargs a = { .cmd = "diff" };
	struct diff_state d = { 0 };
	struct bpfx_object *obj;
	struct cli_log log;
	struct prog_input in = { 0 };
	uint32_t i;
	int status;

	status = parse_args(&a, argc, argv, diff_usage);
	if (status)
		return status < 0 ? CLI_OK : status;
	if (!kernel_usable(a.cmd))
		return CLI_NOKERNEL;
	if (a.known_path) {
		status = known_load(a.cmd, a.known_path, &a.known);
		if (status)
			return status;
	}
	if (prog_input_load(a.cmd, &a.in, &in)) {
		known_free(&a.known);
		return CLI_FAIL;
	}
	obj = open_quiet(&a, &log);
	status = obj ? check_prog_name(&a, obj) : CLI_FAIL;
	if (!status)
		status = diff_object(&a, obj, &in, &d);
	for (i = 0; i < d.cnt; i++)
		bpfx_kernel_result__free(&d.k[i]);
	free(d.k);
	bpfx_object__close(obj);
	prog_input_free(&in);
	known_free(&a.known);
	return status;
}

/* ---- bpfx test --kernel ----------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* EPERM with no log: the kernel refused the program before its verifier ran (on the
 * development machines, fentry/fexit/freplace for want of BPF trampolines).  Not a
 * verdict on the program. */
static bool refused_unverified(const struct bpfx_kernel_result *r)
{
	return !r->loaded && r->err == EPERM && (!r->log || !r->log[0]);
}

static void fill_outcome(const struct bpfx_kernel_result *r, struct test_outcome *o)
{
	o->verified = true;
	o->load_err = r->loaded ? 0 : -r->err;
	o->log = dup_or_null(r->log);
	if (refused_unverified(r))
		o->skip = "kernel: EPERM before verification (this kernel cannot load the "
			  "program type here, e.g. fentry/fexit without BPF trampolines)";
	if (r->status == BPFX_KERNEL_RAN) {
		o->ran = true;
		o->retval = r->retval;
	} else if (r->status == BPFX_KERNEL_RUN_FAILED) {
		o->ran = true;
		o->run_err = -r->err;
		o->run_msg = dup_or_null(r->reason);
	}
}

int kernel_test_prog(const char *obj_path, const char *prog_name,
		     const struct test_spec *spec, struct test_outcome *out)
{
	struct bpfx_kernel_opts ko = { .sz = sizeof(ko), .full_log = true };
	struct cli_log log = { .max_level = -1 };
	struct bpfx_run_opts ro;
	struct bpfx_kernel_result r;
	struct bpfx_program *prog;
	struct bpfx_object *obj;
	int err;

	memset(out, 0, sizeof(*out));
	err = bpfx_kernel_probe(NULL, 0);
	if (err)
		return err;
	obj = cli_open("test", obj_path, &log, NULL);
	if (!obj)
		return -ENOENT;
	prog = bpfx_object__find_program(obj, prog_name);
	ko.log_level = spec->log_level > 0 ? (uint32_t)spec->log_level : 1;
	ko.prog_flags = spec->prog_flags;
	ko.load_only = !test_should_run(spec);
	if (prog)
		test_run_opts(prog, &ro);   /* the bytes the bpfx side of 'bpfx test' uses */
	err = prog ? bpfx_program__kernel_run(prog, &ro, &ko, &r) : -ENOENT;
	if (!err) {
		if (r.status == BPFX_KERNEL_UNSUPPORTED) {
			cli_err("test", "%s: the kernel loader cannot express it: %s",
				prog_name, r.reason);
			err = -EOPNOTSUPP;
		} else {
			fill_outcome(&r, out);
		}
		bpfx_kernel_result__free(&r);
	}
	bpfx_object__close(obj);
	return err;
}
