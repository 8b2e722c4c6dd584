#include "core/memory_lock.hpp"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace eegd::core {

status lock_memory() {
  if (::mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0) {
    // AddressSanitizer's mlockall does nothing and returns 0: believe the kernel.
    if (locked_bytes() == 0)
      return error{"mlockall reported success but the kernel shows no locked memory (sanitizer builds intercept it)",
                   "mlock"};
    return ok();
  }
  const int err = errno;
  std::string why = std::string("mlockall failed: ") + std::strerror(err);
  rlimit limit{};
  if ((err == EPERM || err == ENOMEM) && ::getrlimit(RLIMIT_MEMLOCK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    why += " (RLIMIT_MEMLOCK is " + std::to_string(limit.rlim_cur / 1024) +
           " KiB: run with CAP_IPC_LOCK, or raise it, e.g. LimitMEMLOCK=infinity in the systemd unit)";
  return error{why, "mlock"};
}

std::size_t locked_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmLck:", 0) == 0) return static_cast<std::size_t>(std::stoull(line.substr(6))) * 1024;
  return 0;
}

}  // namespace eegd::core
