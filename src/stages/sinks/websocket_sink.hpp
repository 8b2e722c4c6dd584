#pragma once

#include <memory>
#include <string>

#include "eegd/publisher.hpp"
#include "eegd/stage.hpp"

namespace eegd::stages {

// Publishes its input on a WebSocket topic of the daemon's broker
// (GET /ws/data?topic=NAME). Knows nothing about clients: the broker owns
// them and switches this branch's demand on only while someone listens.
// Offline (`eegd run`) there is no broker and packets are discarded.
struct websocket_sink final : eegd::sink<websocket_sink> {
  std::string topic_;

  static constexpr auto params = eegd::param_list(
      eegd::param<&websocket_sink::topic_>("topic").required().doc("topic name clients subscribe to"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(const eegd::packet_ref& in) noexcept {
    if (channel_) channel_->publish(in);
    return eegd::flow::ok;
  }

 private:
  std::unique_ptr<eegd::topic_channel> channel_;
};

}  // namespace eegd::stages
