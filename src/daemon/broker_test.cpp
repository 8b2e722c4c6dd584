#include "daemon/broker.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "core/packet_pool.hpp"

namespace eegd::daemon {
namespace {

struct counting_wakeup final : client_wakeup {
  void wake() noexcept override { ++wakes; }
  int wakes = 0;
};

struct recorded_demand final : demand_signal {
  void set(bool wanted) noexcept override { on = wanted; }
  bool on = false;
};

class Broker : public ::testing::Test {
 protected:
  Broker() {
    info_.kind = packet_kind::voltage;
    info_.rate_hz = 250;
    info_.set_channels({"Cz", "Pz"}, "uV");
    info_.max_frames = 4;
    auto sensor = std::make_shared<sensor_meta>();
    sensor->sensor_id = 3;
    sensor->meta_rev = 1;
    info_.sensor = sensor;
  }
  packet_ref make(std::uint64_t first_frame, std::uint32_t meta_rev = 1) {
    packet_builder b = pool_->acquire(2, 4, packet_kind::voltage);
    b.header().first_frame = first_frame;
    b.header().meta_rev = meta_rev;
    b.header().rate_hz = 250;
    for (std::size_t i = 0; i < 8; ++i) b.values()[i] = static_cast<float>(first_frame + i);
    return std::move(b).publish();
  }
  std::shared_ptr<client> connect(std::shared_ptr<counting_wakeup>& w) {
    w = std::make_shared<counting_wakeup>();
    return broker_.connect("test", w);
  }
  // Pops everything queued for `c`: texts and binary first_frames.
  struct drained {
    std::vector<nlohmann::json> texts;
    std::vector<std::uint64_t> frames;
    std::vector<bool> gaps;
  };
  static drained drain(client& c) {
    drained d;
    outgoing m;
    while (c.next(m)) {
      if (m.is_text()) {
        d.texts.push_back(nlohmann::json::parse(*m.text));
      } else {
        const auto h = wire::decode_header([&] {
          std::vector<std::byte> whole(m.header.begin(), m.header.end());
          const auto p = wire::payload(*m.packet);
          whole.insert(whole.end(), p.begin(), p.end());
          return whole;
        }());
        d.frames.push_back(h->first_frame);
        d.gaps.push_back(h->flags & wire::flags::gap);
        c.sent(m);
      }
      m = outgoing{};
    }
    return d;
  }

  broker broker_{broker::options{8}};
  stream_info info_;
  core::packet_pool::handle pool_{core::packet_pool::options{8, false, 16, 4096}};
};

TEST_F(Broker, SubscribersGetADescriptionThenEveryPacketSharedNotCopied) {
  recorded_demand demand;
  auto channel = broker_.open("eeg", info_, "eeg_out", demand).value().release();
  std::unique_ptr<topic_channel> owned(channel);
  EXPECT_FALSE(demand.on) << "nobody subscribed yet";
  std::shared_ptr<counting_wakeup> wa, wb;
  auto a = connect(wa), b = connect(wb);
  ASSERT_TRUE(broker_.subscribe(a, {"eeg"}).ok());
  ASSERT_TRUE(broker_.subscribe(b, {"eeg"}).ok());
  EXPECT_TRUE(demand.on);
  const packet_ref p = make(0);
  owned->publish(p);
  EXPECT_EQ(p->use_count(), 3u) << "one packet, referenced by both queues";
  const auto da = drain(*a), db = drain(*b);
  ASSERT_EQ(da.texts.size(), 1u);
  EXPECT_EQ(da.texts[0]["topic"], "eeg");
  EXPECT_EQ(da.texts[0]["channels"], nlohmann::json::array({"Cz", "Pz"}));
  EXPECT_EQ(da.frames, std::vector<std::uint64_t>{0});
  EXPECT_EQ(db.frames, std::vector<std::uint64_t>{0});
  EXPECT_GE(wa->wakes, 1);
  EXPECT_EQ(a->delivered(), 1u);
}

TEST_F(Broker, ASlowClientDropsOnlyItsOwnAndGetsAGapFlag) {
  recorded_demand demand;
  auto owned = std::move(broker_.open("eeg", info_, "eeg_out", demand).value());
  std::shared_ptr<counting_wakeup> wf, ws;
  auto fast = connect(wf), slow = connect(ws);
  ASSERT_TRUE(broker_.subscribe(fast, {"eeg"}).ok());
  ASSERT_TRUE(broker_.subscribe(slow, {"eeg"}).ok());
  drain(*slow);  // its description
  std::vector<std::uint64_t> fast_frames;
  for (std::uint64_t k = 0; k < 20; ++k) {
    owned->publish(make(k * 4));
    for (auto f : drain(*fast).frames) fast_frames.push_back(f);  // keeps up
  }
  EXPECT_EQ(fast_frames.size(), 20u);
  EXPECT_EQ(fast->dropped(), 0u);
  EXPECT_EQ(slow->dropped(), 12u);  // queue of 8
  const auto queued = drain(*slow);
  ASSERT_EQ(queued.frames.size(), 8u);
  EXPECT_EQ(queued.frames.front(), 0u);
  EXPECT_EQ(queued.frames.back(), 28u);
  EXPECT_EQ(std::count(queued.gaps.begin(), queued.gaps.end(), true), 0);
  owned->publish(make(80));
  const auto after = drain(*slow);
  ASSERT_EQ(after.frames, std::vector<std::uint64_t>{80});
  EXPECT_TRUE(after.gaps[0]) << "frames 32..79 never reached this client";
}

TEST_F(Broker, UnknownTopicsAreRefusedByNameAndNothingIsSubscribed) {
  recorded_demand demand;
  auto owned = std::move(broker_.open("eeg", info_, "s", demand).value());
  std::shared_ptr<counting_wakeup> w;
  auto c = connect(w);
  const status s = broker_.subscribe(c, {"eeg", "bandz"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.err().message.find("unknown topic 'bandz'"), std::string::npos) << s.err().message;
  EXPECT_NE(s.err().message.find("topics: eeg"), std::string::npos);
  EXPECT_FALSE(demand.on);
  EXPECT_TRUE(c->topics().empty());
}

TEST_F(Broker, DemandGoesAwayWithTheLastSubscriber) {
  recorded_demand demand;
  auto owned = std::move(broker_.open("eeg", info_, "s", demand).value());
  std::shared_ptr<counting_wakeup> w1, w2;
  auto a = connect(w1), b = connect(w2);
  ASSERT_TRUE(broker_.subscribe(a, {"eeg"}).ok());
  ASSERT_TRUE(broker_.subscribe(b, {"eeg"}).ok());
  broker_.disconnect(a);
  EXPECT_TRUE(demand.on);
  broker_.disconnect(b);
  EXPECT_FALSE(demand.on);
}

TEST_F(Broker, ADeviceSettingsChangeIsAnnouncedBeforeItsData) {
  recorded_demand demand;
  auto owned = std::move(broker_.open("eeg", info_, "s", demand).value());
  std::shared_ptr<counting_wakeup> w;
  auto c = connect(w);
  ASSERT_TRUE(broker_.subscribe(c, {"eeg"}).ok());
  owned->publish(make(0, 1));
  owned->publish(make(4, 2));
  outgoing m;
  std::vector<std::string> order;
  while (c->next(m)) order.push_back(m.is_text() ? "meta_rev " + nlohmann::json::parse(*m.text)["meta_rev"].dump()
                                                  : "data");
  EXPECT_EQ(order, (std::vector<std::string>{"meta_rev 1", "data", "meta_rev 2", "data"}));
}

TEST_F(Broker, TopicsSurviveAPipelineRestartWithTheirSubscribers) {
  std::shared_ptr<counting_wakeup> w;
  auto c = connect(w);
  {
    recorded_demand first;
    auto owned = std::move(broker_.open("eeg", info_, "old", first).value());
    ASSERT_TRUE(broker_.subscribe(c, {"eeg"}).ok());
    recorded_demand clash;
    EXPECT_FALSE(broker_.open("eeg", info_, "other", clash).ok()) << "one stage per topic";
  }
  recorded_demand second;
  auto owned = std::move(broker_.open("eeg", info_, "new", second).value());
  EXPECT_TRUE(second.on) << "the new pipeline's branch is needed at once";
  owned->publish(make(0));
  const auto d = drain(*c);
  ASSERT_EQ(d.texts.size(), 2u);
  EXPECT_EQ(d.texts[1]["stage"], "new");
  EXPECT_EQ(d.frames.size(), 1u);
}

TEST_F(Broker, AFullQueueStillDeliversADescriptionAndFlagsTheHole) {
  recorded_demand demand;
  auto owned = std::move(broker_.open("eeg", info_, "s", demand).value());
  std::shared_ptr<counting_wakeup> w;
  auto c = connect(w);
  ASSERT_TRUE(broker_.subscribe(c, {"eeg"}).ok());
  for (std::uint64_t k = 0; k < 7; ++k) owned->publish(make(k * 4));  // description + 7 = full
  owned->publish(make(28, 2));  // new meta_rev: description must get in, data 28 is dropped
  const auto d = drain(*c);
  ASSERT_EQ(d.texts.size(), 2u);
  EXPECT_EQ(d.texts[1]["meta_rev"], 2);
  EXPECT_EQ(d.frames.size(), 6u);  // 0 was evicted for the description; 28 found no room
  EXPECT_TRUE(d.gaps[0]);
}

// Like a data session: its destructor leaves the broker. Its wake() drops the
// last reference held elsewhere (as an io thread does when the peer hangs up
// at that moment), so the broker's own temporary reference is the last one.
struct connection_that_goes_while_woken final : client_wakeup {
  explicit connection_that_goes_while_woken(broker& b) : b_(b) {}
  ~connection_that_goes_while_woken() override { b_.disconnect(c); }
  void wake() noexcept override { owner.reset(); }
  broker& b_;
  std::shared_ptr<client> c;
  std::shared_ptr<connection_that_goes_while_woken> owner;  // the only strong reference outside the broker
};

// Runs `f` on another thread and waits for it with a deadline: a deadlock is
// a failed test, not a hung one.
void finishes_within_10s(std::function<void()> f, const char* what) {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread([f = std::move(f), done] {
    f();
    done->set_value();
  }).detach();
  if (finished.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << what << " deadlocked";
    std::_Exit(1);  // the stuck thread holds references into this test's frame
  }
}

TEST_F(Broker, AConnectionWhoseLastReferenceGoesWhileBeingWokenLeavesWithoutDeadlock) {
  recorded_demand demand;
  auto owned = std::move(broker_.open("eeg", info_, "s", demand).value());
  // Subscribed, its description sent (an empty queue is what gets woken), and
  // then held only by `owner`, which its next wake-up drops.
  auto connection_about_to_go = [&] {
    auto conn = std::make_shared<connection_that_goes_while_woken>(broker_);
    conn->c = broker_.connect("test", conn);
    EXPECT_TRUE(broker_.subscribe(conn->c, {"eeg"}).ok());
    drain(*conn->c);
    std::weak_ptr<connection_that_goes_while_woken> watched = conn;
    conn->owner = std::move(conn);
    return watched;
  };

  // The publishing thread wakes it and ends up running its destructor.
  auto watched = connection_about_to_go();
  finishes_within_10s([&] { owned->publish(make(0)); }, "publish()");
  EXPECT_TRUE(watched.expired());
  EXPECT_FALSE(demand.on) << "its disconnect took the last subscriber away";

  // A pipeline restart announces the topic to its subscribers: the same case.
  watched = connection_about_to_go();
  owned.reset();
  finishes_within_10s([&] { owned = std::move(broker_.open("eeg", info_, "s", demand).value()); }, "open()");
  EXPECT_TRUE(watched.expired());
  EXPECT_FALSE(demand.on) << "open() said 'wanted' before the wake-up that made its subscriber leave";
  EXPECT_EQ(broker_.client_count(), 0u);
}

// A demand switch whose "not wanted" can be held at the door, so that a test
// can let another change try to overtake it.
struct gated_demand final : demand_signal {
  void set(bool wanted) noexcept override {
    std::unique_lock lock(mutex);
    if (!wanted && armed) {
      held = true;
      cv.notify_all();
      cv.wait(lock, [&] { return released; });
    }
    on = wanted;
  }
  std::mutex mutex;
  std::condition_variable cv;
  bool armed = false, held = false, released = false, on = false;
};

TEST_F(Broker, ALeavingClientsDemandChangeCannotOvertakeANewSubscribers) {
  gated_demand demand;
  auto owned = std::move(broker_.open("eeg", info_, "s", demand).value());
  std::shared_ptr<counting_wakeup> wa, wb;
  auto a = connect(wa), b = connect(wb);
  ASSERT_TRUE(broker_.subscribe(a, {"eeg"}).ok());
  {
    std::lock_guard lock(demand.mutex);
    demand.armed = true;
  }
  // a leaves and is about to say "not wanted" when b subscribes.
  std::thread leaving([&] { broker_.disconnect(a); });
  {
    std::unique_lock lock(demand.mutex);
    EXPECT_TRUE(demand.cv.wait_for(lock, std::chrono::seconds(10), [&] { return demand.held; }))
        << "disconnect() never said 'not wanted'";
  }
  std::promise<void> subscribed;
  auto b_done = subscribed.get_future();
  std::thread joining([&] {
    EXPECT_TRUE(broker_.subscribe(b, {"eeg"}).ok());
    subscribed.set_value();
  });
  // Had the broker not ordered the two, b's "wanted" would land now, before
  // a's "not wanted". Ordered, b waits for a: the deadline is the expected
  // outcome then, and either way a is released after it.
  b_done.wait_for(std::chrono::milliseconds(300));
  {
    std::lock_guard lock(demand.mutex);
    demand.released = true;
  }
  demand.cv.notify_all();
  leaving.join();
  joining.join();
  std::lock_guard lock(demand.mutex);
  EXPECT_TRUE(demand.on) << "b is subscribed, but the source was told nobody listens";
}

TEST(WireFormat, HeaderRoundTripsAndRejectsMalformedMessages) {
  core::packet_pool::handle pool(core::packet_pool::options{6, false, 2, 8});
  packet_builder b = pool->acquire(3, 2, packet_kind::raw_counts);
  b.header() = {7, 9, 123456789012ull, -5, 4000.0, 3, 2, packet_kind::raw_counts, packet_flags::gap, 0};
  for (int i = 0; i < 6; ++i) b.counts()[static_cast<std::size_t>(i)] = -i;
  const packet_ref p = std::move(b).publish();
  const auto h = wire::encode_header(*p, 5);
  std::vector<std::byte> m(h.begin(), h.end());
  const auto payload = wire::payload(*p);
  m.insert(m.end(), payload.begin(), payload.end());
  const auto d = wire::decode_header(m);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, wire::kind_code::int32);
  EXPECT_EQ(d->flags, wire::flags::gap);
  EXPECT_EQ(d->sensor_id, 7u);
  EXPECT_EQ(d->meta_rev, 9u);
  EXPECT_EQ(d->first_frame, 123456789012ull);
  EXPECT_EQ(d->t0_ns, -5);
  EXPECT_EQ(d->rate_hz, 4000.0);
  EXPECT_EQ(d->channels, 3);
  EXPECT_EQ(d->topic_id, 5);
  EXPECT_EQ(d->frames, 2u);
  std::int32_t last;
  std::memcpy(&last, m.data() + 48 + 5 * 4, 4);
  EXPECT_EQ(last, -5);
  m.pop_back();
  EXPECT_FALSE(wire::decode_header(m)) << "payload one byte short";
  m.push_back(std::byte{0});
  m[0] = std::byte{'X'};
  EXPECT_FALSE(wire::decode_header(m)) << "bad magic";
}

}  // namespace
}  // namespace eegd::daemon
