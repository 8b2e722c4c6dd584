// Applies arbitrary JSON (as a JSON Patch, the body of PATCH /api/pipeline) to
// the merged view of the default pipeline, reads the result back, compares it
// with the original and dry-builds it: the path every control-plane change
// takes. Any crash, leak or sanitizer report is a bug; rejected input is fine.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "config/pipeline_builder.hpp"
#include "config/pipeline_view.hpp"
#include "config/yaml_reader.hpp"
#include "config/yaml_writer.hpp"
#include "stages/builtin_stages.hpp"

namespace {

const eegd::core::stage_registry& registry() {
  static const eegd::core::stage_registry r = [] {
    eegd::core::stage_registry reg;
    eegd::stages::register_builtin_stages(reg);
    return reg;
  }();
  return r;
}

const eegd::config::pipeline_doc& base() {
  static const eegd::config::pipeline_doc doc = [] {
    auto read = eegd::config::read_pipeline_file(EEGD_SOURCE_DIR "/configs/pipelines/default.yaml", registry());
    if (!read.doc) std::abort();
    return *read.doc;
  }();
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json ops = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (ops.is_discarded()) return 0;
  nlohmann::json patched;
  try {
    patched = eegd::config::to_view(base(), registry()).patch(ops);
  } catch (const nlohmann::json::exception&) {
    return 0;  // an invalid patch is answered with 400 before anything else
  }
  auto read = eegd::config::from_view(patched, registry(), "<patch>", "/nonexistent");
  if (!read.doc) return 0;
  (void)eegd::config::compare(base(), *read.doc, registry());
  // What the daemon saves must read back.
  (void)eegd::config::read_pipeline_yaml(eegd::config::to_yaml(*read.doc), "<saved>", "/nonexistent", registry());
  eegd::core::sensor_store sensors;
  eegd::core::build_env env;
  env.sensors = &sensors;
  env.dry_run = true;
  (void)eegd::config::build_pipeline(*read.doc, registry(), env);
  return 0;
}
