#pragma once

// Annotations that travel with a stream: the markers of a replayed EDF+/BDF+
// file today, trigger inputs tomorrow. A source that has any creates an
// event_track when it is built and puts it in its stream_info; transforms
// start from a copy of their input's stream_info, so the track reaches every
// sink downstream without the stages in between knowing about it.
//
// Onsets are seconds on the stream's run clock (first_frame / rate, which a
// downsample keeps). The source posts an event before it emits the packet
// that holds its onset, and the queue between them orders the two, so a sink
// that has received a packet ending at time T finds every event with onset
// before T.
//
// Events are rare: posting and reading take a mutex, but a reader checks an
// atomic count first, so a sink pays one atomic load per packet while nothing
// new was posted. The track keeps the last `capacity` events; a reader that
// falls further behind than that learns how many it missed.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace eegd {

struct stream_event {
  double onset_s = 0.0;      // run clock: seconds since frame 0 of the run
  double duration_s = -1.0;  // negative: an instant
  std::string text;
};

class event_track {
 public:
  explicit event_track(std::size_t capacity = 4096) : ring_(capacity) {}
  event_track(const event_track&) = delete;
  event_track& operator=(const event_track&) = delete;

  // Source thread. Onsets should not decrease from one event to the next.
  void post(stream_event e) {
    std::lock_guard lock(mutex_);
    const std::uint64_t n = posted_.load(std::memory_order_relaxed);
    ring_[n % ring_.size()] = std::move(e);
    posted_.store(n + 1, std::memory_order_release);
  }

  std::size_t capacity() const noexcept { return ring_.size(); }
  // Events posted so far (an absolute index, never wraps).
  std::uint64_t posted() const noexcept { return posted_.load(std::memory_order_acquire); }

  struct read_result {
    std::uint64_t next = 0;    // where the next read starts
    std::uint64_t missed = 0;  // events overwritten before this reader saw them
  };
  // Appends to `out` the events from index `from` on whose onset is before
  // `until_s`, stopping at the first one that is not.
  read_result read(std::uint64_t from, double until_s, std::vector<stream_event>& out) const {
    read_result r{from, 0};
    if (posted() <= from) return r;
    std::lock_guard lock(mutex_);
    const std::uint64_t n = posted_.load(std::memory_order_relaxed);
    if (n - r.next > ring_.size()) {
      r.missed = n - ring_.size() - r.next;
      r.next = n - ring_.size();
    }
    for (; r.next < n; ++r.next) {
      const stream_event& e = ring_[r.next % ring_.size()];
      if (e.onset_s >= until_s) break;
      out.push_back(e);
    }
    return r;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<stream_event> ring_;
  std::atomic<std::uint64_t> posted_{0};
};

}  // namespace eegd
