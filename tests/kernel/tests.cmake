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
  add_test(NAME kernel/diff/${name} COMMAND bpfx_cli diff ${obj})
  set_tests_properties(kernel/diff/${name} PROPERTIES SKIP_RETURN_CODE 3)
endforeach()
