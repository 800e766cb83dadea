# Instruction tests: every .data file of this directory, run by tools/insn_run.c on
# bpfx's engines, and on the host kernel where bpf() works (skips with 77 elsewhere).
add_test(NAME insn/interp COMMAND insn_run --engine=interp ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME insn/kernel COMMAND insn_run --engine=kernel ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(insn/interp insn/kernel PROPERTIES
                     ENVIRONMENT "${BPFX_TEST_ENV}" SKIP_RETURN_CODE 77)
