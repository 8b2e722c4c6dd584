#include <iostream>

#include "cli/commands.hpp"
#include "cli/pipeline_loader.hpp"
#include "stages/builtin_stages.hpp"

namespace eegd::cli {

int check_command(const std::string& pipeline) {
  core::stage_registry registry;
  stages::register_builtin_stages(registry);
  auto doc = read_or_report(pipeline, registry, std::cerr);
  if (!doc) return exit_bad_config;
  core::sensor_store sensors;
  core::build_env env;
  env.sensors = &sensors;
  env.dry_run = true;
  auto built = config::build_pipeline(*doc, registry, env);
  if (!built.graph) {
    report(built.errors, std::cerr);
    return exit_bad_config;
  }
  std::cout << pipeline << ": ok, " << built.graph->nodes.size() << " stages\n";
  return exit_ok;
}

}  // namespace eegd::cli
