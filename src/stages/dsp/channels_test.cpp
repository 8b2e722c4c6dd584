// rereference and select: known answers on small hand-made frames.
#include <gtest/gtest.h>

#include "stages/dsp/rereference.hpp"
#include "stages/dsp/select.hpp"
#include "stages/testing/stage_harness.hpp"

namespace eegd::stages {
namespace {

using testing::stage_harness;
using testing::voltage_stream;

TEST(Rereference, CommonAverageSubtractsTheMeanOfEachFrame) {
  stage_harness<rereference> h({voltage_stream(3, 250)});
  ASSERT_TRUE(h.build().ok());
  const std::vector<float> x = {1, 2, 6, 10, 10, 10, -3, 0, 3};
  h.push_all(x, {1, 2});
  EXPECT_EQ(h.values(), (std::vector<float>{-2, -1, 3, 0, 0, 0, -3, 0, 3}));
}

TEST(Rereference, NamedChannelIsSubtractedFromAll) {
  stage_harness<rereference> h({voltage_stream(3, 250)});
  ASSERT_TRUE(h.param("mode", std::string("channel")).ok());
  ASSERT_TRUE(h.param("channel", std::string("ch2")).ok());
  ASSERT_TRUE(h.build().ok());
  h.push_all({1, 2, 6, 10, 10, 10}, {2});
  EXPECT_EQ(h.values(), (std::vector<float>{-1, 0, 4, 0, 0, 0}));
  EXPECT_EQ(h.output_stream().prefilter, "REF:ch2");

  stage_harness<rereference> bad({voltage_stream(3, 250)});
  ASSERT_TRUE(bad.param("mode", std::string("channel")).ok());
  ASSERT_TRUE(bad.param("channel", std::string("A1")).ok());
  const status s = bad.build();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().param, "channel");
}

TEST(Select, KeepsChannelsByNameOrIndexInTheOrderGiven) {
  stage_harness<select> by_name({voltage_stream(4, 250)});
  ASSERT_TRUE(by_name.param("names", std::vector<std::string>{"ch4", "ch1"}).ok());
  ASSERT_TRUE(by_name.build().ok());
  EXPECT_EQ(by_name.output_stream().channel_names, (std::vector<std::string>{"ch4", "ch1"}));
  EXPECT_EQ(by_name.output_stream().channels, 2u);
  by_name.push_all({1, 2, 3, 4, 5, 6, 7, 8}, {1});
  EXPECT_EQ(by_name.values(), (std::vector<float>{4, 1, 8, 5}));
  EXPECT_EQ(by_name.emitted()[1]->header().first_frame, 1u);

  stage_harness<select> by_index({voltage_stream(4, 250)});
  ASSERT_TRUE(by_index.param("indices", std::vector<double>{2, 2}).ok());
  ASSERT_TRUE(by_index.build().ok());
  by_index.push_all({1, 2, 3, 4}, {1});
  EXPECT_EQ(by_index.values(), (std::vector<float>{3, 3}));
}

TEST(Select, RejectsUnknownNamesBadIndicesAndBothOrNeither) {
  auto param_of = [](std::vector<std::pair<std::string, param_value>> ps) {
    stage_harness<select> h({voltage_stream(4, 250)});
    for (auto& [k, v] : ps) EXPECT_TRUE(h.param(k, v).ok());
    const status s = h.build();
    return s.ok() ? std::string() : s.err().param;
  };
  EXPECT_EQ(param_of({{"names", std::vector<std::string>{"Cz"}}}), "names");
  EXPECT_EQ(param_of({{"indices", std::vector<double>{4}}}), "indices");
  EXPECT_EQ(param_of({{"indices", std::vector<double>{1.5}}}), "indices");
  EXPECT_EQ(param_of({}), "names");
  EXPECT_EQ(param_of({{"names", std::vector<std::string>{"ch1"}}, {"indices", std::vector<double>{0}}}), "indices");
}

}  // namespace
}  // namespace eegd::stages
