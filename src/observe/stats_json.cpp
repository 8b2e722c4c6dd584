#include "observe/stats_json.hpp"

#include <algorithm>

namespace eegd::observe {

using nlohmann::json;

json quantiles_json(const core::histogram::snapshot& h) {
  return {{"count", h.count},
          {"p50", h.quantile(0.50)},
          {"p99", h.quantile(0.99)},
          {"max", h.max},
          {"mean", h.count ? static_cast<double>(h.sum) / static_cast<double>(h.count) : 0.0}};
}

double data_seconds(const core::executor& exec, const core::executor_stats& stats) {
  double seconds = 0;
  for (const auto& n : stats.nodes) {
    if (n.role != stage_role::source) continue;
    const auto i = exec.graph().index_of(n.name);
    const double rate = exec.graph().nodes.at(i).output.rate_hz;
    if (rate > 0) seconds = std::max(seconds, static_cast<double>(n.frames_out) / rate);
  }
  return seconds;
}

std::uint64_t total_drops(const core::executor_stats& stats) {
  std::uint64_t drops = 0;
  for (const auto& e : stats.edges) drops += e.counters.dropped;
  return drops;
}

json stats_to_json(const core::executor& exec, const core::executor_stats& s) {
  json j;
  j["state"] = core::to_string(s.state);
  j["failure"] = s.failure;
  j["demand"] = core::to_string(s.demand);
  const double wall = static_cast<double>(s.wall_ns) * 1e-9;
  const double data = data_seconds(exec, s);
  j["wall_s"] = wall;
  j["data_s"] = data;
  j["realtime_factor"] = wall > 0 ? data / wall : 0.0;
  j["source_packets"] = s.source_packets;
  j["drops_total"] = total_drops(s);

  core::histogram::snapshot latency, hop;
  std::uint64_t cpu = 0, stage = 0, framework = 0, wake = 0, wakes = 0, blocked = 0, hops = 0;
  for (const auto& n : s.nodes)
    if (n.role == stage_role::sink) latency.merge(n.latency);
  for (const auto& t : s.threads) {
    hop.merge(t.hop_overhead);
    cpu += t.cpu_ns;
    stage += t.stage_ns;
    framework += t.framework_ns;
    wake += t.wake_ns;
    wakes += t.wakes;
    blocked += t.blocked_ns;
    hops += t.hops;
  }
  j["latency_ns"] = quantiles_json(latency);
  const double packets = static_cast<double>(std::max<std::uint64_t>(s.source_packets, 1));
  auto per_packet = [&](std::uint64_t v) { return static_cast<double>(v) / packets; };
  j["overhead_ns"] = {
      // The framework's own code (queues, dispatch, accounting) per source packet.
      {"per_packet_mean", per_packet(framework)},
      {"per_hop", quantiles_json(hop)},
      {"hops_per_packet", per_packet(hops)},
      // Waking the next thread across a queue: a futex syscall, dear in a VM.
      {"wakeups_per_packet", per_packet(wakes)},
      {"wakeup_ns_per_packet", per_packet(wake)},
      // Producers waiting for room under the block policy (backpressure, not work).
      {"blocked_ns_per_packet", per_packet(blocked)},
      // All thread CPU time outside stage code, kernel time included.
      {"thread_cpu_ns_per_packet", per_packet(cpu > stage ? cpu - stage : 0)}};

  json stages = json::array();
  for (const auto& n : s.nodes) {
    json st = {{"name", n.name},
               {"type", n.type},
               {"role", to_string(n.role)},
               {"group", n.group},
               {"state", core::to_string(n.state)},
               {"demanded", n.demanded},
               {"packets_in", n.packets_in},
               {"frames_in", n.frames_in},
               {"packets_out", n.packets_out},
               {"frames_out", n.frames_out},
               {"errors", n.errors},
               {"skipped", n.skipped},
               {"process_ns_total", n.process_ns},
               {"process_ns", quantiles_json(n.process)},
               {"pool", {{"buffers", n.pool.buffers},
                         {"acquired", n.pool.acquired},
                         {"heap_fallbacks", n.pool.heap_fallbacks},
                         {"in_flight", n.pool.in_flight}}}};
    if (n.role == stage_role::sink) st["latency_ns"] = quantiles_json(n.latency);
    if (!n.last_error.empty()) st["last_error"] = n.last_error;
    if (!n.figures.empty()) {
      json figures = json::object();
      for (const auto& f : n.figures) {
        if (f.number) figures[f.key] = f.unit.empty() ? json(*f.number) : json{{"value", *f.number}, {"unit", f.unit}};
        else figures[f.key] = f.text;
      }
      st["status"] = std::move(figures);
    }
    stages.push_back(std::move(st));
  }
  j["stages"] = std::move(stages);

  json edges = json::array();
  for (const auto& e : s.edges) {
    json ej = {{"from", e.from}, {"to", e.to}, {"port", e.port}, {"direct", e.direct}};
    if (!e.direct) {
      ej["policy"] = core::to_string(e.policy);
      ej["capacity"] = e.capacity;
      ej["depth"] = e.depth;
      ej["pushed"] = e.counters.pushed;
      ej["popped"] = e.counters.popped;
      ej["dropped"] = e.counters.dropped;
      ej["timed_out"] = e.counters.timed_out;
      ej["discarded"] = e.counters.discarded;
      ej["max_depth"] = e.counters.max_depth;
    }
    edges.push_back(std::move(ej));
  }
  j["edges"] = std::move(edges);

  json threads = json::array();
  for (const auto& t : s.threads)
    threads.push_back({{"group", t.group},
                       {"role", t.role},
                       {"cpu_ns", t.cpu_ns},
                       {"busy_ns", t.busy_ns},
                       {"stage_ns", t.stage_ns},
                       {"framework_ns", t.framework_ns},
                       {"wake_ns", t.wake_ns},
                       {"wakes", t.wakes},
                       {"blocked_ns", t.blocked_ns},
                       {"hops", t.hops}});
  j["threads"] = std::move(threads);
  return j;
}

}  // namespace eegd::observe
