#include "core/stage_registry.hpp"

#include <stdexcept>

namespace eegd::core {

void stage_registry::insert(stage_type t) {
  if (find(t.name)) throw std::logic_error("stage type '" + t.name + "' registered twice");
  types_.push_back(std::move(t));
}

const stage_type* stage_registry::find(std::string_view name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> stage_registry::names() const {
  std::vector<std::string> out;
  out.reserve(types_.size());
  for (const auto& t : types_) out.push_back(t.name);
  return out;
}

}  // namespace eegd::core
