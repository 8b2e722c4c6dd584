#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "eegd/stage.hpp"

namespace eegd::stages {

inline constexpr std::array<std::string_view, 2> rereference_modes{"average", "channel"};

// Changes the reference of every channel: subtract the mean of all channels
// at each frame (common average reference), or one named channel (e.g. an
// ear electrode; that channel itself becomes zero). Channels stay in place.
struct rereference final : eegd::transform<rereference> {
  std::string mode_ = "average";
  std::string channel_;

  static constexpr auto params = eegd::param_list(
      eegd::param<&rereference::mode_>("mode").one_of(rereference_modes)
          .doc("average: common average reference; channel: subtract the channel named by `channel`"),
      eegd::param<&rereference::channel_>("channel").doc("reference channel's name (mode: channel)"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(eegd::frames_in in, eegd::frames_out out) noexcept;

 private:
  std::size_t ref_ = 0;
  bool average_ = true;
};

}  // namespace eegd::stages
