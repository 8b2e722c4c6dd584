#pragma once

// Builds small graphs in code for executor tests: add nodes, build, run, then
// reach into a stage to hold it, open it or read what it recorded.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/executor.hpp"
#include "core/testing/test_stages.hpp"

namespace eegd::testing {

struct node_options {
  std::vector<std::string> inputs;
  std::string group;
  core::error_policy on_error = core::error_policy::fatal;
  core::queue_config queue;
  std::vector<std::pair<std::string, param_value>> params;
};

class graph_fixture {
 public:
  graph_fixture() { register_test_stages(registry_); }

  graph_fixture& node(const std::string& name, const std::string& type, node_options o = {}) {
    core::node_spec n;
    n.name = name;
    n.type = type;
    n.stage = registry_.find(type)->create();
    n.inputs = std::move(o.inputs);
    n.group = std::move(o.group);
    n.on_error = o.on_error;
    n.queue = o.queue;
    for (auto& [k, v] : o.params) {
      status s = n.stage->set_param(k, v);
      EXPECT_TRUE(s.ok()) << name << "." << k << ": " << (s.ok() ? "" : s.err().message);
    }
    spec_.nodes.push_back(std::move(n));
    return *this;
  }

  graph_fixture& group(core::group_spec g) {
    spec_.groups.push_back(std::move(g));
    return *this;
  }

  core::executor& build(core::executor_options options = {}) {
    core::build_env env;
    env.sensors = &sensors_;
    auto built = core::build_graph(std::move(spec_), env);
    for (const auto& e : built.errors) ADD_FAILURE() << "build error: " << e.message;
    exec_ = std::make_unique<core::executor>(std::move(*built.graph), options);
    return *exec_;
  }

  template <class S>
  S& stage(const std::string& name) {
    const auto& g = exec_->graph();
    auto& rt = *g.nodes.at(g.index_of(name)).spec.stage;
    return dynamic_cast<core::stage_adapter<S>&>(rt).stage();
  }

  const core::node_stats& stats_of(const core::executor_stats& s, const std::string& name) {
    for (const auto& n : s.nodes)
      if (n.name == name) return n;
    throw std::out_of_range(name);
  }
  static const core::edge_stats& edge(const core::executor_stats& s, const std::string& from, const std::string& to) {
    for (const auto& e : s.edges)
      if (e.from == from && e.to == to) return e;
    throw std::out_of_range(from + "->" + to);
  }

  core::executor& exec() { return *exec_; }

 private:
  core::stage_registry registry_;
  core::sensor_store sensors_;
  core::graph_spec spec_;
  std::unique_ptr<core::executor> exec_;
};

inline std::pair<std::string, param_value> p(const std::string& k, param_value v) { return {k, std::move(v)}; }
inline param_value i64(std::int64_t v) { return v; }

// Every frame index in [0, total) exactly once, in order.
inline ::testing::AssertionResult contiguous(const std::vector<collecting_sink::record>& records,
                                             std::uint64_t total) {
  std::uint64_t expect = 0;
  for (const auto& r : records) {
    if (r.first_frame != expect)
      return ::testing::AssertionFailure() << "expected frame " << expect << ", got " << r.first_frame;
    if (r.first_value != static_cast<float>(r.first_frame))
      return ::testing::AssertionFailure() << "packet at frame " << r.first_frame << " carries " << r.first_value;
    expect += r.frames;
  }
  if (expect != total) return ::testing::AssertionFailure() << "got " << expect << " frames of " << total;
  return ::testing::AssertionSuccess();
}

}  // namespace eegd::testing
