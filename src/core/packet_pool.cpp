#include "core/packet_pool.hpp"

#include <new>

namespace eegd::core {
namespace {

constexpr std::align_val_t buffer_alignment{64};

// One-off buffers free themselves when released.
class heap_recycler final : public packet_recycler {
 public:
  void recycle(packet* p) noexcept override {
    packet_storage::destroy(p);
    ::operator delete(static_cast<void*>(p), buffer_alignment);
  }
};
heap_recycler heap_buffers;

packet_builder heap_packet(std::uint32_t channels, std::uint32_t frames, packet_kind kind) {
  const std::size_t samples = std::size_t{channels} * frames;
  const bool two = kind == packet_kind::raw_and_voltage;
  void* mem = ::operator new(packet_storage::bytes_for(samples, two), buffer_alignment);
  packet* p = packet_storage::construct(mem, samples, two, &heap_buffers);
  return packet_storage::claim(p, channels, frames, kind);
}

}  // namespace

packet_pool::handle::handle(const options& opts) : pool_(new packet_pool(opts)) {}

packet_pool::handle& packet_pool::handle::operator=(handle&& o) noexcept {
  if (this != &o) {
    if (pool_) pool_->unref();
    pool_ = o.pool_;
    o.pool_ = nullptr;
  }
  return *this;
}

packet_pool::handle::~handle() {
  if (pool_) pool_->unref();
}

packet_pool::packet_pool(const options& opts) : opts_(opts) {
  for (std::size_t i = 0; i < opts_.preallocate && i < opts_.max_buffers; ++i) {
    packet* p = allocate_buffer();
    packet_storage::next_free(p) = local_free_;
    local_free_ = p;
  }
}

packet_pool::~packet_pool() {
  // Every buffer is back (refs_ reached zero), so freeing them all is safe.
  for (packet* p : all_buffers_) {
    packet_storage::destroy(p);
    ::operator delete(static_cast<void*>(p), buffer_alignment);
  }
}

packet* packet_pool::allocate_buffer() {
  const std::size_t bytes = packet_storage::bytes_for(opts_.capacity_samples, opts_.two_planes);
  void* mem = ::operator new(bytes, buffer_alignment);
  packet* p = packet_storage::construct(mem, opts_.capacity_samples, opts_.two_planes, this);
  all_buffers_.push_back(p);
  buffers_.fetch_add(1, std::memory_order_relaxed);
  return p;
}

packet_builder packet_pool::acquire(std::uint32_t channels, std::uint32_t frames,
                                    packet_kind kind) noexcept {
  acquired_.fetch_add(1, std::memory_order_relaxed);
  const bool fits = std::size_t{channels} * frames <= opts_.capacity_samples &&
                    (kind != packet_kind::raw_and_voltage || opts_.two_planes);
  if (fits) {
    if (!local_free_) local_free_ = returned_.exchange(nullptr, std::memory_order_acquire);
    packet* p = local_free_;
    if (p) {
      local_free_ = packet_storage::next_free(p);
    } else if (buffers_.load(std::memory_order_relaxed) < opts_.max_buffers) {
      p = allocate_buffer();
    }
    if (p) {
      refs_.fetch_add(1, std::memory_order_relaxed);
      in_flight_.fetch_add(1, std::memory_order_relaxed);
      return packet_storage::claim(p, channels, frames, kind);
    }
  }
  heap_fallbacks_.fetch_add(1, std::memory_order_relaxed);
  return heap_packet(channels, frames, kind);
}

void packet_pool::recycle(packet* p) noexcept {
  packet*& link = packet_storage::next_free(p);
  link = returned_.load(std::memory_order_relaxed);
  while (!returned_.compare_exchange_weak(link, p, std::memory_order_release,
                                          std::memory_order_relaxed)) {
  }
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  unref();
}

void packet_pool::unref() noexcept {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

packet_pool::stats packet_pool::snapshot() const noexcept {
  return {buffers_.load(std::memory_order_relaxed), acquired_.load(std::memory_order_relaxed),
          heap_fallbacks_.load(std::memory_order_relaxed), in_flight_.load(std::memory_order_relaxed)};
}

}  // namespace eegd::core
