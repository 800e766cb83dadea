# Fuzzing the run side (tools/fuzz_run.c): mutants of every test program, example and
# the seeds here are loaded and run in checked mode; nothing may crash, hang or trip a
# sanitizer.  The ctest is a short, fixed-seed smoke run (a few seconds, also under
# ASan); long campaigns are run by hand:
#   fuzz_run --seed $RANDOM --iters 100000 --time 3600 build/tests/progs/*.bpf.o ...
#   seed_*.bpf.c   seeds for the fuzzer (not tests): every helper and kfunc in use
file(GLOB FUZZ_SEEDS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/seed_*.bpf.c)
bpfx_bpf_objects(FUZZ_SEED_OBJS ${CMAKE_CURRENT_BINARY_DIR}/fuzz ${FUZZ_SEEDS})
add_custom_target(fuzz_seeds ALL DEPENDS ${FUZZ_SEED_OBJS})

add_test(NAME fuzz/run COMMAND fuzz_run --seed 1 --iters 200 --time 40
         ${FUZZ_SEED_OBJS} ${TEST_PROG_OBJS} ${BPFX_EXAMPLE_OBJS})
set_tests_properties(fuzz/run PROPERTIES TIMEOUT 120)

# Regressions: tests/progs/run_safety.bpf.c holds one program per bug of the run side
# (kernel/annot checks the kernel's verdict on each).  bpfx must stop each run with
# this fault, within a small budget, where it used to crash, hang or trip a sanitizer.
set(RUN_SAFETY ${CMAKE_CURRENT_BINARY_DIR}/progs/run_safety.bpf.o)
foreach(case
    "zero_size_mem_arg|bpf_skb_load_bytes: R4 invalid zero-sized read"
    "spin_lock_word_stored|bpf_spin_lock 0x[0-9a-f]+: taken, but no run holds it \\(did a program write it\\?\\)"
    "obj_drop_while_locked|function calls are not allowed while holding a lock \\(bpf_obj_drop_impl\\)"
    "ringbuf_submit_misaligned|bpf_ringbuf_submit: 0x[0-9a-f]+ is not a ring buffer record"
    "iter_num_misaligned|bpf_iter_num: misaligned iterator"
    "helper_work_charged|instruction budget exhausted in bpf_csum_diff"
    "sock_arg_from_ctx_field|bpf_tcp_sock: R1 is not a socket \\(0x1000\\)"
    "lock_flag_word_stored|bpf_map_update_elem: the value's bpf_spin_lock: taken, but no run holds it \\(did a program write it\\?\\)"
    "iter_bits_forged_copy|invalid read of 16 bytes at 0x1000: not memory the program may touch"
    "iter_bits_forged_destroy|bpf_iter_bits_destroy: 0x[0-9a-f]+ is not a copy bpf_iter_bits_new made")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 prog)
  list(GET case 1 fault)
  add_test(NAME fuzz/regress/${prog}
           COMMAND bpfx_cli run ${RUN_SAFETY} -p ${prog} --insn-budget 100000)
  set_tests_properties(fuzz/regress/${prog} PROPERTIES TIMEOUT 30
                       PASS_REGULAR_EXPRESSION "${prog}: stopped: insn [0-9]+ [^\n]*: ${fault}")
endforeach()
# Helpers that stored through a misaligned pointer (UBSan, under the sanitizer build):
# nothing else is wrong with that memory, so the run ends normally.
foreach(case "irq_flags_misaligned|5" "strtol_res_misaligned|42")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 prog)
  list(GET case 1 retval)
  add_test(NAME fuzz/regress/${prog} COMMAND bpfx_cli run ${RUN_SAFETY} -p ${prog})
  set_tests_properties(fuzz/regress/${prog} PROPERTIES TIMEOUT 30
                       PASS_REGULAR_EXPRESSION "${prog}: retval ${retval} ")
endforeach()
