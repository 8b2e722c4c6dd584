#pragma once

#include "core/stage_registry.hpp"

namespace eegd::stages {

// Registers every stage type eegd ships. The one place to add a new stage.
void register_builtin_stages(core::stage_registry& registry);

}  // namespace eegd::stages
