#pragma once

// A small synchronous WebSocket client for integration tests and benchmarks,
// with deadlines on every wait.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eegd::testing {

struct ws_message {
  bool text = false;
  std::string data;
};

class ws_client {
 public:
  struct options {
    std::string origin;  // sent as Origin when set
    std::string host_header;  // default: host:port
    std::chrono::milliseconds timeout{5000};
    int receive_buffer = 0;  // SO_RCVBUF before connecting (small: a client that stalls quickly)
  };
  // Connects and upgrades; throws std::runtime_error with the HTTP status when refused.
  ws_client(const std::string& host, unsigned port, const std::string& target);
  ws_client(const std::string& host, unsigned port, const std::string& target, const options& o);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  // Next message, or nullopt at the deadline. Throws when the server closed
  // (the message says with which close code and reason).
  std::optional<ws_message> read(std::chrono::milliseconds timeout);
  void send_text(const std::string& text);
  void close();
  // Stop reading for a while: the server's send buffer and this client's
  // queue in the daemon fill up (a stalled client).
  int native_socket() const;
  // The status of a refused upgrade (0 when it was accepted).
  int refused_status() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// "http://127.0.0.1:1234" -> {"127.0.0.1", 1234}
std::pair<std::string, unsigned> split_url(const std::string& url);

}  // namespace eegd::testing
