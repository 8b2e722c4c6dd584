#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "eegd/stage.hpp"

namespace eegd::stages {

// Fan-in: joins two streams (e.g. two boards, or EEG and a derived signal)
// into one with the channels of input 0 followed by those of input 1.
//
// Alignment: the faster input (input 0 on a tie) leads. Each of its frames is
// paired with the other input's frame nearest in time, if that lies within
// +-1 frame period of the leading stream; a slower partner is held and reused
// for every leading frame it is nearest to. The output has the leading
// stream's rate, frame indices and timestamps.
//
// Unmatched frames: a leading frame with no partner within +-1 period (the
// other stream has a gap, or runs ahead or behind by more) is dropped and
// counted (`unmatched_frames` in status); the next packet emitted carries the
// gap flag, and frame indices show where frames are missing. A leading frame
// waits at most `wait` seconds for its partner to arrive before it counts as
// unmatched. Partner frames nobody was nearest to are discarded uncounted.
struct align_and_zip final : eegd::transform<align_and_zip> {
  static constexpr std::size_t inputs = 2;

  double wait_ = 0.5;

  static constexpr auto params = eegd::param_list(
      eegd::param<&align_and_zip::wait_>("wait").unit("s").range(0.001, 60)
          .doc("longest a frame waits for its partner from the other input"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(std::size_t port, const eegd::packet_ref& in, eegd::emitter& out) noexcept;
  void finish(eegd::emitter& out);
  void report_status(eegd::status_writer& out) const;

 private:
  // A bounded FIFO of frames with their run index and timestamp.
  struct fifo {
    std::size_t channels = 0, capacity = 0, head = 0, size = 0;
    std::vector<float> values;
    std::vector<std::int64_t> t_ns;
    std::vector<std::uint64_t> index;
    const float* frame(std::size_t i) const noexcept { return &values[((head + i) % capacity) * channels]; }
    std::int64_t time(std::size_t i) const noexcept { return t_ns[(head + i) % capacity]; }
    std::uint64_t frame_index(std::size_t i) const noexcept { return index[(head + i) % capacity]; }
    void pop() noexcept { head = (head + 1) % capacity, --size; }
  };

  void pair_frames(eegd::emitter& out, const eegd::packet& in) noexcept;
  void drop_leading(bool counted) noexcept;
  void flush(eegd::emitter& out, const eegd::packet& in) noexcept;

  fifo port_[2];
  std::size_t lead_ = 0;
  std::int64_t period_ns_ = 0;
  std::int64_t wait_ns_ = 0;
  std::uint32_t max_frames_ = 0;
  // Frames paired but not yet emitted (one output packet's worth).
  std::vector<float> pending_;
  std::uint32_t pending_frames_ = 0;
  std::uint64_t pending_first_ = 0;
  std::int64_t pending_t0_ = 0;
  bool gap_ = false;
  std::atomic<std::uint64_t> unmatched_{0};
};

}  // namespace eegd::stages
