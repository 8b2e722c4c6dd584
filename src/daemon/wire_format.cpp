#include "daemon/wire_format.hpp"

#include <bit>
#include <cstring>

namespace eegd::daemon::wire {

static_assert(std::endian::native == std::endian::little,
              "the wire format is little-endian and payloads are sent straight from memory");

namespace {
template <class T>
void put(header& h, std::size_t offset, T v) noexcept {
  std::memcpy(h.data() + offset, &v, sizeof v);
}
template <class T>
T get(std::span<const std::byte> m, std::size_t offset) noexcept {
  T v;
  std::memcpy(&v, m.data() + offset, sizeof v);
  return v;
}
}  // namespace

kind_code kind_of(packet_kind k) noexcept {
  switch (k) {
    case packet_kind::raw_counts: return kind_code::int32;
    case packet_kind::derived: return kind_code::float32_features;
    case packet_kind::voltage:
    case packet_kind::raw_and_voltage: return kind_code::float32_series;
  }
  return kind_code::float32_series;
}

const char* kind_name(kind_code k) noexcept {
  switch (k) {
    case kind_code::int32: return "int32";
    case kind_code::float32_series: return "float32_series";
    case kind_code::float32_features: return "float32_features";
  }
  return "unknown";
}

header encode_header(const packet& p, std::uint16_t topic_id) noexcept {
  const packet_header& ph = p.header();
  header h{};
  std::memcpy(h.data(), magic.data(), magic.size());
  put<std::uint16_t>(h, 4, header_bytes);
  put<std::uint8_t>(h, 6, static_cast<std::uint8_t>(kind_of(ph.kind)));
  put<std::uint8_t>(h, 7, ph.has_gap() ? flags::gap : 0);
  put<std::uint32_t>(h, 8, ph.sensor_id);
  put<std::uint32_t>(h, 12, ph.meta_rev);
  put<std::uint64_t>(h, 16, ph.first_frame);
  put<std::int64_t>(h, 24, ph.t0_ns);
  put<double>(h, 32, ph.rate_hz);
  put<std::uint16_t>(h, 40, static_cast<std::uint16_t>(ph.channels));
  put<std::uint16_t>(h, 42, topic_id);
  put<std::uint32_t>(h, 44, ph.frames);
  return h;
}

std::span<const std::byte> payload(const packet& p) noexcept {
  if (p.header().kind == packet_kind::raw_counts) return std::as_bytes(p.counts());
  return std::as_bytes(p.values());
}

std::optional<decoded_header> decode_header(std::span<const std::byte> m) noexcept {
  if (m.size() < header_bytes || std::memcmp(m.data(), magic.data(), magic.size()) != 0) return std::nullopt;
  if (get<std::uint16_t>(m, 4) != header_bytes) return std::nullopt;
  decoded_header d{};
  const auto k = get<std::uint8_t>(m, 6);
  if (k < 1 || k > 3) return std::nullopt;
  d.kind = static_cast<kind_code>(k);
  d.flags = get<std::uint8_t>(m, 7);
  d.sensor_id = get<std::uint32_t>(m, 8);
  d.meta_rev = get<std::uint32_t>(m, 12);
  d.first_frame = get<std::uint64_t>(m, 16);
  d.t0_ns = get<std::int64_t>(m, 24);
  d.rate_hz = get<double>(m, 32);
  d.channels = get<std::uint16_t>(m, 40);
  d.topic_id = get<std::uint16_t>(m, 42);
  d.frames = get<std::uint32_t>(m, 44);
  if (m.size() != header_bytes + std::size_t{d.channels} * d.frames * 4) return std::nullopt;
  return d;
}

}  // namespace eegd::daemon::wire
