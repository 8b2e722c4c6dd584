#pragma once

#include "eegd/stage.hpp"

namespace eegd::stages {

// Forwards every packet untouched (the same packet, not a copy). Useful to
// measure the framework's own cost, and the smallest example of a stage.
struct passthrough final : eegd::transform<passthrough> {
  static constexpr auto params = eegd::param_list();

  eegd::flow process(const eegd::packet_ref& in, eegd::emitter& out) noexcept {
    out.emit(in);
    return eegd::flow::ok;
  }
};

}  // namespace eegd::stages
