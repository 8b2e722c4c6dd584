// Framework cost per packet: a source, N pass-through stages and a null sink,
// either all on one thread (direct calls) or spread over three thread groups
// (bounded queues and wake-ups between them). Stages do no work, so the time
// per packet is the pipeline's own overhead.
#include <benchmark/benchmark.h>

#include "core/executor.hpp"
#include "core/testing/test_stages.hpp"
#include "stages/builtin_stages.hpp"

namespace {

using namespace eegd;

double run_packets(std::int64_t stages_between, bool across_groups, std::int64_t packets, core::executor_stats* out) {
  core::stage_registry registry;
  stages::register_builtin_stages(registry);
  testing::register_test_stages(registry);
  core::graph_spec spec;
  auto add = [&](const std::string& name, const std::string& type, const std::string& input, const std::string& group) {
    core::node_spec n;
    n.name = name;
    n.type = type;
    n.stage = registry.find(type)->create();
    if (!input.empty()) n.inputs = {input};
    n.group = across_groups ? group : "one";
    n.queue.capacity = 64;
    return n;
  };
  spec.nodes.push_back(add("src", "counting_source", "", "acquire"));
  (void)spec.nodes.back().stage->set_param("packets", packets);
  (void)spec.nodes.back().stage->set_param("channels", std::int64_t{32});
  (void)spec.nodes.back().stage->set_param("batch", std::int64_t{32});
  std::string prev = "src";
  for (std::int64_t i = 0; i < stages_between; ++i) {
    const std::string name = "pass" + std::to_string(i);
    spec.nodes.push_back(add(name, "passthrough", prev, i < stages_between / 2 ? "dsp" : "sinks"));
    prev = name;
  }
  spec.nodes.push_back(add("out", "null_sink", prev, "sinks"));
  core::sensor_store sensors;
  core::build_env env;
  env.sensors = &sensors;
  auto built = core::build_graph(std::move(spec), env);
  core::executor exec(std::move(*built.graph));
  const std::int64_t t0 = monotonic_ns();
  exec.start();
  exec.wait();
  const std::int64_t t1 = monotonic_ns();
  if (out) *out = exec.stats();
  return static_cast<double>(t1 - t0) * 1e-9;
}

void BM_PipelineOverhead(benchmark::State& state) {
  const std::int64_t stages_between = state.range(0);
  const bool across = state.range(1) != 0;
  constexpr std::int64_t packets = 4000;
  core::executor_stats stats;
  for (auto _ : state) state.SetIterationTime(run_packets(stages_between, across, packets, &stats));
  state.SetItemsProcessed(state.iterations() * packets);
  state.counters["ns_per_packet"] = benchmark::Counter(static_cast<double>(packets) * static_cast<double>(state.iterations()),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  std::uint64_t framework = 0, wakes = 0;
  for (const auto& t : stats.threads) framework += t.framework_ns, wakes += t.wakes;
  state.counters["framework_ns_per_packet"] = static_cast<double>(framework) / packets;
  state.counters["wakeups_per_packet"] = static_cast<double>(wakes) / packets;
}
BENCHMARK(BM_PipelineOverhead)
    ->ArgNames({"passthroughs", "across_groups"})
    ->Args({1, 0})
    ->Args({4, 0})
    ->Args({8, 0})
    ->Args({1, 1})
    ->Args({4, 1})
    ->Args({8, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
