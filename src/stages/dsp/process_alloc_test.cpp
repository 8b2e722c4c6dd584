// Proves the DSP stages' process() allocates nothing once running: this test
// binary counts every operator new (core/testing/counting_new.cpp), warms each
// stage up, then counts allocations while thousands of packets go through.
#include <gtest/gtest.h>

#include "core/testing/counting_new.hpp"
#include "stages/dsp/align_and_zip.hpp"
#include "stages/dsp/band_power.hpp"
#include "stages/dsp/bandpass.hpp"
#include "stages/dsp/downsample.hpp"
#include "stages/dsp/notch.hpp"
#include "stages/dsp/rereference.hpp"
#include "stages/dsp/select.hpp"
#include "stages/testing/stage_harness.hpp"

namespace eegd::stages {
namespace {

using testing::stage_harness;
using testing::voltage_stream;
using params = std::vector<std::pair<std::string, param_value>>;

constexpr std::uint32_t channels = 8, batch = 32;

// Allocations while `packets` packets of 32 frames go through S after a warm-up.
template <class S>
std::uint64_t allocations_while_running(const params& ps, std::size_t inputs = 1) {
  std::vector<stream_info> in(inputs, voltage_stream(channels, 250, batch));
  stage_harness<S> h(in);
  for (const auto& [k, v] : ps) EXPECT_TRUE(h.param(k, v).ok()) << k;
  EXPECT_TRUE(h.build().ok());
  h.keep_emitted(false);
  std::vector<float> x(channels * batch);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 97) * 3.0f;
  std::uint64_t frame = 0;
  auto feed = [&](int packets) {
    for (int i = 0; i < packets; ++i, frame += batch)
      for (std::size_t port = 0; port < inputs; ++port) EXPECT_EQ(h.push(x.data(), batch, frame, port), flow::ok);
  };
  feed(100);
  const std::uint64_t before = eegd::testing::allocations_so_far();
  feed(3000);
  const std::uint64_t during = eegd::testing::allocations_so_far() - before;
  EXPECT_GT(h.emitted_count(), 0u);
  return during;
}

TEST(DspStagesSteadyState, ProcessAllocatesNothing) {
  EXPECT_EQ(allocations_while_running<notch>({{"harmonics", std::int64_t{2}}}), 0u);
  EXPECT_EQ(allocations_while_running<bandpass>({}), 0u);
  EXPECT_EQ(allocations_while_running<bandpass>({{"precision", std::string("float32")}}), 0u);
  EXPECT_EQ(allocations_while_running<downsample>({{"factor", std::int64_t{5}}}), 0u);
  EXPECT_EQ(allocations_while_running<band_power>({}), 0u);
  EXPECT_EQ(allocations_while_running<rereference>({}), 0u);
  EXPECT_EQ(allocations_while_running<select>({{"indices", std::vector<double>{3, 1}}}), 0u);
  EXPECT_EQ(allocations_while_running<align_and_zip>({}, 2), 0u);
}

}  // namespace
}  // namespace eegd::stages
