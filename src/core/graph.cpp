#include "core/graph.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace eegd::core {

const char* to_string(error_policy p) noexcept {
  switch (p) {
    case error_policy::fatal: return "fatal";
    case error_policy::drain_then_stop: return "drain_then_stop";
    case error_policy::skip_packet: return "skip_packet";
  }
  return "unknown";
}

void demand_state::set(bool wanted) noexcept {
  if (wanted_.exchange(wanted, std::memory_order_acq_rel) == wanted) return;
  std::function<void()> cb;
  {
    std::lock_guard lock(mutex_);
    cb = callback_;
  }
  if (cb) cb();
}

void demand_state::on_change(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  callback_ = std::move(callback);
}

std::size_t built_graph::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].spec.name == name) return i;
  return nodes.size();
}

const char* default_group(stage_role role) noexcept {
  switch (role) {
    case stage_role::source: return "acquire";
    case stage_role::transform: return "dsp";
    case stage_role::sink: return "sinks";
  }
  return "dsp";
}

namespace {

// Validation builds must not bump anyone's meta_rev.
class preview_sensors final : public sensor_registry {
 public:
  explicit preview_sensors(const sensor_store& store) : store_(store) {}
  std::shared_ptr<const sensor_meta> publish(const std::string& key, sensor_meta meta) override {
    return store_.preview(key, std::move(meta));
  }
  std::shared_ptr<const sensor_meta> find(std::uint32_t id) const override { return store_.find(id); }

 private:
  const sensor_store& store_;
};

class node_build_context final : public build_context {
 public:
  node_build_context(const built_node& node, std::vector<const stream_info*> inputs,
                     stream_info& output, sensor_registry& sensors, const build_env& env)
      : node_(node), inputs_(std::move(inputs)), output_(output), sensors_(sensors), env_(env) {}

  std::string_view stage_name() const override { return node_.spec.name; }
  std::size_t input_count() const override { return inputs_.size(); }
  const stream_info& input(std::size_t port) const override { return *inputs_.at(port); }
  stream_info& output() override { return output_; }
  std::string resolve_path(std::string_view path) const override {
    std::filesystem::path p(path);
    if (p.is_absolute()) return p.string();
    return (std::filesystem::path(env_.base_dir) / p).lexically_normal().string();
  }
  sensor_registry& sensors() override { return sensors_; }
  bool dry_run() const override { return env_.dry_run; }
  demand_signal& demand() override { return *node_.demand; }
  topic_publisher* publisher() override { return env_.publisher; }
  recorder_registry* recorders() override { return env_.recorders; }

 private:
  const built_node& node_;
  std::vector<const stream_info*> inputs_;
  stream_info& output_;
  sensor_registry& sensors_;
  const build_env& env_;
};

// Fills in what a stage left implicit and rejects streams nobody can consume.
std::optional<std::string> check_output(stream_info& out, stage_role role) {
  if (role == stage_role::sink) return std::nullopt;
  if (out.channels == 0) return "declared an output with no channels";
  if (!(out.rate_hz > 0)) return "declared an output with no sample rate";
  if (out.max_frames == 0) return "declared an output with no packet size (max_frames)";
  if (out.channel_names.size() != out.channels) {
    if (!out.channel_names.empty()) return "declared channel names that do not match its channel count";
    for (std::uint32_t c = 0; c < out.channels; ++c) out.channel_names.push_back("ch" + std::to_string(c + 1));
  }
  if (out.units.size() != out.channels) out.units.assign(out.channels, out.units.empty() ? "" : out.units[0]);
  return std::nullopt;
}

}  // namespace

build_result build_graph(graph_spec spec, const build_env& env) {
  build_result result;
  auto fail = [&](build_error e) { result.errors.push_back(std::move(e)); };
  const std::size_t n = spec.nodes.size();

  std::map<std::string, std::size_t, std::less<>> by_name;
  for (std::size_t i = 0; i < n; ++i) {
    if (!by_name.emplace(spec.nodes[i].name, i).second)
      fail({i, std::nullopt, {}, "duplicate stage name '" + spec.nodes[i].name + "'"});
  }

  // Wiring: names to indices, arity, nothing feeds from a sink.
  std::vector<std::vector<std::size_t>> inputs(n);
  bool wiring_ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    const node_spec& node = spec.nodes[i];
    const input_arity arity = node.stage->inputs();
    for (std::size_t k = 0; k < node.inputs.size(); ++k) {
      auto it = by_name.find(node.inputs[k]);
      if (it == by_name.end()) {
        fail({i, k, {}, "input '" + node.inputs[k] + "' is not the name of any stage"});
        wiring_ok = false;
      } else if (spec.nodes[it->second].stage->role() == stage_role::sink) {
        fail({i, k, {}, "input '" + node.inputs[k] + "' is a sink, which has no output"});
        wiring_ok = false;
      } else {
        inputs[i].push_back(it->second);
      }
    }
    if (node.inputs.size() < arity.min || node.inputs.size() > arity.max) {
      std::string want = arity.min == arity.max ? std::to_string(arity.min)
                                                : std::to_string(arity.min) + ".." + std::to_string(arity.max);
      fail({i, std::nullopt, {},
            "stage '" + node.name + "' (" + node.type + ") takes " + want + " input(s), got " +
                std::to_string(node.inputs.size())});
      wiring_ok = false;
    }
  }
  if (!wiring_ok || !result.errors.empty()) return result;

  // Dependency order (Kahn); whatever is left over sits on a cycle.
  std::vector<std::size_t> pending(n), order;
  std::vector<std::vector<std::size_t>> consumers(n);
  for (std::size_t i = 0; i < n; ++i) {
    pending[i] = inputs[i].size();
    for (std::size_t p : inputs[i]) consumers[p].push_back(i);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i] == 0) order.push_back(i);
  for (std::size_t k = 0; k < order.size(); ++k)
    for (std::size_t c : consumers[order[k]])
      if (--pending[c] == 0) order.push_back(c);
  if (order.size() != n) {
    // Walk back along inputs from a stage on the cycle until a name repeats.
    std::size_t at = 0;
    while (pending[at] == 0) ++at;
    std::vector<std::size_t> path;
    while (std::find(path.begin(), path.end(), at) == path.end()) {
      path.push_back(at);
      for (std::size_t p : inputs[at])
        if (pending[p] != 0) {
          at = p;
          break;
        }
    }
    // path[k + 1] feeds path[k]; the cycle starts where `at` repeats. Print it
    // in the direction data would flow, starting and ending at `at`.
    const std::vector<std::size_t> cycle(std::find(path.begin(), path.end(), at), path.end());
    std::string text = spec.nodes[cycle[0]].name;
    for (std::size_t k = cycle.size(); k-- > 1;) text += " -> " + spec.nodes[cycle[k]].name;
    fail({cycle[0], std::nullopt, {}, "stages form a cycle: " + text + " -> " + spec.nodes[cycle[0]].name});
    return result;
  }

  // Build in dependency order.
  built_graph graph;
  std::vector<std::size_t> position(n);
  for (std::size_t k = 0; k < n; ++k) position[order[k]] = k;
  graph.nodes.resize(n);
  std::vector<bool> built(n, false);
  std::unique_ptr<preview_sensors> preview;
  sensor_registry* sensors = env.sensors;
  if (env.dry_run) sensors = (preview = std::make_unique<preview_sensors>(*env.sensors)).get();

  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    built_node& node = graph.nodes[k];
    node.spec = std::move(spec.nodes[i]);
    node.group = node.spec.group.empty() ? default_group(node.spec.stage->role()) : node.spec.group;
    std::vector<const stream_info*> in;
    bool inputs_ready = true;
    for (std::size_t p : inputs[i]) {
      node.inputs.push_back(position[p]);
      inputs_ready = inputs_ready && built[p];
      in.push_back(&graph.nodes[position[p]].output);
    }
    if (!inputs_ready) continue;  // an upstream stage failed; its error is reported already
    if (!in.empty()) node.output = *in[0];
    node_build_context ctx(node, in, node.output, *sensors, env);
    status s = node.spec.stage->build(ctx);
    if (!s) {
      fail({i, std::nullopt, s.err().param, s.err().message, true});
      continue;
    }
    if (auto problem = check_output(node.output, node.spec.stage->role())) {
      fail({i, std::nullopt, {}, "stage '" + node.spec.name + "' " + *problem});
      continue;
    }
    built[i] = true;
  }
  if (!result.errors.empty()) return result;

  // Every group a node uses exists; undeclared ones get one thread.
  graph.groups = std::move(spec.groups);
  for (const auto& node : graph.nodes) {
    auto same = [&](const group_spec& g) { return g.name == node.group; };
    if (std::none_of(graph.groups.begin(), graph.groups.end(), same))
      graph.groups.push_back(group_spec{node.group, 1, {}, 0});
  }
  result.graph = std::move(graph);
  return result;
}

}  // namespace eegd::core
