#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "eegd/packet.hpp"

namespace eegd::core {

// A pool of same-sized packet buffers for one producing stage.
//
// One thread acquires (the stage's thread); any thread may release, because
// the last reference to a packet can drop anywhere. Released buffers go onto a
// lock-free stack; the acquirer takes the whole stack at once when its private
// list runs dry, which keeps the stack free of the ABA problem.
//
// The pool stays alive while packets from it are in flight: each outstanding
// packet and the owner's handle hold a reference, and whoever drops the last
// one frees the buffers. So a consumer may keep a packet after the pipeline
// that made it is gone.
//
// A request that does not fit a buffer, or arrives when `max_buffers` are all
// in use, gets a one-off heap buffer instead of failing; both are counted, so
// statistics show when a pool is sized wrong.
class packet_pool final : public packet_recycler {
 public:
  struct options {
    std::size_t capacity_samples = 0;  // per plane
    bool two_planes = false;           // room for raw_and_voltage packets
    std::size_t preallocate = 8;
    std::size_t max_buffers = 1024;
  };

  struct stats {
    std::uint64_t buffers = 0;        // pooled buffers allocated so far
    std::uint64_t acquired = 0;       // packets handed out
    std::uint64_t heap_fallbacks = 0; // one-off buffers (too big, or pool exhausted)
    std::uint64_t in_flight = 0;      // pooled packets not returned yet
  };

  // An owning handle: the pool lives until this handle and every packet are gone.
  class handle {
   public:
    handle() = default;
    explicit handle(const options& opts);
    handle(handle&& o) noexcept : pool_(o.pool_) { o.pool_ = nullptr; }
    handle& operator=(handle&& o) noexcept;
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    ~handle();

    packet_pool* operator->() const noexcept { return pool_; }
    explicit operator bool() const noexcept { return pool_ != nullptr; }

   private:
    packet_pool* pool_ = nullptr;
  };

  // Exclusive use of a buffer shaped for `channels` x `frames` of `kind`.
  // Called from one thread only. Never fails.
  packet_builder acquire(std::uint32_t channels, std::uint32_t frames, packet_kind kind) noexcept;
  void recycle(packet* p) noexcept override;
  stats snapshot() const noexcept;
  std::size_t capacity_samples() const noexcept { return opts_.capacity_samples; }

 private:
  explicit packet_pool(const options& opts);
  ~packet_pool();
  packet* allocate_buffer();
  void unref() noexcept;

  options opts_;
  packet* local_free_ = nullptr;  // acquirer's private list
  alignas(64) std::atomic<packet*> returned_{nullptr};
  alignas(64) std::atomic<std::uint64_t> refs_{1};
  std::atomic<std::uint64_t> buffers_{0};
  std::atomic<std::uint64_t> acquired_{0};
  std::atomic<std::uint64_t> heap_fallbacks_{0};
  std::atomic<std::uint64_t> in_flight_{0};
  std::vector<packet*> all_buffers_;  // every pooled buffer, for freeing
};

}  // namespace eegd::core
