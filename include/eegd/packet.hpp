#pragma once

// Packets: the unit of data that flows between stages.
//
// A packet holds `frames` frames of `channels` samples, interleaved with the
// channel innermost (frame-major), so a filter can run across all channels of
// one frame with SIMD. Packets come from a pool, are filled once through a
// `packet_builder`, and become immutable when published as a `packet_ref`.
// References are counted; copying a packet_ref shares the packet and never
// copies samples. The buffer returns to its pool when the last reference goes.

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <utility>

namespace eegd {

enum class packet_kind : std::uint8_t {
  raw_counts = 1,       // int32 ADC counts
  voltage = 2,          // float32 microvolts
  raw_and_voltage = 3,  // both planes, same shape
  derived = 4,          // float32 features (spectra, band powers); layout from the stream's channel names
};

constexpr const char* to_string(packet_kind kind) noexcept {
  switch (kind) {
    case packet_kind::raw_counts: return "raw_counts";
    case packet_kind::voltage: return "voltage";
    case packet_kind::raw_and_voltage: return "raw_and_voltage";
    case packet_kind::derived: return "derived";
  }
  return "unknown";
}

namespace packet_flags {
// Frames are missing before this packet (dropped frames, a paused source, a
// consumer that fell behind). Set by whoever knows; never cleared downstream.
inline constexpr std::uint8_t gap = 1u << 0;
}  // namespace packet_flags

struct packet_header {
  std::uint32_t sensor_id = 0;  // which acquisition device (see sensor_meta)
  std::uint32_t meta_rev = 0;   // bumps whenever that device's settings change
  std::uint64_t first_frame = 0;  // index of the first frame since the run began, at this stream's rate
  std::int64_t t0_ns = 0;         // CLOCK_REALTIME of the first frame
  double rate_hz = 0.0;           // frames per second of this stream
  std::uint32_t channels = 0;
  std::uint32_t frames = 0;
  packet_kind kind = packet_kind::voltage;
  std::uint8_t flags = 0;
  // CLOCK_MONOTONIC when the source emitted the data this packet derives from;
  // the executor measures end-to-end latency against it.
  std::int64_t emitted_ns = 0;

  bool has_gap() const noexcept { return (flags & packet_flags::gap) != 0; }
  std::size_t samples() const noexcept { return std::size_t{channels} * frames; }
  // Timestamp of frame `offset` within this packet (t0 + offset / rate).
  std::int64_t frame_time_ns(std::uint64_t offset) const noexcept {
    return t0_ns + static_cast<std::int64_t>(static_cast<double>(offset) * 1e9 / rate_hz);
  }
};

class packet;

// Implemented by packet pools: takes a packet back when its last reference drops.
class packet_recycler {
 public:
  virtual void recycle(packet* p) noexcept = 0;

 protected:
  ~packet_recycler() = default;
};

class packet {
 public:
  packet(const packet&) = delete;
  packet& operator=(const packet&) = delete;

  const packet_header& header() const noexcept { return header_; }
  std::uint32_t frames() const noexcept { return header_.frames; }
  std::uint32_t channels() const noexcept { return header_.channels; }

  // int32 counts (raw_counts, raw_and_voltage); empty for other kinds.
  std::span<const std::int32_t> counts() const noexcept {
    return counts_ ? std::span<const std::int32_t>(counts_, header_.samples()) : std::span<const std::int32_t>{};
  }
  // float32 values (voltage, raw_and_voltage, derived); empty for raw_counts.
  std::span<const float> values() const noexcept {
    return values_ ? std::span<const float>(values_, header_.samples()) : std::span<const float>{};
  }
  std::span<const float> frame(std::size_t i) const noexcept {
    return values().subspan(i * header_.channels, header_.channels);
  }
  std::span<const std::int32_t> frame_counts(std::size_t i) const noexcept {
    return counts().subspan(i * header_.channels, header_.channels);
  }

  // Time the framework (not stages) has spent moving this packet so far, in ns.
  // Side-band bookkeeping for the overhead statistics, not part of the data.
  std::uint64_t overhead_ns() const noexcept { return overhead_ns_.load(std::memory_order_relaxed); }
  void add_overhead_ns(std::uint64_t ns) const noexcept {
    overhead_ns_.fetch_add(ns, std::memory_order_relaxed);
  }

  std::size_t capacity_samples() const noexcept { return capacity_; }
  std::uint32_t use_count() const noexcept { return refs_.load(std::memory_order_relaxed); }

 private:
  friend class packet_ref;
  friend class packet_builder;
  friend struct packet_storage;

  packet() = default;
  ~packet() = default;

  packet_header header_;
  std::atomic<std::uint32_t> refs_{0};
  mutable std::atomic<std::uint64_t> overhead_ns_{0};
  packet_recycler* owner_ = nullptr;
  std::int32_t* counts_ = nullptr;
  float* values_ = nullptr;
  std::byte* data_ = nullptr;  // start of the sample planes
  std::size_t capacity_ = 0;   // samples per plane
  bool two_planes_ = false;    // buffer has room for counts and values side by side
  packet* next_free_ = nullptr;  // pool free-list link, only while recycled
};

// A shared, immutable reference to a published packet.
class packet_ref {
 public:
  packet_ref() noexcept = default;
  packet_ref(const packet_ref& other) noexcept : p_(other.p_) {
    if (p_) p_->refs_.fetch_add(1, std::memory_order_relaxed);
  }
  packet_ref(packet_ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  packet_ref& operator=(const packet_ref& other) noexcept {
    packet_ref(other).swap(*this);
    return *this;
  }
  packet_ref& operator=(packet_ref&& other) noexcept {
    packet_ref(std::move(other)).swap(*this);
    return *this;
  }
  ~packet_ref() { reset(); }

  void reset() noexcept {
    if (p_ && p_->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) p_->owner_->recycle(p_);
    p_ = nullptr;
  }
  void swap(packet_ref& other) noexcept { std::swap(p_, other.p_); }

  const packet* get() const noexcept { return p_; }
  const packet& operator*() const noexcept { return *p_; }
  const packet* operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  // Hand the reference to a lock-free queue slot and take it back. Ownership of
  // exactly one reference travels with the raw pointer.
  packet* release() noexcept { return std::exchange(p_, nullptr); }
  static packet_ref adopt(packet* p) noexcept {
    packet_ref r;
    r.p_ = p;
    return r;
  }

 private:
  packet* p_ = nullptr;
};

// Exclusive, writable access to a packet that has not been published yet.
class packet_builder {
 public:
  packet_builder() noexcept = default;
  packet_builder(packet_builder&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  packet_builder& operator=(packet_builder&& other) noexcept {
    packet_builder(std::move(other)).swap(*this);
    return *this;
  }
  packet_builder(const packet_builder&) = delete;
  packet_builder& operator=(const packet_builder&) = delete;
  ~packet_builder() {
    if (p_) p_->owner_->recycle(p_);
  }
  void swap(packet_builder& other) noexcept { std::swap(p_, other.p_); }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  packet_header& header() noexcept { return p_->header_; }
  // Changes the frame count (at most capacity / channels); the planes stay where they are.
  void set_frames(std::uint32_t frames) noexcept {
    assert(std::size_t{frames} * p_->header_.channels <= p_->capacity_);
    p_->header_.frames = frames;
  }
  std::size_t max_frames() const noexcept {
    return p_->header_.channels ? p_->capacity_ / p_->header_.channels : 0;
  }
  std::span<std::int32_t> counts() noexcept {
    return p_->counts_ ? std::span<std::int32_t>(p_->counts_, p_->header_.samples()) : std::span<std::int32_t>{};
  }
  std::span<float> values() noexcept {
    return p_->values_ ? std::span<float>(p_->values_, p_->header_.samples()) : std::span<float>{};
  }
  std::span<float> frame(std::size_t i) noexcept {
    return values().subspan(i * p_->header_.channels, p_->header_.channels);
  }
  void add_overhead_ns(std::uint64_t ns) noexcept { p_->add_overhead_ns(ns); }

  // Makes the packet immutable and shareable.
  packet_ref publish() && noexcept {
    packet_ref r = packet_ref::adopt(std::exchange(p_, nullptr));
    return r;
  }

 private:
  friend struct packet_storage;
  packet* p_ = nullptr;
};

// Constructs and resets packets inside pool-owned memory. Used by packet pools
// only; stages never need it.
struct packet_storage {
  // Sample planes start on their own cache line after the packet's bookkeeping.
  static constexpr std::size_t plane_offset = (sizeof(packet) + 63) / 64 * 64;

  // Bytes one buffer needs for `capacity` samples per plane.
  static constexpr std::size_t bytes_for(std::size_t capacity, bool two_planes) noexcept {
    return plane_offset + capacity * 4 * (two_planes ? 2 : 1);
  }
  // Placement-constructs a packet at `memory` (64-byte aligned, bytes_for(...) long).
  static packet* construct(void* memory, std::size_t capacity, bool two_planes,
                           packet_recycler* owner) noexcept {
    auto* p = ::new (memory) packet();
    p->owner_ = owner;
    p->data_ = static_cast<std::byte*>(memory) + plane_offset;
    p->capacity_ = capacity;
    p->two_planes_ = two_planes;
    return p;
  }
  static void destroy(packet* p) noexcept { p->~packet(); }
  // Prepares a recycled packet for a new use and returns exclusive access to it.
  // Returns an empty builder when the shape does not fit this buffer.
  static packet_builder claim(packet* p, std::uint32_t channels, std::uint32_t frames,
                              packet_kind kind) noexcept {
    const bool both = kind == packet_kind::raw_and_voltage;
    if (std::size_t{channels} * frames > p->capacity_ || (both && !p->two_planes_)) return {};
    p->header_ = packet_header{};
    p->header_.channels = channels;
    p->header_.frames = frames;
    p->header_.kind = kind;
    p->refs_.store(1, std::memory_order_relaxed);
    p->overhead_ns_.store(0, std::memory_order_relaxed);
    p->next_free_ = nullptr;
    // int32 and float planes never alias: a plane pointer is set only for the
    // representation(s) the kind carries.
    p->counts_ = (kind == packet_kind::raw_counts || both) ? reinterpret_cast<std::int32_t*>(p->data_) : nullptr;
    p->values_ = kind == packet_kind::raw_counts
                     ? nullptr
                     : reinterpret_cast<float*>(p->data_ + (both ? p->capacity_ * 4 : 0));
    packet_builder b;
    b.p_ = p;
    return b;
  }
  static packet*& next_free(packet* p) noexcept { return p->next_free_; }
  static std::size_t capacity(const packet* p) noexcept { return p->capacity_; }
  static bool two_planes(const packet* p) noexcept { return p->two_planes_; }
};

}  // namespace eegd
