#include "daemon/metrics.hpp"

#include <fmt/format.h>

#include <map>

#include "daemon/process_stats.hpp"

namespace eegd::daemon {
namespace {

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

class writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, std::string_view labels, double value) {
    if (labels.empty()) fmt::format_to(std::back_inserter(out_), "{} {}\n", name, value);
    else fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, value);
  }
  void histogram_seconds(std::string_view name, const std::string& labels, const core::histogram::snapshot& h) {
    static constexpr double bounds[] = {50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3, 10e-3, 20e-3, 50e-3, 100e-3, 250e-3, 1.0};
    const std::string sep = labels.empty() ? "" : ",";
    for (double b : bounds)
      sample(std::string(name) + "_bucket", labels + sep + fmt::format("le=\"{}\"", b),
             static_cast<double>(h.count_at_most(static_cast<std::uint64_t>(b * 1e9))));
    sample(std::string(name) + "_bucket", labels + sep + "le=\"+Inf\"", static_cast<double>(h.count));
    sample(std::string(name) + "_sum", labels, static_cast<double>(h.sum) * 1e-9);
    sample(std::string(name) + "_count", labels, static_cast<double>(h.count));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string label(std::string_view k, std::string_view v) { return fmt::format("{}=\"{}\"", k, escape(v)); }
std::string labels(std::string_view k1, std::string_view v1, std::string_view k2, std::string_view v2) {
  return label(k1, v1) + "," + label(k2, v2);
}

}  // namespace

std::string render_metrics(const pipeline_host& host, const broker& brk, const std::string& version,
                           double uptime_seconds) {
  writer w;
  w.family("eegd_info", "gauge", "Build information");
  w.sample("eegd_info", label("version", version), 1);
  w.family("eegd_uptime_seconds", "gauge", "Seconds since the daemon started");
  w.sample("eegd_uptime_seconds", "", uptime_seconds);

  const auto view = host.describe();
  w.family("eegd_pipeline_state", "gauge", "1 for the pipeline's current state");
  for (auto s : {core::pipeline_state::running, core::pipeline_state::stopping, core::pipeline_state::stopped,
                 core::pipeline_state::failed})
    w.sample("eegd_pipeline_state", label("state", core::to_string(s)), view.loaded && view.state == s ? 1 : 0);
  w.family("eegd_demand_state", "gauge", "1 for the current demand state: idle (nothing needed), basic, full");
  for (auto d : {core::demand_level::idle, core::demand_level::basic, core::demand_level::full})
    w.sample("eegd_demand_state", label("state", core::to_string(d)), view.demand == d ? 1 : 0);

  host.with_executor([&](core::executor& exec) {
    const auto s = exec.stats();
    auto per_stage = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
      w.family(name, type, help);
      for (const auto& n : s.nodes) w.sample(name, labels("stage", n.name, "type", n.type), static_cast<double>(value(n)));
    };
    per_stage("eegd_stage_packets_in_total", "counter", "Packets a stage received", [](auto& n) { return n.packets_in; });
    per_stage("eegd_stage_packets_out_total", "counter", "Packets a stage emitted", [](auto& n) { return n.packets_out; });
    per_stage("eegd_stage_frames_in_total", "counter", "Frames a stage received", [](auto& n) { return n.frames_in; });
    per_stage("eegd_stage_frames_out_total", "counter", "Frames a stage emitted", [](auto& n) { return n.frames_out; });
    per_stage("eegd_stage_errors_total", "counter", "Packets a stage failed on", [](auto& n) { return n.errors; });
    per_stage("eegd_stage_skipped_total", "counter", "Packets a stage chose to skip", [](auto& n) { return n.skipped; });
    per_stage("eegd_stage_process_seconds_total", "counter", "Time spent in the stage's own code",
              [](auto& n) { return static_cast<double>(n.process_ns) * 1e-9; });
    per_stage("eegd_stage_demanded", "gauge", "1 while something downstream needs the stage's output",
              [](auto& n) { return n.demanded ? 1 : 0; });
    w.family("eegd_stage_figure", "gauge", "Figures a stage reports about itself (clock drift, bytes written...)");
    for (const auto& n : s.nodes)
      for (const auto& f : n.figures)
        if (f.number) w.sample("eegd_stage_figure", labels("stage", n.name, "key", f.key), *f.number);

    w.family("eegd_edge_queue_depth", "gauge", "Packets waiting in the queue between two stages");
    w.family("eegd_edge_queue_capacity", "gauge", "Capacity of that queue");
    w.family("eegd_edge_dropped_total", "counter", "Packets the queue's overflow policy discarded");
    for (const auto& e : s.edges) {
      if (e.direct) continue;
      const std::string l = labels("from", e.from, "to", e.to) + "," + label("policy", core::to_string(e.policy));
      w.sample("eegd_edge_queue_depth", l, static_cast<double>(e.depth));
      w.sample("eegd_edge_queue_capacity", l, static_cast<double>(e.capacity));
      w.sample("eegd_edge_dropped_total", l, static_cast<double>(e.counters.dropped));
    }
    w.family("eegd_latency_seconds", "histogram", "Source emission to sink receipt");
    for (const auto& n : s.nodes)
      if (n.role == stage_role::sink) w.histogram_seconds("eegd_latency_seconds", label("sink", n.name), n.latency);

    std::map<std::string, double> group_cpu;
    for (const auto& t : s.threads) group_cpu[t.group] += static_cast<double>(t.cpu_ns) * 1e-9;
    w.family("eegd_group_cpu_seconds_total", "counter", "CPU time of each thread group");
    for (const auto& [g, cpu] : group_cpu) w.sample("eegd_group_cpu_seconds_total", label("group", g), cpu);
  });

  w.family("eegd_ws_latency_seconds", "histogram", "Source emission to WebSocket write");
  w.histogram_seconds("eegd_ws_latency_seconds", "", brk.latency());
  const auto topics = brk.topics();
  w.family("eegd_topic_clients", "gauge", "Clients subscribed to a topic");
  for (const auto& t : topics) w.sample("eegd_topic_clients", label("topic", t.name), static_cast<double>(t.clients));
  w.family("eegd_topic_packets_total", "counter", "Packets published on a topic");
  for (const auto& t : topics) w.sample("eegd_topic_packets_total", label("topic", t.name), static_cast<double>(t.packets));
  const auto clients = brk.clients();
  w.family("eegd_clients", "gauge", "Connected WebSocket data clients");
  w.sample("eegd_clients", "", static_cast<double>(clients.size()));
  w.family("eegd_client_dropped_total", "counter", "Packets a slow client lost (its own only)");
  w.family("eegd_client_delivered_total", "counter", "Packets written to a client");
  for (const auto& c : clients) {
    const std::string l = labels("client", std::to_string(c.id), "peer", c.peer);
    w.sample("eegd_client_dropped_total", l, static_cast<double>(c.dropped));
    w.sample("eegd_client_delivered_total", l, static_cast<double>(c.delivered));
  }

  const auto p = read_process_stats();
  w.family("process_cpu_seconds_total", "counter", "User and system CPU time");
  w.sample("process_cpu_seconds_total", "", p.cpu_seconds);
  w.family("process_resident_memory_bytes", "gauge", "Resident memory");
  w.sample("process_resident_memory_bytes", "", static_cast<double>(p.rss_bytes));
  w.family("process_threads", "gauge", "Threads");
  w.sample("process_threads", "", p.threads);
  return w.take();
}

}  // namespace eegd::daemon
