#include "daemon/daemon.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/version.hpp"
#include "config/yaml_reader.hpp"
#include "daemon/http_api.hpp"
#include "daemon/pipeline_host.hpp"
#include "daemon/runtime_dir.hpp"
#include "daemon/sessions.hpp"
#include "daemon/static_files.hpp"
#include "stages/builtin_stages.hpp"

namespace eegd::daemon {
namespace fs = std::filesystem;

std::string find_default_pipeline() {
  std::vector<fs::path> candidates;
  if (const char* data = std::getenv("EEGD_DATA_DIR"); data && *data) candidates.emplace_back(fs::path(data) / "pipelines");
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "../../configs/pipelines");  // build/<preset>/eegd
    candidates.push_back(exe.parent_path() / "../share/eegd/pipelines");  // <prefix>/bin/eegd
  }
  candidates.emplace_back("/usr/share/eegd/pipelines");
  for (const auto& dir : candidates)
    if (fs::exists(dir / "default.yaml", ec)) return (dir / "default.yaml").lexically_normal().string();
  return {};
}

namespace {

std::string iso_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

struct host_port {
  std::string host;
  unsigned short port = 0;
};

std::optional<host_port> parse_host_port(const std::string& s) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  host_port hp;
  hp.host = s.substr(0, colon);
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']') hp.host = hp.host.substr(1, hp.host.size() - 2);
  try {
    const unsigned long port = std::stoul(s.substr(colon + 1));
    if (port > 65535) return std::nullopt;
    hp.port = static_cast<unsigned short>(port);
  } catch (...) {
    return std::nullopt;
  }
  return hp;
}

std::string url_host(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

class acceptor_loop {
 public:
  acceptor_loop(net::io_context& io, tcp::acceptor& acceptor, daemon_context& ctx, http_api& api,
                session_registry& sessions)
      : io_(io), acceptor_(acceptor), ctx_(ctx), api_(api), sessions_(sessions) {}
  void start() {
    // Each connection gets a strand: its handlers never run concurrently, while
    // different connections are served by all io threads in parallel.
    acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp_socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) serve_tcp_connection(std::move(socket), ctx_, api_, sessions_);
      start();
    });
  }

 private:
  net::io_context& io_;
  tcp::acceptor& acceptor_;
  daemon_context& ctx_;
  http_api& api_;
  session_registry& sessions_;
};

}  // namespace

int serve(const serve_options& o) {
  const auto hp = parse_host_port(o.http);
  if (!hp) {
    std::cerr << "eegd: --http wants HOST:PORT, got '" << o.http << "'\n";
    return 64;
  }
  const std::string runtime_dir = o.runtime_dir.empty() ? default_runtime_dir() : o.runtime_dir;
  const std::string state_dir = o.state_dir.empty() ? default_state_dir() : o.state_dir;
  if (status s = prepare_private_dir(runtime_dir); !s) {
    std::cerr << "eegd: runtime directory: " << s.err().message << "\n";
    return 1;
  }
  auto lock = instance_lock::acquire(runtime_dir);
  if (!lock) {
    std::cerr << "eegd: " << lock.err().message << "\n";
    return 1;
  }

  // Listen before anything slow happens, so a port conflict is reported at once.
  const unsigned io_threads = std::max(1u, o.io_threads);
  net::io_context io(static_cast<int>(io_threads));
  tcp::acceptor acceptor(net::make_strand(io));  // accept and close never race
  beast::error_code ec;
  const auto address = net::ip::make_address(hp->host, ec);
  if (ec) {
    std::cerr << "eegd: '" << hp->host << "' is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)\n";
    return 64;
  }
  const tcp::endpoint endpoint(address, hp->port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::string owner = ec == net::error::address_in_use ? describe_port_owner(hp->port) : "";
    std::cerr << "eegd: cannot listen on " << url_host(hp->host) << ":" << hp->port << ": " << ec.message()
              << (owner.empty() ? "" : " (used by " + owner + ")") << "\n";
    return 1;
  }
  const unsigned port = acceptor.local_endpoint().port();
  const std::string url = "http://" + url_host(hp->host) + ":" + std::to_string(port);

  core::stage_registry registry;
  stages::register_builtin_stages(registry);
  core::sensor_store sensors;
  broker topics(broker::options{o.client_queue});
  pipeline_host pipeline(registry, sensors, topics);

  const std::string pipeline_file = o.pipeline.empty() ? find_default_pipeline() : o.pipeline;
  if (pipeline_file.empty()) {
    std::cerr << "eegd: no pipeline given and configs/pipelines/default.yaml not found (set EEGD_DATA_DIR)\n";
    return 2;
  }
  auto read = config::read_pipeline_file(pipeline_file, registry);
  for (const auto& e : read.errors) std::cerr << e.to_string() << "\n";
  if (!read.doc) return 2;
  if (auto errors = pipeline.start(std::move(*read.doc)); !errors.empty()) {
    for (const auto& e : errors) std::cerr << e.to_string() << "\n";
    return 2;
  }

  daemon_context ctx{topics, pipeline, registry, access_policy{hp->host, port, o.allow_hosts}, request_limits{},
                     std::string(eegd::version), url, runtime_dir, state_dir, monotonic_ns(),
                     find_web_root()};
  http_api api(ctx);
  session_registry sessions;
  acceptor_loop accepting(io, acceptor, ctx, api, sessions);
  accepting.start();

  if (status s = write_instance_info(runtime_dir, {::getpid(), eegd::version, url, runtime_dir + "/eegd.sock", iso_now()});
      !s)
    spdlog::warn("{}", s.err().message);
  spdlog::info("listening on {}", url);

  net::signal_set signals(io, SIGINT, SIGTERM);
  net::steady_timer close_deadline(io);
  signals.async_wait([&](beast::error_code, int sig) {
    spdlog::info("{}: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    net::post(acceptor.get_executor(), [&] { acceptor.close(); });
    pipeline.stop();          // quiesce, drain, join (bounded)
    sessions.close_all();     // close frames to every WebSocket client
    close_deadline.expires_after(std::chrono::milliseconds(400));
    close_deadline.async_wait([&](beast::error_code) { io.stop(); });
  });
  std::vector<std::thread> extra_threads;
  for (unsigned i = 1; i < io_threads; ++i) extra_threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : extra_threads) t.join();

  ::unlink((runtime_dir + "/eegd.json").c_str());
  lock->release();
  spdlog::info("stopped");
  return 0;
}

}  // namespace eegd::daemon
