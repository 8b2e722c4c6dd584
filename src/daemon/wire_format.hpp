#pragma once

// Binary message format v1 of /ws/data (docs/protocol.md): a 48-byte
// little-endian header, then n_frames x n_channels values, frame-major. The
// payload is the packet's own sample plane, sent without copying.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "eegd/packet.hpp"

namespace eegd::daemon::wire {

inline constexpr std::size_t header_bytes = 48;
inline constexpr std::array<char, 4> magic = {'E', 'E', 'G', '1'};

enum class kind_code : std::uint8_t { int32 = 1, float32_series = 2, float32_features = 3 };

namespace flags {
inline constexpr std::uint8_t gap = 1u << 0;
}

using header = std::array<std::byte, header_bytes>;

struct decoded_header {
  kind_code kind;
  std::uint8_t flags;
  std::uint32_t sensor_id, meta_rev;
  std::uint64_t first_frame;
  std::int64_t t0_ns;
  double rate_hz;
  std::uint16_t channels;
  std::uint16_t topic_id;
  std::uint32_t frames;
};

// What a packet's kind is sent as, and which plane carries it.
kind_code kind_of(packet_kind k) noexcept;
const char* kind_name(kind_code k) noexcept;

// The header for `p` published on the topic numbered `topic_id` (so a client
// subscribed to several topics knows whose packet this is); flags are the
// packet's (the broker adds per-client gaps).
header encode_header(const packet& p, std::uint16_t topic_id) noexcept;
// The bytes following the header: the packet's values, or its counts for raw packets.
std::span<const std::byte> payload(const packet& p) noexcept;

// For tests and clients: parses a whole message; nullopt when malformed.
std::optional<decoded_header> decode_header(std::span<const std::byte> message) noexcept;

}  // namespace eegd::daemon::wire
