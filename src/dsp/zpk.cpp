#include "dsp/zpk.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace eegd::dsp {
namespace {

using cd = std::complex<double>;
using cvec = std::vector<cd>;

bool is_real(cd v) { return v.imag() == 0.0; }

std::size_t count_real(const cvec& v) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), is_real));
}

// scipy's _cplxreal: conjugate pairs first (one value each, positive imaginary
// part, sorted by real part then |imag|), then the real values sorted.
cvec complex_then_real(cvec z) {
  const double tol = 100 * std::numeric_limits<double>::epsilon();
  std::stable_sort(z.begin(), z.end(), [](cd a, cd b) {
    return a.real() < b.real() || (a.real() == b.real() && std::abs(a.imag()) < std::abs(b.imag()));
  });
  cvec real, pos, neg;
  for (cd v : z) {
    if (std::abs(v.imag()) <= tol * std::abs(v)) real.emplace_back(v.real(), 0.0);
    else if (v.imag() > 0) pos.push_back(v);
    else neg.push_back(v);
  }
  if (pos.size() != neg.size()) throw std::invalid_argument("complex value with no matching conjugate");
  // Runs of equal real part are ordered by |imag| so the pairs line up.
  auto by_imag = [](cd a, cd b) { return std::abs(a.imag()) < std::abs(b.imag()); };
  for (std::size_t start = 0; start < pos.size();) {
    std::size_t stop = start + 1;
    while (stop < pos.size() && pos[stop].real() - pos[stop - 1].real() <= tol * std::abs(pos[stop - 1])) ++stop;
    std::stable_sort(pos.begin() + static_cast<std::ptrdiff_t>(start), pos.begin() + static_cast<std::ptrdiff_t>(stop), by_imag);
    std::stable_sort(neg.begin() + static_cast<std::ptrdiff_t>(start), neg.begin() + static_cast<std::ptrdiff_t>(stop), by_imag);
    start = stop;
  }
  cvec out;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    if (std::abs(pos[i] - std::conj(neg[i])) > tol * std::abs(neg[i]))
      throw std::invalid_argument("complex value with no matching conjugate");
    out.push_back((pos[i] + std::conj(neg[i])) / 2.0);
  }
  out.insert(out.end(), real.begin(), real.end());
  return out;
}

// "Worst" pole of a digital filter: the one closest to the unit circle.
std::size_t idx_worst(const cvec& p) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < p.size(); ++i)
    if (std::abs(1 - std::abs(p[i])) < std::abs(1 - std::abs(p[best]))) best = i;
  return best;
}

enum class which { real, complex, any };

// Index of the element of `from` nearest to `to` among those of the given kind.
std::size_t nearest(const cvec& from, cd to, which w) {
  std::size_t best = from.size();
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (w == which::real && !is_real(from[i])) continue;
    if (w == which::complex && is_real(from[i])) continue;
    if (best == from.size() || std::abs(from[i] - to) < std::abs(from[best] - to)) best = i;
  }
  if (best == from.size()) throw std::invalid_argument("no zero of the required kind left to pair");
  return best;
}

cd take(cvec& v, std::size_t i) {
  const cd x = v[i];
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
  return x;
}

// Monic polynomial with the given roots (0..2 of them), right-aligned in 3
// coefficients like scipy's _single_zpksos.
std::array<double, 3> poly(const cvec& roots) {
  if (roots.empty()) return {0, 0, 1};
  if (roots.size() == 1) return {0, 1, -roots[0].real()};
  return {1, (-(roots[0] + roots[1])).real(), (roots[0] * roots[1]).real()};
}

section make_section(const cvec& zeros, const cvec& poles) {
  const auto b = poly(zeros), a = poly(poles);
  return {b[0], b[1], b[2], a[0], a[1], a[2]};
}

}  // namespace

zpk bilinear(const zpk& analog, double fs) {
  if (analog.p.size() < analog.z.size()) throw std::invalid_argument("more zeros than poles");
  const double fs2 = 2.0 * fs;
  zpk out;
  cd num = 1.0, den = 1.0;
  for (cd z : analog.z) {
    out.z.push_back((fs2 + z) / (fs2 - z));
    num *= fs2 - z;
  }
  for (cd p : analog.p) {
    out.p.push_back((fs2 + p) / (fs2 - p));
    den *= fs2 - p;
  }
  // Zeros at infinity map to Nyquist.
  out.z.resize(analog.p.size(), cd(-1.0, 0.0));
  out.k = analog.k * (num / den).real();
  return out;
}

sos_matrix zpk_to_sos(const zpk& digital) {
  cvec z = digital.z, p = digital.p;
  if (z.empty() && p.empty()) return {section{digital.k, 0, 0, 1, 0, 0}};
  const std::size_t n = std::max(z.size(), p.size());
  z.resize(n, 0.0);
  p.resize(n, 0.0);
  const std::size_t n_sections = (n + 1) / 2;
  if (n % 2 == 1) {
    z.push_back(0.0);
    p.push_back(0.0);
  }
  z = complex_then_real(std::move(z));
  p = complex_then_real(std::move(p));

  sos_matrix sos(n_sections);
  // Built back to front so the poles nearest the unit circle come last.
  for (std::size_t si = n_sections; si-- > 0;) {
    const cd p1 = take(p, idx_worst(p));
    if (is_real(p1) && count_real(p) == 0) {
      // The last real pole: pair it with the nearest real zero.
      const cd z1 = take(z, nearest(z, p1, which::real));
      sos[si] = make_section({z1, 0.0}, {p1, 0.0});
    } else if (p.size() + 1 == z.size() && !is_real(p1) && count_real(p) == 1 && count_real(z) == 1) {
      // One real pole and one real zero left: this complex pole must take a complex zero.
      const cd z1 = take(z, nearest(z, p1, which::complex));
      sos[si] = make_section({z1, std::conj(z1)}, {p1, std::conj(p1)});
    } else {
      cd p2;
      if (is_real(p1)) {
        std::size_t worst = p.size();
        for (std::size_t i = 0; i < p.size(); ++i)
          if (is_real(p[i]) && (worst == p.size() || std::abs(1 - std::abs(p[i])) < std::abs(1 - std::abs(p[worst]))))
            worst = i;
        p2 = take(p, worst);
      } else {
        p2 = std::conj(p1);
      }
      if (z.empty()) {
        sos[si] = make_section({}, {p1, p2});
      } else {
        const cd z1 = take(z, nearest(z, p1, which::any));
        if (!is_real(z1)) {
          sos[si] = make_section({z1, std::conj(z1)}, {p1, p2});
        } else if (!z.empty()) {
          const cd z2 = take(z, nearest(z, p1, which::real));
          sos[si] = make_section({z1, z2}, {p1, p2});
        } else {
          sos[si] = make_section({z1}, {p1, p2});
        }
      }
    }
  }
  for (int i = 0; i < 3; ++i) sos[0][static_cast<std::size_t>(i)] *= digital.k;
  return sos;
}

}  // namespace eegd::dsp
