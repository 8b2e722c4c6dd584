#pragma once

// Second-order sections, laid out like scipy's `sos` arrays: one row per
// section, [b0, b1, b2, a0, a1, a2], a0 normalised to 1 by every designer here.

#include <array>
#include <cstddef>
#include <vector>

namespace eegd::dsp {

using section = std::array<double, 6>;
using sos_matrix = std::vector<section>;

// True when every section's poles lie strictly inside the unit circle (and a0 != 0).
bool is_stable(const sos_matrix& sos) noexcept;

// Rows concatenated: filters applied one after the other.
sos_matrix cascade(sos_matrix first, const sos_matrix& then);

}  // namespace eegd::dsp
