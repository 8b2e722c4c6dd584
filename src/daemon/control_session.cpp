#include <deque>
#include <memory>

#include "daemon/websocket_sessions.hpp"
#include "observe/json_text.hpp"

namespace eegd::daemon {
namespace {

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

}  // namespace

template <class Stream>
void start_control_session(Stream&& stream, request req, daemon_context& ctx, session_registry& sessions) {
  auto session = std::make_shared<control_session<Stream>>(std::move(stream), ctx);
  sessions.add(session);
  session->run(std::move(req));
}

template void start_control_session<tcp_stream>(tcp_stream&&, request, daemon_context&, session_registry&);
template void start_control_session<unix_stream>(unix_stream&&, request, daemon_context&, session_registry&);

}  // namespace eegd::daemon
