# The host kernel as the oracle (src/kernel/, tools/bpfx/kernel.c).  Every test here
# skips where bpf() cannot be used: the unit tests exit 77, the CLI exits 3 ("kernel
# unavailable"), `bpfx test --kernel` reports each test skipped.
#   kernel/test_kernel_load     hand-built objects through the kernel loader
#   kernel/test_btf_fixup       the BTF fix-up on clang's raw BTF, then BPF_BTF_LOAD
#   kernel/annot/<obj>          `bpfx test --kernel`: the kernel must agree with the
#                               selftest annotations of tests/progs and kernel/progs
#   kernel/diff/<obj>           `bpfx diff`: bpfx must agree with the kernel
set(KTEST_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB KERNEL_PROGS CONFIGURE_DEPENDS ${KTEST_DIR}/progs/*.bpf.c)
bpfx_bpf_objects(KERNEL_PROG_OBJS ${CMAKE_CURRENT_BINARY_DIR}/kernel/progs ${KERNEL_PROGS})
add_custom_target(kernel_test_progs ALL DEPENDS ${KERNEL_PROG_OBJS})

foreach(name test_kernel_load test_btf_fixup)
  add_executable(${name} ${KTEST_DIR}/${name}.c)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE bpfx_static)
endforeach()
add_test(NAME kernel/test_kernel_load COMMAND test_kernel_load)
add_test(NAME kernel/test_btf_fixup COMMAND test_btf_fixup
         ${CMAKE_CURRENT_BINARY_DIR}/kernel/progs/kfixup.bpf.o)
set_tests_properties(kernel/test_kernel_load kernel/test_btf_fixup PROPERTIES
                     ENVIRONMENT "${BPFX_TEST_ENV}" SKIP_RETURN_CODE 77)

foreach(obj ${TEST_PROG_OBJS} ${KERNEL_PROG_OBJS})
  get_filename_component(name ${obj} NAME)
  string(REPLACE ".bpf.o" "" name ${name})
  add_test(NAME kernel/annot/${name} COMMAND bpfx_cli test --kernel ${obj})
  set_tests_properties(kernel/annot/${name} PROPERTIES SKIP_REGULAR_EXPRESSION
                       "kernel: (Operation not permitted|Function not implemented)")
  add_test(NAME kernel/diff/${name} COMMAND bpfx_cli diff ${obj} --known ${KTEST_DIR}/known-differences)
  set_tests_properties(kernel/diff/${name} PROPERTIES SKIP_RETURN_CODE 3)
endforeach()

# The commands' output.  Expected values: kfixup's arithmetic and bpf_throw(21), and
# the kernel's own message for a kfunc call from a socket filter.
set(KFIXUP ${CMAKE_CURRENT_BINARY_DIR}/kernel/progs/kfixup.bpf.o)
set(KREJECT ${CMAKE_CURRENT_BINARY_DIR}/progs/exceptions_reject.bpf.o)
add_test(NAME kernel/cli/run_text COMMAND bpfx_cli kernel run ${KFIXUP})
set_tests_properties(kernel/cli/run_text PROPERTIES SKIP_RETURN_CODE 3
  PASS_REGULAR_EXPRESSION "^sum_globals: retval 37\nthrow_from_global: retval 21\n$")
add_test(NAME kernel/cli/run_json COMMAND bpfx_cli kernel run ${KFIXUP} --json
         --repeat 1 -p sum_globals)
set_tests_properties(kernel/cli/run_json PROPERTIES SKIP_RETURN_CODE 3
  PASS_REGULAR_EXPRESSION "^{\"prog\":\"sum_globals\",\"section\":\"tc\",\"loaded\":true,\"status\":\"ran\",\"errno\":0,\"errno_name\":null,\"retval\":37,\"ns_per_run\":[0-9]+,")
add_test(NAME kernel/cli/run_rejected COMMAND bpfx_cli kernel run ${KREJECT}
         -p reject_throw_in_socket_filter)
set_tests_properties(kernel/cli/run_rejected PROPERTIES SKIP_RETURN_CODE 3
  PASS_REGULAR_EXPRESSION "reject_throw_in_socket_filter: rejected: EACCES: calling kernel function bpf_throw is not allowed\n  \\| ")
add_test(NAME kernel/cli/diff_json COMMAND bpfx_cli diff ${KFIXUP} --json)
set_tests_properties(kernel/cli/diff_json PROPERTIES SKIP_RETURN_CODE 3
  PASS_REGULAR_EXPRESSION "\"prog\":\"throw_from_global\",\"verdict\":\"SAME\"")
# Without privileges every command says so in one line and exits 3 (needs root and
# setpriv to drop them; skipped otherwise).
add_test(NAME kernel/cli/unavailable COMMAND sh -c
  "if [ \"$(id -u)\" != 0 ] || ! command -v setpriv >/dev/null; then exit 77; fi
   for c in 'kernel probe' 'kernel run $1' 'diff $1'; do
     out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $0 $c 2>&1); rc=$?
     echo \"$c: $rc: $out\"
     [ $rc -eq 3 ] && [ $(echo \"$out\" | wc -l) -eq 1 ] || exit 1
     echo \"$out\" | grep -q 'not permitted' || exit 1
   done" $<TARGET_FILE:bpfx_cli> ${KFIXUP})
set_tests_properties(kernel/cli/unavailable PROPERTIES SKIP_RETURN_CODE 77)
