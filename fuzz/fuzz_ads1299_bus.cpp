// Feeds arbitrary bytes to the ADS1299 driver as everything the chip answers
// on MISO: the ID and register read-back of the power-up sequence, then frames
// to decode (status words, 24-bit samples) for 1 to 4 daisy-chained chips.
// What comes off a wire is outside input; crashes and sanitizer reports are bugs.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ads1299/driver.hpp"

namespace {

using namespace eegd::ads1299;

// A bus whose chip answers with the fuzzer's bytes, then zeros.
class scripted_bus final : public io {
 public:
  explicit scripted_bus(std::span<const std::uint8_t> miso) : miso_(miso) {}
  eegd::status transfer(std::span<const std::uint8_t>, std::span<std::uint8_t> rx, std::int64_t) override {
    for (auto& b : rx) b = pos_ < miso_.size() ? miso_[pos_++] : 0;
    return eegd::ok();
  }
  wait_status wait_drdy(std::int64_t, drdy_event& e) override {
    e.t_ns = ++edges_ * 4'000'000;
    return pos_ < miso_.size() ? wait_status::ready : wait_status::timeout;
  }
  int drdy_fd() const noexcept override { return -1; }
  bool has_pin(pin) const noexcept override { return false; }
  eegd::status set_pin(pin, bool) override { return eegd::ok(); }
  void delay(std::int64_t) override {}
  std::int64_t now_ns() const noexcept override { return 0; }
  std::string describe() const override { return "fuzz"; }

 private:
  std::span<const std::uint8_t> miso_;
  std::size_t pos_ = 0;
  std::int64_t edges_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  settings s;
  s.chips = 1 + data[0] % max_chips;
  scripted_bus bus({data + 1, size - 1});
  driver drv(bus, s);
  std::int32_t counts[channels_per_chip * max_chips];
  chip_status status[max_chips];
  // Frames decode whatever the power-up made of the bytes before them.
  (void)drv.power_up();
  drdy_event ev;
  while (drv.wait(0, ev) == wait_status::ready) (void)drv.read_frame(counts, status);
  // And the decoder alone, on the raw bytes.
  (void)decode_frame({data + 1, size - 1}, static_cast<std::size_t>(s.chips), counts, status);
  return 0;
}
