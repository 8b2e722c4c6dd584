// Feeds arbitrary bytes through the daemon's request path: Beast's parser with
// our header and body limits, the Host/Origin checks, target and query
// decoding, and every HTTP handler (no pipeline loaded, so handlers see the
// daemon's idle state). Crashes, leaks and sanitizer reports are bugs.
#include <cstddef>
#include <cstdint>

#include "daemon/access_policy.hpp"
#include "daemon/http_api.hpp"
#include "daemon/http_util.hpp"
#include "stages/builtin_stages.hpp"

namespace {

using namespace eegd;
using namespace eegd::daemon;

struct fuzz_env {
  core::stage_registry registry;
  core::sensor_store sensors;
  broker topics{broker::options{16}};
  recording_sessions recordings{"/nonexistent/sessions", "fuzz"};
  pipeline_host pipeline{registry, sensors, topics, &recordings};
  pipeline_control control{registry, pipeline, "/nonexistent", ""};
  control_hub hub{control};
  daemon_context ctx{topics, pipeline, registry, hub, recordings, access_policy{"127.0.0.1", 8080, {"eeg.local"}, "", false},
                     request_limits{}, "fuzz", "http://127.0.0.1:8080", "/nonexistent", "/nonexistent", 0,
                     EEGD_SOURCE_DIR "/docs"};
  http_api api{ctx};
  fuzz_env() { stages::register_builtin_stages(registry); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz_env* env = new fuzz_env();  // lives for the whole fuzzing run
  http::request_parser<http::string_body> parser;
  parser.header_limit(env->ctx.limits.header_bytes);
  parser.body_limit(env->ctx.limits.body_bytes);
  parser.eager(true);
  beast::error_code ec;
  net::const_buffer input(data, size);
  while (input.size() > 0 && !ec && !parser.is_done()) {
    const std::size_t used = parser.put(input, ec);
    if (ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (used == 0) break;
    input += used;
  }
  // As in Beast's own read loop: end of stream counts only after some input
  // (put_eof asserts got_some()); before that the peer simply sent nothing.
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  request req = parser.release();
  const bool upgrade = websocket::is_upgrade(req);
  if (check_access(env->ctx.policy, req, upgrade)) return 0;
  if (upgrade) {
    const target t = parse_target(to_std(req.target()));
    (void)t.all("topic");
    return 0;
  }
  (void)env->api.handle(req);
  return 0;
}
