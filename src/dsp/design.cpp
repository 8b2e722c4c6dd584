#include "dsp/design.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "dsp/zpk.hpp"

namespace eegd::dsp {
namespace {

using cd = std::complex<double>;
constexpr double pi = std::numbers::pi;

void check_order(int order) {
  if (order < 1) throw std::invalid_argument("filter order must be at least 1");
}

void check_cutoff(double hz, double fs) {
  if (!(fs > 0) || !(hz > 0) || !(hz < fs / 2)) throw std::invalid_argument("cutoff must be within (0, fs/2)");
}

// Analog Butterworth prototype (scipy.signal.buttap): poles on the unit circle's left half.
zpk buttap(int n) {
  zpk a;
  for (int m = -n + 1; m < n; m += 2) a.p.push_back(-std::exp(cd(0, pi * m / (2.0 * n))));
  return a;
}

// Analog Chebyshev type I prototype (scipy.signal.cheb1ap).
zpk cheb1ap(int n, double rp) {
  zpk a;
  const double eps = std::sqrt(std::pow(10.0, 0.1 * rp) - 1.0);
  const double mu = 1.0 / n * std::asinh(1.0 / eps);
  cd prod = 1.0;
  for (int m = -n + 1; m < n; m += 2) {
    a.p.push_back(-std::sinh(cd(mu, pi * m / (2.0 * n))));
    prod *= -a.p.back();
  }
  a.k = prod.real();
  if (n % 2 == 0) a.k /= std::sqrt(1 + eps * eps);
  return a;
}

// Pre-warped analog frequency for the bilinear transform at fs = 2 (scipy's iirfilter).
double warp(double hz, double fs) { return 4.0 * std::tan(pi * (2.0 * hz / fs) / 2.0); }

cd prod_neg(const std::vector<cd>& v) {
  cd r = 1.0;
  for (cd x : v) r *= -x;
  return r;
}

zpk lp2lp(const zpk& a, double wo) {
  zpk out;
  for (cd z : a.z) out.z.push_back(z * wo);
  for (cd p : a.p) out.p.push_back(p * wo);
  out.k = a.k * std::pow(wo, static_cast<double>(a.p.size() - a.z.size()));
  return out;
}

zpk lp2hp(const zpk& a, double wo) {
  zpk out;
  for (cd z : a.z) out.z.push_back(wo / z);
  for (cd p : a.p) out.p.push_back(wo / p);
  out.z.resize(a.p.size(), 0.0);
  out.k = a.k * (prod_neg(a.z) / prod_neg(a.p)).real();
  return out;
}

// Each prototype root r becomes r' +- sqrt(r'^2 - wo^2) (scipy's lp2bp_zpk / lp2bs_zpk).
void split(const std::vector<cd>& in, double wo, std::vector<cd>& out) {
  for (cd r : in) out.push_back(r + std::sqrt(r * r - wo * wo));
  for (cd r : in) out.push_back(r - std::sqrt(r * r - wo * wo));
}

zpk lp2bp(const zpk& a, double wo, double bw) {
  std::vector<cd> z, p;
  for (cd x : a.z) z.push_back(x * bw / 2.0);
  for (cd x : a.p) p.push_back(x * bw / 2.0);
  zpk out;
  split(z, wo, out.z);
  split(p, wo, out.p);
  const std::size_t degree = a.p.size() - a.z.size();
  out.z.resize(out.z.size() + degree, 0.0);
  out.k = a.k * std::pow(bw, static_cast<double>(degree));
  return out;
}

zpk lp2bs(const zpk& a, double wo, double bw) {
  std::vector<cd> z, p;
  for (cd x : a.z) z.push_back((bw / 2.0) / x);
  for (cd x : a.p) p.push_back((bw / 2.0) / x);
  zpk out;
  split(z, wo, out.z);
  split(p, wo, out.p);
  const std::size_t degree = a.p.size() - a.z.size();
  out.z.resize(out.z.size() + degree, cd(0, wo));
  out.z.resize(out.z.size() + degree, cd(0, -wo));
  out.k = a.k * (prod_neg(a.z) / prod_neg(a.p)).real();
  return out;
}

}  // namespace

sos_matrix butter(int order, band type, double low_hz, double high_hz, double fs) {
  check_order(order);
  check_cutoff(low_hz, fs);
  const zpk proto = buttap(order);
  zpk analog;
  if (type == band::lowpass || type == band::highpass) {
    const double wo = warp(low_hz, fs);
    analog = type == band::lowpass ? lp2lp(proto, wo) : lp2hp(proto, wo);
  } else {
    check_cutoff(high_hz, fs);
    if (!(low_hz < high_hz)) throw std::invalid_argument("band edges must be increasing");
    const double w1 = warp(low_hz, fs), w2 = warp(high_hz, fs);
    const double bw = w2 - w1, wo = std::sqrt(w1 * w2);
    analog = type == band::bandpass ? lp2bp(proto, wo, bw) : lp2bs(proto, wo, bw);
  }
  return zpk_to_sos(bilinear(analog, 2.0));
}

sos_matrix cheby1_lowpass(int order, double ripple_db, double hz, double fs) {
  check_order(order);
  check_cutoff(hz, fs);
  if (!(ripple_db > 0)) throw std::invalid_argument("ripple must be positive");
  return zpk_to_sos(bilinear(lp2lp(cheb1ap(order, ripple_db), warp(hz, fs)), 2.0));
}

section iirnotch(double hz, double q, double fs) {
  check_cutoff(hz, fs);
  if (!(q > 0)) throw std::invalid_argument("q must be positive");
  const double w0 = 2.0 * hz / fs * pi;
  const double bw = 2.0 * hz / fs / q * pi;
  // scipy's gb = 1/sqrt(2) makes sqrt(1 - gb^2) / gb exactly 1 up to rounding; keep its formula.
  const double gb = 1.0 / std::sqrt(2.0);
  const double beta = (std::sqrt(1.0 - gb * gb) / gb) * std::tan(bw / 2.0);
  const double gain = 1.0 / (1.0 + beta);
  return {gain, gain * -2.0 * std::cos(w0), gain, 1.0, -2.0 * gain * std::cos(w0), 2.0 * gain - 1.0};
}

}  // namespace eegd::dsp
