#pragma once

#include <vector>

#include "eegd/stage.hpp"

namespace eegd::stages {

// ADC counts -> microvolts, using each channel's scale from the sensor
// (vref / gain / 2^23 for an ADS1299).
struct to_voltage final : eegd::transform<to_voltage> {
  bool keep_raw_ = false;

  static constexpr auto params = eegd::param_list(
      eegd::param<&to_voltage::keep_raw_>("keep_raw").doc("also carry the raw counts (raw_and_voltage packets)"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(const eegd::packet_ref& in, eegd::emitter& out) noexcept;

 private:
  std::vector<float> scale_;
};

}  // namespace eegd::stages
