// Load client for bench/ws_load.sh: N WebSocket connections to one topic on a
// single thread. Latency of a packet = time of receipt (CLOCK_REALTIME) minus
// the time of its last frame, t0_ns + (n_frames - 1) / rate. Prints JSON.
//
// One thread stands in for N clients, so its own cost per message adds to
// every latency it measures: the N-th socket is read only after the N-1
// before it. The client therefore does as little as it can per message: the
// upgrade goes through Beast's HTTP types, then the sockets are read with one
// epoll_wait per batch of ready sockets and one recv per readiness, and frames
// are parsed in the receive buffer. A client built on Beast's async WebSocket reads cost
// 16.5 us of CPU per message on the 2-vCPU VM the README's figures come from
// (two recvs, one of them answered EAGAIN, plus the handler chain): 1.65 ms
// per 100-client packet, more than the server's fan-out.
//   ws_load_client HOST PORT TOPIC CLIENTS [SECONDS] [WARMUP_SECONDS]
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>  // before Boost 1.74's asio/awaitable.hpp, which uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <span>
#include <stdexcept>
#include <vector>

#include "daemon/wire_format.hpp"
#include "eegd/clock.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
namespace wire = eegd::daemon::wire;

namespace {

struct totals {
  std::vector<std::int64_t> latency_ns;
  std::uint64_t packets = 0, gaps = 0, bytes = 0;
};

// One connection's inbound byte stream, cut into WebSocket frames (RFC 6455
// section 5.2; a server's frames are never masked). A message in one frame
// is decoded where it lies; one in fragments is joined first.
class connection {
 public:
  explicit connection(tcp::socket s) : socket_(std::move(s)), buffer_(256 * 1024) {}

  int fd() { return socket_.native_handle(); }
  bool closed() const { return closed_; }

  // Seeds the stream with what the upgrade's HTTP read took past the response.
  void take(std::string_view bytes) {
    if (bytes.size() > buffer_.size() - have_) throw std::runtime_error("the upgrade response ran on too long");
    std::memcpy(buffer_.data() + have_, bytes.data(), bytes.size());
    have_ += bytes.size();
  }

  // One recv, then every frame it completed.
  void on_readable(totals& t, std::int64_t measure_from_ns) {
    const ssize_t n = ::recv(fd(), buffer_.data() + have_, buffer_.size() - have_, 0);
    if (n <= 0) {
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) closed_ = true;
      return;
    }
    have_ += static_cast<std::size_t>(n);
    parse(t, eegd::realtime_ns(), measure_from_ns);
  }

  void parse(totals& t, std::int64_t now_ns, std::int64_t measure_from_ns) {
    std::size_t at = 0;
    for (;;) {
      const std::size_t left = have_ - at;
      if (left < 2) break;
      const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + at);
      const bool fin = (p[0] & 0x80) != 0;
      const int opcode = p[0] & 0x0f;
      std::size_t header = 2;
      std::uint64_t length = p[1] & 0x7f;
      if (length == 126) {
        header = 4;
        if (left < header) break;
        length = (std::uint64_t{p[2]} << 8) | p[3];
      } else if (length == 127) {
        header = 10;
        if (left < header) break;
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | p[2 + i];
      }
      if ((p[1] & 0x80) != 0 || length > buffer_.size() - header)
        throw std::runtime_error("the server sent a masked or oversized frame");
      if (left < header + length) break;
      on_frame(fin, opcode, {buffer_.data() + at + header, static_cast<std::size_t>(length)}, t, now_ns,
               measure_from_ns);
      at += header + static_cast<std::size_t>(length);
    }
    std::memmove(buffer_.data(), buffer_.data() + at, have_ - at);
    have_ -= at;
  }

 private:
  void on_frame(bool fin, int opcode, std::span<const std::byte> payload, totals& t, std::int64_t now_ns,
                std::int64_t measure_from_ns) {
    if (opcode == 8) closed_ = true;
    if (opcode >= 8) return;  // control frames: close, ping, pong
    if (opcode != 0) {        // a new message
      in_binary_ = opcode == 2;
      message_.clear();
    }
    if (!in_binary_) return;  // topic descriptions (JSON text)
    if (fin && opcode != 0) return on_message(payload, t, now_ns, measure_from_ns);  // one frame: read in place
    message_.insert(message_.end(), payload.begin(), payload.end());
    if (fin) on_message(message_, t, now_ns, measure_from_ns);
  }

  void on_message(std::span<const std::byte> message, totals& t, std::int64_t now_ns, std::int64_t measure_from_ns) {
    const auto h = wire::decode_header(message);
    if (!h) throw std::runtime_error("a binary message that is not eegd format v1");
    if (started_ && (h->first_frame != next_frame_ || (h->flags & wire::flags::gap))) ++t.gaps;
    started_ = true;
    next_frame_ = h->first_frame + h->frames;
    if (now_ns < measure_from_ns) return;  // warm-up
    const auto last_frame_ns =
        h->t0_ns + static_cast<std::int64_t>(static_cast<double>(h->frames - 1) * 1e9 / h->rate_hz);
    t.latency_ns.push_back(now_ns - last_frame_ns);
    t.packets++;
    t.bytes += message.size();
  }

  tcp::socket socket_;
  std::vector<std::byte> buffer_;
  std::size_t have_ = 0;
  bool closed_ = false;
  bool in_binary_ = false;
  std::vector<std::byte> message_;  // the message being received, whole
  bool started_ = false;
  std::uint64_t next_frame_ = 0;
};

// The WebSocket upgrade, in blocking calls. The key need not be random: this
// client talks to servers under test, not through proxies.
connection open_connection(net::io_context& io, const tcp::endpoint& ep, const std::string& host,
                           const std::string& target) {
  tcp::socket s(io);
  s.connect(ep);
  s.set_option(tcp::no_delay(true));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_key, "ZWVnZC1sb2FkLWNsaWVudA==");
  req.set(http::field::sec_websocket_version, "13");
  http::write(s, req);
  beast::flat_buffer rest;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // a 101 response has no body; the bytes after it are frames
  http::read_header(s, rest, parser);
  if (parser.get().result() != http::status::switching_protocols)
    throw std::runtime_error("upgrade refused: HTTP " + std::to_string(parser.get().result_int()));
  s.non_blocking(true);
  connection c(std::move(s));
  c.take({static_cast<const char*>(rest.data().data()), rest.size()});
  return c;
}

std::int64_t quantile(std::vector<std::int64_t> v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 5) {
    std::cerr << "usage: ws_load_client HOST PORT TOPIC CLIENTS [SECONDS] [WARMUP_SECONDS]\n";
    return 64;
  }
  const std::string host = argv[1];
  const auto port = static_cast<unsigned short>(std::stoi(argv[2]));
  const std::string target = std::string("/ws/data?topic=") + argv[3];
  const int clients = std::stoi(argv[4]);
  const double seconds = argc > 5 ? std::stod(argv[5]) : 10;
  const double warmup = argc > 6 ? std::stod(argv[6]) : 1;

  net::io_context io;
  const tcp::endpoint ep(net::ip::make_address(host), port);
  std::vector<connection> conns;
  conns.reserve(static_cast<std::size_t>(clients));
  for (int i = 0; i < clients; ++i) conns.push_back(open_connection(io, ep, host + ":" + std::to_string(port), target));

  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  for (std::size_t i = 0; i < conns.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, conns[i].fd(), &ev) < 0)
      throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
  }

  totals t;
  const std::int64_t start = eegd::realtime_ns();
  const std::int64_t measure_from = start + static_cast<std::int64_t>(warmup * 1e9);
  const std::int64_t stop = measure_from + static_cast<std::int64_t>(seconds * 1e9);
  for (auto& c : conns) c.parse(t, start, measure_from);  // frames that came with the upgrade
  std::array<epoll_event, 128> ready{};
  for (std::int64_t now = start; now < stop; now = eegd::realtime_ns()) {
    const int timeout_ms = static_cast<int>((stop - now) / 1'000'000) + 1;
    const int n = ::epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), timeout_ms);
    if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
    for (int i = 0; i < n; ++i) {
      connection& c = conns[ready[static_cast<std::size_t>(i)].data.u64];
      c.on_readable(t, measure_from);
      if (c.closed()) ::epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd(), nullptr);
    }
  }
  ::close(epoll);
  const auto closed = std::count_if(conns.begin(), conns.end(), [](const connection& c) { return c.closed(); });

  const nlohmann::json out = {{"clients", clients},
                              {"seconds", seconds},
                              {"closed_by_server", closed},
                              {"packets", t.packets},
                              {"packets_per_client_per_s", static_cast<double>(t.packets) / clients / seconds},
                              {"gaps", t.gaps},
                              {"mbytes_per_s", static_cast<double>(t.bytes) / seconds / 1e6},
                              {"latency_us",
                               {{"p50", static_cast<double>(quantile(t.latency_ns, 0.50)) / 1000.0},
                                {"p99", static_cast<double>(quantile(t.latency_ns, 0.99)) / 1000.0},
                                {"max", static_cast<double>(quantile(t.latency_ns, 1.0)) / 1000.0}}}};
  std::cout << out.dump(2) << "\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "ws_load_client: " << e.what() << "\n";
  return 1;
}
