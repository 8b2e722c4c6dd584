#pragma once

// For tests that prove a code path allocates nothing: linking counting_new.cpp
// into a test binary replaces the global operator new with one that counts
// every allocation, on every thread. Sanitizers replace operator new too, so
// such binaries are built without them.

#include <cstdint>

namespace eegd::testing {

// Allocations through operator new since the program started.
std::uint64_t allocations_so_far() noexcept;

}  // namespace eegd::testing
