// Load client for bench/ws_load.sh: N WebSocket connections to one topic on a
// single thread. Latency of a packet = time of receipt (CLOCK_REALTIME) minus
// the time of its last frame, t0_ns + (n_frames - 1) / rate. Prints JSON.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <vector>

#include "daemon/wire_format.hpp"
#include "eegd/clock.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
namespace wire = eegd::daemon::wire;

namespace {

struct totals {
  std::vector<std::int64_t> latency_ns;
  std::uint64_t packets = 0, gaps = 0, bytes = 0, connect_failures = 0;
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(net::io_context& io, totals& t, std::int64_t measure_from_ns)
      : ws_(io), totals_(t), measure_from_(measure_from_ns) {}

  void start(const tcp::endpoint& ep, const std::string& host, const std::string& target) {
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this(), host, target](beast::error_code ec) {
      if (ec) return void(self->totals_.connect_failures++);
      self->ws_.async_handshake(host, target, [self](beast::error_code ec2) {
        if (ec2) return void(self->totals_.connect_failures++);
        self->read();
      });
    });
  }
  void close() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->take();
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }
  void take() {
    if (ws_.got_text()) return;
    const auto data = buffer_.data();
    const auto h = wire::decode_header({static_cast<const std::byte*>(data.data()), data.size()});
    if (!h) return;
    const std::int64_t now = eegd::realtime_ns();
    if (started_ && (h->first_frame != next_frame_ || (h->flags & wire::flags::gap))) ++totals_.gaps;
    started_ = true;
    next_frame_ = h->first_frame + h->frames;
    if (now < measure_from_) return;  // warm-up
    const auto last_frame_ns =
        h->t0_ns + static_cast<std::int64_t>(static_cast<double>(h->frames - 1) * 1e9 / h->rate_hz);
    totals_.latency_ns.push_back(now - last_frame_ns);
    totals_.packets++;
    totals_.bytes += data.size();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  totals& totals_;
  std::int64_t measure_from_;
  bool started_ = false;
  std::uint64_t next_frame_ = 0;
};

std::int64_t quantile(std::vector<std::int64_t> v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
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

  net::io_context io(1);
  totals t;
  const auto measure_from = eegd::realtime_ns() + static_cast<std::int64_t>(warmup * 1e9);
  const tcp::endpoint ep(net::ip::make_address(host), port);
  std::vector<std::shared_ptr<connection>> conns;
  for (int i = 0; i < clients; ++i) {
    conns.push_back(std::make_shared<connection>(io, t, measure_from));
    conns.back()->start(ep, host + ":" + std::to_string(port), target);
  }
  net::steady_timer stop(io, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::duration<double>(warmup + seconds)));
  stop.async_wait([&](beast::error_code) {
    for (auto& c : conns) c->close();
  });
  io.run();
  const nlohmann::json out = {{"clients", clients},
                              {"seconds", seconds},
                              {"connect_failures", t.connect_failures},
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
}
