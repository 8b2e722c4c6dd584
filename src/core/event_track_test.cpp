// event_track: what a sink reads is what the source posted, in order, up to
// the time the sink has reached; a reader left too far behind learns how many
// events it missed; a reader and a writer on two threads see every event once.
#include "eegd/events.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace eegd {
namespace {

TEST(EventTrack, ReadsStopAtTheFirstEventNotBeforeTheGivenTime) {
  event_track track;
  track.post({0.5, -1, "a"});
  track.post({1.0, 0.25, "b"});
  track.post({2.0, -1, "c"});
  std::vector<stream_event> out;
  auto r = track.read(0, 1.0, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "a");
  EXPECT_EQ(r.next, 1u);
  r = track.read(r.next, 2.5, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].text, "b");
  EXPECT_EQ(out[1].duration_s, 0.25);
  EXPECT_EQ(out[2].onset_s, 2.0);
  EXPECT_EQ(r.next, 3u);
  EXPECT_EQ(r.missed, 0u);
  r = track.read(r.next, 100, out);  // nothing new: no lock, nothing read
  EXPECT_EQ(r.next, 3u);
  EXPECT_EQ(out.size(), 3u);
}

TEST(EventTrack, AReaderFurtherBehindThanTheCapacityCountsWhatItMissed) {
  event_track track(4);
  for (int i = 0; i < 10; ++i) track.post({static_cast<double>(i), -1, std::to_string(i)});
  std::vector<stream_event> out;
  const auto r = track.read(1, 100, out);
  EXPECT_EQ(r.missed, 5u);  // 1..5 were overwritten; 6..9 remain
  EXPECT_EQ(r.next, 10u);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out.front().text, "6");
  EXPECT_EQ(out.back().text, "9");
}

TEST(EventTrack, AConcurrentReaderSeesEveryEventOnceAndInOrder) {
  constexpr int n = 20000;
  event_track track(n);
  std::thread writer([&] {
    for (int i = 0; i < n; ++i) track.post({static_cast<double>(i), -1, {}});
  });
  std::vector<stream_event> out;
  std::uint64_t next = 0;
  while (out.size() < static_cast<std::size_t>(n)) next = track.read(next, n, out).next;
  writer.join();
  for (int i = 0; i < n; ++i) ASSERT_EQ(out[static_cast<std::size_t>(i)].onset_s, i);
}

}  // namespace
}  // namespace eegd
