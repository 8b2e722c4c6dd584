#pragma once

#include <string>

#include "config/pipeline_doc.hpp"

namespace eegd::config {

// The document as pipeline YAML that reads back to the same document: what was
// written (and what was changed live) is kept, defaults stay implicit. With
// `with_base_dir`, a top-level `base_dir:` records where relative paths resolve,
// for a copy saved away from the original file (the daemon's state dir).
std::string to_yaml(const pipeline_doc& doc, bool with_base_dir = false);

}  // namespace eegd::config
