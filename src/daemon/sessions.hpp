#pragma once

// Connections: an HTTP session reads requests (bounded header and body sizes,
// timeouts) and either answers them through http_api or hands the socket to a
// WebSocket session. Data sessions stream topics from the broker.

#include <memory>
#include <mutex>
#include <vector>

#include "daemon/http_api.hpp"
#include "daemon/net.hpp"

namespace eegd::daemon {

// Open WebSocket sessions, so shutdown can close each with a close frame.
class session_registry {
 public:
  class closable {
   public:
    virtual ~closable() = default;
    virtual void close_gracefully() = 0;  // from any thread
  };
  void add(std::weak_ptr<closable> s);
  void close_all();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<closable>> sessions_;
};

// Starts serving one accepted TCP connection.
void serve_tcp_connection(tcp_socket socket, daemon_context& ctx, http_api& api, session_registry& sessions);
// The same API on the owner-only Unix socket, without Host or token checks.
void serve_unix_connection(unix_socket socket, daemon_context& ctx, http_api& api, session_registry& sessions);

}  // namespace eegd::daemon
