// `eegctl watch TOPIC...`: a subscriber that says how a stream is doing, the
// first thing to run when a client "sees nothing" or "lags".

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <map>
#include <span>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/commands.hpp"
#include "cli/ctl_commands.hpp"
#include "daemon/wire_format.hpp"

namespace eegd::cli {

using nlohmann::json;
namespace beast = boost::beast;

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

std::int64_t realtime_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What one topic did during the current report interval.
struct topic_window {
  std::uint64_t packets = 0;
  std::uint64_t frames = 0;
  std::uint64_t gaps = 0;
  std::uint64_t lost_frames = 0;    // frames skipped by the gaps (first_frame jumps)
  std::vector<double> latency_ms;  // age of a packet's newest frame when it arrived
  std::uint64_t next_frame = 0;     // where the next packet should start
  bool seen = false;
  std::uint16_t channels = 0;
  double rate_hz = 0;
};

double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

void account(topic_window& w, const daemon::wire::decoded_header& h, std::int64_t arrived_ns) {
  ++w.packets;
  w.frames += h.frames;
  w.channels = h.channels;
  w.rate_hz = h.rate_hz;
  if (h.flags & daemon::wire::flags::gap) {
    ++w.gaps;
    if (w.seen && h.first_frame > w.next_frame) w.lost_frames += h.first_frame - w.next_frame;
  }
  w.next_frame = h.first_frame + h.frames;
  w.seen = true;
  if (h.rate_hz > 0 && h.frames > 0) {
    const double newest_ns = static_cast<double>(h.t0_ns) + static_cast<double>(h.frames - 1) * 1e9 / h.rate_hz;
    w.latency_ms.push_back((static_cast<double>(arrived_ns) - newest_ns) / 1e6);
  }
}

void report(const std::string& topic, topic_window& w, double interval_s, bool as_json) {
  const double rate = static_cast<double>(w.frames) / interval_s;
  const double p50 = percentile(w.latency_ms, 0.5), p99 = percentile(w.latency_ms, 0.99);
  if (as_json) {
    fmt::print("{}\n", json{{"topic", topic},
                            {"frames_per_s", rate},
                            {"packets", w.packets},
                            {"gaps", w.gaps},
                            {"lost_frames", w.lost_frames},
                            {"channels", w.channels},
                            {"latency_ms", {{"p50", p50}, {"p99", p99}}}}
                           .dump());
  } else {
    fmt::print("{:<12} {:>9.1f} frames/s (nominal {:.0f}) {:>3} ch {:>6} packets  gaps {} (lost {} frames)  "
               "latency p50 {:.2f} ms p99 {:.2f} ms\n",
               topic, rate, w.rate_hz, w.channels, w.packets, w.gaps, w.lost_frames, p50, p99);
  }
  std::fflush(stdout);
  w.packets = w.frames = w.gaps = w.lost_frames = 0;
  w.latency_ms.clear();
}

}  // namespace

int ctl_watch(ctl_client& client, const watch_options& options) {
  std::string target = "/ws/data";
  for (std::size_t i = 0; i < options.topics.size(); ++i) target += (i ? "&topic=" : "?topic=") + options.topics[i];
  auto ws = client.open_websocket(target);

  struct sigaction sa {};
  sa.sa_handler = on_interrupt;  // no SA_RESTART: a blocked read returns so we can print and leave
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  // Which topic a binary message belongs to: its header's topic_id, named by
  // the topic's description (text), which precedes its packets.
  std::map<std::uint16_t, std::string> topic_of_id;
  std::map<std::string, topic_window> windows;
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  auto last_report = started;
  beast::flat_buffer buffer;
  while (!g_interrupted.load()) {
    beast::error_code ec;
    ws->read(buffer, ec);
    if (ec) {
      if (g_interrupted.load()) break;
      if (ec == beast::websocket::error::closed) {
        fmt::print(stderr, "eegctl: eegd closed the stream ({})\n", ws->reason().reason.c_str());
        return exit_ok;
      }
      fmt::print(stderr, "eegctl: stream broken: {}\n", ec.message());
      return exit_failed;
    }
    const auto* bytes = static_cast<const std::uint8_t*>(buffer.data().data());
    const std::size_t size = buffer.size();
    if (ws->got_text()) {
      const json msg = json::parse(std::string(reinterpret_cast<const char*>(bytes), size), nullptr, false);
      if (msg.is_object() && msg.value("type", "") == "error") {
        fmt::print(stderr, "eegctl: {}\n", msg.value("error", ""));
        return exit_failed;
      }
      if (msg.is_object() && msg.value("type", "") == "topic")
        topic_of_id[msg.value("topic_id", std::uint16_t{0})] = msg.value("topic", "");
    } else if (const auto h = daemon::wire::decode_header(std::as_bytes(std::span(bytes, size)))) {
      const auto it = topic_of_id.find(h->topic_id);
      account(windows[it == topic_of_id.end() ? "?" : it->second], *h, realtime_ns());
    }
    buffer.consume(size);

    const auto now = clock::now();
    const double since_report = std::chrono::duration<double>(now - last_report).count();
    if (since_report >= 1.0) {
      for (auto& [topic, w] : windows) report(topic, w, since_report, options.json);
      last_report = now;
    }
    if (options.seconds >= 0 && std::chrono::duration<double>(now - started).count() >= options.seconds) break;
  }
  beast::error_code ignored;
  ws->close(beast::websocket::close_code::normal, ignored);
  return exit_ok;
}

}  // namespace eegd::cli
