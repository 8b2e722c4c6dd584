#pragma once

// Initial conditions for a step response at steady state, as
// scipy.signal.sosfilt_zi: filtering a constant x0 from state x0 * zi[s]
// gives a constant output from the first sample on (no start-up transient).

#include <array>
#include <vector>

#include "dsp/sos.hpp"

namespace eegd::dsp {

// Per section, the two transposed-direct-form-II state values for a unit step.
std::vector<std::array<double, 2>> sosfilt_zi(const sos_matrix& sos);

}  // namespace eegd::dsp
