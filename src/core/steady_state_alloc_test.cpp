// Proves the steady state of a running pipeline allocates nothing: this test
// binary counts every operator new (core/testing/counting_new.cpp), lets a pipeline
// warm up, then counts allocations (on every thread) while thousands more
// packets flow across three threads.
#include <gtest/gtest.h>

#include "core/testing/counting_new.hpp"
#include "core/testing/graph_fixture.hpp"

namespace eegd::core {
namespace {

using testing::graph_fixture;
using testing::i64;
using testing::p;

TEST(SteadyState, RunningPipelineAllocatesNothingPerPacket) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(0)), p("batch", i64(32)), p("channels", i64(32))}})
      .node("a", "offset_transform", {.inputs = {"src"}})
      .node("b", "offset_transform", {.inputs = {"a"}, .group = "sinks"})
      .node("out", "collecting_sink", {.inputs = {"b"}});
  executor& e = g.build();
  auto& sink = g.stage<testing::collecting_sink>("out");
  e.start();
  // collecting_sink reserved its record vector at build: no growth below 60000.
  ASSERT_TRUE(testing::wait_for([&] { return sink.received() >= 2000; }));
  const std::uint64_t before = eegd::testing::allocations_so_far();
  const std::uint64_t received_before = sink.received();
  ASSERT_TRUE(testing::wait_for([&] { return sink.received() >= received_before + 20000; }));
  const std::uint64_t during = eegd::testing::allocations_so_far() - before;
  const std::uint64_t packets = sink.received() - received_before;
  e.request_stop();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + 10'000'000'000));
  EXPECT_EQ(during, 0u) << during << " allocations while " << packets << " packets flowed";
}

}  // namespace
}  // namespace eegd::core
