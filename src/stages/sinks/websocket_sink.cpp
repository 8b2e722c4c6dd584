#include "stages/sinks/websocket_sink.hpp"

#include <algorithm>

namespace eegd::stages {

eegd::status websocket_sink::build(eegd::build_context& ctx) {
  const bool valid = !topic_.empty() && topic_.size() <= 64 && std::all_of(topic_.begin(), topic_.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  if (!valid) return eegd::param_error("topic", "must be 1-64 letters, digits, '_', '-' or '.'");
  if (ctx.dry_run() || !ctx.publisher()) return eegd::ok();
  auto opened = ctx.publisher()->open(topic_, ctx.input(), ctx.stage_name(), ctx.demand());
  if (!opened) return opened.err();
  channel_ = std::move(opened.value());
  return eegd::ok();
}

}  // namespace eegd::stages
