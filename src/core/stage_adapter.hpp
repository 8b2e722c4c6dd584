#pragma once

// Turns a stage struct written against include/eegd/ into a runtime_stage. The
// optional hooks are found with `requires`, so stage authors write only what
// they need.

#include <string>
#include <vector>

#include "core/runtime_stage.hpp"

namespace eegd::core {

template <class S>
concept simple_map_transform = requires(S s, frames_in in, frames_out out) {
  { s.process(in, out) } -> std::same_as<flow>;
};
template <class S>
concept packet_transform = requires(S s, const packet_ref& p, emitter& e) {
  { s.process(p, e) } -> std::same_as<flow>;
};
template <class S>
concept fan_in_transform = requires(S s, std::size_t port, const packet_ref& p, emitter& e) {
  { s.process(port, p, e) } -> std::same_as<flow>;
};

template <class S>
class stage_adapter final : public runtime_stage {
 public:
  static_assert(S::role != stage_role::transform || simple_map_transform<S> || packet_transform<S> ||
                    fan_in_transform<S>,
                "a transform needs process(frames_in, frames_out), process(const packet_ref&, "
                "emitter&) or process(std::size_t, const packet_ref&, emitter&)");

  static const std::vector<param_accessor<S>>& table() {
    static const std::vector<param_accessor<S>> t = param_accessors<S>();
    return t;
  }
  static const std::vector<param_info>& infos() {
    static const std::vector<param_info> i = [] {
      std::vector<param_info> out;
      for (const auto& a : table()) out.push_back(a.info);
      return out;
    }();
    return i;
  }
  static input_arity arity() noexcept {
    if constexpr (S::role == stage_role::source) return {0, 0};
    else if constexpr (requires { S::inputs; }) return {S::inputs, S::inputs};
    else return {1, 1};
  }

  stage_role role() const noexcept override { return S::role; }
  input_arity inputs() const noexcept override { return arity(); }
  std::span<const param_info> params() const noexcept override { return infos(); }

  status set_param(std::string_view name, const param_value& value) override {
    for (const auto& a : table())
      if (a.info.name == name) return a.set(stage_, value);
    return param_error(std::string(name), "unknown parameter '" + std::string(name) + "'");
  }
  param_value get_param(std::string_view name) const override {
    for (const auto& a : table())
      if (a.info.name == name) return a.get(stage_);
    return {};
  }

  status build(build_context& ctx) override {
    if constexpr (S::role == stage_role::transform && simple_map_transform<S>) {
      const stream_info& in = ctx.input(0);
      if (in.kind == packet_kind::raw_counts)
        return error{"needs a voltage stream but its input carries raw counts; put to_voltage before it", {}};
      ctx.output().kind = in.kind == packet_kind::derived ? packet_kind::derived : packet_kind::voltage;
    }
    if constexpr (requires { stage_.build(ctx); }) return stage_.build(ctx);
    return ok();
  }

  flow produce(emitter& out, source_context& ctx) override {
    if constexpr (S::role == stage_role::source) return stage_.produce(out, ctx);
    else return flow::stop;
  }

  flow process(std::size_t port, const packet_ref& in, emitter& out) override {
    if constexpr (S::role == stage_role::sink) {
      return stage_.process(in);
    } else if constexpr (S::role == stage_role::transform) {
      if constexpr (fan_in_transform<S>) {
        return stage_.process(port, in, out);
      } else if constexpr (packet_transform<S>) {
        return stage_.process(in, out);
      } else {
        packet_builder b = out.derive(*in, in->frames());
        const flow f = stage_.process(frames_in(*in), frames_out(b.values(), in->channels()));
        if (f == flow::ok) out.emit(std::move(b));
        return f;
      }
    } else {
      return flow::stop;
    }
  }

  void finish(emitter& out) override {
    if constexpr (requires { stage_.finish(out); }) stage_.finish(out);
    else if constexpr (requires { stage_.finish(); }) stage_.finish();
  }
  status prepare() override {
    static_assert(!(S::role == stage_role::source && requires { stage_.prepare(); }),
                  "prepare() is for transforms and sinks: a source does that work in build() or on_resume()");
    if constexpr (requires { stage_.prepare(); }) return stage_.prepare();
    else return ok();
  }
  void on_params_changed() override {
    if constexpr (requires { stage_.on_params_changed(); }) stage_.on_params_changed();
  }
  void on_pause() override {
    if constexpr (requires { stage_.on_pause(); }) stage_.on_pause();
  }
  void on_resume() override {
    if constexpr (requires { stage_.on_resume(); }) stage_.on_resume();
  }
  bool locked() const noexcept override {
    if constexpr (requires { stage_.locked(); }) return stage_.locked();
    else return false;
  }

  std::string last_error() const override {
    if constexpr (requires { stage_.last_error(); }) return std::string(stage_.last_error());
    else return {};
  }

  void report_status(status_writer& out) const override {
    if constexpr (requires { stage_.report_status(out); }) stage_.report_status(out);
  }

  S& stage() noexcept { return stage_; }

 private:
  S stage_;
};

}  // namespace eegd::core
