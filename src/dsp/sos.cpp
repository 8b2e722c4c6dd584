#include "dsp/sos.hpp"

#include <cmath>
#include <complex>

namespace eegd::dsp {

bool is_stable(const sos_matrix& sos) noexcept {
  for (const section& s : sos) {
    if (s[3] == 0.0 || !std::isfinite(s[3])) return false;
    // Roots of z^2 + a1 z + a2 (normalised by a0).
    const double a1 = s[4] / s[3], a2 = s[5] / s[3];
    if (!std::isfinite(a1) || !std::isfinite(a2)) return false;
    const std::complex<double> d = std::sqrt(std::complex<double>(a1 * a1 - 4.0 * a2));
    const std::complex<double> r1 = (-a1 + d) / 2.0, r2 = (-a1 - d) / 2.0;
    if (std::abs(r1) >= 1.0 || std::abs(r2) >= 1.0) return false;
  }
  return true;
}

sos_matrix cascade(sos_matrix first, const sos_matrix& then) {
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

}  // namespace eegd::dsp
