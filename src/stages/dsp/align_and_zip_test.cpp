// align_and_zip: pairing by timestamp across packet splits, the unmatched
// policy (drop, count, flag the gap) and a slower partner held between frames.
#include "stages/dsp/align_and_zip.hpp"

#include <gtest/gtest.h>

#include <map>

#include "stages/testing/stage_harness.hpp"

namespace eegd::stages {
namespace {

using testing::stage_harness;
using testing::voltage_stream;

struct numbers final : status_writer {
  std::map<std::string, double> values;
  void number(std::string_view key, double value, std::string_view) override { values[std::string(key)] = value; }
  void text(std::string_view, std::string_view) override {}
};

// Stream p's frame f holds (p + 1) * 1000 + f in every channel.
std::vector<float> frames_of(std::size_t port, std::uint32_t channels, std::uint64_t first, std::uint32_t n) {
  std::vector<float> x;
  for (std::uint64_t f = first; f < first + n; ++f)
    for (std::uint32_t c = 0; c < channels; ++c) x.push_back(static_cast<float>((port + 1) * 1000 + f));
  return x;
}

std::int64_t ns_at(std::uint64_t frame, double rate, std::int64_t offset_ns) {
  return static_cast<std::int64_t>(static_cast<double>(frame) * 1e9 / rate) + offset_ns;
}

class zip_run {
 public:
  zip_run(double rate_a, double rate_b) : rates_{rate_a, rate_b}, h_({voltage_stream(2, rate_a), voltage_stream(3, rate_b)}) {
    EXPECT_TRUE(h_.build().ok());
  }
  // Pushes frames [first, first + n) of input `port`, its clock shifted by offset_ns.
  void push(std::size_t port, std::uint64_t first, std::uint32_t n, std::int64_t offset_ns = 0) {
    const auto x = frames_of(port, port ? 3 : 2, first, n);
    EXPECT_EQ(h_.push(x.data(), n, first, port, ns_at(first, rates_[port], offset_ns)), flow::ok);
  }
  stage_harness<align_and_zip>& h() { return h_; }
  double unmatched() {
    numbers n;
    h_.stage().report_status(n);
    return n.values.at("unmatched_frames");
  }

 private:
  double rates_[2];
  stage_harness<align_and_zip> h_;
};

TEST(AlignAndZip, PairsFramesWithinOneSampleAcrossPacketSplits) {
  zip_run z(250, 250);
  const auto& out = z.h().output_stream();
  EXPECT_EQ(out.channels, 5u);
  EXPECT_EQ(out.channel_names, (std::vector<std::string>{"ch1", "ch2", "ch1", "ch2", "ch3"}));
  // Input 1 runs 1.5 ms (less than one 4 ms sample) behind, in other packet sizes.
  std::uint64_t a = 0, b = 0;
  const std::uint32_t sa[] = {7, 1, 32}, sb[] = {5, 13, 22};
  for (int i = 0; a < 500 || b < 500; ++i) {
    if (a < 500) z.push(0, a, sa[i % 3]), a += sa[i % 3];
    if (b < 500) z.push(1, b, sb[i % 3], 1'500'000), b += sb[i % 3];
  }
  const auto v = z.h().values();
  ASSERT_GE(v.size() / 5, 490u);
  for (std::size_t f = 0; f < v.size() / 5; ++f) {
    EXPECT_EQ(v[f * 5], 1000.0f + static_cast<float>(f));
    EXPECT_EQ(v[f * 5 + 1], 1000.0f + static_cast<float>(f));
    for (std::size_t c = 2; c < 5; ++c) EXPECT_EQ(v[f * 5 + c], 2000.0f + static_cast<float>(f)) << "frame " << f;
  }
  std::uint64_t next = 0;
  for (const auto& p : z.h().emitted()) {
    EXPECT_EQ(p->header().first_frame, next);
    EXPECT_FALSE(p->header().has_gap());
    EXPECT_EQ(p->header().t0_ns, ns_at(next, 250, 0));
    next += p->frames();
  }
  EXPECT_EQ(z.unmatched(), 0.0);
}

TEST(AlignAndZip, DropsCountsAndFlagsLeadingFramesWithoutAPartner) {
  zip_run z(250, 250);
  for (std::uint64_t f = 0; f < 300; f += 50) {
    z.push(0, f, 50);
    if (f != 100) z.push(1, f, 50);  // input 1 lost frames 100..149
  }
  // Frame 100 still has partner 99 one sample away and 149 has 150; 101..148 have none.
  EXPECT_EQ(z.unmatched(), 48.0);
  bool flagged = false;
  std::size_t frames = 0;
  for (const auto& p : z.h().emitted()) {
    frames += p->frames();
    if (p->header().first_frame == 149) flagged = p->header().has_gap();
  }
  EXPECT_TRUE(flagged);
  EXPECT_EQ(frames, 300u - 48u);
}

TEST(AlignAndZip, HoldsASlowerPartnerForEveryLeadingFrameNearestToIt) {
  zip_run z(125, 250);  // input 1 leads
  EXPECT_EQ(z.h().output_stream().rate_hz, 250.0);
  z.push(0, 0, 100);
  z.push(1, 0, 190);
  const auto v = z.h().values();
  ASSERT_EQ(v.size() / 5, 190u);
  for (std::size_t f = 0; f < 190; ++f) {
    EXPECT_EQ(v[f * 5], 1000.0f + static_cast<float>((f + 1) / 2)) << f;  // nearest 125 Hz frame (ties go to the later)
    EXPECT_EQ(v[f * 5 + 2], 2000.0f + static_cast<float>(f));
  }
  EXPECT_EQ(z.unmatched(), 0.0);
}

}  // namespace
}  // namespace eegd::stages
