#include "core/executor.hpp"

#include <gtest/gtest.h>

#include "core/testing/graph_fixture.hpp"

namespace eegd::core {
namespace {

using testing::collecting_sink;
using testing::contiguous;
using testing::counting_source;
using testing::graph_fixture;
using testing::i64;
using testing::p;
using testing::wait_for;

constexpr std::int64_t deadline_10s = 10'000'000'000;

void run_to_end(executor& e) {
  e.start();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s)) << "pipeline did not end";
}

TEST(Executor, ChainAcrossGroupsDeliversEveryFrameOnceInOrder) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(2000)), p("batch", i64(7))}})
      .node("a", "offset_transform", {.inputs = {"src"}, .group = "acquire"})
      .node("b", "offset_transform", {.inputs = {"a"}})
      .node("c", "offset_transform", {.inputs = {"b"}, .group = "sinks"})
      .node("out", "collecting_sink", {.inputs = {"c"}});
  run_to_end(g.build());
  EXPECT_EQ(g.exec().state(), pipeline_state::stopped);
  EXPECT_TRUE(contiguous(g.stage<collecting_sink>("out").records(), 2000 * 7));
  const auto s = g.exec().stats();
  EXPECT_EQ(testing::graph_fixture::edge(s, "src", "a").direct, true) << "same group: a direct call";
  EXPECT_EQ(testing::graph_fixture::edge(s, "a", "b").direct, false);
  for (const auto& e : s.edges) EXPECT_EQ(e.counters.dropped, 0u) << e.from << "->" << e.to;
  EXPECT_TRUE(g.stage<collecting_sink>("out").finished.load()) << "finish() must run at end of stream";
}

TEST(Executor, FanOutGivesEveryConsumerEveryFrameUnderBlock) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(3000)), p("batch", i64(4))}})
      .node("f", "offset_transform", {.inputs = {"src"}})
      .node("same_thread", "collecting_sink", {.inputs = {"f"}, .group = "dsp"})
      .node("other_thread", "collecting_sink", {.inputs = {"f"}})
      .node("third_thread", "collecting_sink", {.inputs = {"f"}, .group = "archive"})
      .node("from_source", "collecting_sink", {.inputs = {"src"}});
  run_to_end(g.build());
  for (const char* sink : {"same_thread", "other_thread", "third_thread", "from_source"})
    EXPECT_TRUE(contiguous(g.stage<collecting_sink>(sink).records(), 3000 * 4)) << sink;
}

TEST(Executor, FanInDeliversBothInputsOnTheirPorts) {
  graph_fixture g;
  g.node("left", "counting_source", {.params = {p("packets", i64(500))}})
      .node("right", "counting_source", {.params = {p("packets", i64(700))}})
      .node("merge", "merge_two", {.inputs = {"left", "right"}})
      .node("out", "collecting_sink", {.inputs = {"merge"}});
  run_to_end(g.build());
  auto& m = g.stage<testing::merge_two>("merge");
  EXPECT_EQ(m.per_port[0].load(), 500);
  EXPECT_EQ(m.per_port[1].load(), 700);
  EXPECT_EQ(g.stage<collecting_sink>("out").received(), 1200u);
}

// A sink held shut in process() lets the queue in front of it fill up, so each
// overflow policy meets exactly the situation it is named for.
struct overflow_case {
  overflow_policy policy;
  std::int64_t packets = 20;
  std::size_t capacity = 4;
};

graph_fixture& held_sink_graph(graph_fixture& g, overflow_policy policy, std::int64_t packets, std::size_t capacity,
                               std::int64_t block_timeout_ns = 1'000'000'000) {
  queue_config q;
  q.capacity = capacity;
  q.overflow = policy;
  q.block_timeout_ns = block_timeout_ns;
  g.node("src", "counting_source", {.params = {p("packets", i64(packets)), p("wait_after", i64(1))}})
      .node("out", "collecting_sink", {.inputs = {"src"}, .queue = q});
  return g;
}

// Holds the sink on packet 0, then lets the source run: the queue then sees
// every later packet while its consumer is stuck.
void start_with_sink_stuck_on_first_packet(graph_fixture& g, executor& e) {
  auto& sink = g.stage<collecting_sink>("out");
  sink.hold();
  e.start();
  ASSERT_TRUE(wait_for([&] { return sink.held_in_process(); }));
  g.stage<counting_source>("src").go();
}

TEST(Executor, DropNewestDiscardsArrivalsWhileFullAndCountsThem) {
  graph_fixture g;
  held_sink_graph(g, overflow_policy::drop_newest, 20, 4);
  executor& e = g.build();
  auto& sink = g.stage<collecting_sink>("out");
  start_with_sink_stuck_on_first_packet(g, e);
  ASSERT_TRUE(wait_for([&] { return g.stats_of(e.stats(), "src").state == node_state::ended; }));
  sink.open();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  // Packet 0 was taken by the held sink, 1..4 filled the queue, 5..19 dropped.
  const auto r = sink.records();
  ASSERT_EQ(r.size(), 5u);
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].first_frame, i * 8);
  const auto edge = graph_fixture::edge(e.stats(), "src", "out");
  EXPECT_EQ(edge.counters.dropped, 15u);
  EXPECT_EQ(edge.counters.pushed, 5u);
}

TEST(Executor, DropOldestKeepsTheNewestAndCountsWhatItDiscarded) {
  graph_fixture g;
  held_sink_graph(g, overflow_policy::drop_oldest, 20, 4);
  executor& e = g.build();
  auto& sink = g.stage<collecting_sink>("out");
  start_with_sink_stuck_on_first_packet(g, e);
  ASSERT_TRUE(wait_for([&] { return g.stats_of(e.stats(), "src").state == node_state::ended; }));
  sink.open();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  const auto r = sink.records();
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].first_frame, 0u);  // already inside the sink when the queue filled
  for (std::size_t i = 1; i < r.size(); ++i) EXPECT_EQ(r[i].first_frame, (15 + i) * 8);
  EXPECT_EQ(graph_fixture::edge(e.stats(), "src", "out").counters.dropped, 15u);
}

TEST(Executor, BlockHoldsTheProducerAndLosesNothing) {
  graph_fixture g;
  held_sink_graph(g, overflow_policy::block, 50, 4);
  executor& e = g.build();
  auto& sink = g.stage<collecting_sink>("out");
  start_with_sink_stuck_on_first_packet(g, e);
  // The source stops at 1 (in the sink) + 4 (queued) + 1 (waiting to push).
  ASSERT_TRUE(wait_for([&] { return graph_fixture::edge(e.stats(), "src", "out").counters.blocked_now; }));
  EXPECT_EQ(graph_fixture::edge(e.stats(), "src", "out").depth, 4u);
  EXPECT_EQ(g.stats_of(e.stats(), "src").packets_out, 6u);
  sink.open();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  EXPECT_TRUE(contiguous(sink.records(), 50 * 8));
  EXPECT_EQ(graph_fixture::edge(e.stats(), "src", "out").counters.dropped, 0u);
}

TEST(Executor, BlockGivesUpAfterItsTimeoutAndCountsTheDrop) {
  graph_fixture g;
  held_sink_graph(g, overflow_policy::block, 8, 2, 5'000'000 /* 5 ms */);
  executor& e = g.build();
  auto& sink = g.stage<collecting_sink>("out");
  start_with_sink_stuck_on_first_packet(g, e);
  ASSERT_TRUE(wait_for([&] { return g.stats_of(e.stats(), "src").state == node_state::ended; }));
  sink.open();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  const auto edge = graph_fixture::edge(e.stats(), "src", "out");
  EXPECT_EQ(edge.counters.timed_out, 5u);  // 8 - 1 in the sink - 2 queued
  EXPECT_EQ(edge.counters.dropped, 5u);
  EXPECT_EQ(sink.received(), 3u);
}

TEST(Executor, SkipPacketPolicyCountsFailuresAndGoesOn) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(100))}})
      .node("out", "collecting_sink",
            {.inputs = {"src"}, .on_error = error_policy::skip_packet,
             .params = {p("fail_at", std::vector<double>{5, 7})}});
  run_to_end(g.build());
  EXPECT_EQ(g.exec().state(), pipeline_state::stopped);
  const auto st = g.stats_of(g.exec().stats(), "out");
  EXPECT_EQ(st.errors, 2u);
  EXPECT_EQ(st.last_error, "collecting_sink: planned failure");
  EXPECT_EQ(g.stage<collecting_sink>("out").received(), 98u);
}

TEST(Executor, DrainThenStopEndsOnlyTheFailingBranch) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(3000))}})
      .node("failing", "collecting_sink",
            {.inputs = {"src"}, .on_error = error_policy::drain_then_stop,
             .params = {p("fail_at", std::vector<double>{10})}})
      .node("sibling", "collecting_sink", {.inputs = {"src"}, .group = "other"});
  run_to_end(g.build());
  executor& e = g.exec();
  EXPECT_EQ(e.state(), pipeline_state::stopped) << "a branch stopping is not a pipeline failure";
  const auto s = e.stats();
  EXPECT_EQ(g.stats_of(s, "failing").state, node_state::stopped);
  EXPECT_EQ(g.stage<collecting_sink>("failing").received(), 10u);
  EXPECT_TRUE(g.stage<collecting_sink>("failing").finished.load()) << "a stopped sink still gets to close";
  EXPECT_TRUE(contiguous(g.stage<collecting_sink>("sibling").records(), 3000 * 8));
  EXPECT_EQ(graph_fixture::edge(s, "src", "sibling").counters.dropped, 0u);
}

TEST(Executor, FatalErrorStopsEverythingInOrderAndSaysWhy) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(0))}})  // endless
      .node("boom", "offset_transform", {.inputs = {"src"}, .params = {p("throw_at", i64(10))}})
      .node("out", "collecting_sink", {.inputs = {"boom"}})
      .node("other", "collecting_sink", {.inputs = {"src"}, .group = "other"});
  run_to_end(g.build());
  executor& e = g.exec();
  EXPECT_EQ(e.state(), pipeline_state::failed);
  EXPECT_NE(e.failure().find("boom"), std::string::npos) << e.failure();
  EXPECT_NE(e.failure().find("planned failure"), std::string::npos) << e.failure();
  EXPECT_EQ(g.stage<collecting_sink>("out").received(), 10u);
  EXPECT_TRUE(g.stage<collecting_sink>("out").finished.load());
  EXPECT_TRUE(g.stage<collecting_sink>("other").finished.load());
}

TEST(Executor, StopDrainsEveryQueueBeforeEnding) {
  graph_fixture g;
  queue_config q;
  q.capacity = 64;
  g.node("src", "counting_source", {.params = {p("packets", i64(0))}})
      .node("mid", "offset_transform", {.inputs = {"src"}, .queue = q})
      .node("out", "collecting_sink", {.inputs = {"mid"}, .queue = q});
  executor& e = g.build();
  auto& sink = g.stage<collecting_sink>("out");
  sink.hold();
  e.start();
  ASSERT_TRUE(wait_for([&] { return graph_fixture::edge(e.stats(), "mid", "out").depth == 64; }));
  e.request_stop();
  sink.open();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  const auto s = e.stats();
  const std::uint64_t produced = g.stats_of(s, "src").frames_out;
  EXPECT_GT(produced, 64u * 8);
  EXPECT_TRUE(contiguous(sink.records(), produced)) << "everything emitted before stop must arrive";
  for (const auto& edge : s.edges) EXPECT_EQ(edge.depth, 0u);
}

TEST(Executor, SourcesPauseWithoutDemandAndResumeWithAGap) {
  graph_fixture g;
  g.node("src", "counting_source",
         {.params = {p("packets", i64(0)), p("realtime", true), p("rate", 2000.0), p("batch", i64(10))}})
      .node("out", "collecting_sink", {.inputs = {"src"}});
  executor& e = g.build();
  auto& sink = g.stage<collecting_sink>("out");
  auto& src = g.stage<counting_source>("src");
  e.start();
  EXPECT_EQ(e.demand(), demand_level::full);
  ASSERT_TRUE(wait_for([&] { return sink.received() >= 5; }));

  sink.want(false);
  EXPECT_EQ(e.demand(), demand_level::idle);
  ASSERT_TRUE(wait_for([&] { return src.pauses.load() == 1; }));
  const auto idle_before = e.stats();
  const auto received_paused = sink.received();
  // While paused nothing is produced and no thread wakes up to do nothing.
  ASSERT_FALSE(wait_for([&] { return sink.received() > received_paused; }, std::chrono::milliseconds(50)));
  const auto idle_after = e.stats();
  for (std::size_t i = 0; i < idle_before.threads.size(); ++i)
    EXPECT_EQ(idle_before.threads[i].hops, idle_after.threads[i].hops) << idle_before.threads[i].role;

  sink.want(true);
  ASSERT_TRUE(wait_for([&] { return sink.received() >= received_paused + 3; }));
  EXPECT_EQ(src.resumes.load(), 1);
  e.request_stop();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  const auto r = sink.records();
  const auto resumed = std::find_if(r.begin(), r.end(), [](const auto& x) { return x.flags & packet_flags::gap; });
  ASSERT_NE(resumed, r.end()) << "the first packet after a pause carries the gap flag";
}

TEST(Executor, PrepareRunsOnceOnTheStageThreadBeforeItsFirstPacketAndOnlyWithDemand) {
  graph_fixture g;
  g.node("src", "counting_source",
         {.params = {p("packets", i64(0)), p("realtime", true), p("rate", 2000.0), p("batch", i64(10))}})
      .node("watched", "collecting_sink", {.inputs = {"src"}})
      .node("unwatched", "collecting_sink", {.inputs = {"src"}, .group = "other", .params = {p("wanted", false)}});
  executor& e = g.build();
  auto& watched = g.stage<collecting_sink>("watched");
  auto& unwatched = g.stage<collecting_sink>("unwatched");
  e.start();
  ASSERT_TRUE(wait_for([&] { return watched.received() >= 5; }));
  const auto w = watched.prepared();
  EXPECT_EQ(w.calls, 1);
  EXPECT_EQ(w.packets_before, 0u);
  EXPECT_TRUE(w.on_the_process_thread);
  EXPECT_EQ(unwatched.prepared().calls, 0) << "a branch nobody wants is never prepared";

  unwatched.want(true);
  ASSERT_TRUE(wait_for([&] { return unwatched.received() >= 3; }));
  const auto u = unwatched.prepared();
  EXPECT_EQ(u.calls, 1);
  EXPECT_EQ(u.packets_before, 0u);
  EXPECT_TRUE(u.on_the_process_thread);
  e.request_stop();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  EXPECT_EQ(watched.prepared().calls, 1);
}

TEST(Executor, APrepareFailureFollowsTheStagesErrorPolicy) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(100))}})
      .node("failing", "collecting_sink",
            {.inputs = {"src"}, .on_error = error_policy::drain_then_stop, .params = {p("fail_prepare", true)}})
      .node("sibling", "collecting_sink", {.inputs = {"src"}, .group = "other"});
  run_to_end(g.build());
  const auto s = g.exec().stats();
  EXPECT_EQ(g.exec().state(), pipeline_state::stopped);
  const auto failing = g.stats_of(s, "failing");
  EXPECT_EQ(failing.state, node_state::stopped);
  EXPECT_EQ(failing.errors, 1u);
  EXPECT_EQ(failing.last_error, "prepare: collecting_sink: planned prepare failure");
  EXPECT_EQ(g.stage<collecting_sink>("failing").received(), 0u);
  EXPECT_TRUE(contiguous(g.stage<collecting_sink>("sibling").records(), 100 * 8));
}

TEST(Executor, LatencyCountsFromTheSourcesEmissionNotFromMake) {
  // 200 us of "reading the device" between make() and emit(): a stamp taken
  // at make() would precede the emit() call by at least that much.
  for (const bool publish_itself : {false, true}) {
    graph_fixture g;
    g.node("src", "counting_source",
           {.params = {p("packets", i64(20)), p("work_us", i64(200)), p("publish_itself", publish_itself)}})
        .node("out", "capture_sink", {.inputs = {"src"}, .group = "other"});
    run_to_end(g.build());
    const auto emit_calls = g.stage<counting_source>("src").emit_calls_ns();
    const auto headers = g.stage<testing::capture_sink>("out").headers();
    ASSERT_EQ(headers.size(), 20u);
    ASSERT_EQ(emit_calls.size(), 20u);
    for (std::size_t i = 0; i < headers.size(); ++i) {
      if (!publish_itself) {
        EXPECT_GE(headers[i].emitted_ns, emit_calls[i]) << "packet " << i << " stamped before the source emitted it";
      } else {
        // A source that publishes the packet itself keeps the stamp make() gave it.
        EXPECT_GT(headers[i].emitted_ns, 0) << "packet " << i;
        EXPECT_LE(headers[i].emitted_ns, emit_calls[i] - 200'000) << "packet " << i;
      }
    }
  }
}

TEST(Executor, SourceThreadsSleepToTheirDeadlinesWithoutTimerSlack) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(3))}})
      .node("out", "collecting_sink", {.inputs = {"src"}});
  run_to_end(g.build());
  EXPECT_EQ(g.stage<counting_source>("src").timer_slack_ns.load(), 1) << "Linux's default is 50 us";
}

TEST(Executor, LiveParameterChangeAppliesOnTheStageThread) {
  graph_fixture g;
  g.node("src", "counting_source",
         {.params = {p("packets", i64(0)), p("realtime", true), p("rate", 4000.0), p("batch", i64(4))}})
      .node("shift", "offset_transform", {.inputs = {"src"}})
      .node("out", "collecting_sink", {.inputs = {"shift"}});
  executor& e = g.build();
  auto& sink = g.stage<collecting_sink>("out");
  e.start();
  ASSERT_TRUE(wait_for([&] { return sink.received() >= 3; }));
  ASSERT_TRUE(e.apply_live("shift", {{"offset", 1e6}}).ok());
  EXPECT_EQ(g.stage<testing::offset_transform>("shift").changes.load(), 1);
  const auto applied_at = sink.received();
  ASSERT_TRUE(wait_for([&] { return sink.received() >= applied_at + 3; }));
  e.request_stop();
  ASSERT_TRUE(e.wait_until(monotonic_ns() + deadline_10s));
  const auto r = sink.records();
  ASSERT_GT(r.size(), applied_at + 1);
  EXPECT_FLOAT_EQ(r.back().first_value, static_cast<float>(r.back().first_frame) + 1e6f);
  EXPECT_FLOAT_EQ(r.front().first_value, static_cast<float>(r.front().first_frame));

  EXPECT_FALSE(e.apply_live("nope", {{"offset", 1.0}}).ok());
  EXPECT_FALSE(e.apply_live("shift", {{"offset", 1.0}}).ok()) << "not running any more";
}

TEST(Executor, LockedStagesAreFoundDownstream) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(1))}})
      .node("f", "offset_transform", {.inputs = {"src"}})
      .node("rec", "collecting_sink", {.inputs = {"f"}, .params = {p("locked", true)}})
      .node("other", "collecting_sink", {.inputs = {"src"}});
  executor& e = g.build();
  EXPECT_EQ(e.locked_downstream("src").value_or(""), "rec");
  EXPECT_EQ(e.locked_downstream("f").value_or(""), "rec");
  EXPECT_FALSE(e.locked_downstream("other").has_value());
}

TEST(Executor, StatisticsCountPacketsFramesAndLatency) {
  graph_fixture g;
  g.node("src", "counting_source", {.params = {p("packets", i64(300)), p("batch", i64(16))}})
      .node("f", "offset_transform", {.inputs = {"src"}})
      .node("out", "collecting_sink", {.inputs = {"f"}});
  run_to_end(g.build());
  const auto s = g.exec().stats();
  EXPECT_EQ(g.stats_of(s, "src").packets_out, 300u);
  EXPECT_EQ(g.stats_of(s, "f").frames_in, 300u * 16);
  const auto& out = g.stats_of(s, "out");
  EXPECT_EQ(out.latency.count, 300u);
  EXPECT_GT(out.latency.max, 0u);
  EXPECT_EQ(s.source_packets, 300u);
  EXPECT_GT(g.stats_of(s, "f").pool.buffers, 0u);
  EXPECT_EQ(g.stats_of(s, "f").pool.heap_fallbacks, 0u);
  EXPECT_EQ(g.stats_of(s, "f").pool.in_flight, 0u) << "every packet went back to its pool";
}

}  // namespace
}  // namespace eegd::core
