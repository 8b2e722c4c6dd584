# EEGD_SANITIZE applies to everything built in this tree (the asan and tsan presets).
if(EEGD_SANITIZE)
  add_compile_options(-fsanitize=${EEGD_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${EEGD_SANITIZE})
endif()

# The sanitizer presets' build type: -O1 (what the sanitizers' authors advise;
# -O2 doubles the compile time of the Beast-heavy files for no better checks),
# line tables only (stack traces need no more and link much faster), and
# assertions on.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(eegd_line_tables "-gline-tables-only")
else()
  set(eegd_line_tables "-g1")
endif()
set(CMAKE_CXX_FLAGS_SANITIZE "-O1 ${eegd_line_tables}" CACHE STRING "C++ flags of the Sanitize build type")
set(CMAKE_C_FLAGS_SANITIZE "-O1 ${eegd_line_tables}" CACHE STRING "C flags of the Sanitize build type")
set(CMAKE_EXE_LINKER_FLAGS_SANITIZE "" CACHE STRING "")
set(CMAKE_SHARED_LINKER_FLAGS_SANITIZE "" CACHE STRING "")

# Fuzz targets link libFuzzer; everything they call is built with its coverage
# instrumentation, without which the fuzzer would be blind inside our libraries.
if(EEGD_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EEGD_BUILD_FUZZ needs clang (libFuzzer); the asan preset uses it")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
