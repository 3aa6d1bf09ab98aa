# Writes OUTPUT (a header defining COESIM_VERSION) from `git describe` of
# SOURCE_DIR, or "FALLBACK-unknown" outside a git checkout; touches the file
# only when the text changes, so a build recompiles only what includes it.
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --tags
                OUTPUT_VARIABLE describe RESULT_VARIABLE status ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT status EQUAL 0 OR describe STREQUAL "")
  set(describe "${FALLBACK}-unknown")
endif()
set(text "#pragma once\n#define COESIM_VERSION \"${describe}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
