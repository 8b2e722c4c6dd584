#include "cli/pipeline_loader.hpp"

namespace eegd::cli {

void report(const config::config_errors& errors, std::ostream& err) {
  for (const auto& e : errors) err << e.to_string() << "\n";
}

std::optional<config::pipeline_doc> read_or_report(const std::string& path, const core::stage_registry& registry,
                                                   std::ostream& err) {
  auto read = config::read_pipeline_file(path, registry);
  report(read.errors, err);
  return std::move(read.doc);
}

void make_sources_fast(config::pipeline_doc& doc, const core::stage_registry& registry) {
  for (auto& s : doc.stages) {
    const core::stage_type* type = registry.find(s.type);
    for (const auto& p : type->params)
      if (p.name == "realtime" && p.type == param_type::boolean) s.set_param("realtime", false);
  }
}

}  // namespace eegd::cli
