#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/pipeline_loader.hpp"
#include "core/executor.hpp"
#include "observe/stats_json.hpp"
#include "stages/builtin_stages.hpp"
#include "observe/json_text.hpp"

namespace eegd::cli {
namespace {

std::string micros(double ns) { return fmt::format("{:.1f} us", ns / 1000.0); }

void print_summary(const std::string& pipeline, const core::executor& exec, const core::executor_stats& s,
                   const nlohmann::json& j, std::ostream& out) {
  out << fmt::format("{}: {}{}\n", pipeline, core::to_string(s.state), s.failure.empty() ? "" : " (" + s.failure + ")");
  out << fmt::format("  {:.2f} s of data in {:.3f} s ({:.1f}x real time); {} packets from sources, {} dropped\n",
                     j["data_s"].get<double>(), j["wall_s"].get<double>(), j["realtime_factor"].get<double>(),
                     s.source_packets, j["drops_total"].get<std::uint64_t>());
  const auto& lat = j["latency_ns"];
  if (lat["count"].get<std::uint64_t>() > 0)
    out << fmt::format("  latency source -> sink: p50 {}, p99 {}, max {}\n", micros(lat["p50"].get<double>()),
                       micros(lat["p99"].get<double>()), micros(lat["max"].get<double>()));
  const auto& ov = j["overhead_ns"];
  out << fmt::format("  framework overhead: {} per source packet (mean over {:.1f} hops; per hop p50 {}, p99 {})\n",
                     micros(ov["per_packet_mean"].get<double>()), ov["hops_per_packet"].get<double>(),
                     micros(ov["per_hop"]["p50"].get<double>()), micros(ov["per_hop"]["p99"].get<double>()));
  out << fmt::format("  thread wake-ups: {:.1f} per packet, {} each; all non-stage thread CPU: {} per packet\n",
                     ov["wakeups_per_packet"].get<double>(),
                     micros(ov["wakeups_per_packet"].get<double>() > 0
                                ? ov["wakeup_ns_per_packet"].get<double>() / ov["wakeups_per_packet"].get<double>()
                                : 0.0),
                     micros(ov["thread_cpu_ns_per_packet"].get<double>()));
  out << fmt::format("\n  {:<16} {:<12} {:<8} {:<8} {:>9} {:>11} {:>7} {:>7} {:>12}\n", "stage", "type", "group",
                     "state", "packets", "frames", "drops", "errors", "time/packet");
  for (const auto& n : s.nodes) {
    std::uint64_t drops = 0;
    for (const auto& e : s.edges)
      if (e.to == n.name) drops += e.counters.dropped;
    const bool source = n.role == stage_role::source;
    const std::uint64_t packets = source ? n.packets_out : n.packets_in;
    const std::uint64_t frames = source ? n.frames_out : n.frames_in;
    out << fmt::format("  {:<16} {:<12} {:<8} {:<8} {:>9} {:>11} {:>7} {:>7} {:>12}\n", n.name, n.type, n.group,
                       core::to_string(n.state), packets, frames, drops, n.errors,
                       micros(packets ? static_cast<double>(n.process_ns) / static_cast<double>(packets) : 0.0));
  }
  (void)exec;
}

}  // namespace

int run_command(const run_options& o) {
  core::stage_registry registry;
  stages::register_builtin_stages(registry);
  auto doc = read_or_report(o.pipeline, registry, std::cerr);
  if (!doc) return exit_bad_config;
  if (o.fast) make_sources_fast(*doc, registry);

  core::sensor_store sensors;
  core::build_env env;
  env.sensors = &sensors;
  auto built = config::build_pipeline(*doc, registry, env);
  if (!built.graph) {
    report(built.errors, std::cerr);
    return exit_bad_config;
  }
  core::executor_options options;
  if (o.duration_s > 0) options.duration_ns = static_cast<std::int64_t>(o.duration_s * 1e9);
  core::executor exec(std::move(*built.graph), options);

  // Signals are taken synchronously by this thread; pipeline threads inherit
  // the mask and never see them. SIGUSR1 is our own "the pipeline ended".
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const pthread_t main_thread = pthread_self();
  auto finished = [&exec] {
    const auto s = exec.state();
    return s == core::pipeline_state::stopped || s == core::pipeline_state::failed;
  };
  exec.on_change([&] {
    if (finished()) pthread_kill(main_thread, SIGUSR1);
  });
  exec.start();
  while (!finished()) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGINT || sig == SIGTERM) exec.request_stop();
  }
  exec.wait();
  exec.on_change(nullptr);

  const auto stats = exec.stats();
  const auto json = observe::stats_to_json(exec, stats);
  if (!o.stats_json.empty()) {
    nlohmann::json file = json;
    file["pipeline"] = o.pipeline;
    std::ofstream out(o.stats_json);
    out << observe::json_text(file, 2) << "\n";
    if (!out) {
      std::cerr << "eegd: cannot write " << o.stats_json << "\n";
      return exit_failed;
    }
  }
  if (!o.quiet) print_summary(o.pipeline, exec, stats, json, std::cout);
  return stats.state == core::pipeline_state::failed ? exit_failed : exit_ok;
}

}  // namespace eegd::cli
