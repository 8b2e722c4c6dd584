#pragma once

// Estimates the true sample rate of an ADC from (frame index, arrival time)
// pairs, the way liblsl's dejittering does: arrival = true time + a delay
// that is never negative (interrupt and scheduling latency), so the earliest
// arrival in each window, relative to the nominal rate, lies close to the
// true line. A least-squares line through the last N window minima gives the
// true period (drift) and where the clock stands (offset). Nothing allocates
// after construction, so the acquisition thread can feed it every frame.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace eegd::ads1299 {

class clock_fit {
 public:
  // `window_frames`: frames per envelope window; `windows`: how many minima the fit spans.
  clock_fit(double nominal_rate_hz, std::uint64_t window_frames, std::size_t windows);

  void add(std::uint64_t frame, std::int64_t t_ns) noexcept;
  void reset() noexcept;

  // At least three windows are complete: the figures below mean something.
  bool ready() const noexcept { return count_ >= 3; }
  double period_ns() const noexcept { return period_ns_; }
  double rate_hz() const noexcept { return 1e9 / period_ns_; }
  double drift_ppm() const noexcept { return (nominal_period_ns_ / period_ns_ - 1.0) * 1e6; }
  // The fitted arrival time of `frame` (ns, same clock as add()); in double,
  // so only good to a few hundred ns on CLOCK_REALTIME.
  double time_at(std::uint64_t frame) const noexcept;
  // Exact pieces of it: the first arrival, and the fitted time since then.
  std::int64_t origin_ns() const noexcept { return origin_t_; }
  double since_origin(std::uint64_t frame) const noexcept;

 private:
  struct point {
    double x = 0, y = 0;  // frames and ns since the origin
  };
  void refit() noexcept;

  double nominal_period_ns_;
  std::uint64_t window_frames_;
  std::vector<point> ring_;
  std::size_t next_ = 0, count_ = 0;
  bool has_origin_ = false;
  std::uint64_t origin_frame_ = 0;
  std::int64_t origin_t_ = 0;
  std::uint64_t window_ = 0;
  bool window_open_ = false;
  point best_{};
  double best_residual_ = 0;
  double period_ns_, intercept_ns_ = 0;
};

}  // namespace eegd::ads1299
