// The reference bench/ws_load.sh measures eegd's fan-out against: the leanest
// WebSocket broadcast Beast allows. No pipeline, no broker queues, no
// wake-ups: one thread, every 8 ms, writes one 32 ch x 32 frame message
// (format v1, docs/protocol.md) to every client in turn with a blocking write.
// Paced as eegd's synthetic source is: it sleeps until a message's last frame
// is due and stamps that due time, not the moment it woke, so both include
// this machine's timer wake-up lateness (BM_TimerWakeLateness) and compare
// like with like; what eegd adds on top is its pipeline and broker. One
// thread writing in turn is a simple design, not the fastest possible: a
// reference, not a floor.
//   ws_reference_server SECONDS   (prints "port N", then serves until SECONDS after the first client)
#include <sys/prctl.h>
#include <sys/socket.h>

#include <utility>  // before Boost 1.74's asio/awaitable.hpp, which uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <array>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "eegd/clock.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr int channels = 32, frames = 32;
constexpr double rate_hz = 4000;
constexpr auto period = std::chrono::milliseconds(8);  // 32 frames at 4000 Hz

template <class T>
void put(std::vector<std::byte>& m, std::size_t at, T value) {
  std::memcpy(m.data() + at, &value, sizeof value);  // x86 and ARM Linux are little-endian, as the format
}

// A float32 series message whose last frame was due at `last_frame_ns` (CLOCK_REALTIME).
void stamp(std::vector<std::byte>& m, std::uint64_t first_frame, std::int64_t last_frame_ns) {
  const std::int64_t t0 = last_frame_ns - static_cast<std::int64_t>((frames - 1) * 1e9 / rate_hz);
  std::memcpy(m.data(), "EEG1", 4);
  put<std::uint16_t>(m, 4, 48);
  put<std::uint8_t>(m, 6, 2);
  put<std::uint8_t>(m, 7, 0);
  put<std::uint32_t>(m, 8, 1);
  put<std::uint32_t>(m, 12, 1);
  put<std::uint64_t>(m, 16, first_frame);
  put<std::int64_t>(m, 24, t0);
  put<double>(m, 32, rate_hz);
  put<std::uint16_t>(m, 40, channels);
  put<std::uint16_t>(m, 42, 0);
  put<std::uint32_t>(m, 44, frames);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::stod(argv[1]) : 10;
  net::io_context io;
  tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
  std::cout << "port " << acceptor.local_endpoint().port() << std::endl;

  std::mutex mutex;
  std::vector<std::unique_ptr<websocket::stream<tcp::socket>>> clients;
  std::thread accepting([&] {
    for (;;) {
      tcp::socket s(io);
      beast::error_code ec;
      acceptor.accept(s, ec);
      if (ec) return;
      s.set_option(tcp::no_delay(true), ec);
      auto ws = std::make_unique<websocket::stream<tcp::socket>>(std::move(s));
      ws->binary(true);
      ws->auto_fragment(false);
      ws->accept(ec);
      if (ec) continue;
      std::lock_guard lock(mutex);
      clients.push_back(std::move(ws));
    }
  });

  std::vector<std::byte> message(48 + std::size_t{channels} * frames * sizeof(float));
  std::uint64_t first_frame = 0;
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);  // as eegd's source threads
  std::int64_t end_ns = 0;
  const std::int64_t realtime_minus_monotonic = eegd::realtime_ns() - eegd::monotonic_ns();
  for (std::int64_t next_ns = eegd::monotonic_ns();; first_frame += frames) {
    next_ns += std::chrono::nanoseconds(period).count();
    eegd::sleep_until_monotonic(next_ns);
    std::lock_guard lock(mutex);
    if (clients.empty()) continue;
    if (end_ns == 0) end_ns = next_ns + static_cast<std::int64_t>(seconds * 1e9);
    if (next_ns >= end_ns) break;
    stamp(message, first_frame, next_ns + realtime_minus_monotonic);
    for (auto& ws : clients) {
      beast::error_code ec;
      ws->write(net::buffer(message), ec);
    }
  }
  ::shutdown(acceptor.native_handle(), SHUT_RDWR);  // ends the blocking accept() with an error
  accepting.join();
  return 0;
}
