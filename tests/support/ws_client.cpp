#include "support/ws_client.hpp"

#include "support/http_client.hpp"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <stdexcept>

namespace eegd::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct ws_client::impl {
  net::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  int refused = 0;
  // One read stays pending across read() calls: cancelling a WebSocket read
  // would leave the stream unusable.
  bool reading = false;
  std::optional<beast::error_code> done;
};

ws_client::ws_client(const std::string& host, unsigned port, const std::string& target)
    : ws_client(host, port, target, options{}) {}

ws_client::ws_client(const std::string& host, unsigned port, const std::string& target, const options& o)
    : impl_(std::make_unique<impl>()) {
  auto& ws = impl_->ws;
  beast::get_lowest_layer(ws).expires_after(o.timeout);
  const tcp::endpoint endpoint(net::ip::make_address(host), static_cast<unsigned short>(port));
  if (o.receive_buffer > 0) {
    auto& socket = beast::get_lowest_layer(ws).socket();
    socket.open(endpoint.protocol());
    socket.set_option(net::socket_base::receive_buffer_size(o.receive_buffer));
  }
  beast::get_lowest_layer(ws).connect(endpoint);
  ws.set_option(websocket::stream_base::decorator([o](websocket::request_type& req) {
    if (!o.origin.empty()) req.set(beast::http::field::origin, o.origin);
  }));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, o.host_header.empty() ? host + ":" + std::to_string(port) : o.host_header, target, ec);
  if (ec) {
    // Beast 1.74 leaves `res` empty when the upgrade is declined; ask again
    // over plain HTTP to learn the status and the server's words.
    std::map<std::string, std::string> headers = {{"Connection", "Upgrade"},
                                                  {"Upgrade", "websocket"},
                                                  {"Sec-WebSocket-Version", "13"},
                                                  {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    if (!o.origin.empty()) headers["Origin"] = o.origin;
    if (!o.host_header.empty()) headers["Host"] = o.host_header;
    const http_result again = http_request(host, port, "GET", target, {}, headers);
    impl_->refused = again.status;
    throw std::runtime_error("upgrade refused (" + ec.message() + "): HTTP " + std::to_string(again.status) + " " +
                             again.body);
  }
  beast::get_lowest_layer(ws).expires_never();
}

ws_client::~ws_client() = default;

std::optional<ws_message> ws_client::read(std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  if (!i.reading) {
    i.reading = true;
    i.done.reset();
    i.ws.async_read(i.buffer, [&i](beast::error_code ec, std::size_t) { i.done = ec; });
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!i.done && std::chrono::steady_clock::now() < deadline) {
    i.io.restart();
    i.io.run_until(deadline);
  }
  if (!i.done) return std::nullopt;
  i.reading = false;
  if (*i.done) {
    const auto reason = i.ws.reason();
    throw std::runtime_error("closed: " + i.done->message() + " (code " + std::to_string(reason.code) + ", " +
                             std::string(reason.reason.c_str()) + ")");
  }
  ws_message m;
  m.text = i.ws.got_text();
  m.data = beast::buffers_to_string(i.buffer.data());
  i.buffer.consume(i.buffer.size());
  return m;
}

void ws_client::send_text(const std::string& text) {
  impl_->ws.text(true);
  impl_->ws.write(net::buffer(text));
}

void ws_client::close() {
  beast::error_code ec;
  impl_->ws.close(websocket::close_code::normal, ec);
}

int ws_client::native_socket() const { return beast::get_lowest_layer(impl_->ws).socket().native_handle(); }
int ws_client::refused_status() const { return impl_->refused; }

std::pair<std::string, unsigned> split_url(const std::string& url) {
  const auto start = url.find("://");
  const std::string rest = url.substr(start == std::string::npos ? 0 : start + 3);
  const auto colon = rest.rfind(':');
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, static_cast<unsigned>(std::stoul(rest.substr(colon + 1)))};
}

}  // namespace eegd::testing
