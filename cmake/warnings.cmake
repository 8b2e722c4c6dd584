# Warnings every eegd target compiles with. Third-party headers come in through
# imported targets, which CMake marks SYSTEM, so they do not trip these.
add_library(eegd_warnings INTERFACE)
target_compile_options(eegd_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wconversion -Wno-sign-conversion -Wcast-qual -Wformat=2 -Wimplicit-fallthrough
  -Wmissing-declarations)
# GCC 12 reports false -Wrestrict, -Wdangling-pointer and -Wmaybe-uninitialized warnings inside libstdc++'s
# std::string and yaml-cpp's headers at -O3 (GCC bugs 105329, 106199, 107138); they are
# not about our code, and the clang and sanitizer builds still check it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(eegd_warnings INTERFACE -Wno-restrict -Wno-dangling-pointer -Wno-maybe-uninitialized)
endif()
if(EEGD_WERROR)
  target_compile_options(eegd_warnings INTERFACE -Werror)
endif()
