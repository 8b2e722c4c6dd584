#include <array>
#include <atomic>
#include <type_traits>

#include "daemon/websocket_sessions.hpp"
#include "daemon/wire_format.hpp"
#include "observe/json_text.hpp"

namespace eegd::daemon {
namespace {

constexpr int send_buffer_bytes = 128 * 1024;  // the kernel doubles it

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

  // A session normally leaves the broker on its own strand when its reads end
  // (leave_broker). Only one that never started reading (it subscribed to
  // nothing) or one dropped with the io_context at shutdown (the pipeline has
  // stopped by then) still has a client here: no publishing thread can be the
  // one running this.
  ~data_session() override {
    if (!client_) return;
    try {
      ctx_.topics.disconnect(client_);
    } catch (...) {
      // Out of memory: the broker forgets this client when its weak reference expires.
    }
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
      if (ec) return self->leave_broker();  // closed, failed or too big
      self->read_buffer_.consume(self->read_buffer_.size());  // data sessions take no commands
      self->do_read();
    });
  }

  // Here, on an io thread, rather than in the destructor: a publishing thread
  // that is waking this session can end up holding its last reference, and
  // must then not run broker and pipeline code (disconnect, demand changes).
  void leave_broker() {
    if (!client_) return;
    ctx_.topics.disconnect(client_);
    client_.reset();
  }

  void do_write() {
    if (closing_) return start_close(websocket::close_code::going_away, "eegd is stopping");
    if (!client_ || !client_->next(current_)) {
      writing_ = false;
      if (client_ && client_->has_messages() && !writing_.exchange(true)) return do_write();
      return;
    }
    auto on_written = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->current_ = outgoing{};
        return;  // the peer is gone; the read side ends the session
      }
      if (self->client_) self->client_->sent(self->current_);  // unless it left the broker meanwhile
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

}  // namespace

template <class Stream>
void start_data_session(Stream&& stream, request req, daemon_context& ctx, session_registry& sessions,
                        std::vector<std::string> topics) {
  auto session = std::make_shared<data_session<Stream>>(std::move(stream), ctx, std::move(topics));
  sessions.add(session);
  session->run(std::move(req));
}

template void start_data_session<tcp_stream>(tcp_stream&&, request, daemon_context&, session_registry&,
                                             std::vector<std::string>);
template void start_data_session<unix_stream>(unix_stream&&, request, daemon_context&, session_registry&,
                                              std::vector<std::string>);

}  // namespace eegd::daemon
