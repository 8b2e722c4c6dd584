#include "daemon/sessions.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "daemon/access_policy.hpp"
#include "daemon/http_util.hpp"
#include "daemon/websocket_sessions.hpp"

namespace eegd::daemon {

void session_registry::add(std::weak_ptr<closable> s) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
  sessions_.push_back(std::move(s));
}

void session_registry::close_all() {
  std::vector<std::shared_ptr<closable>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& w : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->close_gracefully();
}

namespace {

constexpr auto http_timeout = std::chrono::seconds(30);
constexpr auto linger_timeout = std::chrono::seconds(2);
constexpr std::size_t linger_bytes = 8 << 20;

template <class Stream>
class http_session final : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  // A trusted connection (the owner-only Unix socket) skips the Host, Origin
  // and token checks: only the daemon's own user can open it.
  http_session(Stream&& stream, daemon_context& ctx, http_api& api, session_registry& sessions, bool trusted)
      : stream_(std::move(stream)), ctx_(ctx), api_(api), sessions_(sessions), trusted_(trusted) {}

  void run() { do_read(); }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(ctx_.limits.header_bytes);
    parser_->body_limit(ctx_.limits.body_bytes);
    beast::get_lowest_layer(stream_).expires_after(http_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return fail_request(http::status::request_header_fields_too_large,
                          "request headers exceed " + std::to_string(ctx_.limits.header_bytes) + " bytes");
    }
    if (ec == http::error::body_limit) {
      return fail_request(http::status::payload_too_large,
                          "request body exceeds " + std::to_string(ctx_.limits.body_bytes) + " bytes");
    }
    if (ec) return;  // timeout or broken connection
    request req = parser_->release();
    try {
      const bool upgrade = websocket::is_upgrade(req);
      if (!trusted_)
        if (auto denied = check_access(ctx_.policy, req, upgrade)) return write(std::move(*denied), true);
      if (upgrade) return upgrade_to_websocket(std::move(req));
      if (http_api::changes_pipeline(req) || http_api::changes_sessions(req)) return handle_on_control_thread(std::move(req));
      write(api_.handle(req), !req.keep_alive());
    } catch (const std::exception& e) {
      // A bug must cost one connection, never the daemon.
      spdlog::error("request {} failed: {}", to_std(req.target()), e.what());
      write(error_response(req, http::status::internal_server_error, "internal error"), true);
    }
  }

  void handle_on_control_thread(request req) {
    ctx_.hub.post([self = this->shared_from_this(), req = std::move(req)] {
      auto res = std::make_shared<response>(self->api_.handle(req));
      const bool close = !req.keep_alive();
      net::post(self->stream_.get_executor(), [self, res, close] { self->write(std::move(*res), close); });
    });
  }

  void upgrade_to_websocket(request req) {
    const target t = parse_target(to_std(req.target()));
    if (t.path == "/ws/data") {
      return start_data_session(std::move(stream_), std::move(req), ctx_, sessions_, t.all("topic"));
    }
    if (t.path == "/ws/control") {
      return start_control_session(std::move(stream_), std::move(req), ctx_, sessions_);
    }
    write(error_response(req, http::status::not_found, "no WebSocket endpoint at " + t.path), true);
  }

  // Answers a request we could not parse, then closes: the stream is out of
  // sync. The peer may still be sending (a large body), and closing a socket
  // with unread data resets the connection and loses our answer, so read and
  // discard for a bounded while first ("lingering close", as nginx does).
  void fail_request(http::status status, const std::string& message) {
    request req;
    req.version(11);
    req.keep_alive(false);
    response_ = std::make_shared<response>(error_response(req, status, message));
    response_->keep_alive(false);
    http::async_write(stream_, *response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->response_.reset();
      if (ec) return;
      self->shutdown();
      beast::get_lowest_layer(self->stream_).expires_after(linger_timeout);
      self->linger_left_ = linger_bytes;
      self->linger();
    });
  }

  void linger() {
    buffer_.clear();
    beast::get_lowest_layer(stream_).async_read_some(
        buffer_.prepare(64 * 1024), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
          if (ec || n >= self->linger_left_) return;  // peer done, timeout, or enough
          self->linger_left_ -= n;
          self->linger();
        });
  }

  void write(response res, bool close) {
    response_ = std::make_shared<response>(std::move(res));
    response_->keep_alive(!close);
    http::async_write(stream_, *response_, [self = this->shared_from_this(), close](beast::error_code ec, std::size_t) {
      self->response_.reset();
      if (ec || close) return self->shutdown();
      self->do_read();
    });
  }

  void shutdown() {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(net::socket_base::shutdown_send, ec);
  }

  Stream stream_;
  daemon_context& ctx_;
  http_api& api_;
  session_registry& sessions_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<response> response_;
  std::size_t linger_left_ = 0;
  const bool trusted_;
};

}  // namespace

void serve_tcp_connection(tcp_socket socket, daemon_context& ctx, http_api& api, session_registry& sessions) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);  // latency over throughput: packets are small
  std::make_shared<http_session<tcp_stream>>(tcp_stream(std::move(socket)), ctx, api, sessions, false)->run();
}

void serve_unix_connection(unix_socket socket, daemon_context& ctx, http_api& api, session_registry& sessions) {
  std::make_shared<http_session<unix_stream>>(unix_stream(std::move(socket)), ctx, api, sessions, true)->run();
}

}  // namespace eegd::daemon
