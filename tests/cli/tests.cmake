# The CLI's pure parts (tools/bpfx: annotations, JSON, messages) under unit test.
# tests/CMakeLists.txt makes unit/test_cli_annotations.c an executable linked with the
# library only; add the CLI sources it tests.  Included after the unit tests exist.
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
