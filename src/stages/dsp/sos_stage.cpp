#include "stages/dsp/sos_stage.hpp"

namespace eegd::stages {

eegd::status sos::build(eegd::build_context& ctx) {
  if (sections_.empty()) return eegd::param_error("sections", "needs at least one section");
  dsp::sos_matrix m;
  for (const auto& row : sections_) {
    const std::size_t i = m.size();
    if (row[3] == 0.0) return eegd::param_error("sections", "section " + std::to_string(i) + " has a0 = 0");
    m.push_back({row[0], row[1], row[2], row[3], row[4], row[5]});
    if (!dsp::is_stable({m.back()}))
      return eegd::param_error("sections", "section " + std::to_string(i) +
                                               " is unstable: its poles must lie inside the unit circle");
  }
  return filter_.build(ctx, m, precision_, start_, "SOS:" + std::to_string(m.size()));
}

}  // namespace eegd::stages
