#include "daemon/sessions.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <deque>
#include <type_traits>
#include <optional>

#include "daemon/access_policy.hpp"
#include "daemon/http_util.hpp"
#include "observe/json_text.hpp"

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
constexpr int send_buffer_bytes = 128 * 1024;  // the kernel doubles it
constexpr auto linger_timeout = std::chrono::seconds(2);
constexpr std::size_t linger_bytes = 8 << 20;

template <class Stream>
std::string peer_of(Stream& stream) {
  if constexpr (std::is_same_v<Stream, unix_stream>) {
    return "unix socket";
  } else {
    beast::error_code ec;
    const auto ep = beast::get_lowest_layer(stream).socket().remote_endpoint(ec);
    if (ec) return "unknown";
    return ep.address().to_string() + ":" + std::to_string(ep.port());
  }
}

// Streams the topics named in the upgrade request to one client.
template <class Stream>
class data_session final : public std::enable_shared_from_this<data_session<Stream>>,
                           public client_wakeup,
                           public session_registry::closable {
 public:
  data_session(Stream&& stream, daemon_context& ctx, std::vector<std::string> topics)
      : ws_(std::move(stream)), ctx_(ctx), topics_(std::move(topics)), peer_(peer_of(ws_.next_layer())) {}

  ~data_session() override {
    if (client_) ctx_.topics.disconnect(client_);
  }

  void run(request req) {
    beast::get_lowest_layer(ws_).expires_never();
    // A small kernel send buffer keeps a slow client's backlog in its broker
    // queue, where it is bounded, counted and dropped packet by packet, instead
    // of seconds of stale data hidden in the socket.
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(net::socket_base::send_buffer_size(send_buffer_bytes), ignored);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "eegd"); }));
    ws_.read_message_max(ctx_.limits.ws_message_bytes);
    ws_.auto_fragment(false);  // one frame, one write per message (Beast would split at 4 KB)
    ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  void wake() noexcept override {
    if (writing_.exchange(true)) return;
    try {
      net::post(ws_.get_executor(), [self = this->shared_from_this()] { self->do_write(); });
    } catch (...) {
      writing_ = false;  // being destroyed; nothing to write to
    }
  }

  void close_gracefully() override {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->closing_ = true;
      if (!self->writing_.exchange(true)) self->start_close(websocket::close_code::going_away, "eegd is stopping");
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    client_ = ctx_.topics.connect(peer_, std::weak_ptr<client_wakeup>(this->shared_from_this()));
    if (status s = ctx_.topics.subscribe(client_, topics_); !s) {
      // Tell the client why in words, then close with "policy violation".
      error_text_ = observe::json_text(nlohmann::json{{"type", "error"}, {"error", s.err().message}});
      writing_ = true;
      ws_.text(true);
      ws_.async_write(net::buffer(error_text_), [self = this->shared_from_this()](beast::error_code, std::size_t) {
        self->start_close(websocket::close_code::policy_error, "unknown topic");
      });
      return;
    }
    do_read();
  }

  void do_read() {
    ws_.async_read(read_buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;  // closed, failed or too big: the session ends with its last reference
      self->read_buffer_.consume(self->read_buffer_.size());  // data sessions take no commands
      self->do_read();
    });
  }

  void do_write() {
    if (closing_) return start_close(websocket::close_code::going_away, "eegd is stopping");
    if (!client_->next(current_)) {
      writing_ = false;
      if (client_->has_messages() && !writing_.exchange(true)) return do_write();
      return;
    }
    auto on_written = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->current_ = outgoing{};
        return;  // the peer is gone; the read side ends the session
      }
      self->client_->sent(self->current_);
      self->current_ = outgoing{};
      self->do_write();
    };
    if (current_.is_text()) {
      ws_.text(true);
      ws_.async_write(net::buffer(*current_.text), std::move(on_written));
    } else {
      ws_.binary(true);
      const auto payload = wire::payload(*current_.packet);
      const std::array<net::const_buffer, 2> message = {net::buffer(current_.header),
                                                        net::buffer(payload.data(), payload.size())};
      ws_.async_write(message, std::move(on_written));
    }
  }

  void start_close(websocket::close_code code, const char* reason) {
    if (close_started_) return;
    close_started_ = true;
    ws_.async_close(websocket::close_reason(code, reason), [self = this->shared_from_this()](beast::error_code) {});
  }

  websocket::stream<Stream> ws_;
  daemon_context& ctx_;
  std::vector<std::string> topics_;
  std::string peer_;
  std::shared_ptr<client> client_;
  outgoing current_;
  std::atomic<bool> writing_{false};
  bool closing_ = false;
  bool close_started_ = false;
  std::string error_text_;
  beast::flat_buffer read_buffer_;
};

// /ws/control: the merged view on connect and after every change; patches in,
// results out. Messages are written one at a time from a queue on the strand.
template <class Stream>
class control_session final : public std::enable_shared_from_this<control_session<Stream>>,
                              public control_listener,
                              public session_registry::closable {
 public:
  control_session(Stream&& stream, daemon_context& ctx) : ws_(std::move(stream)), ctx_(ctx) {}

  void run(request req) {
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(ctx_.limits.ws_message_bytes);
    ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->ctx_.hub.add(std::weak_ptr<control_listener>(self));
      // The first view comes from the control thread, so it is ordered with
      // the broadcasts that follow changes.
      self->ctx_.hub.post([self] { self->send_text(self->ctx_.hub.view_message()); });
      self->do_read();
    });
  }

  void send_text(std::shared_ptr<const std::string> text) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), text = std::move(text)]() mutable {
      if (self->close_started_) return;
      self->queue_.push_back(std::move(text));
      if (self->queue_.size() == 1) self->write_front();
    });
  }

  void close_gracefully() override {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      if (self->close_started_) return;
      self->close_started_ = true;
      self->queue_.clear();
      self->ws_.async_close(websocket::close_reason(websocket::close_code::going_away, "eegd is stopping"),
                            [self](beast::error_code) {});
    });
  }

 private:
  void do_read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      const std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->handle(text);
      self->do_read();
    });
  }

  void handle(const std::string& text) {
    const nlohmann::json msg = nlohmann::json::parse(text, nullptr, false);
    if (msg.is_discarded() || !msg.is_object() || !msg.contains("patch")) {
      nlohmann::json err = {{"type", "result"}, {"ok", false}, {"status", 400},
                            {"error", "send {\"id\": N, \"patch\": [...], \"restart\": false}"}};
      if (msg.is_object() && msg.contains("id")) err["id"] = msg["id"];
      return send_text(std::make_shared<const std::string>(observe::json_text(err)));
    }
    const nlohmann::json id = msg.value("id", nlohmann::json());
    const bool restart = msg.value("restart", false);
    ctx_.hub.post([self = this->shared_from_this(), patch = msg["patch"], id, restart] {
      auto out = self->ctx_.hub.control().patch(patch, restart);
      nlohmann::json result = out.body;
      result["type"] = "result";
      result["id"] = id;
      result["ok"] = out.status == 200;
      if (out.status != 200) result["status"] = out.status;
      self->send_text(std::make_shared<const std::string>(observe::json_text(result)));
    });
  }

  void write_front() {
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->queue_.clear();
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->write_front();
    });
  }

  websocket::stream<Stream> ws_;
  daemon_context& ctx_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool close_started_ = false;
};

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
      auto session = std::make_shared<data_session<Stream>>(std::move(stream_), ctx_, t.all("topic"));
      sessions_.add(session);
      session->run(std::move(req));
      return;
    }
    if (t.path == "/ws/control") {
      auto session = std::make_shared<control_session<Stream>>(std::move(stream_), ctx_);
      sessions_.add(session);
      session->run(std::move(req));
      return;
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
