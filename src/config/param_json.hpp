#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/stage_registry.hpp"
#include "eegd/params.hpp"

namespace eegd::config {

nlohmann::json param_to_json(const param_value& v);

// JSON -> parameter value of the declared type; nullopt with `why` set when the
// JSON has the wrong shape. Ranges are checked by the stage when it takes it.
std::optional<param_value> param_from_json(const nlohmann::json& j, const param_info& p, std::string& why);

// The metadata of one parameter, as `eegd stages --json` and the REST API show it.
nlohmann::json param_info_to_json(const param_info& p, const param_value& default_value);

// Every stage type with its role, inputs and parameters: `eegd stages --json`
// and GET /api/stages.
nlohmann::json registry_to_json(const core::stage_registry& registry);

}  // namespace eegd::config
