#pragma once

// Boost 1.74 Asio uses std::exchange without including <utility> under C++20.
#include <string_view>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace eegd::daemon {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// Every connection runs on its own strand. Naming the concrete executor type
// (rather than beast::tcp_stream's type-erased any_executor) spares a heap
// allocation and atomic reference counting per asynchronous operation.
using strand_executor = net::strand<net::io_context::executor_type>;
using tcp_socket = tcp::socket::rebind_executor<strand_executor>::other;
using tcp_stream = beast::basic_stream<tcp, strand_executor>;
using unix_protocol = net::local::stream_protocol;
using unix_socket = unix_protocol::socket::rebind_executor<strand_executor>::other;
using unix_stream = beast::basic_stream<unix_protocol, strand_executor>;

// Boost 1.74's beast::string_view is boost::string_view.
inline std::string_view to_std(beast::string_view s) noexcept { return {s.data(), s.size()}; }

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// Limits on what a peer may send (413 / 431 / close 1009 beyond them).
struct request_limits {
  std::uint32_t header_bytes = 16 * 1024;
  std::uint64_t body_bytes = 1 << 20;  // a pipeline YAML is at most 1 MiB too
  std::size_t ws_message_bytes = 64 * 1024;
};

}  // namespace eegd::daemon
