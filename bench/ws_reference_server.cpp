// The reference bench/ws_load.sh measures eegd's fan-out against: the leanest
// WebSocket broadcast Beast allows. No pipeline, no broker queues, no
// wake-ups: one thread, every 8 ms, writes one 32 ch x 32 frame message
// (format v1, docs/protocol.md) to every client in turn with a blocking write.
// Its t0 puts the message's last frame at the moment the fan-out starts (eegd's
// synthetic source wakes at its last frame's time, then still synthesises and
// crosses its pipeline), so the load client's latency here is the fan-out and
// delivery alone. One thread writing in turn is a simple design, not the
// fastest possible: a reference, not a floor.
//   ws_reference_server SECONDS   (prints "port N", then serves until SECONDS after the first client)
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

// A float32 series message whose last frame is "now".
void stamp(std::vector<std::byte>& m, std::uint64_t first_frame) {
  const std::int64_t t0 = eegd::realtime_ns() - static_cast<std::int64_t>((frames - 1) * 1e9 / rate_hz);
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
  std::chrono::steady_clock::time_point end{};
  for (auto next = std::chrono::steady_clock::now();; first_frame += frames) {
    next += period;
    std::this_thread::sleep_until(next);
    std::lock_guard lock(mutex);
    if (clients.empty()) continue;
    if (end == std::chrono::steady_clock::time_point{})
      end = next + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    if (next >= end) break;
    stamp(message, first_frame);
    for (auto& ws : clients) {
      beast::error_code ec;
      ws->write(net::buffer(message), ec);
    }
  }
  ::shutdown(acceptor.native_handle(), SHUT_RDWR);  // ends the blocking accept() with an error
  accepting.join();
  return 0;
}
