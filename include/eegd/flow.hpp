#pragma once

#include <cstdint>

namespace eegd {

// What a stage tells the executor after handling one packet (data plane).
// The executor maps `error` onto the stage's configured error policy; the stage
// itself never knows whether that means skip, stop the branch or stop everything.
enum class flow : std::uint8_t {
  ok,     // handled; anything emitted flows on
  skip,   // deliberately dropped this packet (counted as skipped, not an error)
  stop,   // this stage is finished (end of file, limit reached); downstream drains and ends
  error,  // this packet failed; the error policy decides what happens next
};

}  // namespace eegd
