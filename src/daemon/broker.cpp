#include "daemon/broker.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "eegd/clock.hpp"
#include "observe/json_text.hpp"

namespace eegd::daemon {

// ---------------------------------------------------------------------------
// client

client::client(std::uint64_t id, std::string peer, std::size_t queue_capacity, std::weak_ptr<client_wakeup> wakeup)
    : id_(id), peer_(std::move(peer)), wakeup_(std::move(wakeup)), ring_(std::max<std::size_t>(queue_capacity, 4)) {}

bool client::push(outgoing&& m) {
  std::lock_guard lock(mutex_);
  if (size_ == ring_.size() && !(m.is_text() && evict_oldest_packet())) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  ring_[(head_ + size_) % ring_.size()] = std::move(m);
  ++size_;
  return true;
}

void client::wake() {
  if (auto w = wakeup_.lock()) w->wake();
}

// A description must reach the client even when its queue is full: it makes
// room by dropping the oldest data message, and flags the gap that leaves.
bool client::evict_oldest_packet() {
  for (std::size_t k = 0; k < size_; ++k) {
    const std::size_t at = (head_ + k) % ring_.size();
    if (ring_[at].is_text()) continue;
    for (std::size_t j = k; j + 1 < size_; ++j)
      ring_[(head_ + j) % ring_.size()] = std::move(ring_[(head_ + j + 1) % ring_.size()]);
    ring_[(head_ + size_ - 1) % ring_.size()] = outgoing{};
    --size_;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    gap_pending_ = true;
    return true;
  }
  return false;
}

bool client::next(outgoing& out) {
  std::lock_guard lock(mutex_);
  if (size_ == 0) return false;
  out = std::move(ring_[head_]);
  ring_[head_] = outgoing{};
  head_ = (head_ + 1) % ring_.size();
  --size_;
  if (gap_pending_ && !out.is_text()) {
    out.header[7] |= std::byte{wire::flags::gap};
    gap_pending_ = false;
  }
  return true;
}

bool client::has_messages() const {
  std::lock_guard lock(mutex_);
  return size_ > 0;
}

std::size_t client::queued() const {
  std::lock_guard lock(mutex_);
  return size_;
}

std::vector<std::string> client::topics() const {
  std::lock_guard lock(mutex_);
  return topics_;
}

void client::sent(const outgoing& m) {
  if (m.is_text()) return;
  delivered_.fetch_add(1, std::memory_order_relaxed);
  if (broker_) broker_->record_latency(m.emitted_ns);
}

// ---------------------------------------------------------------------------
// topics

struct broker::topic {
  struct subscriber {
    std::shared_ptr<client> c;
    std::uint64_t next_frame = 0;  // where this client's stream continues
    bool started = false;          // it has received a packet of this topic
  };

  std::string name;
  std::uint16_t id = 0;  // in every binary header; stable for the daemon's life
  // Demand follows the subscriber count, and two threads that change it must
  // not tell the pipeline in the opposite order (a late "nobody listens" would
  // pause the source under a new subscriber). Taken before `mutex`, held
  // across demand->set(); never while `mutex` is held.
  std::mutex demand_mutex;
  std::mutex mutex;  // everything below; the publishing sink holds it per packet
  std::vector<subscriber> subscribers;
  bool attached = false;
  std::string stage;
  stream_info info;
  std::uint32_t meta_rev = 0;
  std::shared_ptr<const std::string> description;
  demand_signal* demand = nullptr;
  std::atomic<std::uint64_t> packets{0}, frames{0};

  void describe() {
    nlohmann::json j = {{"type", "topic"},
                        {"topic", name},
                        {"topic_id", id},
                        {"stage", stage},
                        {"active", attached},
                        {"sensor_id", info.sensor ? info.sensor->sensor_id : 0},
                        {"meta_rev", meta_rev},
                        {"kind", wire::kind_name(wire::kind_of(info.kind))},
                        {"kind_code", static_cast<int>(wire::kind_of(info.kind))},
                        {"rate_hz", info.rate_hz},
                        {"channels", info.channel_names},
                        {"units", info.units},
                        {"max_frames", info.max_frames}};
    description = std::make_shared<const std::string>(observe::json_text(j));
  }
  // Caller holds `mutex`, and wakes the subscribers after releasing it.
  void send_description_to_all() {
    for (auto& s : subscribers) {
      outgoing m;
      m.text = description;
      s.c->push(std::move(m));
    }
  }
};

namespace {
void wake_all(std::vector<std::shared_ptr<client>>& clients) {
  for (auto& c : clients) c->wake();
  clients.clear();
}
}  // namespace

class broker::channel final : public topic_channel {
 public:
  explicit channel(std::shared_ptr<topic> t) : t_(std::move(t)) {}
  ~channel() override {
    std::lock_guard order(t_->demand_mutex);  // no set() on `demand` once it is gone
    std::lock_guard lock(t_->mutex);
    t_->attached = false;
    t_->demand = nullptr;
  }

  void publish(const packet_ref& p) noexcept override {
    {
      std::lock_guard lock(t_->mutex);
      queue_for_subscribers(p);
    }
    wake_all(to_wake_);
  }

 private:
  // Caller holds the topic's mutex. Every subscriber is woken afterwards, not
  // only those whose queue was empty: a wake-up lost to a full to_wake_ is
  // then made good by the next packet instead of stalling the client.
  void queue_for_subscribers(const packet_ref& p) noexcept {
    topic& t = *t_;
    t.packets.fetch_add(1, std::memory_order_relaxed);
    t.frames.fetch_add(p->frames(), std::memory_order_relaxed);
    if (t.subscribers.empty()) return;
    try {
      to_wake_.reserve(t.subscribers.size());  // allocates only when subscribers grow
    } catch (...) {
      // Out of memory: the clients not recorded below are woken by a later packet.
    }
    const packet_header& h = p->header();
    if (h.meta_rev != t.meta_rev) {
      // The device's settings changed: tell every client before the data.
      t.meta_rev = h.meta_rev;
      try {
        t.describe();
        t.send_description_to_all();
      } catch (...) {
        // Out of memory while describing: clients keep the old description.
      }
    }
    const wire::header encoded = wire::encode_header(*p, t.id);  // once per packet, for everyone
    for (auto& s : t.subscribers) {
      outgoing m;
      m.header = encoded;
      if (s.started && h.first_frame != s.next_frame) m.header[7] |= std::byte{wire::flags::gap};
      m.packet = p;
      m.emitted_ns = h.emitted_ns;
      if (s.c->push(std::move(m))) {
        s.started = true;
        s.next_frame = h.first_frame + h.frames;
      }
      if (to_wake_.size() < to_wake_.capacity()) to_wake_.push_back(s.c);  // cannot throw
    }
  }

  std::shared_ptr<topic> t_;
  std::vector<std::shared_ptr<client>> to_wake_;  // the publishing thread's own
};

// ---------------------------------------------------------------------------
// broker

broker::broker(options o) : options_(o) {}

broker::~broker() {
  std::lock_guard lock(mutex_);
  for (auto& w : clients_)
    if (auto c = w.lock()) c->broker_ = nullptr;
}

bool broker::valid_topic_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

result<std::unique_ptr<topic_channel>> broker::open(std::string_view name, const stream_info& info,
                                                    std::string_view stage, demand_signal& demand) {
  if (!valid_topic_name(name))
    return param_error("topic", "'" + std::string(name) + "' is not a valid topic name (letters, digits, _ - .)");
  std::shared_ptr<topic> t;
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(name);
    if (it == topics_.end()) {
      t = std::make_shared<topic>();
      t->name = std::string(name);
      t->id = next_topic_id_++;
      topics_.emplace(t->name, t);
    } else {
      t = it->second;
    }
  }
  std::vector<std::shared_ptr<client>> to_wake;
  {
    std::lock_guard order(t->demand_mutex);
    {
      std::lock_guard lock(t->mutex);
      if (t->attached)
        return param_error("topic",
                           "topic '" + std::string(name) + "' is already published by stage '" + t->stage + "'");
      t->stage = std::string(stage);
      t->info = info;
      t->meta_rev = info.sensor ? info.sensor->meta_rev : 0;
      // What may throw comes before attaching: a failed open leaves the topic free.
      t->describe();
      to_wake.reserve(t->subscribers.size());
      t->attached = true;
      t->demand = &demand;
      t->send_description_to_all();
      for (auto& s : t->subscribers) to_wake.push_back(s.c);
    }
    demand.set(!to_wake.empty());
  }
  wake_all(to_wake);
  return std::unique_ptr<topic_channel>(std::make_unique<channel>(t));
}

std::shared_ptr<client> broker::connect(std::string peer, std::weak_ptr<client_wakeup> wakeup) {
  auto c = std::make_shared<client>(next_client_id_.fetch_add(1), std::move(peer), options_.client_queue,
                                    std::move(wakeup));
  c->broker_ = this;
  std::lock_guard lock(mutex_);
  std::erase_if(clients_, [](const std::weak_ptr<client>& w) { return w.expired(); });
  clients_.push_back(c);
  return c;
}

status broker::subscribe(const std::shared_ptr<client>& c, const std::vector<std::string>& names) {
  std::vector<std::shared_ptr<topic>> wanted;
  {
    std::lock_guard lock(mutex_);
    std::string unknown, known;
    for (const auto& [name, t] : topics_) known += (known.empty() ? "" : ", ") + name;
    for (const auto& n : names) {
      auto it = topics_.find(n);
      if (it == topics_.end()) unknown += (unknown.empty() ? "'" : ", '") + n + "'";
      else if (std::find(wanted.begin(), wanted.end(), it->second) == wanted.end()) wanted.push_back(it->second);
    }
    if (!unknown.empty())
      return error{"unknown topic " + unknown + (known.empty() ? "; no topics exist" : "; topics: " + known), "topic"};
    if (names.empty()) return error{"name at least one topic: /ws/data?topic=NAME", "topic"};
  }
  for (auto& t : wanted) {
    std::lock_guard order(t->demand_mutex);
    demand_signal* turn_on = nullptr;
    {
      std::lock_guard lock(t->mutex);
      if (std::any_of(t->subscribers.begin(), t->subscribers.end(), [&](const auto& s) { return s.c == c; }))
        continue;
      if (!t->description) t->describe();
      outgoing m;
      m.text = t->description;
      c->push(std::move(m));
      t->subscribers.push_back({c, 0, false});
      if (t->subscribers.size() == 1) turn_on = t->demand;
      std::lock_guard client_lock(c->mutex_);
      c->topics_.push_back(t->name);
    }
    if (turn_on) turn_on->set(true);
  }
  c->wake();
  return ok();
}

void broker::disconnect(const std::shared_ptr<client>& c) {
  std::vector<std::shared_ptr<topic>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, t] : topics_) all.push_back(t);
    std::erase_if(clients_, [&](const std::weak_ptr<client>& w) { return w.expired() || w.lock() == c; });
  }
  for (auto& t : all) {
    std::lock_guard order(t->demand_mutex);
    demand_signal* turn_off = nullptr;
    {
      std::lock_guard lock(t->mutex);
      const auto before = t->subscribers.size();
      std::erase_if(t->subscribers, [&](const auto& s) { return s.c == c; });
      if (before > 0 && t->subscribers.empty()) turn_off = t->demand;
    }
    if (turn_off) turn_off->set(false);
  }
  outgoing drained;
  while (c->next(drained)) drained = outgoing{};  // release packets held for it
}

void broker::record_latency(std::int64_t emitted_ns) {
  const std::int64_t d = monotonic_ns() - emitted_ns;
  std::lock_guard lock(latency_mutex_);
  latency_.record(d > 0 ? static_cast<std::uint64_t>(d) : 0);
}

std::vector<broker::topic_stats> broker::topics() const {
  std::vector<std::shared_ptr<topic>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, t] : topics_) all.push_back(t);
  }
  std::vector<topic_stats> out;
  for (auto& t : all) {
    std::lock_guard lock(t->mutex);
    out.push_back({t->name, t->stage, wire::kind_name(wire::kind_of(t->info.kind)), t->attached,
                   t->subscribers.size(), t->packets.load(), t->frames.load(), t->info.rate_hz, t->info.channels,
                   t->meta_rev});
  }
  return out;
}

std::vector<broker::client_stats> broker::clients() const {
  std::vector<std::shared_ptr<client>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& w : clients_)
      if (auto c = w.lock()) live.push_back(c);
  }
  std::vector<client_stats> out;
  for (auto& c : live) out.push_back({c->id(), c->peer(), c->topics(), c->delivered(), c->dropped(), c->queued()});
  return out;
}

std::size_t broker::client_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(clients_.begin(), clients_.end(), [](const auto& w) { return !w.expired(); }));
}

}  // namespace eegd::daemon
