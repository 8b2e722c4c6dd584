#include "ads1299/clock_fit.hpp"

#include <algorithm>

namespace eegd::ads1299 {

clock_fit::clock_fit(double nominal_rate_hz, std::uint64_t window_frames, std::size_t windows)
    : nominal_period_ns_(1e9 / nominal_rate_hz),
      window_frames_(std::max<std::uint64_t>(window_frames, 1)),
      ring_(std::max<std::size_t>(windows, 3)),
      period_ns_(nominal_period_ns_) {}

void clock_fit::reset() noexcept {
  next_ = count_ = 0;
  has_origin_ = window_open_ = false;
  period_ns_ = nominal_period_ns_;
  intercept_ns_ = 0;
}

void clock_fit::add(std::uint64_t frame, std::int64_t t_ns) noexcept {
  if (!has_origin_) {
    has_origin_ = true;
    origin_frame_ = frame;
    origin_t_ = t_ns;
  }
  if (frame < origin_frame_) return;
  const point p{static_cast<double>(frame - origin_frame_), static_cast<double>(t_ns - origin_t_)};
  const std::uint64_t w = (frame - origin_frame_) / window_frames_;
  if (window_open_ && w != window_) {
    ring_[next_] = best_;
    next_ = (next_ + 1) % ring_.size();
    count_ = std::min(count_ + 1, ring_.size());
    refit();
    window_open_ = false;
  }
  // Residual against the nominal rate: its minimum marks the least-delayed arrival.
  const double residual = p.y - p.x * nominal_period_ns_;
  if (!window_open_ || residual < best_residual_) {
    best_ = p;
    best_residual_ = residual;
    window_ = w;
    window_open_ = true;
  }
}

void clock_fit::refit() noexcept {
  if (count_ < 2) return;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < count_; ++i) mx += ring_[i].x, my += ring_[i].y;
  mx /= static_cast<double>(count_);
  my /= static_cast<double>(count_);
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const double dx = ring_[i].x - mx;
    sxx += dx * dx;
    sxy += dx * (ring_[i].y - my);
  }
  if (sxx <= 0) return;
  period_ns_ = sxy / sxx;
  intercept_ns_ = my - period_ns_ * mx;
}

double clock_fit::since_origin(std::uint64_t frame) const noexcept {
  const double x = static_cast<double>(frame) - static_cast<double>(origin_frame_);
  return intercept_ns_ + period_ns_ * x;
}

double clock_fit::time_at(std::uint64_t frame) const noexcept {
  return static_cast<double>(origin_t_) + since_origin(frame);
}

}  // namespace eegd::ads1299
