#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "config/pipeline_builder.hpp"
#include "config/yaml_reader.hpp"

namespace eegd::cli {

// Reads a pipeline file, printing every error to `err` as file:line:col: message.
std::optional<config::pipeline_doc> read_or_report(const std::string& path, const core::stage_registry& registry,
                                                   std::ostream& err);

void report(const config::config_errors& errors, std::ostream& err);

// Sets realtime=false on every stage that has that parameter (eegd run --fast).
void make_sources_fast(config::pipeline_doc& doc, const core::stage_registry& registry);

}  // namespace eegd::cli
