#pragma once

#include <string>

#include "daemon/broker.hpp"
#include "daemon/pipeline_host.hpp"

namespace eegd::daemon {

// The Prometheus text exposition of everything the daemon counts (GET /metrics).
// Metric names are listed in docs/api.md.
std::string render_metrics(const pipeline_host& host, const broker& brk, const std::string& version,
                           double uptime_seconds);

}  // namespace eegd::daemon
