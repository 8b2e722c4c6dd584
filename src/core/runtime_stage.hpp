#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "eegd/stage.hpp"

namespace eegd::core {

struct input_arity {
  std::size_t min = 1;
  std::size_t max = 1;
};

// The executor's view of a stage: one virtual interface over every stage type,
// generated from the stage's declaration by stage_adapter<S>.
class runtime_stage {
 public:
  virtual ~runtime_stage() = default;

  virtual stage_role role() const noexcept = 0;
  virtual input_arity inputs() const noexcept = 0;
  virtual std::span<const param_info> params() const noexcept = 0;
  virtual status set_param(std::string_view name, const param_value& value) = 0;
  virtual param_value get_param(std::string_view name) const = 0;

  virtual status build(build_context& ctx) = 0;
  virtual status prepare() = 0;
  virtual flow produce(emitter& out, source_context& ctx) = 0;
  virtual flow process(std::size_t port, const packet_ref& in, emitter& out) = 0;
  virtual void finish(emitter& out) = 0;
  virtual void on_params_changed() = 0;
  virtual void on_pause() = 0;
  virtual void on_resume() = 0;
  virtual bool locked() const noexcept = 0;
  virtual std::string last_error() const = 0;
  virtual void report_status(status_writer& out) const = 0;
};

}  // namespace eegd::core
