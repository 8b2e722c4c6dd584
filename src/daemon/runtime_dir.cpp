#include "daemon/runtime_dir.hpp"
#include "observe/json_text.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace eegd::daemon {
namespace fs = std::filesystem;

std::string default_runtime_dir() {
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) return std::string(xdg) + "/eegd";
  if (::geteuid() == 0) return "/run/eegd";
  return "/tmp/eegd-" + std::to_string(::geteuid());
}

std::string default_state_dir() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/eegd";
  if (::geteuid() == 0) return "/var/lib/eegd";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/eegd";
  return "/tmp/eegd-state-" + std::to_string(::geteuid());
}

status prepare_private_dir(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(fs::path(dir).parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return error{"cannot create " + dir + ": " + std::strerror(errno), {}};
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return error{"cannot use " + dir + ": " + std::strerror(errno), {}};
  if (!S_ISDIR(st.st_mode)) return error{dir + " is not a directory", {}};
  if (st.st_uid != ::geteuid()) return error{dir + " belongs to another user (uid " + std::to_string(st.st_uid) + ")", {}};
  return ok();
}

instance_lock::instance_lock(instance_lock&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }

instance_lock& instance_lock::operator=(instance_lock&& o) noexcept {
  if (this != &o) {
    release();
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

instance_lock::~instance_lock() { release(); }

result<instance_lock> instance_lock::acquire(const std::string& dir) {
  const std::string path = dir + "/eegd.lock";
  for (int attempt = 0; attempt < 10; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return error{"cannot open " + path + ": " + std::strerror(errno), {}};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      char buf[32] = {};
      [[maybe_unused]] auto n = ::pread(fd, buf, sizeof buf - 1, 0);
      ::close(fd);
      if (e != EWOULDBLOCK) return error{"cannot lock " + path + ": " + std::strerror(e), {}};
      std::string who = "pid " + std::to_string(std::atoi(buf));
      if (auto info = read_instance_info(dir); info && !info->http_url.empty()) who += ", " + info->http_url;
      return error{"eegd is already running (" + who + ")", {}};
    }
    // The previous owner may have unlinked the file between our open() and
    // flock(); then we hold a lock nobody else can see. Only a lock on the
    // file that is still at `path` counts.
    struct stat held {}, current {};
    if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &current) == 0 && held.st_ino == current.st_ino &&
        held.st_dev == current.st_dev) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        ::close(fd);
        return error{"cannot write " + path + ": " + std::strerror(errno), {}};
      }
      instance_lock l;
      l.fd_ = fd;
      l.path_ = path;
      return l;
    }
    ::close(fd);
  }
  return error{"cannot take " + path + ": it keeps being replaced", {}};
}

void instance_lock::release() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still locked: nobody can take a lock on it meanwhile
  ::close(fd_);
  fd_ = -1;
}

status write_instance_info(const std::string& dir, const instance_info& info) {
  const nlohmann::json j = {{"pid", info.pid},
                            {"version", info.version},
                            {"http", info.http_url},
                            {"socket", info.socket_path},
                            {"started_at", info.started_at}};
  const std::string path = dir + "/eegd.json", tmp = path + ".tmp";
  const std::string text = observe::json_text(j, 2) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return error{"cannot write " + tmp + ": " + std::strerror(errno), {}};
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0)
    return error{"cannot write " + path + ": " + std::strerror(errno), {}};
  return ok();
}

std::optional<instance_info> read_instance_info(const std::string& dir) {
  std::ifstream in(dir + "/eegd.json");
  if (!in) return std::nullopt;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  instance_info i;
  i.pid = j.value("pid", 0);
  i.version = j.value("version", "");
  i.http_url = j.value("http", "");
  i.socket_path = j.value("socket", "");
  i.started_at = j.value("started_at", "");
  return i;
}

namespace {

// Inode of the socket listening on `port` (state 0A = LISTEN) in /proc/net/tcp{,6}.
std::string listening_inode(unsigned port) {
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string slot, local, remote, state, queues, timer, retr, uid, timeout, inode;
      f >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      const auto colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;
      if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) return inode;
    }
  }
  return {};
}

}  // namespace

std::string describe_port_owner(unsigned port) {
  const std::string inode = listening_inode(port);
  if (inode.empty()) return {};
  const std::string target = "socket:[" + inode + "]";
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const std::string pid = proc.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", ec)) {
      std::error_code link_ec;
      if (fs::read_symlink(fd.path(), link_ec).string() != target) continue;
      std::ifstream comm(proc.path() / "comm");
      std::string name;
      std::getline(comm, name);
      return "pid " + pid + " (" + name + ")";
    }
  }
  return {};
}

}  // namespace eegd::daemon
