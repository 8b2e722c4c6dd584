#include "daemon/state_store.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <iomanip>
#include <sstream>

#include "config/yaml_reader.hpp"
#include "config/yaml_writer.hpp"
#include "observe/json_text.hpp"

namespace eegd::daemon {
namespace fs = std::filesystem;
using nlohmann::json;

status write_file_atomically(const std::string& path, const std::string& text, unsigned mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return error{"cannot write " + tmp + ": " + std::strerror(errno), {}};
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return error{"cannot write " + tmp + ": " + std::strerror(e), {}};
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return error{"cannot replace " + path + ": " + std::strerror(e), {}};
  }
  // The rename itself must survive a power cut too.
  const int dir = ::open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok();
}

void state_store::set_aside(const std::string& path, const std::string& why) {
  const std::string aside = path + ".corrupt-" + std::to_string(std::time(nullptr));
  std::error_code ec;
  fs::rename(path, aside, ec);
  spdlog::warn("{}: {}; moved to {} and starting without it", path, why, aside);
}

std::optional<config::pipeline_doc> state_store::load_pipeline(const core::stage_registry& registry) {
  const std::string path = pipeline_path();
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  auto read = config::read_pipeline_file(path, registry);
  if (!read.doc) {
    set_aside(path, read.errors.empty() ? "unreadable" : read.errors.front().to_string());
    return std::nullopt;
  }
  return read.doc;
}

status state_store::save_pipeline(const config::pipeline_doc& doc) {
  return write_file_atomically(pipeline_path(), "# Saved by eegd at every change: the pipeline as it runs, with its live changes.\n" +
                                                    config::to_yaml(doc, true));
}

void state_store::load_sensors(core::sensor_store& sensors) {
  const std::string path = sensors_path();
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  std::ifstream in(path);
  const json j = json::parse(in, nullptr, false);
  std::vector<core::sensor_store::entry> entries;
  try {
    if (j.is_discarded() || !j.is_array()) throw std::runtime_error("not a JSON list");
    for (const auto& e : j) {
      auto m = std::make_shared<sensor_meta>();
      m->sensor_id = e.at("sensor_id");
      m->meta_rev = e.at("meta_rev");
      m->device = e.at("device");
      m->rate_hz = e.at("rate_hz");
      m->channel_names = e.at("channel_names").get<std::vector<std::string>>();
      m->gain = e.at("gain").get<std::vector<double>>();
      m->vref_v = e.at("vref_v");
      m->uv_per_count = e.at("uv_per_count").get<std::vector<double>>();
      m->resolution_bits = e.at("resolution_bits");
      entries.push_back({e.at("key").get<std::string>(), std::move(m)});
    }
  } catch (const std::exception& e) {
    set_aside(path, e.what());
    return;
  }
  sensors.restore(std::move(entries));
}

status state_store::save_sensors(const core::sensor_store& sensors) {
  json out = json::array();
  for (const auto& e : sensors.entries())
    out.push_back({{"key", e.key},
                   {"sensor_id", e.meta->sensor_id},
                   {"meta_rev", e.meta->meta_rev},
                   {"device", e.meta->device},
                   {"rate_hz", e.meta->rate_hz},
                   {"channel_names", e.meta->channel_names},
                   {"gain", e.meta->gain},
                   {"vref_v", e.meta->vref_v},
                   {"uv_per_count", e.meta->uv_per_count},
                   {"resolution_bits", e.meta->resolution_bits}});
  return write_file_atomically(sensors_path(), observe::json_text(out, 2) + "\n");
}

result<std::string> state_store::token() {
  const std::string path = dir_ + "/token";
  std::ifstream in(path);
  std::string t;
  if (in >> t && t.size() >= 32) return t;
  std::random_device rd;  // the kernel's CSPRNG on Linux
  std::ostringstream hex;
  for (int i = 0; i < 8; ++i) hex << std::hex << std::setw(8) << std::setfill('0') << rd();
  t = hex.str();
  if (status s = write_file_atomically(path, t + "\n", 0600); !s) return s.err();
  return t;
}

}  // namespace eegd::daemon
