#include "dsp/steady_state.hpp"

namespace eegd::dsp {

std::vector<std::array<double, 2>> sosfilt_zi(const sos_matrix& sos) {
  std::vector<std::array<double, 2>> zi;
  double scale = 1.0;  // DC gain of the sections before this one
  for (const section& s : sos) {
    const double b0 = s[0] / s[3], b1 = s[1] / s[3], b2 = s[2] / s[3], a1 = s[4] / s[3], a2 = s[5] / s[3];
    // scipy's lfilter_zi for one section: solve (I - companion(a)^T) zi = b[1:] - a[1:] * b0,
    // i.e. [[1 + a1, -1], [a2, 1]] zi = [b1 - a1 b0, b2 - a2 b0].
    const double r0 = b1 - a1 * b0, r1 = b2 - a2 * b0;
    const double det = (1.0 + a1) + a2;
    const double z0 = (r0 + r1) / det;
    const double z1 = r1 - a2 * z0;
    zi.push_back({scale * z0, scale * z1});
    scale *= (s[0] + s[1] + s[2]) / (s[3] + s[4] + s[5]);
  }
  return zi;
}

}  // namespace eegd::dsp
