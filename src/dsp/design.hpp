#pragma once

// Filter design in C++, the way scipy.signal does it, so a pipeline's filters
// are the ones a researcher would get from butter(..., output='sos'),
// cheby1(..., output='sos') or iirnotch in Python.
//
// Preconditions (checked; std::invalid_argument otherwise): order >= 1,
// 0 < cutoffs < fs / 2, low < high for band filters, q > 0. Stages check the
// same conditions first and report them against the parameter's name.

#include "dsp/sos.hpp"

namespace eegd::dsp {

enum class band { lowpass, highpass, bandpass, bandstop };

// scipy.signal.butter(order, hz or [low, high], btype, fs=fs, output='sos').
// `high_hz` is ignored for lowpass and highpass.
sos_matrix butter(int order, band type, double low_hz, double high_hz, double fs);

// scipy.signal.cheby1(order, ripple_db, hz, 'lowpass', fs=fs, output='sos'):
// the anti-alias filter of scipy.signal.decimate's IIR path.
sos_matrix cheby1_lowpass(int order, double ripple_db, double hz, double fs);

// scipy.signal.iirnotch(hz, q, fs) as one section.
section iirnotch(double hz, double q, double fs);

}  // namespace eegd::dsp
