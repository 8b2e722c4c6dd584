#pragma once

// How a sink hands packets to the daemon's broker without knowing anything
// about clients or the network: it opens a named topic once at build time and
// publishes packets to it from its own thread.

#include <memory>
#include <string_view>

#include "eegd/packet.hpp"
#include "eegd/result.hpp"
#include "eegd/stage.hpp"
#include "eegd/stream_info.hpp"

namespace eegd {

class topic_channel {
 public:
  virtual ~topic_channel() = default;
  // Called on the sink's thread for every packet. Never blocks: a client that
  // cannot keep up loses packets (its own only), counted by the broker.
  virtual void publish(const packet_ref& p) noexcept = 0;
};

class topic_publisher {
 public:
  // Attaches a stream to topic `name`. The broker switches `demand` on while
  // the topic has subscribers and off when it has none. Fails when the name is
  // invalid or already attached to another stage.
  virtual result<std::unique_ptr<topic_channel>> open(std::string_view name, const stream_info& info,
                                                      std::string_view stage, demand_signal& demand) = 0;

 protected:
  ~topic_publisher() = default;
};

}  // namespace eegd
