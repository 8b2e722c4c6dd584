#include "daemon/process_stats.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace eegd::daemon {

process_stats read_process_stats() {
  process_stats s;
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the ")" that ends the command name: state is field 3.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    long threads = 0;
    for (int i = 3; rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
      if (i == 20) {
        threads = std::stol(field);
        break;
      }
    }
    s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    s.threads = static_cast<int>(threads);
  }
  std::ifstream statm("/proc/self/statm");
  unsigned long long size = 0, resident = 0;
  if (statm >> size >> resident) s.rss_bytes = resident * static_cast<unsigned long long>(::sysconf(_SC_PAGESIZE));
  return s;
}

}  // namespace eegd::daemon
