#include "support/http_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace eegd::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

http_result http_request(const std::string& host, unsigned port, const std::string& method, const std::string& target,
                         const std::string& body, const std::map<std::string, std::string>& headers) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address(host), static_cast<unsigned short>(port)));
  // A daemon that hangs must fail the test, not hang it: blocking reads and
  // writes give up after this long (generous for sanitizer builds).
  constexpr int deadline_s = 30;
  const timeval deadline{deadline_s, 0};
  ::setsockopt(stream.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
  ::setsockopt(stream.socket().native_handle(), SOL_SOCKET, SO_SNDTIMEO, &deadline, sizeof deadline);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host + ":" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  // A server may answer and close before it read all we send (413): a failed
  // write does not mean there is no answer to read.
  beast::error_code write_ec;
  http::write(stream, req, write_ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code ec;
  http::read(stream, buffer, parser, ec);
  http_result r;
  if (ec) {
    r.body = ec == net::error::would_block || ec == net::error::try_again
                 ? "no answer within " + std::to_string(deadline_s) + " s"
                 : "read failed: " + ec.message();
    return r;
  }
  auto res = parser.release();
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  return r;
}

}  // namespace eegd::testing
