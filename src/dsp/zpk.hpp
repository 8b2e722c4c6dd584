#pragma once

// Zeros, poles and gain, and the two steps scipy takes from them to a digital
// filter: the bilinear transform and the pairing into second-order sections.
// Both follow scipy.signal (bilinear_zpk, zpk2sos with pairing='nearest')
// step by step, so designs come out as the same sections in the same order.

#include <complex>
#include <vector>

#include "dsp/sos.hpp"

namespace eegd::dsp {

struct zpk {
  std::vector<std::complex<double>> z;
  std::vector<std::complex<double>> p;
  double k = 1.0;
};

// Analog -> digital with sample rate `fs` (scipy.signal.bilinear_zpk).
zpk bilinear(const zpk& analog, double fs);

// Digital zpk -> sections (scipy.signal.zpk2sos, pairing='nearest'): poles
// closest to the unit circle end up in the last sections; the gain goes into
// the first section's numerator.
sos_matrix zpk_to_sos(const zpk& digital);

}  // namespace eegd::dsp
