#include "cli/ctl_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdlib>
#include <utility>

#include "daemon/runtime_dir.hpp"

namespace eegd::cli {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

struct host_port {
  std::string host;
  std::string port;
};

// "http://HOST:PORT[/...]" or "HOST:PORT".
host_port parse_url(std::string url) {
  if (url.starts_with("http://")) url.erase(0, 7);
  if (const auto slash = url.find('/'); slash != std::string::npos) url.resize(slash);
  const auto colon = url.rfind(':');
  if (colon == std::string::npos || colon + 1 == url.size())
    throw std::invalid_argument("--url must look like http://HOST:PORT, got '" + url + "'");
  return {url.substr(0, colon), url.substr(colon + 1)};
}

}  // namespace

ctl_client::ctl_client(const ctl_target& target) {
  const std::string url = target.url.empty() ? env_or("EEGD_URL", "") : target.url;
  if (!url.empty()) {
    const host_port hp = parse_url(url);
    net::ip::tcp::resolver resolver(io_);
    beast::error_code ec;
    const auto results = resolver.resolve(hp.host, hp.port, ec);
    if (ec || results.empty()) throw no_daemon("cannot resolve " + url + ": " + ec.message());
    endpoint_ = results.begin()->endpoint();
    host_header_ = hp.host + ":" + hp.port;
    token_ = target.token.empty() ? env_or("EEGD_TOKEN", "") : target.token;
    where_ = "http://" + host_header_;
    return;
  }
  const std::string dir =
      target.runtime_dir.empty() ? env_or("EEGD_RUNTIME_DIR", daemon::default_runtime_dir()) : target.runtime_dir;
  const auto info = daemon::read_instance_info(dir);
  if (!info || info->socket_path.empty()) throw no_daemon("no eegd running (nothing in " + dir + ")");
  endpoint_ = net::local::stream_protocol::endpoint(info->socket_path);
  host_header_ = "localhost";
  where_ = info->socket_path;
}

ctl_client::socket ctl_client::connect() {
  socket s(io_);
  beast::error_code ec;
  s.connect(endpoint_, ec);
  // eegd.json outlives a daemon killed with SIGKILL; a refused or missing
  // socket means nobody is there.
  if (ec) throw no_daemon("no eegd answering at " + where_ + " (" + ec.message() + ")");
  return s;
}

ctl_response ctl_client::request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::string& content_type) {
  socket s = connect();
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host_header_);
  req.set(http::field::user_agent, "eegctl");
  if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  if (!body.empty()) req.set(http::field::content_type, content_type);
  req.body() = body;
  req.keep_alive(false);
  req.prepare_payload();
  // The daemon may answer and close before reading all of a large body (413):
  // a failed write does not mean there is no answer to read.
  beast::error_code write_ec;
  http::write(s, req, write_ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  beast::error_code ec;
  http::read(s, buffer, parser, ec);
  if (ec) throw no_daemon("eegd at " + where_ + " closed the connection (" + ec.message() + ")");
  auto res = parser.release();
  return {static_cast<int>(res.result_int()), std::move(res.body())};
}

std::unique_ptr<beast::websocket::stream<ctl_client::socket>> ctl_client::open_websocket(const std::string& target) {
  auto ws = std::make_unique<beast::websocket::stream<socket>>(connect());
  ws->set_option(beast::websocket::stream_base::decorator([this](beast::websocket::request_type& req) {
    req.set(http::field::user_agent, "eegctl");
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  }));
  ws->read_message_max(64u << 20);
  beast::websocket::response_type res;
  beast::error_code ec;
  ws->handshake(res, host_header_, target, ec);
  if (ec) {
    const std::string why = res.result_int() != 0 ? std::to_string(res.result_int()) + " " + res.body() : ec.message();
    throw std::runtime_error("WebSocket " + target + " refused: " + why);
  }
  return ws;
}

}  // namespace eegd::cli
