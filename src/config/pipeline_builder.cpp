#include "config/pipeline_builder.hpp"

namespace eegd::config {
namespace {

// The position a core build error refers to.
position locate(const pipeline_doc& doc, const core::build_error& e) {
  if (!e.node || *e.node >= doc.stages.size()) return {doc.file, 0, 0};
  const stage_doc& s = doc.stages[*e.node];
  if (e.input && *e.input < s.input_at.size()) return s.input_at[*e.input];
  if (!e.param.empty())
    if (const param_entry* p = s.find_param(e.param)) return p->value_at;
  return s.type_at;
}

}  // namespace

build_outcome build_pipeline(const pipeline_doc& doc, const core::stage_registry& registry, core::build_env env) {
  build_outcome out;
  core::graph_spec spec;
  for (const auto& g : doc.groups) spec.groups.push_back({g.name, g.threads, g.cpus, g.priority});
  for (const auto& s : doc.stages) {
    const core::stage_type* type = registry.find(s.type);
    if (!type) {
      out.errors.push_back({s.type_at, "unknown stage type '" + s.type + "'", {}});
      continue;
    }
    core::node_spec node;
    node.name = s.name;
    node.type = s.type;
    node.stage = type->create();
    node.inputs = s.inputs;
    node.group = s.group;
    if (s.on_error) node.on_error = *s.on_error;
    if (s.queue.capacity) node.queue.capacity = *s.queue.capacity;
    if (s.queue.overflow) node.queue.overflow = *s.queue.overflow;
    if (s.queue.block_timeout_ms)
      node.queue.block_timeout_ns = static_cast<std::int64_t>(*s.queue.block_timeout_ms * 1e6);
    for (const auto& p : s.params) {
      if (status st = node.stage->set_param(p.name, p.value); !st)
        out.errors.push_back({p.value_at, "'" + p.name + "' of '" + s.name + "': " + st.err().message, p.name});
    }
    spec.nodes.push_back(std::move(node));
  }
  if (!out.errors.empty()) return out;

  env.base_dir = doc.base_dir;
  core::build_result built = core::build_graph(std::move(spec), env);
  for (const auto& e : built.errors) {
    std::string message = e.message;
    if (e.from_stage && e.node && *e.node < doc.stages.size())
      message = "stage '" + doc.stages[*e.node].name + "': " + message;
    out.errors.push_back({locate(doc, e), message, e.param});
  }
  if (out.errors.empty()) out.graph = std::move(built.graph);
  return out;
}

}  // namespace eegd::config
