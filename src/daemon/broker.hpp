#pragma once

// The broker owns WebSocket clients on behalf of the pipeline. Sinks publish
// packets to named topics (include/eegd/publisher.hpp); the broker fans each
// packet out to the topic's subscribers: the 48-byte header is encoded once
// per packet, the payload is the packet's own memory (shared, never copied),
// and each client has a bounded queue of its own. A client that cannot keep up
// loses whole packets, only its own, counted, and the next packet it does get
// carries the gap flag. Topics outlive pipeline runs, so clients stay
// subscribed across a pipeline restart.
//
// No networking here: a connection implements client_wakeup and pulls its
// messages with client::next(). That keeps the broker testable without sockets.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/histogram.hpp"
#include "daemon/wire_format.hpp"
#include "eegd/publisher.hpp"

namespace eegd::daemon {

// One message on its way to one client.
struct outgoing {
  wire::header header{};  // binary messages: flags already set for this client
  packet_ref packet;      // binary payload lives here
  std::shared_ptr<const std::string> text;  // set for JSON text messages
  std::int64_t emitted_ns = 0;              // for the latency histogram

  bool is_text() const noexcept { return text != nullptr; }
};

// Implemented by a connection: "there is something to send". Any thread.
class client_wakeup {
 public:
  virtual ~client_wakeup() = default;
  virtual void wake() noexcept = 0;
};

class broker;

class client {
 public:
  // The connection is held weakly: a sink thread may publish while the
  // connection is being torn down, and must then simply not wake it.
  client(std::uint64_t id, std::string peer, std::size_t queue_capacity, std::weak_ptr<client_wakeup> wakeup);

  // Connection side (its own thread): the next message to write, if any.
  bool next(outgoing& out);
  bool has_messages() const;
  // After a message went out; records the packet's latency in the broker.
  void sent(const outgoing& m);

  // Tells the connection it may have something to send (it ignores the call
  // while a write is in flight). Never called under a broker lock: taking the
  // connection's weak reference can leave the calling thread holding its last
  // reference, and the connection's destructor disconnects from the broker.
  void wake();

  std::uint64_t id() const noexcept { return id_; }
  const std::string& peer() const noexcept { return peer_; }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t delivered() const noexcept { return delivered_.load(std::memory_order_relaxed); }
  std::size_t queued() const;
  std::vector<std::string> topics() const;

 private:
  friend class broker;
  // false when the queue is full (the message is dropped and counted).
  // Wakes nobody: the caller calls wake() once it holds no lock.
  bool push(outgoing&& m);
  bool evict_oldest_packet();  // caller holds mutex_

  const std::uint64_t id_;
  const std::string peer_;
  const std::weak_ptr<client_wakeup> wakeup_;
  broker* broker_ = nullptr;

  mutable std::mutex mutex_;
  std::vector<outgoing> ring_;  // fixed capacity: no allocation per message
  std::size_t head_ = 0, size_ = 0;
  bool gap_pending_ = false;  // a queued packet was evicted: flag the next one
  std::vector<std::string> topics_;
  std::atomic<std::uint64_t> dropped_{0}, delivered_{0};
};

class broker final : public topic_publisher {
 public:
  struct options {
    std::size_t client_queue = 128;  // messages per client
  };
  struct topic_stats {
    std::string name, stage, kind;
    bool active = false;  // a running pipeline publishes it
    std::size_t clients = 0;
    std::uint64_t packets = 0, frames = 0;
    double rate_hz = 0;
    std::uint32_t channels = 0;
    std::uint32_t meta_rev = 0;
  };
  struct client_stats {
    std::uint64_t id = 0;
    std::string peer;
    std::vector<std::string> topics;
    std::uint64_t delivered = 0, dropped = 0;
    std::size_t queued = 0;
  };

  explicit broker(options o);
  ~broker();

  result<std::unique_ptr<topic_channel>> open(std::string_view name, const stream_info& info, std::string_view stage,
                                              demand_signal& demand) override;

  std::shared_ptr<client> connect(std::string peer, std::weak_ptr<client_wakeup> wakeup);
  // Subscribes to every topic named, or to none with an error naming the
  // unknown ones. Queues each topic's description (JSON) first.
  status subscribe(const std::shared_ptr<client>& c, const std::vector<std::string>& topics);
  void disconnect(const std::shared_ptr<client>& c);

  std::vector<topic_stats> topics() const;
  std::vector<client_stats> clients() const;
  std::size_t client_count() const;
  core::histogram::snapshot latency() const { return latency_.read(); }
  static bool valid_topic_name(std::string_view name);

 private:
  friend class client;
  struct topic;
  class channel;

  void record_latency(std::int64_t emitted_ns);

  const options options_;
  mutable std::mutex mutex_;  // topics_ and clients_
  std::map<std::string, std::shared_ptr<topic>, std::less<>> topics_;
  std::vector<std::weak_ptr<client>> clients_;
  std::uint16_t next_topic_id_ = 1;  // under mutex_
  std::atomic<std::uint64_t> next_client_id_{1};
  std::mutex latency_mutex_;  // connections on several io threads record latency
  core::histogram latency_;   // source emission -> WebSocket write
};

}  // namespace eegd::daemon
