#pragma once

#include "eegd/stage.hpp"

namespace eegd::stages {

// Takes packets and discards them; the executor's counters say what arrived.
// For benchmarks and for branches kept only for their statistics.
struct null_sink final : eegd::sink<null_sink> {
  static constexpr auto params = eegd::param_list();

  eegd::flow process(const eegd::packet_ref&) noexcept { return eegd::flow::ok; }
};

}  // namespace eegd::stages
