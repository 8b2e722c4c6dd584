#pragma once

#include <cstdint>

namespace eegd::daemon {

struct process_stats {
  double cpu_seconds = 0;        // user + system, all threads
  std::uint64_t rss_bytes = 0;   // resident memory
  int threads = 0;
};

// From /proc/self; zeros where unavailable.
process_stats read_process_stats();

}  // namespace eegd::daemon
