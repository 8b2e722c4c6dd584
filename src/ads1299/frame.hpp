#pragma once

// Decoding the bytes the chips shift out after a DRDY: per chip a 24-bit
// status word (1100, LOFF_STATP[7:0], LOFF_STATN[7:0], GPIO[7:4]) and eight
// 24-bit two's complement samples, most significant byte first.

#include <cstddef>
#include <cstdint>
#include <span>

#include "ads1299/registers.hpp"

namespace eegd::ads1299 {

constexpr std::int32_t sign_extend24(std::uint32_t v) noexcept {
  v &= 0xFFFFFFu;
  return static_cast<std::int32_t>(v ^ 0x800000u) - 0x800000;
}

constexpr std::uint32_t be24(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}

// One chip's status word, parsed.
struct chip_status {
  std::uint32_t word = 0;
  std::uint8_t loff_p = 0;  // bit n: positive electrode of channel n+1 is off
  std::uint8_t loff_n = 0;  // bit n: negative electrode of channel n+1 is off
  std::uint8_t gpio = 0;    // GPIO4..1 levels in bits 3..0

  constexpr bool valid() const noexcept { return (word & status_header_mask) == status_header; }
  static constexpr chip_status parse(std::uint32_t word) noexcept {
    return {word, static_cast<std::uint8_t>(word >> 12), static_cast<std::uint8_t>(word >> 4),
            static_cast<std::uint8_t>(word & 0x0F)};
  }
};

// Decodes one frame of `chips` chips from `bytes` (chips x 27 bytes) into
// `counts` (chips x 8 values, chip 0 first: the chip whose DOUT the host reads)
// and `status` (one per chip). Returns false when a status word lacks its 1100
// header, the sign of a frame read out of step or a broken bus.
inline bool decode_frame(std::span<const std::uint8_t> bytes, std::size_t chips, std::int32_t* counts,
                         chip_status* status) noexcept {
  bool ok = bytes.size() >= chips * bytes_per_chip;
  for (std::size_t c = 0; ok && c < chips; ++c) {
    const std::uint8_t* p = bytes.data() + c * bytes_per_chip;
    status[c] = chip_status::parse(be24(p));
    ok = status[c].valid();
    p += status_bytes;
    for (int ch = 0; ch < channels_per_chip; ++ch, p += 3) *counts++ = sign_extend24(be24(p));
  }
  return ok;
}

}  // namespace eegd::ads1299
