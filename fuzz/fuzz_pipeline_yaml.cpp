// Feeds arbitrary bytes to the pipeline YAML reader and, when it accepts them,
// to a validation-only build. Any crash, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/pipeline_builder.hpp"
#include "config/yaml_reader.hpp"
#include "stages/builtin_stages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const eegd::core::stage_registry registry = [] {
    eegd::core::stage_registry r;
    eegd::stages::register_builtin_stages(r);
    return r;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto read = eegd::config::read_pipeline_yaml(text, "<fuzz>", "/nonexistent", registry);
  if (!read.doc) return 0;
  eegd::core::sensor_store sensors;
  eegd::core::build_env env;
  env.sensors = &sensors;
  env.dry_run = true;  // validate only: open no files
  (void)eegd::config::build_pipeline(*read.doc, registry, env);
  return 0;
}
