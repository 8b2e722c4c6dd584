#include "daemon/daemon.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/version.hpp"
#include "config/yaml_reader.hpp"
#include "daemon/http_api.hpp"
#include "daemon/pipeline_host.hpp"
#include "daemon/recording_sessions.hpp"
#include "daemon/runtime_dir.hpp"
#include "daemon/sessions.hpp"
#include "daemon/state_store.hpp"
#include "daemon/systemd_notify.hpp"
#include "daemon/control_hub.hpp"
#include "daemon/pipeline_control.hpp"
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

// Which pipeline the daemon starts with: the one named on the command line,
// else the one saved at the last clean shutdown, else the default.
std::optional<config::pipeline_doc> initial_pipeline(const serve_options& o, const core::stage_registry& registry,
                                                     state_store& state) {
  if (o.pipeline.empty()) {
    if (auto saved = state.load_pipeline(registry)) {
      spdlog::info("restoring the pipeline saved in {}", state.pipeline_path());
      return saved;
    }
  }
  const std::string file = o.pipeline.empty() ? find_default_pipeline() : o.pipeline;
  if (file.empty()) {
    std::cerr << "eegd: no pipeline given and configs/pipelines/default.yaml not found (set EEGD_DATA_DIR)\n";
    return std::nullopt;
  }
  auto read = config::read_pipeline_file(file, registry);
  for (const auto& e : read.errors) std::cerr << e.to_string() << "\n";
  return std::move(read.doc);
}

// The owner-only Unix socket eegctl talks to. Failing to open it is a warning:
// the HTTP API still works.
bool listen_unix(unix_protocol::acceptor& acceptor, const std::string& path) {
  ::unlink(path.c_str());  // a leftover from a killed daemon; we hold the instance lock
  beast::error_code ec;
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    spdlog::warn("no Unix socket: '{}' is longer than {} bytes", path, sizeof(sockaddr_un::sun_path) - 1);
    return false;
  }
  acceptor.open(unix_protocol(), ec);
  if (!ec) acceptor.bind(unix_protocol::endpoint(path), ec);
  if (!ec && ::chmod(path.c_str(), 0600) != 0) ec = beast::error_code(errno, beast::system_category());
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    spdlog::warn("no Unix socket at {}: {}", path, ec.message());
    return false;
  }
  return true;
}

void accept_unix(net::io_context& io, unix_protocol::acceptor& acceptor, daemon_context& ctx, http_api& api,
                 session_registry& sessions) {
  acceptor.async_accept(net::make_strand(io), [&](beast::error_code ec, unix_socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) serve_unix_connection(std::move(socket), ctx, api, sessions);
    accept_unix(io, acceptor, ctx, api, sessions);
  });
}

// Every half watchdog interval: WATCHDOG=1 while the pipeline makes progress.
class supervisor {
 public:
  supervisor(net::io_context& io, systemd_notifier& notifier, pipeline_host& pipeline)
      : timer_(io), notifier_(notifier), pipeline_(pipeline) {}
  void start() {
    if (notifier_.watchdog_usec() == 0) return;
    timer_.expires_after(std::chrono::microseconds(notifier_.watchdog_usec() / 2));
    timer_.async_wait([this](beast::error_code ec) {
      if (ec) return;
      bool running = false, demanded = false;
      std::uint64_t packets = 0;
      pipeline_.with_executor([&](core::executor& exec) {
        running = exec.state() == core::pipeline_state::running;
        demanded = exec.demand() != core::demand_level::idle;
        packets = exec.stats().source_packets;
      });
      if (check_.healthy(running, demanded, packets)) notifier_.watchdog();
      else spdlog::warn("the pipeline made no progress since the last watchdog tick; not reassuring systemd");
      start();
    });
  }
  void stop() { timer_.cancel(); }

 private:
  net::steady_timer timer_;
  systemd_notifier& notifier_;
  pipeline_host& pipeline_;
  progress_check check_;
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
  if (status s = prepare_private_dir(state_dir); !s) {
    std::cerr << "eegd: state directory: " << s.err().message << "\n";
    return 1;
  }
  auto lock = instance_lock::acquire(runtime_dir);
  if (!lock) {
    std::cerr << "eegd: " << lock.err().message << "\n";
    return 1;
  }
  systemd_notifier notifier;
  // A file-size limit (RLIMIT_FSIZE) must fail a recording's write with EFBIG,
  // as a full disk fails it with ENOSPC, not kill the daemon.
  ::signal(SIGXFSZ, SIG_IGN);

  // Everything a connection's handlers refer to is declared before the
  // io_context: locals die in reverse order, so when the io_context destroys
  // the handlers still queued at shutdown (each holding a session), the broker,
  // the pipeline and the API those sessions use are still alive.
  core::stage_registry registry;
  stages::register_builtin_stages(registry);
  state_store state(state_dir);
  core::sensor_store sensors;
  state.load_sensors(sensors);
  sensors.on_change([&] {
    if (status s = state.save_sensors(sensors); !s) spdlog::warn("{}", s.err().message);
  });
  broker topics(broker::options{o.client_queue});
  // Before the pipeline: its recorder stages detach from it when they go.
  recording_sessions recordings(state_dir + "/sessions", std::string(eegd::version));
  pipeline_host pipeline(registry, sensors, topics, &recordings);
  const std::string default_file = find_default_pipeline();
  pipeline_control control(registry, pipeline, state_dir,
                           default_file.empty() ? "" : fs::path(default_file).parent_path().string());
  control_hub hub(control);
  std::optional<daemon_context> ctx;
  std::optional<http_api> api;
  session_registry sessions;

  // Listen before anything slow happens, so a port conflict is reported at once.
  const unsigned io_threads = std::max(1u, o.io_threads);
  net::io_context io(static_cast<int>(io_threads));
  // Registered now, a SIGTERM that arrives during start-up is queued and
  // handled as a clean stop once the loop runs, instead of killing the process.
  net::signal_set signals(io, SIGINT, SIGTERM);
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
  const std::string socket_path = runtime_dir + "/eegd.sock";
  unix_protocol::acceptor unix_acceptor(net::make_strand(io));
  const bool unix_listening = listen_unix(unix_acceptor, socket_path);

  access_policy policy;
  policy.bound_host = hp->host;
  policy.port = port;
  policy.extra_hosts = o.allow_hosts;
  if (!policy.loopback_only()) {
    if (!o.token.empty()) {
      policy.token = o.token;
    } else {
      auto token = state.token();
      if (!token) {
        std::cerr << "eegd: listening beyond loopback needs a token: " << token.err().message << "\n";
        return 1;
      }
      policy.token = *token;
    }
    policy.public_read = o.public_read;
  }

  auto doc = initial_pipeline(o, registry, state);
  if (!doc) return 2;
  if (auto errors = control.load(std::move(*doc)); !errors.empty()) {
    for (const auto& e : errors) std::cerr << e.to_string() << "\n";
    return 2;
  }
  // Every change is saved at once (atomically), not only at a clean stop: a
  // daemon killed with SIGKILL or by a power cut comes back as it was.
  control.on_change([&hub, &control, &state] {
    hub.broadcast();
    if (auto merged = control.merged())
      if (status s = state.save_pipeline(*merged); !s) spdlog::warn("{}", s.err().message);
  });
  pipeline.on_change([&hub] { hub.broadcast(); });

  ctx.emplace(daemon_context{topics, pipeline, registry, hub, recordings, policy, request_limits{}, std::string(eegd::version),
                             url, runtime_dir, state_dir, monotonic_ns(), find_web_root()});
  api.emplace(*ctx);
  acceptor_loop accepting(io, acceptor, *ctx, *api, sessions);
  accepting.start();
  if (unix_listening) accept_unix(io, unix_acceptor, *ctx, *api, sessions);

  if (status s = write_instance_info(runtime_dir, {::getpid(), eegd::version, url,
                                                   unix_listening ? socket_path : "", iso_now()});
      !s)
    spdlog::warn("{}", s.err().message);
  spdlog::info("listening on {}", url);
  // Printed once, as Jupyter does: the address to open (with the token that
  // logs a browser in, when one is needed).
  std::cout << "eegd: open " << url << "/" << (policy.token.empty() ? "" : "?token=" + policy.token) << std::endl;
  notifier.ready("listening on " + url);
  supervisor watchdog(io, notifier, pipeline);
  watchdog.start();

  net::steady_timer close_deadline(io);
  signals.async_wait([&](beast::error_code, int sig) {
    spdlog::info("{}: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    notifier.stopping();
    watchdog.stop();
    net::post(acceptor.get_executor(), [&] { acceptor.close(); });
    net::post(unix_acceptor.get_executor(), [&] { unix_acceptor.close(); });
    // The merged pipeline (with what was changed live) is what runs next time.
    if (auto merged = control.merged())
      if (status s = state.save_pipeline(*merged); !s) spdlog::warn("{}", s.err().message);
    recordings.stop(nlohmann::json::object());  // close an open session's file and meta first
    pipeline.stop();          // quiesce, drain, join (bounded)
    sessions.close_all();     // close frames to every WebSocket client
    close_deadline.expires_after(std::chrono::milliseconds(400));
    close_deadline.async_wait([&](beast::error_code) { io.stop(); });
  });
  std::vector<std::thread> extra_threads;
  for (unsigned i = 1; i < io_threads; ++i) extra_threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : extra_threads) t.join();
  hub.stop();  // a control job still running finishes; what it posts to io is discarded
  // The hub is destroyed before the pipeline (declared after it), and the
  // pipeline's destructor still reports its final stop: nobody may listen.
  pipeline.on_change(nullptr);
  control.on_change(nullptr);

  if (unix_listening) ::unlink(socket_path.c_str());
  ::unlink((runtime_dir + "/eegd.json").c_str());
  lock->release();
  spdlog::info("stopped");
  return 0;
}

}  // namespace eegd::daemon
