# eegd_add_tests(<target> LABELS <labels...> SOURCES <files...> LIBS <libs...>)
# One GoogleTest binary per library; tests live beside the code they test.
# The first label is the suite's (ctest -L); gtest_discover_tests keeps only
# one. Which suites run under ThreadSanitizer is the list of targets
# `make test-tsan` builds (the tsan preset runs whatever was built).
function(eegd_add_tests target)
  cmake_parse_arguments(T "" "" "LABELS;SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${T_SOURCES})
  target_link_libraries(${target} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock eegd_warnings)
  # Tests use designated initializers that leave fields at their defaults on
  # purpose; GCC 12 warns about those in C++ (fixed in GCC 13).
  target_compile_options(${target} PRIVATE -Wno-missing-field-initializers)
  target_compile_definitions(${target} PRIVATE
    EEGD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    EEGD_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${target} PROPERTIES LABELS "${T_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
