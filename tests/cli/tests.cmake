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
