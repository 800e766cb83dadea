# The bpfx command line.
#  - unit/test_cli_annotations: the CLI's pure parts (annotations, JSON, messages).
#    tests/CMakeLists.txt makes it an executable linked with the library only; add the
#    CLI sources it tests.  (This file is included after the unit tests exist.)
#  - cli/e2e: check_cli.sh runs the built `bpfx` on the fixtures cli_*.bpf.c here.
set(BPFX_CLI_UNIT_SOURCES
    ${PROJECT_SOURCE_DIR}/tools/bpfx/annotations.c
    ${PROJECT_SOURCE_DIR}/tools/bpfx/json.c
    ${PROJECT_SOURCE_DIR}/tools/bpfx/util.c)

if(NOT TARGET test_cli_annotations)
  add_executable(test_cli_annotations
                 ${PROJECT_SOURCE_DIR}/tests/unit/test_cli_annotations.c)
  target_link_libraries(test_cli_annotations PRIVATE bpfx_static)
  add_test(NAME unit/test_cli_annotations COMMAND test_cli_annotations)
endif()
target_sources(test_cli_annotations PRIVATE ${BPFX_CLI_UNIT_SOURCES})
target_include_directories(test_cli_annotations PRIVATE ${PROJECT_SOURCE_DIR}/tools/bpfx)

file(GLOB CLI_FIXTURES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/cli_*.bpf.c)
bpfx_bpf_objects(CLI_FIXTURE_OBJS ${CMAKE_CURRENT_BINARY_DIR}/cli ${CLI_FIXTURES})
add_custom_target(cli_fixtures ALL DEPENDS ${CLI_FIXTURE_OBJS})
add_test(NAME cli/e2e
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check_cli.sh $<TARGET_FILE:bpfx_cli>
                 ${CMAKE_CURRENT_BINARY_DIR}/cli ${CMAKE_CURRENT_LIST_DIR})

# throw_in_region_stops_run: without a verifier, a throw inside an RCU read section or
# an IRQ-disabled region stops the run with the message the kernel refuses it with at
# load (the kernel's own verdict is checked by kernel/annot on the same programs).
add_test(NAME cli/run_throw_under_rcu
         COMMAND bpfx_cli run ${CMAKE_CURRENT_BINARY_DIR}/progs/exceptions_reject.bpf.o
                 -p reject_throw_under_rcu)
set_tests_properties(cli/run_throw_under_rcu PROPERTIES PASS_REGULAR_EXPRESSION
  "(^|\n)reject_throw_under_rcu: stopped: insn [0-9]+ \\([^)]*\\): bpf_throw cannot be used inside bpf_rcu_read_lock-ed region\n")
add_test(NAME cli/run_throw_in_irq_region
         COMMAND bpfx_cli run ${CMAKE_CURRENT_BINARY_DIR}/progs/exceptions_regions.bpf.o
                 -p throw_in_irq_region)
set_tests_properties(cli/run_throw_in_irq_region PROPERTIES PASS_REGULAR_EXPRESSION
  "(^|\n)throw_in_irq_region: stopped: insn [0-9]+ \\([^)]*\\): bpf_throw cannot be used inside bpf_local_irq_save-ed region\n")

# load_only_types_not_run: programs of types the kernel loads but cannot test-run
# (kprobe, tp_btf, ...) used not to load at all; they load and `bpfx run` says why
# they cannot run (exit 1: a run failed), in text and in JSON.  raw_tp programs take
# --ctx only, as the kernel's test run.
set(CLI_PT ${CMAKE_CURRENT_BINARY_DIR}/cli/cli_prog_types.bpf.o)
add_test(NAME cli/run_load_only_type COMMAND bpfx_cli run ${CLI_PT} -p kprobe_prog)
set_tests_properties(cli/run_load_only_type PROPERTIES
  PASS_REGULAR_EXPRESSION "^kprobe_prog: not run: program type kprobe cannot be test-run \\(the kernel's BPF_PROG_TEST_RUN does not support it\\)\n$")
add_test(NAME cli/run_load_only_type_json COMMAND bpfx_cli run ${CLI_PT} -p fentry_prog --json)
set_tests_properties(cli/run_load_only_type_json PROPERTIES PASS_REGULAR_EXPRESSION
  "\"type\":\"tracing\",\"loaded\":true,\"retval\":null,.*\"errno\":95,\"errno_name\":\"EOPNOTSUPP\",\"error\":\"program type tracing \\(fentry\\) cannot be test-run")
add_test(NAME cli/run_load_only_type_status COMMAND sh -c
  "$0 run $1 -p lsm_prog >/dev/null; test $? -eq 1" $<TARGET_FILE:bpfx_cli> ${CLI_PT})
add_test(NAME cli/run_raw_tp_data_ignored COMMAND bpfx_cli run ${CLI_PT} -p raw_tp_sum
         --data-size 16)
set_tests_properties(cli/run_raw_tp_data_ignored PROPERTIES PASS_REGULAR_EXPRESSION
  "raw_tp_sum: raw_tracepoint programs take --ctx only; data ignored")
