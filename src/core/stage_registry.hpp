#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/stage_adapter.hpp"

namespace eegd::core {

// One registered stage type: what `eegd stages`, the docs and validation show.
struct stage_type {
  std::string name;
  std::string summary;
  stage_role role = stage_role::transform;
  input_arity inputs;
  std::vector<param_info> params;
  std::vector<param_value> defaults;  // one per param: the value of a fresh instance
  std::function<std::unique_ptr<runtime_stage>()> create;
};

// The stage types a pipeline may use. Filled from one explicit list
// (stages/builtin_stages.cpp); no static registration magic.
class stage_registry {
 public:
  // Throws std::logic_error on a duplicate name: two stage types with one name
  // is a programming error that must not survive start-up.
  template <class S>
  void add(std::string name, std::string summary) {
    stage_type t;
    t.name = std::move(name);
    t.summary = std::move(summary);
    t.role = S::role;
    t.inputs = stage_adapter<S>::arity();
    t.params = stage_adapter<S>::infos();
    stage_adapter<S> fresh;
    for (const auto& p : t.params) t.defaults.push_back(fresh.get_param(p.name));
    t.create = [] { return std::make_unique<stage_adapter<S>>(); };
    insert(std::move(t));
  }

  const stage_type* find(std::string_view name) const;
  std::vector<std::string> names() const;
  const std::vector<stage_type>& types() const { return types_; }

 private:
  void insert(stage_type t);
  std::vector<stage_type> types_;
};

}  // namespace eegd::core
