/* SPDX-License-Identifier: MIT */
/*
 * main.c - the bpfx command-line tool: finds the command and hands it its arguments.
 *   bpfx run | dump | test | kernel | diff | help, and --help, --version.
 * Each command lives in its own file (run.c, dump.c, test.c; the kernel commands in
 * the files of issue 3) and returns the exit status.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "OBJ [-p PROG] [--data FILE | --data-size N] [--ctx FILE]\n"
	  "           [--repeat N] [--json] [--checked] [--insn-budget N]",
	  "run programs and print their return values and exceptions" },
	{ "dump", cmd_dump, "OBJ [-p PROG]",
	  "disassemble programs with their source lines" },
	{ "test", cmd_test, "[--kernel] [-v] OBJ...",
	  "check kernel selftest annotations (__success, __msg, __retval, ...)" },
	{ "kernel", cmd_kernel, "run OBJ [options of run] [--log] | probe",
	  "run programs in the running kernel (BPF_PROG_TEST_RUN)" },
	{ "diff", cmd_diff, "OBJ [-p PROG] [input options of run] [--json]",
	  "compare bpfx with the running kernel, program by program" },
};

#define CMD_CNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: bpfx <command> [options]\n\ncommands:\n");
	for (i = 0; i < CMD_CNT; i++)
		fprintf(f, "  %-7s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n");
	for (i = 0; i < CMD_CNT; i++)
		fprintf(f, "  bpfx %s %s\n", commands[i].name, commands[i].args);
	fprintf(f, "\n'bpfx <command> --help' describes a command's options.\n"
		   "  -h, --help     show this help\n"
		   "  -V, --version  show the version\n");
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < CMD_CNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int help(int argc, char **argv)
{
	const struct command *c = argc > 1 ? find_command(argv[1]) : NULL;
	char *help_argv[] = { NULL, (char *)"--help", NULL };

	if (argc > 1 && !c) {
		cli_err(NULL, "unknown command '%s'", argv[1]);
		return CLI_USAGE;
	}
	if (!c || !c->fn) {
		usage(stdout);
		return CLI_OK;
	}
	help_argv[0] = (char *)c->name;
	return c->fn(2, help_argv);
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return help(1, argv + 1);
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("bpfx %s\n", BPFX_VERSION);
		return CLI_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		cli_err(NULL, "unknown command '%s' (see 'bpfx --help')", argv[1]);
		return CLI_USAGE;
	}
	if (!c->fn) {
		cli_err(c->name, "not available in this build");
		return CLI_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
