#pragma once

// How eegctl talks to a running eegd: HTTP/1.1 and WebSocket over the daemon's
// Unix socket (found through <runtime-dir>/eegd.json), or over TCP when a URL is
// given for a remote daemon. The socket needs no token (it is owner-only, 0600);
// TCP requests carry `Authorization: Bearer TOKEN` when a token is given.

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <stdexcept>
#include <string>

namespace eegd::cli {

struct ctl_target {
  std::string runtime_dir;  // empty: $EEGD_RUNTIME_DIR, else eegd's default
  std::string url;          // http://HOST:PORT for a remote daemon; empty: the local socket
  std::string token;        // for `url`; empty: $EEGD_TOKEN
};

// Thrown when no daemon answers; eegctl exits with exit_no_daemon.
struct no_daemon : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ctl_response {
  int status = 0;
  std::string body;
};

class ctl_client {
 public:
  using socket = boost::asio::generic::stream_protocol::socket;

  // Resolves where the daemon is without connecting yet. Throws no_daemon when
  // there is no eegd.json in the runtime dir (and no URL was given).
  explicit ctl_client(const ctl_target& target);

  // One request on a fresh connection (requests are rare; a connection per
  // request keeps failure handling simple). Throws no_daemon when nothing listens.
  ctl_response request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::string& content_type = "application/json");

  // A WebSocket handshake on `target` (e.g. /ws/data?topic=eeg).
  std::unique_ptr<boost::beast::websocket::stream<socket>> open_websocket(const std::string& target);

  // Where the daemon was found, for messages ("/run/user/1000/eegd/eegd.sock").
  const std::string& where() const { return where_; }

 private:
  socket connect();

  boost::asio::io_context io_;
  boost::asio::generic::stream_protocol::endpoint endpoint_;
  std::string host_header_;
  std::string token_;
  std::string where_;
};

}  // namespace eegd::cli
