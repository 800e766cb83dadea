#!/bin/sh
# check_cli.sh - end-to-end checks of the bpfx command line: exit statuses, error lines,
# `run` text and JSON output, `dump`, and `test` verdicts, on the fixtures of tests/cli.
# Usage: check_cli.sh BPFX OBJDIR SRCDIR   (OBJDIR holds the fixtures' .bpf.o files)
set -u
BPFX=$1
OBJ=$2
SRC=$3
fails=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

show() {
	sed 's/^/    | /' "$1"
}

# bpfx with the expected exit status; stdout in $tmp/out, stderr in $tmp/err.
bpfx() {
	want=$1
	shift
	"$BPFX" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "bpfx $*: exit status $got, expected $want"
		show "$tmp/err"
	fi
}

line() { # FILE LINE: the exact line is there
	grep -qxF -- "$2" "$tmp/$1" || { fail "no line '$2' in $1"; show "$tmp/$1"; }
}

match() { # FILE ERE: a whole line matches
	grep -qxE -- "$2" "$tmp/$1" || { fail "no line matching '$2' in $1"; show "$tmp/$1"; }
}

text() { # FILE TEXT: the text is somewhere
	grep -qF -- "$2" "$tmp/$1" || { fail "no '$2' in $1"; show "$tmp/$1"; }
}

# --- command line -------------------------------------------------------------------
bpfx 2
bpfx 0 --version
match out 'bpfx [0-9]+\.[0-9]+\.[0-9]+.*'
bpfx 0 --help
text out 'bpfx run OBJ'
bpfx 2 frob
line err "bpfx: unknown command 'frob' (see 'bpfx --help')"
bpfx 2 run
bpfx 2 run "$OBJ/cli_run.bpf.o" --bogus
line err "bpfx: run: unknown option '--bogus' (see 'bpfx run --help')"
bpfx 2 run "$OBJ/cli_run.bpf.o" --repeat 0
bpfx 2 run "$OBJ/cli_run.bpf.o" --repeat
bpfx 2 run "$OBJ/cli_run.bpf.o" --data-size 12x
bpfx 2 run "$OBJ/cli_run.bpf.o" --data /dev/null --data-size 4
bpfx 2 run "$OBJ/cli_run.bpf.o" "$OBJ/cli_run.bpf.o"
bpfx 2 dump
bpfx 2 test
bpfx 0 run --help
bpfx 1 run /nonexistent/x.bpf.o
line err "bpfx: run: cannot open '/nonexistent/x.bpf.o': No such file or directory"
bpfx 1 dump "$tmp"
line err "bpfx: dump: cannot open '$tmp': Is a directory"
bpfx 1 run "$OBJ/cli_run.bpf.o" --data /nonexistent/data
line err "bpfx: run: --data: cannot read '/nonexistent/data': No such file or directory"
bpfx 1 run "$OBJ/cli_run.bpf.o" -p no_such_prog
line err "bpfx: run: no program 'no_such_prog' in '$OBJ/cli_run.bpf.o'"
printf 'not an ELF file' >"$tmp/junk.o"
bpfx 1 run "$tmp/junk.o"
text err "bpfx: run: cannot open '$tmp/junk.o'"

# --- run: text ------------------------------------------------------------------------
throw_line=$(grep -n 'throw site' "$SRC/cli_run.bpf.c" | cut -d: -f1)
big_line=$(grep -n '0x10000002aULL' "$SRC/cli_run.bpf.c" | cut -d: -f1)
bpfx 0 run "$OBJ/cli_run.bpf.o"
line out 'trace: hello 7'
line out 'xdp_main: retval 42 (r0 0x2a)'
match out "xdp_main: exception: cookie 0x2a at cli_run\.bpf\.c:$throw_line \(insn [0-9]+\) in parse_tcp <- parse_ip <- xdp_main"
line out '    bpf_assert_with(len > 100, 42); /* throw site */'
line out 'big_cookie: retval 42 (r0 0x10000002a)'
match out "big_cookie: exception: cookie 0x10000002a at cli_run\.bpf\.c:$big_line \(insn [0-9]+\) in big_cookie"
line out 'no_throw: retval 64 (r0 0x40)'
bpfx 0 run "$OBJ/cli_run.bpf.o" -p no_throw --data-size 100 --repeat 3
match out 'no_throw: retval 100 \(r0 0x64\), [0-9]+ ns/run'
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "-p no_throw printed more than one line"
head -c 20 /dev/zero >"$tmp/data20"
bpfx 0 run "$OBJ/cli_run.bpf.o" -p no_throw --data "$tmp/data20"
line out 'no_throw: retval 20 (r0 0x14)'

# --- run: JSON --------------------------------------------------------------------------
bpfx 0 run "$OBJ/cli_run.bpf.o" --json
[ "$(wc -l <"$tmp/out")" -eq 3 ] || { fail "--json: expected 3 lines"; show "$tmp/out"; }
text out '{"prog":"xdp_main","section":"xdp","type":"xdp","loaded":true,"retval":42,"r0":"42","exception":{"cookie":"42","insn":'
text out "\"line\":\"cli_run.bpf.c:$throw_line\",\"src\":\"bpf_assert_with(len > 100, 42); /* throw site */\",\"prog\":\"xdp_main\",\"frames\":[\"parse_tcp\",\"parse_ip\",\"xdp_main\"]},\"fault\":null"
text out '"retval":42,"r0":"4294967338","exception":{"cookie":"4294967338"'
text out '{"prog":"no_throw","section":"tc","type":"sched_cls","loaded":true,"retval":64,"r0":"64","exception":null,"fault":null'
line err 'trace: hello 7'
if grep -q 'trace:' "$tmp/out"; then fail "--json: trace output on stdout"; fi
bpfx 0 run "$OBJ/cli_run.bpf.o" --json -p no_throw --repeat 2
text out '"ns_per_run":'

# --- run: a program that cannot load ------------------------------------------------
bpfx 1 run "$OBJ/cli_reject.bpf.o"
line out 'bad_cb: not loaded: EINVAL: exception cb only supports single integer argument'
bpfx 1 run "$OBJ/cli_reject.bpf.o" --json
text out '{"prog":"bad_cb","section":"tc","type":"sched_cls","loaded":false,"errno":22,"errno_name":"EINVAL","error":"exception cb only supports single integer argument"'

# --- dump -------------------------------------------------------------------------------
bpfx 0 dump "$OBJ/cli_run.bpf.o" -p xdp_main
match out 'program xdp_main: section xdp, type xdp, [0-9]+ insns'
line out 'xdp_main:'
line out 'parse_ip:'
line out 'parse_tcp:'
match out '0: \([0-9a-f]{2}\) .+'
line out "; bpf_assert_with(len > 100, 42); /* throw site */ @ cli_run.bpf.c:$throw_line"
if grep -q 'big_cookie' "$tmp/out"; then fail "dump -p xdp_main dumped other programs"; fi

# --- test -------------------------------------------------------------------------------
bpfx 1 test "$OBJ/cli_annotated.bpf.o"
line out 'PASS ok_retval'
line out 'FAIL wrong_retval: retval 4 (0x4), expected 5 (0x5)'
line out "FAIL unknown_tag: unknown annotation 'comment:test_frobnicate'"
line out "FAIL bad_retval: bad annotation 'comment:test_retval=seven': not a number"
line out 'SKIP plain: no test annotations'
line out 'PASS with_unpriv'
line out 'SKIP with_unpriv @unpriv: unprivileged mode does not apply to bpfx'
line out 'PASS fresh_1'
line out 'PASS fresh_2'
line out 'PASS sys_prog'
match out 'PASS rejected_uninit|SKIP rejected_uninit: needs the verifier'
match out '[56] passed, 3 failed, [23] skipped'
if grep -q 'aux' "$tmp/out"; then fail "test reported the __auxiliary program"; fi
[ "$(wc -l <"$tmp/out")" -eq 12 ] || { fail "test: expected 12 lines"; show "$tmp/out"; }
bpfx 1 test /nonexistent/x.bpf.o
line out '0 passed, 1 failed, 0 skipped'

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "check_cli.sh: all checks passed"
